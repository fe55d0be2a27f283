import fc from 'fast-check';
import {
  InvalidIdentifierError,
  parseIdentifier,
  parseTableName,
  quoteIdentifier,
  quoteTableName,
} from '../../src/checks/identifiers';

describe('SQL identifiers from a spec', () => {
  it.each([
    ['orders', { name: 'orders' }],
    ['app.orders', { schema: 'app', name: 'orders' }],
    ['_tmp$1', { name: '_tmp$1' }],
    ['Mixed.Case', { schema: 'Mixed', name: 'Case' }],
  ])('parses %s', (text, expected) => {
    expect(parseTableName(text)).toEqual(expected);
  });

  it.each([
    ['orders; DROP TABLE x', /not a plain SQL identifier/],
    ['orders"', /not a plain SQL identifier/],
    ['orders`', /not a plain SQL identifier/],
    ["orders'", /not a plain SQL identifier/],
    ['1orders', /not a plain SQL identifier/],
    ['$orders', /not a plain SQL identifier/],
    ['or ders', /not a plain SQL identifier/],
    ['ordérs', /not a plain SQL identifier/],
    ['', /not a plain SQL identifier/],
    ['.orders', /not a plain SQL identifier/],
    ['app.', /not a plain SQL identifier/],
    ['a.b.c', /more than two parts/],
    ['x'.repeat(64), /at most 63 characters/],
  ])('rejects %j', (text, reason) => {
    expect(() => parseTableName(text)).toThrow(InvalidIdentifierError);
    expect(() => parseTableName(text)).toThrow(reason);
  });

  it('rejects names that are not strings', () => {
    expect(() => parseTableName(42)).toThrow(InvalidIdentifierError);
    expect(() => parseIdentifier({ toString: () => 'x' }, 'column')).toThrow(/^column /);
  });

  it('quotes for each dialect, schema-qualified when there is a schema', () => {
    expect(quoteTableName('postgres', { schema: 'app', name: 'Orders' })).toBe('"app"."Orders"');
    expect(quoteTableName('mysql', { schema: 'app', name: 'Orders' })).toBe('`app`.`Orders`');
    expect(quoteTableName('postgres', { name: 'orders' })).toBe('"orders"');
  });

  it('never lets an accepted name close its quotes, and accepts only names made of plain characters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        let accepted: string | undefined;
        try {
          accepted = parseIdentifier(text);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidIdentifierError);
        }
        if (accepted !== undefined) {
          expect(accepted).toMatch(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/);
          for (const dialect of ['postgres', 'mysql'] as const) {
            const quoted = quoteIdentifier(dialect, accepted);
            expect(quoted.slice(1, -1)).toBe(accepted);
            expect(quoted.slice(1, -1)).not.toMatch(/["`'\s;\\-]/);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
