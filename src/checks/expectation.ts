/**
 * Comparing what a user SQL assertion returned with what it expected. Drivers disagree on representations
 * (PostgreSQL's bigint and numeric arrive as strings, MySQL has no boolean type and answers 1/0, timestamps arrive as
 * Date objects), while a JSON spec can only hold strings, numbers, booleans and null; these rules bridge the two
 * without letting unrelated values pass (`'1'` never equals `true`, `'abc'` never equals `0`).
 */

/** The normalised form of an expectation. */
export type NormalisedExpectation =
  | { kind: 'value'; value: string | number | boolean | null }
  | { kind: 'noRows' }
  | { kind: 'someRows' };

const NUMERIC_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Validates an expectation (a `SqlExpectation` from possibly unchecked JSON); returns the normalised form or a problem. */
export function normaliseExpectation(expect: unknown): NormalisedExpectation | { problem: string } {
  if (expect === null || typeof expect === 'string' || typeof expect === 'boolean') return { kind: 'value', value: expect };
  if (typeof expect === 'number') {
    return Number.isFinite(expect) ? { kind: 'value', value: expect } : { problem: 'expect must be a finite number' };
  }
  if (typeof expect === 'object') {
    const shape = expect as { type?: unknown; value?: unknown };
    if (shape.type === 'noRows') return { kind: 'noRows' };
    if (shape.type === 'someRows') return { kind: 'someRows' };
    if (shape.type === 'value' && 'value' in shape) {
      const inner = normaliseExpectation(shape.value);
      if ('problem' in inner || inner.kind !== 'value') return { problem: 'expect.value must be a string, number, boolean or null' };
      return inner;
    }
  }
  return {
    problem:
      'expect must be a string, number, boolean or null (compared with the first column of the first row), ' +
      "or { type: 'value', value }, { type: 'noRows' } or { type: 'someRows' }",
  };
}

/** A driver value in a JSON-safe form, for reports: Dates as ISO 8601, bigints as numbers when exact, bytes as hex. */
export function jsonSafe(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (typeof value === 'object' && Object.prototype.toString.call(value) === '[object Date]') {
    return (value as Date).toISOString();
  }
  return value;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && NUMERIC_TEXT.test(value.trim())) return Number(value);
  return undefined;
}

const NAIVE_DATE_TIME = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d(?::\d\d(?:\.\d+)?)?)$/;

/** Milliseconds since the epoch of an ISO-like text; a date-time without zone is UTC, like naive columns. */
function parseInstant(text: string): number | undefined {
  const naive = NAIVE_DATE_TIME.exec(text.trim());
  const parsed = naive ? Date.parse(`${naive[1]}T${naive[2]}Z`) : Date.parse(text);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function isDate(value: unknown): value is Date {
  return value instanceof Date || Object.prototype.toString.call(value) === '[object Date]';
}

/** True when `observed` (as a driver returned it) equals the expected JSON value. */
export function valueMatches(observed: unknown, expected: string | number | boolean | null): boolean {
  if (expected === null) return observed === null || observed === undefined;
  if (observed === null || observed === undefined) return false;
  if (typeof expected === 'boolean') {
    if (typeof observed === 'boolean') return observed === expected;
    // MySQL answers boolean expressions with 1 / 0 (TINYINT, or BIGINT as a number).
    const number = typeof observed === 'number' || typeof observed === 'bigint' ? Number(observed) : undefined;
    return number === (expected ? 1 : 0);
  }
  if (typeof expected === 'number') {
    const number = asNumber(observed);
    return number !== undefined && number === expected;
  }
  if (isDate(observed)) {
    if (observed.toISOString() === expected) return true;
    const parsed = parseInstant(expected);
    return parsed !== undefined && parsed === observed.getTime();
  }
  if (typeof observed === 'string') return observed === expected;
  if (typeof observed === 'number' || typeof observed === 'bigint') {
    const number = asNumber(expected);
    return number !== undefined && number === Number(observed);
  }
  if (typeof observed === 'boolean') return String(observed) === expected;
  return false;
}

/** The expectation in words, for messages. */
export function describeExpectation(expectation: NormalisedExpectation): string {
  switch (expectation.kind) {
    case 'noRows':
      return 'no rows';
    case 'someRows':
      return 'at least one row';
    default:
      return JSON.stringify(expectation.value);
  }
}
