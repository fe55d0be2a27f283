import { createHash } from 'node:crypto';
import { compareFingerprints, diffDatabases, fingerprintTable, type DiffOptions, type TableDiff } from '../../src/fingerprint';
import { describeMysql } from '../support/databases';
import { DatabasePair } from './support';

describeMysql('diff on MariaDB', () => {
  let pair: DatabasePair;

  beforeAll(async () => {
    pair = await DatabasePair.create('mysql', 'diff_my');
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

  /** INSERT ... SELECT over 1..n without relying on the sequence engine. */
  const numbers = (n: number): string =>
    `(SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 1 AS g FROM
       (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) a,
       (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) b,
       (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) c,
       (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) e) nums WHERE g <= ${n}`;

  it('reports identical tables as identical', async () => {
    await pair.seedBoth(`CREATE TABLE same (id BIGINT PRIMARY KEY, name VARCHAR(50), price DECIMAL(10,2), doc JSON, blobby BLOB, at DATETIME(6));
      INSERT INTO same SELECT g, CONCAT('item ', g), g * 1.25, JSON_OBJECT('g', g), UNHEX(MD5(g)), TIMESTAMP('2024-01-01') + INTERVAL g MINUTE FROM ${numbers(3000)};
      INSERT INTO same VALUES (3001, NULL, NULL, NULL, NULL, NULL);`);
    const diff = await diffTable('same');
    expect(diff).toMatchObject({ table: 'same', status: 'identical', sourceRows: 3001, targetRows: 3001, rowsIdentical: true });
    expect(diff.fingerprints!.source.algorithm).toBe('mysql-md5-64-v2');
  });

  it('names a changed, a missing and an extra row', async () => {
    await pair.seedBoth(`CREATE TABLE rows3 (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO rows3 SELECT g, CONCAT('v', g) FROM ${numbers(5000)};`);
    await pair.onTarget(`UPDATE rows3 SET v = 'other' WHERE id = 4321; DELETE FROM rows3 WHERE id = 17; INSERT INTO rows3 VALUES (999999, 'x');`);
    const diff = await diffTable('rows3', { keyRangeRows: 16 });
    expect(keysOf(diff)).toEqual(['missing-in-target 17', 'changed 4321', 'extra-in-target 999999']);
  });

  it('distinguishes NULL from the empty string and from the string NULL', async () => {
    await pair.seedBoth(`CREATE TABLE nulls (id INT PRIMARY KEY, a VARCHAR(10), b VARCHAR(10));
      INSERT INTO nulls VALUES (1, NULL, 'x'), (2, '', 'x'), (3, 'NULL', 'x'), (4, 'N', NULL), (5, 'a', 'bc');`);
    // Row 5: ('a','bc') -> ('ab','c') would collide under plain concatenation.
    await pair.onTarget(`UPDATE nulls SET a = '' WHERE id = 1; UPDATE nulls SET a = NULL WHERE id = 2; UPDATE nulls SET a = NULL WHERE id = 3;
      UPDATE nulls SET a = NULL, b = 'N' WHERE id = 4; UPDATE nulls SET a = 'ab', b = 'c' WHERE id = 5;`);
    const diff = await diffTable('nulls');
    expect(keysOf(diff)).toEqual(['changed 1', 'changed 2', 'changed 3', 'changed 4', 'changed 5']);
  });

  it('does not let duplicated rows cancel out in a table without a primary key', async () => {
    await pair.onSource(`CREATE TABLE dupes (x INT, y VARCHAR(5)); INSERT INTO dupes VALUES (1, 'a'), (1, 'a');`);
    await pair.onTarget(`CREATE TABLE dupes (x INT, y VARCHAR(5)); INSERT INTO dupes VALUES (2, 'b'), (2, 'b');`);
    const diff = await diffTable('dupes');
    expect(diff).toMatchObject({ status: 'different', sourceRows: 2, targetRows: 2, rowsIdentical: false });
    expect(diff.fingerprints!.source.xor).toBe('0000000000000000');
    expect(diff.notes.join(' ')).toMatch(/no primary key/);
  });

  it('reports an added column and a missing table', async () => {
    await pair.seedBoth(`CREATE TABLE widened (id INT PRIMARY KEY, v TEXT); INSERT INTO widened VALUES (1, 'a'), (2, 'b');`);
    await pair.onTarget(`ALTER TABLE widened ADD COLUMN extra INT DEFAULT 7`);
    await pair.onSource(`CREATE TABLE gone (id INT PRIMARY KEY); INSERT INTO gone VALUES (1);`);
    const { source, target } = await pair.open();
    const report = await diffDatabases(source, target, { tables: ['widened', 'gone'] });
    expect(report.tables.map((t) => [t.table, t.status])).toEqual([
      ['gone', 'missing-in-target'],
      ['widened', 'different'],
    ]);
    expect(report.tables[1]).toMatchObject({ schema: { onlyInTarget: ['extra'] }, rowsIdentical: true });
  });

  it('localizes differences among signed and unsigned bigint keys at the ends of their ranges', async () => {
    await pair.seedBoth(`CREATE TABLE bigkeys (id BIGINT PRIMARY KEY, v VARCHAR(10));
      INSERT INTO bigkeys SELECT 9223372036854775807 - g * 1000003, 'v' FROM ${numbers(2000)};
      INSERT INTO bigkeys VALUES (9223372036854775807, 'max'), (-9223372036854775808, 'min');
      CREATE TABLE ukeys (id BIGINT UNSIGNED PRIMARY KEY, v INT);
      INSERT INTO ukeys SELECT 18446744073709551615 - g * 7, g FROM ${numbers(2000)};`);
    await pair.onTarget(`UPDATE bigkeys SET v = 'x' WHERE id IN (9223372036854775807, -9223372036854775808, 9223372036854775807 - 1000 * 1000003);
      UPDATE ukeys SET v = 0 WHERE id = 18446744073709551615 - 7;`);
    const big = await diffTable('bigkeys', { keyRangeRows: 8, factor: 4 });
    expect(keysOf(big)).toEqual([
      'changed -9223372036854775808',
      `changed ${9223372036854775807n - 1000n * 1000003n}`,
      'changed 9223372036854775807',
    ]);
    expect(keysOf(await diffTable('ukeys', { keyRangeRows: 8 }))).toEqual(['changed 18446744073709551608']);
  });

  it('localizes differences with long text and composite keys', async () => {
    await pair.seedBoth(`CREATE TABLE composite (tenant INT, code VARCHAR(300), v INT, PRIMARY KEY (tenant, code));
      INSERT INTO composite SELECT g % 7, CONCAT(REPEAT(MD5(g), 8), g), g FROM ${numbers(3000)};`);
    await pair.onTarget(`UPDATE composite SET v = 0 WHERE v = 100; DELETE FROM composite WHERE v = 2500;`);
    const diff = await diffTable('composite', { keyRangeRows: 8, factor: 3 });
    expect(keysOf(diff).sort()).toEqual([
      `changed 2|${md5('100').repeat(8)}100`,
      `missing-in-target 1|${md5('2500').repeat(8)}2500`,
    ].sort());
  });

  it('fingerprints a table for later comparison', async () => {
    await pair.seedBoth(`CREATE TABLE fp (id INT PRIMARY KEY, v INT); INSERT INTO fp SELECT g, g FROM ${numbers(100)};`);
    const { source, target } = await pair.open();
    const a = await fingerprintTable(source, 'fp');
    expect(a).toMatchObject({ table: 'fp', rowCount: 100, primaryKey: ['id'] });
    expect(compareFingerprints(a, await fingerprintTable(target, 'fp')).identical).toBe(true);
  });
});

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}
