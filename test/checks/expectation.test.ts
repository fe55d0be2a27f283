import { jsonSafe, normaliseExpectation, valueMatches } from '../../src/checks/expectation';

describe('comparing an assertion result with its expectation', () => {
  it.each<[unknown, string | number | boolean | null, boolean]>([
    // PostgreSQL numeric/bigint text and MySQL DECIMAL strings compare as numbers
    ['42', 42, true],
    ['42.50', 42.5, true],
    ['42', 43, false],
    ['abc', 0, false],
    ['', 0, false],
    [42, 42, true],
    [BigInt(42), 42, true],
    [42, '42', true],
    [42, '42.0', true],
    [42, 'forty-two', false],
    // booleans: real booleans, and MySQL's 1/0, but never text
    [true, true, true],
    [false, true, false],
    [1, true, true],
    [0, false, true],
    [2, true, false],
    ['1', true, false],
    ['true', true, false],
    [true, 'true', true],
    // null
    [null, null, true],
    [0, null, false],
    ['', null, false],
    [null, 0, false],
    [null, '', false],
    // strings
    ['a', 'a', true],
    ['a', 'A', false],
    // times: an ISO instant, or a naive date-time read as UTC
    [new Date('2026-06-01T12:00:00Z'), '2026-06-01T12:00:00.000Z', true],
    [new Date('2026-06-01T12:00:00Z'), '2026-06-01T14:00:00+02:00', true],
    [new Date('2026-06-01T12:00:00Z'), '2026-06-01 12:00:00', true],
    [new Date('2026-06-01T12:00:00Z'), '2026-06-01 12:00:01', false],
    [new Date('2026-06-01T12:00:00Z'), 'yesterday', false],
  ])('%p against %p -> %p', (observed, expected, matches) => {
    expect(valueMatches(observed, expected)).toBe(matches);
  });

  it.each([
    [3, { kind: 'value', value: 3 }],
    [null, { kind: 'value', value: null }],
    [{ type: 'value', value: 'x' }, { kind: 'value', value: 'x' }],
    [{ type: 'noRows' }, { kind: 'noRows' }],
    [{ type: 'someRows' }, { kind: 'someRows' }],
  ])('accepts the expectation %j', (expect_, normalised) => {
    expect(normaliseExpectation(expect_)).toEqual(normalised);
  });

  it.each([[undefined], [Number.NaN], [{ type: 'value' }], [{ type: 'value', value: [1] }], [{ type: 'rows' }], [[1]]])(
    'rejects the expectation %p',
    (expect_) => {
      expect(normaliseExpectation(expect_)).toHaveProperty('problem');
    },
  );

  it('makes driver values JSON-safe for reports', () => {
    expect(jsonSafe(new Date('2026-06-01T12:00:00Z'))).toBe('2026-06-01T12:00:00.000Z');
    expect(jsonSafe(BigInt(7))).toBe(7);
    expect(jsonSafe(BigInt('123456789012345678901'))).toBe('123456789012345678901');
    expect(jsonSafe(Buffer.from([0xde, 0xad]))).toBe('\\xdead');
    expect(jsonSafe(undefined)).toBeNull();
  });
});
