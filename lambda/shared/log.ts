/**
 * Structured JSON logs for the Lambda handlers: one object per line, so CloudWatch Logs Insights can filter on fields.
 * Values under keys that look like credentials are replaced before anything is written.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

const SECRET_KEY = /pass(word)?|secret|token|credential|authorization|private.?key/i;
export const REDACTED = '[redacted]';

/** Copies `value`, replacing every value whose key looks like a credential. Errors become `{ name, message }`. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[too deep]';
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code !== undefined ? { code } : {}) };
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = SECRET_KEY.test(key) ? REDACTED : redact(item, depth + 1);
    }
    return out;
  }
  return value;
}

/**
 * A logger writing one JSON object per line: `{ time, level, component, event, ...fields }`.
 * @param component the handler name, e.g. `backup-age-probe`
 * @param write where lines go; defaults to stdout, which Lambda ships to the function's log group
 * @param now the clock, injectable for deterministic tests
 */
export function createLogger(
  component: string,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  now: () => Date = () => new Date(),
): Logger {
  const log = (level: LogLevel) => (event: string, fields: Record<string, unknown> = {}) => {
    const safe = redact(fields) as Record<string, unknown>;
    write(JSON.stringify({ time: now().toISOString(), level, component, event, ...safe }));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
