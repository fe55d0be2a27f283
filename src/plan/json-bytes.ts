/**
 * The UTF-8 length of `JSON.stringify(value)`, counted without building the string. The planner sizes every
 * function's configuration this way (src/plan/names.ts): a plan of 10,000 stores sizes tens of thousands of
 * configurations, and each one only has to be counted, never kept.
 */

/** Printable ASCII other than `"` and `\`: JSON writes these characters as they are, one byte each. */
const PLAIN_JSON_TEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** Bytes of a string as JSON: quotes plus its characters, or, with escapes or non-ASCII, exactly what JSON writes. */
export function jsonStringBytes(text: string): number {
  return PLAIN_JSON_TEXT.test(text) ? text.length + 2 : Buffer.byteLength(JSON.stringify(text));
}

/**
 * Bytes of `JSON.stringify(value)` for JSON data: plain objects, arrays, strings, numbers, booleans and null, with
 * `undefined` (and functions) left out of objects and written as null in arrays, as JSON.stringify does. A top-level
 * `undefined` counts 0 (JSON.stringify returns no string at all).
 */
export function jsonBytes(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return jsonStringBytes(value);
    case 'number':
      return Number.isFinite(value) ? String(value).length : 4; // non-finite numbers are written null
    case 'boolean':
      return value ? 4 : 5;
    case 'object':
      if (value === null) return 4;
      return Array.isArray(value) ? arrayBytes(value) : objectBytes(value as Record<string, unknown>);
    default:
      return 0; // undefined, functions and symbols are not written
  }
}

function arrayBytes(items: readonly unknown[]): number {
  let bytes = items.length > 1 ? items.length + 1 : 2; // brackets and commas
  for (const item of items) bytes += written(item) ? jsonBytes(item) : 4;
  return bytes;
}

function objectBytes(object: Record<string, unknown>): number {
  let bytes = 2; // braces
  let fields = 0;
  // for-in with an own-property test rather than Object.keys: no array of keys per object.
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    const item = object[key];
    if (!written(item)) continue;
    bytes += jsonStringBytes(key) + 1 + jsonBytes(item); // "key":value
    fields += 1;
  }
  return fields > 1 ? bytes + fields - 1 : bytes;
}

/** Whether JSON.stringify writes a value in an object (it leaves undefined, functions and symbols out). */
function written(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}
