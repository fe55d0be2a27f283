/**
 * The first pass over TID-range chunks (PostgreSQL, single integer key) gives exactly the per-bucket folds of the
 * hash-aggregate pass whatever the physical layout, is the path an ordinary table takes, and falls back where it
 * cannot or should not be used.
 */
import fc from 'fast-check';
import { openSession, targetFromUrl, type SqlSession } from '../../src/checks/connection';
import { diffDatabases, type QuerySession, type TableDiff } from '../../src/fingerprint';
import { type BucketFolds, foldBuckets, integerBucketing, type Side } from '../../src/fingerprint/bisect';
import { postgresDialect } from '../../src/fingerprint/dialect';
import { describeTable, type Fold, hashedColumns } from '../../src/fingerprint/fingerprint';
import { DatabasePair, exec } from './support';

let pair: DatabasePair;
const opened: SqlSession[] = [];

beforeAll(async () => {
  pair = await DatabasePair.create('postgres', 'diff_tid');
});

afterAll(async () => {
  await pair.drop();
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  await pair.close();
});

/** A session that records the text of every statement it runs. */
function recording(session: QuerySession, log: string[]): QuerySession {
  return { engine: session.engine, query: (sql, params) => (log.push(sql), session.query(sql, params)) };
}

const MAIN_PASS = /t\.ctid >= c\.lo AND t\.ctid < c\.hi\) q\) x/;
const CORRECTION = /GROUP BY c\.b, q\.k/;

/** Non-empty buckets in index order (an empty bucket must be exactly the empty fold, which callers treat as absent). */
function normalized(result: BucketFolds): [number, Fold][] {
  for (const fold of result.folds.values()) {
    if (fold.rowCount === 0) expect(fold).toEqual({ rowCount: 0, xor: '0000000000000000', sum: '0' });
  }
  return [...result.folds].filter(([, f]) => f.rowCount !== 0).sort((a, b) => a[0] - b[0]);
}

/**
 * Folds `table` of the source database into the first pass's buckets both ways, on `lanes` connections sharing one
 * snapshot: over TID chunks (`mode`) and by the hash aggregate. Returns both and the statements of the chunked run.
 */
async function bothWays(table: string, factor: number, lanes = 1, mode: 'auto' | 'force' = 'force'): Promise<{ chunked: BucketFolds; hashed: BucketFolds; log: string[] }> {
  const sessions: SqlSession[] = [];
  for (let i = 0; i < lanes; i += 1) sessions.push(await openSession(targetFromUrl(pair.source.url)));
  opened.push(...sessions);
  await postgresDialect.begin(sessions[0]);
  const snapshot = await postgresDialect.exportSnapshot(sessions[0]);
  for (const s of sessions.slice(1)) await postgresDialect.begin(s, { importSnapshot: snapshot });
  const shape = (await describeTable(sessions[0], { schema: 'public', name: table }))!;
  const keys = shape.columns.filter((c) => shape.primaryKey.includes(c.name));
  const columns = hashedColumns(shape);
  const [bounds] = await sessions[0].query<{ lo: string; hi: string }>(`SELECT min(id)::text AS lo, max(id)::text AS hi FROM public.${table}`);
  const bucketing = integerBucketing(BigInt(bounds.lo), BigInt(bounds.hi), factor);
  const log: string[] = [];
  const sides = (record: boolean): Side[] => sessions.map((s) => ({ session: record ? recording(s, log) : s, table: shape.table, keys }));
  const chunked = await foldBuckets(sides(true), columns, bucketing, mode);
  const hashed = await foldBuckets(sides(false), columns, bucketing, 'off');
  expect(hashed.path).toBe('key-ranges');
  return { chunked, hashed, log };
}

async function expectSameFolds(table: string, factor: number, lanes = 1, mode: 'auto' | 'force' = 'force'): Promise<{ chunked: BucketFolds; log: string[] }> {
  const { chunked, hashed, log } = await bothWays(table, factor, lanes, mode);
  expect(chunked.path).toBe('tid-chunks');
  expect(normalized(chunked)).toEqual(normalized(hashed));
  expect(normalized(chunked).length).toBeGreaterThan(0);
  return { chunked, log };
}

