import { randomBytes } from 'node:crypto';

/**
 * Characters RDS accepts in a master password for every engine: printable ASCII minus `/`, `"`, `@` and space. Only
 * letters and digits are used so the password is also safe in connection strings and logs that quote it by mistake.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 32 characters of a 62-symbol alphabet: ~190 bits. Fits every engine's limit (MySQL family: 41). */
export const PASSWORD_LENGTH = 32;

/** A fresh random master password from the OS CSPRNG (rejection sampling, so every symbol is equally likely). */
export function generateMasterPassword(length = PASSWORD_LENGTH): string {
  const limit = 256 - (256 % ALPHABET.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit) out += ALPHABET[byte % ALPHABET.length];
      if (out.length === length) break;
    }
  }
  return out;
}
