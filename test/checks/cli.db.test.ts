import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openSession, targetFromUrl } from '../../src/checks/connection';
import { runVerifyData } from '../../src/cli/check-data';
import { createPostgresDatabase, type TestDatabase } from '../support/databases';

/** Captures what a command writes. */
function collector(): { out: string; err: string; output: { out(text: string): void; err(text: string): void } } {
  const io = {
    out: '',
    err: '',
    output: {
      out: (text: string) => {
        io.out += text;
      },
      err: (text: string) => {
        io.err += text;
      },
    },
  };
  return io;
}

describe('lifeboat verify-data', () => {
  let db: TestDatabase;
  let dir: string;
  let checksFile: string;

  beforeAll(async () => {
    db = await createPostgresDatabase('cli');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-verify-data-'));
    const admin = await openSession(targetFromUrl(db.url), { readOnly: false });
    try {
      await admin.query('CREATE TABLE orders (id int PRIMARY KEY, created_at timestamptz NOT NULL)');
      await admin.query("INSERT INTO orders VALUES (1, '2026-06-01 11:50:00+00'), (2, '2026-06-01 11:59:00+00')");
    } finally {
      await admin.close();
    }
    checksFile = path.join(dir, 'checks.json');
    fs.writeFileSync(
      checksFile,
      JSON.stringify([
        { type: 'tableExists', table: 'orders' },
        { type: 'rowCount', table: 'orders', min: 1 },
        { type: 'freshness', table: 'orders', column: 'created_at', maxLag: '5m' },
        { type: 'sql', name: 'two-orders', sql: 'select count(*) from orders', expect: 2 },
      ]),
    );
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  it('prints one line per check and the measured data lag, exit 0 when all pass', async () => {
    const io = collector();
    const code = await runVerifyData(['--url', db.url, '--checks', checksFile, '--target-time', '2026-06-01T12:00:00Z'], io.output);
    expect(io.err).toBe('');
    expect(code).toBe(0);
    expect(io.out.split('\n')).toEqual([
      expect.stringMatching(/^PASS {2}tableExists:orders {11}orders exists \(table\)/),
      expect.stringMatching(/^PASS {2}rowCount:orders {14}orders has 2 rows \(expected at least 1\)/),
      expect.stringMatching(/^PASS {2}freshness:orders\.created_at {2}newest orders\.created_at is 2026-06-01T11:59:00\.000Z, 60 s before/),
      expect.stringMatching(/^PASS {2}two-orders {19}returned 2 as expected/),
      '4 passed, 0 failed; data lag 60 s (newest row 2026-06-01T11:59:00.000Z)',
      '',
    ]);
  });

  it('exits 1 when a check fails (stale data), with the JSON report on request', async () => {
    const io = collector();
    const code = await runVerifyData(
      ['--checks', checksFile, '--target-time', '2026-06-01T13:00:00Z', '--format', 'json'],
      io.output,
      { LIFEBOAT_DATABASE_URL: db.url },
    );
    expect(code).toBe(1);
    const report = JSON.parse(io.out);
    expect(report).toMatchObject({ ok: false, connected: true, failed: 1, dataLagSeconds: 3660 });
    expect(report.results[2]).toMatchObject({ name: 'freshness:orders.created_at', ok: false });
  });

  it('exits 2 without printing the password when it cannot connect', async () => {
    const url = new URL(db.url);
    url.password = 'Sup3r-Secret-Pw';
    const io = collector();
    const code = await runVerifyData(['--url', url.toString(), '--checks', checksFile], io.output);
    expect(code).toBe(2);
    expect(io.out).toMatch(/FAIL .*not run: could not connect .*password authentication failed/);
    expect(io.out + io.err).not.toContain('Sup3r-Secret-Pw');
  });

  it('runs the checks of a database in a requirements spec, adding its freshness check', async () => {
    const spec = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../examples/backup_requirements.json'), 'utf8'));
    const ledger = spec.databases.find((d: { id: string }) => d.id === 'ledger');
    expect(ledger.verification.freshness).toBeDefined();
    ledger.verification.checks = [{ type: 'rowCount', table: 'orders', min: 1 }];
    ledger.verification.freshness = { table: 'orders', column: 'created_at', maxLag: '15m' };
    const specFile = path.join(dir, 'requirements.json');
    fs.writeFileSync(specFile, JSON.stringify(spec));
    const io = collector();
    const code = await runVerifyData(
      ['--url', db.url, '--spec', specFile, '--database', 'ledger', '--target-time', '2026-06-01T12:00:00Z', '--format', 'json'],
      io.output,
    );
    expect(io.err).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(io.out).results.map((r: { name: string }) => r.name)).toEqual(['rowCount:orders', 'freshness:orders.created_at']);
  });

  it.each([
    [['--checks', 'x.json'], /--url <url> \(or \$LIFEBOAT_DATABASE_URL\) is required/],
    [['--url', 'postgres://u:Pw-123456@h/d'], /--checks <file.json> or --spec/],
    [['--url', 'postgres://u:Pw-123456@h/d', '--checks', 'x.json', '--format', 'xml'], /--format must be table or json/],
    [['--url', 'postgres://u:Pw-123456@h/d', '--checks', 'x.json', '--target-time', 'soon'], /--target-time must be an ISO 8601 time/],
    [['--url', 'postgres://u:Pw-123456@h/d', '--checks', '/nonexistent/checks.json'], /cannot read checks from \/nonexistent\/checks.json/],
    [['--url', 'postgres://u:Pw-123456@h/d', '--checks', 'x.json', '--check-timeout', '5 minutes'], /--check-timeout: invalid duration/],
    [['--url', 'postgres://u:Pw-123456@h/d', '--spec', 'x.json'], /--spec needs --database/],
    [['--url', 'postgres://u:Pw-123456@h/d', '--checks', 'x.json', '--engine', 'oracle'], /--engine must be one of/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('exits 2 on usage errors: %j', async (argv, message) => {
    const io = collector();
    const code = await runVerifyData(argv, io.output, {});
    expect(code).toBe(2);
    expect(io.err).toMatch(message);
    expect(io.err).not.toContain('Pw-123456');
  });
});
