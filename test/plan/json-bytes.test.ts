import fc from 'fast-check';
import { jsonBytes, jsonStringBytes } from '../../src/plan/json-bytes';

const written = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? '');

describe('jsonBytes: the UTF-8 length of JSON.stringify without building it', () => {
  it.each([
    ['plain ASCII', 'shop-orders-1'],
    ['quotes and backslashes', 'say "hi" \\ bye'],
    ['control characters', 'tab\there\nnewline\u0001'],
    ['non-ASCII', 'café ☕ 𝄞'],
    ['a lone surrogate', 'x\ud800y'],
    ['empty', ''],
  ])('strings: %s', (_name, text) => {
    expect(jsonStringBytes(text)).toBe(written(text));
  });

  it.each([
    ['numbers', [0, -0, 1.5, -12, 1e21, 5e-7, Number.MAX_SAFE_INTEGER, NaN, Infinity]],
    ['booleans and null', [true, false, null]],
    ['undefined in arrays and objects', [undefined, { a: undefined, b: 1 }, { a: undefined }, [undefined]]],
    ['empty containers', [[], {}, [[]], { a: {} }]],
    ['a verification configuration', { storeId: 'orders', checks: [{ type: 'sql', sql: "select 1 where name = 'x'", expect: { type: 'noRows' } }], port: 5432 }],
  ])('%s', (_name, value) => {
    expect(jsonBytes(value)).toBe(written(value));
  });

  it('any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => jsonBytes(value) === written(value)));
    fc.assert(fc.property(fc.anything({ withNullPrototype: false, withMap: false, withSet: false, withBigInt: false, withDate: false, withTypedArray: false, withSparseArray: false, withBoxedValues: false }), (value) => jsonBytes(value) === written(value)));
  });
});
