import fc from 'fast-check';
import { diffDatabases } from '../../src/fingerprint';
import { describeMysql } from '../support/databases';
import { DatabasePair, type TestEngine } from './support';

interface Edit {
  kind: 'update' | 'delete' | 'insert';
  key: number;
}

const ROWS = 400;

/** Random edits of the target on keys spread over [0, 2 * ROWS) (even keys exist, odd keys are new). */
const edits = fc.uniqueArray(
  fc.record({ kind: fc.constantFrom<Edit['kind']>('update', 'delete', 'insert'), key: fc.integer({ min: 0, max: ROWS - 1 }) }),
  { maxLength: 12, selector: (e) => e.key },
);

function propertySuite(engine: TestEngine, describeFn: jest.Describe): void {
  describeFn(`bisection on ${engine} finds exactly the edited keys`, () => {
    let pair: DatabasePair;

    beforeAll(async () => {
      pair = await DatabasePair.create(engine, `diff_prop_${engine}`);
      // prop: composite text key (quantile splits); propint: integer key 2i (dense: arithmetic splits).
      await pair.seedBoth('CREATE TABLE prop (g INT, k VARCHAR(20), v INT, PRIMARY KEY (g, k)); CREATE TABLE propint (id BIGINT PRIMARY KEY, v INT);');
    });

    afterAll(async () => {
      await pair.drop();
    });

    it('for random edits, factors and leaf sizes', async () => {
      const seed = Array.from({ length: ROWS }, (_, i) => `(${i % 5}, 'k${2 * i}', ${i})`).join(', ');
      const seedInt = Array.from({ length: ROWS }, (_, i) => `(${2 * i}, ${i})`).join(', ');
      await fc.assert(
        fc.asyncProperty(edits, fc.integer({ min: 2, max: 40 }), fc.integer({ min: 1, max: 50 }), fc.boolean(), async (changes, factor, keyRangeRows, integerKey) => {
          const table = integerKey ? 'propint' : 'prop';
          await pair.seedBoth(integerKey ? `DELETE FROM propint; INSERT INTO propint VALUES ${seedInt};` : `DELETE FROM prop; INSERT INTO prop VALUES ${seed};`);
          const statements = changes.map((e) => {
            const where = integerKey ? `id = ${2 * e.key}` : `g = ${e.key % 5} AND k = 'k${2 * e.key}'`;
            if (e.kind === 'update') return `UPDATE ${table} SET v = -1 WHERE ${where};`;
            if (e.kind === 'delete') return `DELETE FROM ${table} WHERE ${where};`;
            return integerKey ? `INSERT INTO propint VALUES (${2 * e.key + 1}, 0);` : `INSERT INTO prop VALUES (${e.key % 5}, 'k${2 * e.key + 1}', 0);`;
          });
          if (statements.length > 0) await pair.onTarget(statements.join(' '));
          const { source, target } = await pair.open();
          const report = await diffDatabases(source, target, { tables: [table], factor, keyRangeRows, maxKeys: 1000 });
          await pair.close();
          const expected = changes
            .map((e) => {
              const label = { update: 'changed', delete: 'missing-in-target', insert: 'extra-in-target' }[e.kind];
              const key = e.kind === 'insert' ? 2 * e.key + 1 : 2 * e.key;
              return integerKey ? `${label} ${key}` : `${label} ${e.key % 5}|k${key}`;
            })
            .sort();
          const found = (report.tables[0].localization?.keys ?? []).map((k) => `${k.kind} ${Object.values(k.key).join('|')}`).sort();
          expect(found).toEqual(expected);
          expect(report.tables[0].status).toBe(changes.length === 0 ? 'identical' : 'different');
        }),
        { numRuns: 30 },
      );
    });
  });
}

propertySuite('postgres', describe);
propertySuite('mysql', describeMysql);
