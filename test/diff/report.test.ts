import { redactCredentials } from '../../src/cli/diff';
import { compareFingerprints, diffDatabases, type DiffReport, type QuerySession, type TableFingerprint } from '../../src/fingerprint';
import { formatDiffReport } from '../../src/fingerprint/format';

const untouchable: QuerySession = {
  engine: 'postgres',
  query: () => Promise.reject(new Error('must not query')),
};

describe('redactCredentials', () => {
  it('masks the password of every URL in a driver message, and the known passwords wherever they appear', () => {
    const message = 'connect to postgres://app:s3cr%40t@db.internal:5432/prod failed; mysql://root:hunter2@h/x; password "s3cr@t" rejected';
    const redacted = redactCredentials(message, ['postgres://app:s3cr%40t@db.internal:5432/prod']);
    expect(redacted).toBe('connect to postgres://app:***@db.internal:5432/prod failed; mysql://root:***@h/x; password "***" rejected');
  });
});

describe('diffDatabases options', () => {
  it('lists every invalid limit at once, before touching a database', async () => {
    await expect(diffDatabases(untouchable, untouchable, { factor: 1, keyRangeRows: 0, maxKeys: 1.5 })).rejects.toThrow(
      'invalid diff options: factor must be an integer from 2 to 4096, got 1; keyRangeRows must be an integer from 1 to 100000, got 0; maxKeys must be an integer from 1 to 100000, got 1.5',
    );
  });

  it('refuses PostgreSQL before 14, which lacks bit_xor, before opening a transaction', async () => {
    const statements: string[] = [];
    const postgres13: QuerySession = {
      engine: 'postgres',
      query: async <T>(sql: string) => {
        statements.push(sql);
        return [{ v: '130012' }] as T[];
      },
    };
    await expect(diffDatabases(postgres13, postgres13)).rejects.toThrow('fingerprints need PostgreSQL 14 or later (the bit_xor aggregate); the server is 130012');
    expect(statements.some((s) => s.startsWith('BEGIN'))).toBe(false);
  });

  it('refuses to compare different server families', async () => {
    await expect(diffDatabases(untouchable, { ...untouchable, engine: 'mysql' })).rejects.toThrow(
      /the source is postgres and the target is mysql/,
    );
  });
});

const fingerprint: TableFingerprint = {
  version: 2,
  algorithm: 'postgres-content-v2',
  table: 'public.t',
  columns: [{ name: 'id', type: 'integer', hashedAs: 'native' }],
  primaryKey: ['id'],
  rowCount: 3,
  xor: '00000000000000ff',
  sum: '42',
};

describe('compareFingerprints', () => {
  it('refuses fingerprints of different algorithms', () => {
    expect(compareFingerprints(fingerprint, { ...fingerprint, algorithm: 'mysql-md5-64-v2' })).toEqual({
      identical: false,
      differences: ['fingerprints use different algorithms (postgres-content-v2 vs mysql-md5-64-v2) and cannot be compared'],
    });
  });

  it('names column, count and content differences', () => {
    const other: TableFingerprint = { ...fingerprint, columns: [{ name: 'id', type: 'bigint', hashedAs: 'native' }], rowCount: 4, sum: '43' };
    expect(compareFingerprints(fingerprint, other).differences).toEqual([
      'hashed columns differ: [id integer] vs [id bigint]',
      'row counts differ: 3 vs 4',
      'row contents differ (digests do not match)',
    ]);
  });
});

describe('formatDiffReport', () => {
  it('summarises each table and details the differences', () => {
    const report: DiffReport = {
      identical: false,
      engine: 'postgres',
      tables: [
        { table: 'public.a', status: 'identical', sourceRows: 10, targetRows: 10, comparedColumns: ['id'], rowsIdentical: true, notes: [] },
        {
          table: 'public.b',
          status: 'different',
          sourceRows: 5,
          targetRows: 4,
          schema: { onlyInSource: [], onlyInTarget: ['extra'], typeChanges: [] },
          comparedColumns: ['id', 'k'],
          rowsIdentical: false,
          localization: {
            status: 'truncated',
            rounds: 2,
            keys: [{ key: { id: '7', k: 'x' }, kind: 'missing-in-target' }],
            ranges: [{ from: { id: '9', k: 'a' }, to: null, sourceRows: 3, targetRows: 2 }],
          },
          notes: [],
        },
        { table: 'public.c', status: 'missing-in-target', sourceRows: 1, comparedColumns: [], notes: ['the table does not exist in the target'] },
      ],
    };
    expect(formatDiffReport(report)).toBe(
      [
        '3 table(s) compared: 1 identical, 2 different',
        '',
        'TABLE     SOURCE ROWS  TARGET ROWS  RESULT',
        'public.a  10           10           identical',
        'public.b  5            4            different (schema, rows)',
        'public.c  1            -            missing in target',
        '',
        'public.b:',
        '  column extra exists only in the target',
        '  rows differ (fingerprints over 2 common columns do not match)',
        '    missing in target  (id=7, k=x)',
        '  1 key range(s) differ and were not narrowed down further (limits reached):',
        '    [(id=9, k=a) .. end): 3 rows in source, 2 in target',
        '',
        'public.c:',
        '  note: the table does not exist in the target',
        '',
      ].join('\n'),
    );
  });
});
