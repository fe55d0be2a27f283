import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { compareFingerprints, diffDatabases, fingerprintTable, withSnapshot, type DiffOptions, type TableDiff } from '../../src/fingerprint';
import { DatabasePair } from './support';

let pair: DatabasePair;

beforeAll(async () => {
  pair = await DatabasePair.create('postgres', 'diff_pg');
});

afterAll(async () => {
  await pair.drop();
});

afterEach(async () => {
  await pair.close();
});

async function diffTable(table: string, options: DiffOptions = {}): Promise<TableDiff> {
  const { source, target } = await pair.open();
  const report = await diffDatabases(source, target, { ...options, tables: [table] });
  expect(report.tables).toHaveLength(1);
  return report.tables[0];
}

function keysOf(diff: TableDiff): string[] {
  return (diff.localization?.keys ?? []).map((k) => `${k.kind} ${Object.values(k.key).join('|')}`);
}

describe('diff on PostgreSQL', () => {
  it('reports identical tables as identical, each column hashed as its type requires', async () => {
    await pair.seedBoth(`
      CREATE TABLE same (id bigint PRIMARY KEY, name text, price numeric(10,2), doc json, spot point, tags text[], at timestamptz);
      INSERT INTO same SELECT g, 'item ' || g, g * 1.25, json_build_object('g', g), point(g, g), ARRAY['a', NULL], '2024-01-01'::timestamptz + g * interval '1 min'
        FROM generate_series(1, 3000) g;
      INSERT INTO same VALUES (3001, NULL, NULL, NULL, NULL, NULL, NULL);`);
    const diff = await diffTable('same');
    expect(diff).toMatchObject({ status: 'identical', sourceRows: 3001, targetRows: 3001, rowsIdentical: true });
    expect(diff.localization).toBeUndefined();
    const hashedAs = Object.fromEntries(diff.fingerprints!.source.columns.map((c) => [c.name, c.hashedAs]));
    expect(hashedAs).toEqual({ at: 'native', doc: 'text', id: 'native', name: 'bytes', price: 'native', spot: 'text', tags: 'array-bytes' });
  });

  it('names the one changed row', async () => {
    await pair.seedBoth(`CREATE TABLE changed (id bigint PRIMARY KEY, name text); INSERT INTO changed SELECT g, 'n' || g FROM generate_series(1, 5000) g;`);
    await pair.onTarget(`UPDATE changed SET name = 'other' WHERE id = 4321`);
    const diff = await diffTable('changed');
    expect(diff.status).toBe('different');
    expect(diff.rowsIdentical).toBe(false);
    expect(diff.localization).toMatchObject({ status: 'complete', ranges: [] });
    expect(keysOf(diff)).toEqual(['changed 4321']);
  });

  it('names a missing row and an extra row', async () => {
    await pair.seedBoth(`CREATE TABLE missing (id integer PRIMARY KEY, v integer); INSERT INTO missing SELECT g, g FROM generate_series(1, 2000) g;`);
    await pair.onTarget(`DELETE FROM missing WHERE id = 17; INSERT INTO missing VALUES (999999, 1);`);
    const diff = await diffTable('missing');
    expect(diff).toMatchObject({ sourceRows: 2000, targetRows: 2000 });
    expect(keysOf(diff)).toEqual(['missing-in-target 17', 'extra-in-target 999999']);
  });

  it('distinguishes NULL from the empty string and from the string NULL', async () => {
    await pair.seedBoth(`CREATE TABLE nulls (id integer PRIMARY KEY, a text, b text);
      INSERT INTO nulls VALUES (1, NULL, 'x'), (2, '', 'x'), (3, 'NULL', 'x'), (4, NULL, NULL);`);
    await pair.onTarget(`UPDATE nulls SET a = '' WHERE id = 1; UPDATE nulls SET a = NULL WHERE id = 2; UPDATE nulls SET a = NULL WHERE id = 3;
      UPDATE nulls SET b = '' WHERE id = 4;`);
    const diff = await diffTable('nulls');
    expect(keysOf(diff)).toEqual(['changed 1', 'changed 2', 'changed 3', 'changed 4']);
  });

  it('does not let duplicated rows cancel out in a table without a primary key', async () => {
    // XOR alone: {A, A} and {B, B} both fold to 0 with the same count; the sum tells them apart.
    await pair.onSource(`CREATE TABLE dupes (x integer, y text); INSERT INTO dupes VALUES (1, 'a'), (1, 'a');`);
    await pair.onTarget(`CREATE TABLE dupes (x integer, y text); INSERT INTO dupes VALUES (2, 'b'), (2, 'b');`);
    const diff = await diffTable('dupes');
    expect(diff).toMatchObject({ status: 'different', sourceRows: 2, targetRows: 2, rowsIdentical: false });
    expect(diff.fingerprints!.source.xor).toBe('0000000000000000');
    expect(diff.fingerprints!.target.xor).toBe('0000000000000000');
    expect(diff.localization).toBeUndefined();
    expect(diff.notes.join(' ')).toMatch(/no primary key: compared by row count and fingerprint only/);
  });

  it('compares a table without a primary key by count and fingerprint', async () => {
    await pair.seedBoth(`CREATE TABLE nopk (x integer, y text); INSERT INTO nopk VALUES (1, 'a'), (1, 'a'), (2, NULL);`);
    expect(await diffTable('nopk')).toMatchObject({ status: 'identical', sourceRows: 3, targetRows: 3 });
    await pair.onTarget(`DELETE FROM nopk WHERE ctid IN (SELECT ctid FROM nopk WHERE x = 1 LIMIT 1)`);
    const diff = await diffTable('nopk');
    expect(diff).toMatchObject({ status: 'different', sourceRows: 3, targetRows: 2 });
    expect(diff.notes.join(' ')).toMatch(/no primary key/);
  });

  it('reports an added column as a schema difference and still compares the common columns', async () => {
    await pair.seedBoth(`CREATE TABLE widened (id integer PRIMARY KEY, v text); INSERT INTO widened SELECT g, 'v' || g FROM generate_series(1, 100) g;`);
    await pair.onTarget(`ALTER TABLE widened ADD COLUMN extra integer DEFAULT 7`);
    const diff = await diffTable('widened');
    expect(diff.status).toBe('different');
    expect(diff.schema).toEqual({ onlyInSource: [], onlyInTarget: ['extra'], typeChanges: [] });
    expect(diff.rowsIdentical).toBe(true);
    expect(diff.comparedColumns).toEqual(['id', 'v']);
  });

  it('compares values of a column whose type changed by their text form', async () => {
    await pair.onSource(`CREATE TABLE retyped (id integer PRIMARY KEY, n integer); INSERT INTO retyped SELECT g, g * 3 FROM generate_series(1, 50) g;`);
    await pair.onTarget(`CREATE TABLE retyped (id integer PRIMARY KEY, n bigint); INSERT INTO retyped SELECT g, g * 3 FROM generate_series(1, 50) g;`);
    const diff = await diffTable('retyped');
    expect(diff.schema!.typeChanges).toEqual([{ column: 'n', source: 'integer', target: 'bigint' }]);
    expect(diff.rowsIdentical).toBe(true);
  });

  it('ignores column order', async () => {
    await pair.onSource(`CREATE TABLE ordered (id integer PRIMARY KEY, a text, b integer); INSERT INTO ordered VALUES (1, 'x', 2), (2, NULL, 3);`);
    await pair.onTarget(`CREATE TABLE ordered (b integer, a text, id integer PRIMARY KEY); INSERT INTO ordered VALUES (2, 'x', 1), (3, NULL, 2);`);
    expect(await diffTable('ordered')).toMatchObject({ status: 'identical' });
  });

  it('reports tables missing on either side', async () => {
    await pair.onSource(`CREATE TABLE only_source (id integer PRIMARY KEY); INSERT INTO only_source VALUES (1), (2);`);
    await pair.onTarget(`CREATE TABLE only_target (id integer PRIMARY KEY); INSERT INTO only_target VALUES (1);`);
    const { source, target } = await pair.open();
    const report = await diffDatabases(source, target, { tables: ['only_source', 'only_target'] });
    expect(report.identical).toBe(false);
    expect(report.tables.map((t) => [t.table, t.status, t.sourceRows, t.targetRows])).toEqual([
      ['public.only_source', 'missing-in-target', 2, undefined],
      ['public.only_target', 'missing-in-source', undefined, 1],
    ]);
  });

  it('rejects a requested table that exists in neither database', async () => {
    const { source, target } = await pair.open();
    await expect(diffDatabases(source, target, { tables: ['no_such_table'] })).rejects.toThrow('table no_such_table exists in neither database');
  });

  it('localizes differences among bigint keys at both ends of the range', async () => {
    await pair.seedBoth(`CREATE TABLE bigkeys (id bigint PRIMARY KEY, v text);
      INSERT INTO bigkeys SELECT 9223372036854775807 - g::bigint * 1000003, 'v' || g FROM generate_series(0, 3000) g;
      INSERT INTO bigkeys SELECT -9223372036854775808 + g, 'w' || g FROM generate_series(0, 3000) g;`);
    await pair.onTarget(`UPDATE bigkeys SET v = 'changed' WHERE id IN (9223372036854775807, -9223372036854775808);
      DELETE FROM bigkeys WHERE id = 9223372036854775807 - 1000003 * 1500;`);
    const diff = await diffTable('bigkeys', { keyRangeRows: 8, factor: 4 });
    expect(keysOf(diff)).toEqual([
      'changed -9223372036854775808',
      `missing-in-target ${9223372036854775807n - 1000003n * 1500n}`,
      'changed 9223372036854775807',
    ]);
    expect(diff.localization!.rounds).toBeGreaterThan(2);
  });

  it('localizes differences among smallint keys over the whole type, negative keys included', async () => {
    // The first pass numbers rows by shifting the key in its own type: smallint here, its range split at multiples
    // of a power of two on both sides of zero.
    await pair.seedBoth(`CREATE TABLE smallkeys (id smallint PRIMARY KEY, v text);
      INSERT INTO smallkeys SELECT g, 'v' || g FROM generate_series(-32768, 32767) g;`);
    await pair.onTarget(`UPDATE smallkeys SET v = 'changed' WHERE id IN (-32768, -1, 0, 32767);
      DELETE FROM smallkeys WHERE id = -100;`);
    const diff = await diffTable('smallkeys');
    expect(keysOf(diff)).toEqual(['changed -32768', 'missing-in-target -100', 'changed -1', 'changed 0', 'changed 32767']);
    expect(diff.localization!.rounds).toBe(2);
  });

  it('localizes differences among long text keys', async () => {
    await pair.seedBoth(`CREATE TABLE textkeys (k text PRIMARY KEY, v integer);
      INSERT INTO textkeys SELECT repeat(md5(g::text), 20) || g, g FROM generate_series(1, 2000) g;`);
    await pair.onTarget(`UPDATE textkeys SET v = -1 WHERE k = repeat(md5('77'), 20) || '77'`);
    const diff = await diffTable('textkeys', { keyRangeRows: 8, factor: 5 });
    expect(keysOf(diff)).toEqual([`changed ${md5('77').repeat(20)}77`]);
  });

  it('localizes differences with composite and uuid keys', async () => {
    await pair.seedBoth(`CREATE TABLE composite (tenant integer, code text, id uuid, v integer, PRIMARY KEY (tenant, code, id));
      INSERT INTO composite SELECT g % 7, 'c' || (g % 13), md5(g::text)::uuid, g FROM generate_series(1, 4000) g;`);
    await pair.onTarget(`UPDATE composite SET v = 0 WHERE v = 100;
      DELETE FROM composite WHERE v = 2500;
      INSERT INTO composite VALUES (3, 'zz', '00000000-0000-0000-0000-000000000001', 1);`);
    const diff = await diffTable('composite', { keyRangeRows: 8, factor: 3 });
    // Key order of text columns depends on the collation: compare as sets.
    expect(keysOf(diff).sort()).toEqual([
      `changed 2|c9|${uuidOf(100)}`,
      'extra-in-target 3|zz|00000000-0000-0000-0000-000000000001',
      `missing-in-target 1|c4|${uuidOf(2500)}`,
    ].sort());
  });

  it('reports key ranges instead of keys past the key limit', async () => {
    await pair.seedBoth(`CREATE TABLE many (id integer PRIMARY KEY, v integer); INSERT INTO many SELECT g, g FROM generate_series(1, 10000) g;`);
    await pair.onTarget(`UPDATE many SET v = -v WHERE id % 50 = 0`);
    const diff = await diffTable('many', { maxKeys: 20, keyRangeRows: 16 });
    const localization = diff.localization!;
    expect(localization.status).toBe('truncated');
    expect(localization.keys.length).toBeLessThanOrEqual(20);
    expect(localization.keys.every((k) => Number(k.key.id) % 50 === 0 && k.kind === 'changed')).toBe(true);
    // Every changed key is either listed or inside a reported range.
    const listed = new Set(localization.keys.map((k) => Number(k.key.id)));
    for (let id = 50; id <= 10000; id += 50) {
      const inRange = localization.ranges.some((r) => (r.from === null || Number(r.from.id) <= id) && (r.to === null || id < Number(r.to.id)));
      expect(listed.has(id) || inRange).toBe(true);
    }
  });

  it('reads each database in one snapshot', async () => {
    await pair.seedBoth(`CREATE TABLE moving (id integer PRIMARY KEY); INSERT INTO moving VALUES (1);`);
    const { source } = await pair.open();
    const writer = new Client({ connectionString: pair.source.url });
    await writer.connect();
    try {
      const [before, after] = await withSnapshot(source, async () => {
        const first = await fingerprintTable(source, 'moving');
        await writer.query('INSERT INTO moving VALUES (2)');
        return [first, await fingerprintTable(source, 'moving')];
      });
      expect(compareFingerprints(before, after).identical).toBe(true);
      const fresh = await fingerprintTable(source, 'moving');
      expect(fresh.rowCount).toBe(2);
    } finally {
      await writer.end();
    }
  });
});

