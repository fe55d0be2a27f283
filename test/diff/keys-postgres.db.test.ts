/**
 * Keys between PostgreSQL databases that sort or print differently: different default collations, different session
 * settings (DateStyle, IntervalStyle, TimeZone, extra_float_digits, bytea_output, search_path), and `jobs` reading
 * one snapshot over several connections.
 */
import { createHash } from 'node:crypto';
import { openSession, targetFromUrl, type SqlSession } from '../../src/checks/connection';
import { diffDatabases, type DiffOptions, type TableDiff } from '../../src/fingerprint';
import { DatabasePair } from './support';

function keysOf(diff: TableDiff): string[] {
  return (diff.localization?.keys ?? []).map((k) => `${k.kind} ${Object.values(k.key).join('|')}`);
}

async function diffTable(pair: DatabasePair, table: string, options: DiffOptions = {}): Promise<TableDiff> {
  const { source, target } = await pair.open();
  try {
    const report = await diffDatabases(source, target, { ...options, tables: [table] });
    return report.tables[0];
  } finally {
    await pair.close();
  }
}

/** Keys whose order differs between byte order and a linguistic collation: case, accents, punctuation, digits. */
const MIXED_KEYS = `SELECT (ARRAY['a', 'B', 'c', 'D', 'é', 'E', '-x', '_y', 'Z', '10', '9'])[1 + g % 11] || '-' || (g / 11) AS k, g AS v FROM generate_series(0, 1999) g`;

describe('text keys under two different default collations', () => {
  let pair: DatabasePair;

  beforeAll(async () => {
    pair = await DatabasePair.createPostgresWith(
      'diff_coll',
      { create: "TEMPLATE template0 LOCALE 'C'" },
      { create: "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en' LOCALE 'C.UTF-8'" },
    );
    await pair.seedBoth(`CREATE TABLE names (k text PRIMARY KEY, v integer); INSERT INTO names ${MIXED_KEYS};
      CREATE TABLE pairs (a varchar(10), b text, v integer, PRIMARY KEY (a, b));
      INSERT INTO pairs SELECT left(k, 1), k, v FROM (${MIXED_KEYS}) s;`);
  });

  afterAll(async () => {
    await pair.drop();
  });

  it('reports identical copies as identical', async () => {
    expect((await diffTable(pair, 'names')).status).toBe('identical');
    expect((await diffTable(pair, 'pairs')).status).toBe('identical');
  });

  it('names exactly the changed, missing and extra keys', async () => {
    await pair.onTarget(`UPDATE names SET v = -1 WHERE k = 'é-100'; DELETE FROM names WHERE k = 'B-3'; INSERT INTO names VALUES ('b-3', 0);
      UPDATE pairs SET v = -1 WHERE b = 'Z-50';`);
    for (const factor of [2, 7, 1024]) {
      expect(keysOf(await diffTable(pair, 'names', { keyRangeRows: 4, factor })).sort()).toEqual(
        ['changed é-100', 'extra-in-target b-3', 'missing-in-target B-3'].sort(),
      );
      expect(keysOf(await diffTable(pair, 'pairs', { keyRangeRows: 4, factor }))).toEqual(['changed Z|Z-50']);
    }
  });
});

describe('servers with different session settings', () => {
  let pair: DatabasePair;
  const settings = {
    DateStyle: 'SQL, DMY',
    IntervalStyle: 'sql_standard',
    extra_float_digits: '-3',
    bytea_output: 'escape',
    search_path: 'nowhere',
  };

  beforeAll(async () => {
    pair = await DatabasePair.createPostgresWith('diff_settings', { settings }, {});
    await pair.seedBoth(`CREATE TYPE public.kind AS ENUM ('a', 'b');
      CREATE TABLE public.visits (day date, at timestamptz, PRIMARY KEY (day, at), stay interval, score float8, raw bytea, kind public.kind,
        window_ tstzrange, tags text[], doc json);
      INSERT INTO public.visits SELECT date '2024-01-01' + g, timestamptz '2024-01-01 12:00:00+00' + g * interval '1 min 0.5 s', g * interval '1 h 1 s',
        g / 3.0, decode(md5(g::text), 'hex'), 'a', tstzrange(timestamptz '2024-01-01' + g * interval '1 h', null), ARRAY['t' || g],
        json_build_object('at', timestamptz '2024-01-01' + g * interval '1 s')
        FROM generate_series(1, 400) g;`);
  });

  afterAll(async () => {
    await pair.drop();
  });

  /** Sessions whose TimeZone also differs (the connection layer sets UTC; a caller's session may not). */
  async function sessions(): Promise<{ source: SqlSession; target: SqlSession }> {
    const opened = await pair.open();
    await opened.source.query("SET TIME ZONE 'Asia/Kolkata'");
    await opened.target.query("SET TIME ZONE 'America/New_York'");
    return opened;
  }

  it('reports identical copies as identical, with the same column types on both sides', async () => {
    const { source, target } = await sessions();
    const [diff] = (await diffDatabases(source, target, { tables: ['visits'] })).tables;
    await pair.close();
    expect(diff.schema).toEqual({ onlyInSource: [], onlyInTarget: [], typeChanges: [] });
    expect(diff.status).toBe('identical');
  });

  it('names the changed row by a date and timestamp key, without aborting', async () => {
    await pair.onTarget(`UPDATE public.visits SET score = score + 1 WHERE day = date '2024-01-30'`);
    const { source, target } = await sessions();
    const [diff] = (await diffDatabases(source, target, { tables: ['visits'], keyRangeRows: 4, factor: 8 })).tables;
    expect(keysOf(diff)).toEqual(['changed 2024-01-30|2024-01-01 12:29:14.5+00']);
    // The diff pinned its settings inside its own transaction only.
    expect(await source.query("SELECT current_setting('TimeZone') AS tz, current_setting('DateStyle') AS ds")).toEqual([{ tz: 'Asia/Kolkata', ds: 'SQL, DMY' }]);
    await pair.close();
  });
});

