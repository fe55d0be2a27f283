import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where a command writes; tests pass collectors, the CLI passes the process streams. */
export interface CommandOutput {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: CommandOutput = {
  out: (text) => {
    process.stdout.write(text);
  },
  err: (text) => {
    process.stderr.write(text);
  },
};

/**
 * Writes `data` to `file` so that readers see the old file or the whole new one, never a part: the bytes go to a
 * temporary file in the same folder (the same filesystem), which is then renamed over `file`. Missing parent
 * folders are created. On failure the temporary file is removed and the error rethrown.
 */
export function writeFileAtomically(file: string, data: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temporary = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(temporary, data);
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}