describe('fingerprintTable on PostgreSQL', () => {
  it('matches for equal tables and explains a mismatch', async () => {
    await pair.seedBoth(`CREATE SCHEMA app; CREATE TABLE app.orders (id integer PRIMARY KEY, total numeric); INSERT INTO app.orders SELECT g, g FROM generate_series(1, 500) g;`);
    const { source, target } = await pair.open();
    const a = await fingerprintTable(source, 'app.orders');
    const b = await fingerprintTable(target, 'app.orders');
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
    expect(a).toMatchObject({ version: 2, table: 'app.orders', rowCount: 500, primaryKey: ['id'] });
    expect(compareFingerprints(a, b)).toEqual({ identical: true, differences: [] });
    await pair.onTarget(`DELETE FROM app.orders WHERE id = 1`);
    const c = await fingerprintTable(target, 'app.orders');
    expect(compareFingerprints(a, c)).toEqual({ identical: false, differences: ['row counts differ: 500 vs 499', 'row contents differ (digests do not match)'] });
  });

  it('refuses a table that does not exist', async () => {
    const { source } = await pair.open();
    await expect(fingerprintTable(source, 'app.nothing')).rejects.toThrow('table app.nothing does not exist');
  });
});

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** md5(n::text)::uuid, as the server computes it. */
function uuidOf(n: number): string {
  const hex = md5(String(n));
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
