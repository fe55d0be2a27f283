/**
 * The same classes as on PostgreSQL, on MariaDB: keys under two collations, character sets, case changes, JSON,
 * enums and session settings (time_zone, sql_mode), and the refusal of parallel jobs (no shared snapshot).
 */
import { runDiff } from '../../src/cli/diff';
import { diffDatabases, type DiffOptions, type TableDiff } from '../../src/fingerprint';
import type { SqlSession } from '../../src/checks/connection';
import { describeMysql } from '../support/databases';
import { DatabasePair } from './support';

function keysOf(diff: TableDiff): string[] {
  return (diff.localization?.keys ?? []).map((k) => `${k.kind} ${Object.values(k.key).join('|')}`);
}

/** 1..n without relying on the sequence engine. */
const numbers = (n: number): string => {
  const digit = '(SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';
  return `(SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 1 AS g FROM ${digit} a, ${digit} b, ${digit} c, ${digit} e) nums WHERE g <= ${n}`;
};

/** Keys that sort differently byte-wise and case- or accent-insensitively, and stay distinct under both. */
const mixedKey = `CONCAT(ELT(1 + g % 11, 'a', 'B', 'c', 'D', 'é', 'F', '-x', '_y', 'Z', '10', '9'), '-', g DIV 11)`;

describeMysql('diff on MariaDB: collations, character sets, JSON, enums, session settings', () => {
  let pair: DatabasePair;

  beforeAll(async () => {
    pair = await DatabasePair.create('mysql', 'diff_my_content');
  });

  afterAll(async () => {
    await pair.drop();
  });

  afterEach(async () => {
    await pair.close();
  });

  async function diffTable(table: string, options: DiffOptions = {}, prepare?: (s: { source: SqlSession; target: SqlSession }) => Promise<void>): Promise<TableDiff> {
    const sessions = await pair.open();
    await prepare?.(sessions);
    const report = await diffDatabases(sessions.source, sessions.target, { ...options, tables: [table] });
    await pair.close();
    return report.tables[0];
  }

  it('localizes text keys exactly when the two sides use different collations', async () => {
    await pair.onSource(`CREATE TABLE names (k VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PRIMARY KEY, v INT);
      INSERT INTO names SELECT ${mixedKey}, g FROM ${numbers(2000)};`);
    await pair.onTarget(`CREATE TABLE names (k VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci PRIMARY KEY, v INT);
      INSERT INTO names SELECT ${mixedKey}, g FROM ${numbers(2000)};`);
    expect((await diffTable('names')).status).toBe('identical');
    await pair.onTarget(`UPDATE names SET v = -1 WHERE k = 'é-100'; DELETE FROM names WHERE k = 'B-3';`);
    for (const factor of [2, 7, 1024]) {
      expect(keysOf(await diffTable('names', { keyRangeRows: 4, factor })).sort()).toEqual(['changed é-100', 'missing-in-target B-3']);
    }
  });

  it('compares text by its characters whatever the character set, and sees a change of case under a _ci collation', async () => {
    await pair.onSource(`CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_swedish_ci);
      INSERT INTO people SELECT g, CONCAT('José ', g) FROM ${numbers(300)};`);
    await pair.onTarget(`CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci);
      INSERT INTO people SELECT g, CONCAT('José ', g) FROM ${numbers(300)};`);
    expect((await diffTable('people')).status).toBe('identical');
    await pair.onTarget(`UPDATE people SET name = UPPER(name) WHERE id = 77`);
    expect(keysOf(await diffTable('people', { keyRangeRows: 8 }))).toEqual(['changed 77']);
  });

  it('compares JSON documents by their text and enums by their labels', async () => {
    await pair.seedBoth(`CREATE TABLE docs (id INT PRIMARY KEY, doc JSON, mood ENUM('sad', 'ok', 'happy'));
      INSERT INTO docs SELECT g, JSON_OBJECT('g', g, 'tags', JSON_ARRAY('a', 'b')), ELT(1 + g % 3, 'sad', 'ok', 'happy') FROM ${numbers(300)};`);
    expect((await diffTable('docs')).status).toBe('identical');
    await pair.onTarget(`UPDATE docs SET doc = REPLACE(doc, ' ', '') WHERE id = 10; UPDATE docs SET mood = 'sad' WHERE id = 20;`);
    expect(keysOf(await diffTable('docs', { keyRangeRows: 8 }))).toEqual(['changed 10', 'changed 20']);
  });

  it('pins time_zone and sql_mode for the diff and restores them afterwards', async () => {
    await pair.seedBoth(`CREATE TABLE stamps (at TIMESTAMP(3) NOT NULL PRIMARY KEY, code CHAR(8), v INT);
      INSERT INTO stamps SELECT TIMESTAMP('2024-01-01 00:00:00') + INTERVAL g MINUTE, CONCAT('c', g), g FROM ${numbers(400)};`);
    let restored: unknown[] = [];
    const skewed = async ({ target }: { source: SqlSession; target: SqlSession }): Promise<void> => {
      await target.query("SET SESSION time_zone = '+05:00'");
      await target.query("SET SESSION sql_mode = 'PAD_CHAR_TO_FULL_LENGTH'");
    };
    const sessions = await pair.open();
    await skewed(sessions);
    const report = await diffDatabases(sessions.source, sessions.target, { tables: ['stamps'] });
    restored = await sessions.target.query('SELECT @@SESSION.time_zone AS tz, @@SESSION.sql_mode AS mode');
    await pair.close();
    expect(report.tables[0].status).toBe('identical');
    expect(restored).toEqual([{ tz: '+05:00', mode: 'PAD_CHAR_TO_FULL_LENGTH' }]);
    await pair.onTarget(`UPDATE stamps SET v = 0 WHERE at = '2024-01-01 05:00:00'`);
    expect(keysOf(await diffTable('stamps', { keyRangeRows: 8 }, skewed))).toEqual(['changed 2024-01-01 05:00:00.000']);
  });

  it('refuses parallel jobs, which cannot share one snapshot', async () => {
    const { source, target } = await pair.open();
    await expect(diffDatabases(source, target, { jobs: 2, connect: () => Promise.reject(new Error('not used')) })).rejects.toThrow(
      /cannot share one snapshot between connections .*run with --jobs 1/,
    );
    let err = '';
    const code = await runDiff(['--source', pair.source.url, '--target', pair.target.url, '--jobs', '2'], { out: () => undefined, err: (t) => (err += t), progress: false });
    expect(code).toBe(2);
    expect(err).toMatch(/MySQL family cannot share one snapshot/);
  });
});