describe('jobs: several connections per side in one snapshot', () => {
  let pair: DatabasePair;

  beforeAll(async () => {
    pair = await DatabasePair.create('postgres', 'diff_jobs');
    await pair.seedBoth(`CREATE TABLE ints (id bigint PRIMARY KEY, v text); INSERT INTO ints SELECT g, 'v' || g FROM generate_series(1, 5000) g;
      CREATE TABLE texts (k text PRIMARY KEY, v integer); INSERT INTO texts SELECT md5(g::text), g FROM generate_series(1, 5000) g;
      CREATE TABLE parts (k text PRIMARY KEY, v integer) PARTITION BY RANGE (k);
      CREATE TABLE parts_a PARTITION OF parts FOR VALUES FROM (MINVALUE) TO ('8');
      CREATE TABLE parts_b PARTITION OF parts FOR VALUES FROM ('8') TO (MAXVALUE);
      INSERT INTO parts SELECT k, v FROM texts;
      ANALYZE ints; ANALYZE texts; ANALYZE parts;`);
  });

  afterAll(async () => {
    await pair.drop();
  });

  /** Diff with `jobs` connections per side; `beforeJob` runs before each extra connection is handed over. */
  async function diffWithJobs(table: string, jobs: number, beforeJob: () => Promise<void> = async () => undefined): Promise<{ diff: TableDiff; opened: number }> {
    const { source, target } = await pair.open();
    let opened = 0;
    const extra: SqlSession[] = [];
    try {
      const report = await diffDatabases(source, target, {
        tables: [table],
        jobs,
        keyRangeRows: 16,
        connect: async (side) => {
          await beforeJob();
          const session = await openSession(targetFromUrl(side === 'source' ? pair.source.url : pair.target.url));
          opened += 1;
          extra.push(session);
          return session;
        },
      });
      return { diff: report.tables[0], opened };
    } finally {
      await Promise.all(extra.map((s) => s.close()));
      await pair.close();
    }
  }

  it('splits the first pass over the connections and finds the same keys', async () => {
    for (const table of ['ints', 'texts', 'parts']) {
      const { diff, opened } = await diffWithJobs(table, 3);
      expect(opened).toBe(4);
      expect(diff.status).toBe('identical');
    }
    await pair.onTarget(`UPDATE ints SET v = 'x' WHERE id IN (10, 4990); UPDATE texts SET v = 0 WHERE k IN (md5('1'), md5('4999'));`);
    expect(keysOf((await diffWithJobs('ints', 3)).diff)).toEqual(['changed 10', 'changed 4990']);
    expect(keysOf((await diffWithJobs('texts', 2)).diff).sort()).toEqual([`changed ${md5('1')}`, `changed ${md5('4999')}`].sort());
    await pair.onTarget(`DELETE FROM parts WHERE k = md5('7')`);
    expect(keysOf((await diffWithJobs('parts', 3)).diff)).toEqual([`missing-in-target ${md5('7')}`]);
  });

  it('reads every connection in the snapshot of the first, even when rows change in between', async () => {
    await pair.onSource(`DELETE FROM ints WHERE id > 5000`);
    await pair.onTarget(`DELETE FROM ints WHERE id > 5000`);
    let writes = 0;
    // Rows written after the snapshot was taken (and before the extra connections start) must not be seen by them.
    const { diff } = await diffWithJobs('ints', 2, async () => {
      writes += 1;
      await pair.onSource(`INSERT INTO ints VALUES (${100000 + writes}, 'late')`);
    });
    expect(writes).toBe(2);
    expect(diff.status).not.toBe('identical');
    expect(keysOf(diff)).toEqual(['changed 10', 'changed 4990']);
  });

  it('refuses jobs without a way to connect', async () => {
    const { source, target } = await pair.open();
    await expect(diffDatabases(source, target, { tables: ['ints'], jobs: 2 })).rejects.toThrow(/connect option/);
    await pair.close();
  });
});

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}