describe('first pass over TID chunks: the same folds as the hash aggregate', () => {
  it('on a table in key order, in one statement without correction', async () => {
    await pair.onSource(`CREATE TABLE ordered (id bigint PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
      INSERT INTO ordered SELECT g, md5(g::text) FROM generate_series(1, 5000) g;`);
    const { log } = await expectSameFolds('ordered', 64);
    expect(log.filter((s) => MAIN_PASS.test(s))).toHaveLength(1);
    expect(log.some((s) => CORRECTION.test(s))).toBe(false);
  });

  it('after UPDATEs that move rows to the end of the heap and DELETEs, on 1 to 3 connections', async () => {
    await pair.onSource(`CREATE TABLE churned (id bigint PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
      INSERT INTO churned SELECT g, md5(g::text) FROM generate_series(1, 6000) g;
      UPDATE churned SET v = v || 'x' WHERE id % 37 = 0;
      DELETE FROM churned WHERE id % 101 = 0 OR id BETWEEN 2000 AND 2400;`);
    for (const lanes of [1, 2, 3]) {
      // Some bucket bounds are rows that moved: out of physical order, their buckets are corrected too.
      const { log } = await expectSameFolds('churned', 64, lanes, 'auto');
      // The moved rows are strays of the last chunk: corrected, not folded into the wrong bucket.
      expect(log.some((s) => CORRECTION.test(s))).toBe(true);
    }
  });

  it('when the first row of a range moved to the end of the heap (its bound out of physical order)', async () => {
    const { origin, shift } = integerBucketing(1n, 5000n, 64);
    const bound = origin + (10n << BigInt(shift));
    await pair.onSource(`CREATE TABLE bounds (id bigint PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
      INSERT INTO bounds SELECT g, md5(g::text) FROM generate_series(1, 5000) g;
      UPDATE bounds SET v = 'moved' WHERE id = ${bound};`);
    const { log } = await expectSameFolds('bounds', 64, 1, 'auto');
    expect(log.some((s) => CORRECTION.test(s))).toBe(true);
  });

  it('on a heap inserted in shuffled order, nearly every row corrected', async () => {
    await pair.onSource(`CREATE TABLE shuffled (id integer PRIMARY KEY, v integer) WITH (autovacuum_enabled = false);
      INSERT INTO shuffled SELECT g, g * 7 FROM generate_series(1, 4000) g ORDER BY md5(g::text);`);
    for (const lanes of [1, 3]) await expectSameFolds('shuffled', 128, lanes, 'force');
  });

  it('with empty buckets, sparse and negative keys, smallint keys and bigint keys at both ends of their range', async () => {
    await pair.onSource(`
      CREATE TABLE sparse (id bigint PRIMARY KEY, v text);
      INSERT INTO sparse SELECT g * g * 997 - 400000000, g::text FROM generate_series(1, 900) g;
      CREATE TABLE negative (id integer PRIMARY KEY, v text);
      INSERT INTO negative SELECT g, g::text FROM generate_series(-3000, 3000) g WHERE g % 3 <> 0;
      UPDATE negative SET v = 'moved' WHERE id % 11 = 0;
      CREATE TABLE small (id smallint PRIMARY KEY, v text);
      INSERT INTO small SELECT g, g::text FROM generate_series(-32768, 32767, 17) g;
      INSERT INTO small VALUES (32766, 'top');
      CREATE TABLE huge (id bigint PRIMARY KEY, v text);
      INSERT INTO huge SELECT 9223372036854775807 - g, g::text FROM generate_series(0, 1500) g;
      INSERT INTO huge SELECT -9223372036854775808 + g, g::text FROM generate_series(0, 1500) g;
      INSERT INTO huge SELECT g::bigint * 1000000007, g::text FROM generate_series(-500, 500) g;
      UPDATE huge SET v = 'moved' WHERE id % 5 = 0;`);
    for (const table of ['sparse', 'negative', 'small', 'huge']) {
      for (const factor of [7, 1024]) await expectSameFolds(table, factor, 2, 'force');
    }
  });

  it('for random layouts and changes (property)', async () => {
    await pair.onSource('CREATE TABLE prop (id bigint PRIMARY KEY, v integer) WITH (autovacuum_enabled = false)');
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: -2000, max: 2000 }), { minLength: 1, maxLength: 400 }),
        fc.array(fc.record({ kind: fc.constantFrom('update', 'delete'), at: fc.nat() }), { maxLength: 40 }),
        fc.integer({ min: 2, max: 300 }),
        fc.integer({ min: 1, max: 3 }),
        async (keys, changes, factor, lanes) => {
          // Keys are inserted in the generated order: some layouts are sorted, most are not.
          const edits = changes.map((c) => {
            const key = keys[c.at % keys.length];
            return c.kind === 'update' ? `UPDATE prop SET v = v + 1 WHERE id = ${key};` : `DELETE FROM prop WHERE id = ${key};`;
          });
          const deleted = new Set(changes.filter((c) => c.kind === 'delete').map((c) => keys[c.at % keys.length]));
          fc.pre(deleted.size < keys.length);
          await exec('postgres', pair.source, `DELETE FROM prop; INSERT INTO prop VALUES ${keys.map((k) => `(${k}, ${k})`).join(', ')}; ${edits.join(' ')}`);
          const { chunked, hashed } = await bothWays('prop', factor, lanes, 'force');
          expect(chunked.path).toBe('tid-chunks');
          expect(normalized(chunked)).toEqual(normalized(hashed));
          await Promise.all(opened.splice(0).map((s) => s.close()));
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('lifeboat diff over TID chunks', () => {
  /** Diff of `table` with `jobs` connections per side, recording every statement of every connection. */
  async function diffRecorded(table: string, jobs = 1, tidChunks = true): Promise<{ diff: TableDiff; log: string[] }> {
    const { source, target } = await pair.open();
    const log: string[] = [];
    const report = await diffDatabases(recording(source, log), recording(target, log), {
      tables: [table],
      jobs,
      tidChunks,
      keyRangeRows: 16,
      connect: async (side) => {
        const session = await openSession(targetFromUrl(side === 'source' ? pair.source.url : pair.target.url));
        opened.push(session);
        return { ...recording(session, log), close: async () => undefined };
      },
    });
    return { diff: report.tables[0], log };
  }

  function keysOf(diff: TableDiff): string[] {
    return (diff.localization?.keys ?? []).map((k) => `${k.kind} ${Object.values(k.key).join('|')}`);
  }

  it('says identical for identical copies and names each changed, deleted or inserted row, on either side', async () => {
    await pair.seedBoth(`CREATE TABLE accounts (id bigint PRIMARY KEY, owner text, balance numeric(12,2));
      INSERT INTO accounts SELECT g, 'owner ' || g, g / 3.0 FROM generate_series(1, 8000) g;`);
    for (const jobs of [1, 2]) {
      const { diff, log } = await diffRecorded('accounts', jobs);
      expect(diff.status).toBe('identical');
      expect(log.filter((s) => MAIN_PASS.test(s))).toHaveLength(2 * jobs);
    }
    // The same rows in another physical layout (rewritten rows moved to the end of the heap) are still identical.
    await pair.onTarget('UPDATE accounts SET owner = owner WHERE id % 97 = 0 OR id IN (1024, 2048, 4096)');
    await pair.onTarget('VACUUM accounts');
    expect((await diffRecorded('accounts')).diff.status).toBe('identical');
    await pair.onTarget(`UPDATE accounts SET owner = 'someone else' WHERE id = 4242; DELETE FROM accounts WHERE id = 17; INSERT INTO accounts VALUES (9001, 'new', 0);`);
    await pair.onSource(`UPDATE accounts SET balance = 0 WHERE id = 7999; DELETE FROM accounts WHERE id = 3000;`);
    for (const jobs of [1, 3]) {
      const { diff, log } = await diffRecorded('accounts', jobs);
      expect(log.some((s) => MAIN_PASS.test(s))).toBe(true);
      expect(keysOf(diff)).toEqual(['missing-in-target 17', 'extra-in-target 3000', 'changed 4242', 'changed 7999', 'extra-in-target 9001']);
    }
    // Asked for a sequential scan (a busy source's buffer cache): no TID ranges, the same answer.
    const { diff, log } = await diffRecorded('accounts', 2, false);
    expect(log.some((s) => /ctid/.test(s))).toBe(false);
    expect(keysOf(diff)).toEqual(['missing-in-target 17', 'extra-in-target 3000', 'changed 4242', 'changed 7999', 'extra-in-target 9001']);
  });

  it('reads each chunk with a Tid Range Scan, not a scan of the table per chunk', async () => {
    await pair.seedBoth(`CREATE TABLE scanned (id integer PRIMARY KEY, v text); INSERT INTO scanned SELECT g, g::text FROM generate_series(1, 3000) g; ANALYZE scanned;`);
    const { source, target } = await pair.open();
    const statements: { sql: string; params: unknown[] }[] = [];
    const keep: QuerySession = { engine: 'postgres', query: (sql, params = []) => (statements.push({ sql, params }), source.query(sql, params)) };
    await diffDatabases(keep, target, { tables: ['scanned'] });
    const main = statements.find((s) => MAIN_PASS.test(s.sql))!;
    const plan = (await source.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${main.sql}`, main.params)).map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/Tid Range Scan on scanned t/);
    expect(plan).not.toMatch(/Seq Scan/);
  });

  it('falls back to the hash aggregate for partitioned tables, inheritance parents and heaps out of key order, with the same answer', async () => {
    await pair.seedBoth(`
      CREATE TABLE parted (id bigint PRIMARY KEY, v text) PARTITION BY RANGE (id);
      CREATE TABLE parted_a PARTITION OF parted FOR VALUES FROM (MINVALUE) TO (2000);
      CREATE TABLE parted_b PARTITION OF parted FOR VALUES FROM (2000) TO (MAXVALUE);
      INSERT INTO parted SELECT g, g::text FROM generate_series(1, 4000) g;
      CREATE TABLE parent (id bigint PRIMARY KEY, v text);
      CREATE TABLE child () INHERITS (parent);
      INSERT INTO parent SELECT g, g::text FROM generate_series(1, 3000) g;
      INSERT INTO child SELECT g, g::text FROM generate_series(3001, 4000) g;
      CREATE TABLE mixed (id bigint PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
      INSERT INTO mixed SELECT g, g::text FROM generate_series(1, 4000) g ORDER BY md5(g::text);
      CREATE TABLE mixed_stats (id bigint PRIMARY KEY, v text);
      INSERT INTO mixed_stats SELECT g, g::text FROM generate_series(1, 4000) g ORDER BY md5(g::text);
      ANALYZE mixed_stats;`);
    await pair.onTarget(`UPDATE parted SET v = 'x' WHERE id = 2500; UPDATE child SET v = 'x' WHERE id = 3500;
      UPDATE mixed SET v = 'x' WHERE id = 1234; UPDATE mixed_stats SET v = 'x' WHERE id = 99;`);
    const expected: Record<string, string> = { parted: 'changed 2500', parent: 'changed 3500', mixed: 'changed 1234', mixed_stats: 'changed 99' };
    for (const [table, key] of Object.entries(expected)) {
      const { diff, log } = await diffRecorded(table);
      expect(log.some((s) => /ctid/.test(s) && !/LIMIT 1/.test(s))).toBe(false);
      expect(keysOf(diff)).toEqual([key]);
    }
    // Why each side of a plain table out of key order was not chunked: no statistics yet, or a low correlation.
    expect((await bothWays('mixed', 64, 1, 'auto')).chunked).toMatchObject({ path: 'key-ranges', fallback: expect.stringMatching(/not in key order/) });
    await pair.close();
    expect((await bothWays('mixed_stats', 64, 1, 'auto')).chunked).toMatchObject({ path: 'key-ranges', fallback: expect.stringMatching(/correlation .* below 0\.9/) });
    await pair.close();
    expect((await bothWays('parted', 64, 1, 'force')).chunked).toMatchObject({ path: 'key-ranges', fallback: 'a partitioned table' });
    expect((await bothWays('parent', 64, 1, 'force')).chunked).toMatchObject({ path: 'key-ranges', fallback: 'a table with inheritance children' });
  });
});
