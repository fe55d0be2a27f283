/**
 * `lifeboat diff` compares content, not each type's equality, between two PostgreSQL databases created separately
 * (each by its own CREATE DATABASE, types and enums created in each), as a source and its logical restore are.
 * Every type class has an identical case (no false "different") and a one-change case (no false "identical").
 */
import { diffDatabases, type DiffOptions, type TableDiff } from '../../src/fingerprint';
import { DatabasePair } from './support';

let pair: DatabasePair;

beforeAll(async () => {
  pair = await DatabasePair.create('postgres', 'diff_content');
  await pair.seedBoth(`
    CREATE EXTENSION citext;
    CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
    CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
    CREATE TYPE label AS (name citext, feeling mood);
    CREATE DOMAIN ci_text AS text COLLATE ci;`);
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
  return report.tables[0];
}

function keysOf(diff: TableDiff): string[] {
  return (diff.localization?.keys ?? []).map((k) => `${k.kind} ${Object.values(k.key).join('|')}`);
}

interface TypeClass {
  /** Type class under test. */
  what: string;
  /** Column type of v. */
  type: string;
  /** SQL expression of v for row g (1..300). */
  value: string;
  /** UPDATE ... SET v = <change> WHERE id = 77, on the target only. */
  change: string;
}

/** Each change below is one that the column type's own equality (and so its hash) calls "equal". */
const classes: TypeClass[] = [
  { what: 'citext changed in case only', type: 'citext', value: `'name ' || g`, change: `upper(v)` },
  { what: 'text under a nondeterministic collation changed in case only', type: 'text COLLATE ci', value: `'name ' || g`, change: `upper(v)` },
  { what: 'a domain over a case-insensitive text changed in case only', type: 'ci_text', value: `'name ' || g`, change: `upper(v)::ci_text` },
  { what: 'an array whose lower bound changed', type: 'integer[]', value: `ARRAY[g, g + 1]`, change: `('[0:1]=' || v::text)::integer[]` },
  { what: 'an array whose dimensions changed', type: 'integer[]', value: `ARRAY[g, g + 1]`, change: `ARRAY[v]` },
  { what: 'a text array changed in case under a nondeterministic collation', type: 'text[] COLLATE ci', value: `ARRAY['a' || g]`, change: `ARRAY[upper(v[1])]` },
  {
    what: 'a jsonb array that gained 64 repeated elements',
    type: 'jsonb',
    value: `jsonb_build_array(g, 'x')`,
    change: `v || (SELECT jsonb_agg(3) FROM generate_series(1, 64))`,
  },
  { what: 'an enum', type: 'mood', value: `(ARRAY['sad', 'ok', 'happy']::mood[])[1 + g % 3]`, change: `'sad'` },
  { what: 'an array of enums', type: 'mood[]', value: `ARRAY[(ARRAY['sad', 'ok', 'happy']::mood[])[1 + g % 3]]`, change: `ARRAY['happy'::mood, 'sad']` },
  { what: 'a composite whose citext field changed in case', type: 'label', value: `ROW('n' || g, 'ok')::label`, change: `ROW(upper((v).name::text), 'ok')::label` },
  { what: 'a numeric range whose bound changed scale', type: 'numrange', value: `numrange(g, g + 1)`, change: `numrange(lower(v)::numeric(20,2), upper(v))` },
  { what: 'an unconstrained numeric that changed scale', type: 'numeric', value: `g::numeric`, change: `v::numeric(20,3)` },
  { what: 'a float that became -0', type: 'double precision', value: `(g - 77)::float8`, change: `'-0'::float8` },
  { what: "an interval '1 day' that became '24 hours'", type: 'interval', value: `'1 day'::interval`, change: `'24 hours'::interval` },
  { what: 'a json document whose whitespace changed', type: 'json', value: `json_build_object('g', g)`, change: `replace(v::text, ' ', '')::json` },
  { what: 'a type without a hash function (point)', type: 'point', value: `point(g, g)`, change: `point(0, 0)` },
  { what: 'a timestamp range', type: 'tstzrange', value: `tstzrange('2024-01-01'::timestamptz + g * interval '1 h', null)`, change: `tstzrange(lower(v) + interval '1 us', null)` },
];

describe('fingerprints of content on PostgreSQL', () => {
  it.each(classes.map((c, i) => [c.what, c, i] as const))('%s: identical copies are identical, the one change is found', async (_what, c, i) => {
    const table = `class_${i}`;
    await pair.seedBoth(`CREATE TABLE ${table} (id integer PRIMARY KEY, v ${c.type});
      INSERT INTO ${table} SELECT g, ${c.value} FROM generate_series(1, 300) g;`);
    const same = await diffTable(table);
    expect({ status: same.status, notes: same.notes, schema: same.schema }).toEqual({
      status: 'identical',
      notes: [],
      schema: { onlyInSource: [], onlyInTarget: [], typeChanges: [] },
    });
    await pair.close();
    await pair.onTarget(`UPDATE ${table} SET v = ${c.change} WHERE id = 77`);
    const changed = await diffTable(table, { keyRangeRows: 8 });
    expect(changed.status).toBe('different');
    expect(keysOf(changed)).toEqual(['changed 77']);
  });

  it('finds a key whose case changed under a nondeterministic collation, and keys that are enums', async () => {
    await pair.seedBoth(`CREATE TABLE cikeys (k text COLLATE ci PRIMARY KEY, v integer);
      INSERT INTO cikeys SELECT 'Key ' || g, g FROM generate_series(1, 500) g;
      CREATE TABLE enumkeys (k mood, n integer, PRIMARY KEY (k, n));
      INSERT INTO enumkeys SELECT (ARRAY['sad', 'ok', 'happy']::mood[])[1 + g % 3], g FROM generate_series(1, 600) g;`);
    expect((await diffTable('cikeys')).status).toBe('identical');
    expect((await diffTable('enumkeys')).status).toBe('identical');
    await pair.close();
    await pair.onTarget(`UPDATE cikeys SET k = 'KEY 42' WHERE k = 'Key 42'; UPDATE enumkeys SET n = -n WHERE n = 300;`);
    expect(keysOf(await diffTable('cikeys', { keyRangeRows: 8 })).sort()).toEqual(['extra-in-target KEY 42', 'missing-in-target Key 42']);
    expect(keysOf(await diffTable('enumkeys', { keyRangeRows: 8 })).sort()).toEqual(['extra-in-target sad|-300', 'missing-in-target sad|300']);
  });
});

describe('what counts as equal (docs/diff.md, "Policy")', () => {
  it('numeric(p,s), NaN and jsonb written with another key order or spacing are equal', async () => {
    await pair.onSource(`CREATE TABLE equal_forms (id integer PRIMARY KEY, price numeric(10,2), f float8, doc jsonb);
      INSERT INTO equal_forms VALUES (1, 1.5, 'NaN', '{"a": 1, "b": [1, 2]}');`);
    await pair.onTarget(`CREATE TABLE equal_forms (id integer PRIMARY KEY, price numeric(10,2), f float8, doc jsonb);
      INSERT INTO equal_forms VALUES (1, 1.50, 'NaN', '{"b":[1,2],   "a":1}');`);
    expect((await diffTable('equal_forms')).status).toBe('identical');
  });

  it('compares a partitioned table with a plain one as a whole', async () => {
    await pair.onSource(`CREATE TABLE events (id integer PRIMARY KEY, v text) PARTITION BY RANGE (id);
      CREATE TABLE events_low PARTITION OF events FOR VALUES FROM (MINVALUE) TO (500);
      CREATE TABLE events_high PARTITION OF events FOR VALUES FROM (500) TO (MAXVALUE);
      INSERT INTO events SELECT g, 'e' || g FROM generate_series(1, 1000) g;`);
    await pair.onTarget(`CREATE TABLE events (id integer PRIMARY KEY, v text); INSERT INTO events SELECT g, 'e' || g FROM generate_series(1, 1000) g;`);
    const { source, target } = await pair.open();
    const report = await diffDatabases(source, target);
    // Partitions are not tables of their own in the report.
    expect(report.tables.map((t) => t.table)).not.toContain('public.events_low');
    expect(report.tables.find((t) => t.table === 'public.events')!.status).toBe('identical');
    await pair.close();
    await pair.onSource(`UPDATE events SET v = 'changed' WHERE id = 700`);
    expect(keysOf(await diffTable('events', { keyRangeRows: 8 }))).toEqual(['changed 700']);
  });

  it('ignores views, compares materialized views by their rows, and says when one is not populated', async () => {
    await pair.seedBoth(`CREATE TABLE base (id integer PRIMARY KEY, v integer); INSERT INTO base SELECT g, g FROM generate_series(1, 100) g;
      CREATE MATERIALIZED VIEW totals AS SELECT v % 10 AS bucket, sum(v) AS total FROM base GROUP BY 1;`);
    await pair.onSource(`CREATE VIEW recent AS SELECT * FROM base WHERE id > 50`);
    await pair.onTarget(`CREATE VIEW recent AS SELECT * FROM base WHERE id > 90`);
    const { source, target } = await pair.open();
    const report = await diffDatabases(source, target, { tables: ['base', 'totals'] });
    expect(report.tables.map((t) => [t.table, t.status])).toEqual([
      ['public.base', 'identical'],
      ['public.totals', 'identical'],
    ]);
    const all = await diffDatabases(source, target);
    expect(all.tables.map((t) => t.table)).not.toContain('public.recent');
    await pair.close();
    await pair.onTarget(`UPDATE base SET v = 0 WHERE id = 1; REFRESH MATERIALIZED VIEW totals;`);
    const changed = await diffTable('totals');
    expect(changed).toMatchObject({ status: 'different', rowsIdentical: false });
    expect(changed.notes.join(' ')).toMatch(/materialized view has no primary key/);
    await pair.close();
    await pair.onTarget(`DROP MATERIALIZED VIEW totals; CREATE MATERIALIZED VIEW totals AS SELECT v % 10 AS bucket, sum(v) AS total FROM base GROUP BY 1 WITH NO DATA;`);
    const unpopulated = await diffTable('totals');
    expect(unpopulated.status).toBe('different');
    expect(unpopulated.notes).toEqual(['the materialized view is not populated in the target (REFRESH MATERIALIZED VIEW): its rows were not compared']);
  });
});
