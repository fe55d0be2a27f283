import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConnectionError, openSession, targetFromUrl, type SqlSession } from '../../src/checks/connection';
import { createMysqlDatabase, createPostgresDatabase, describeMysql, postgresCaPem, type TestDatabase } from '../support/databases';

/** A second, unrelated self-signed CA with the same subject: the server's certificate does not chain to it. */
function foreignCaPem(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-foreign-ca-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    return fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `sql` through openSession in a separate Node process whose local time zone is `zone` (jest's sandbox does not
 * pass TZ changes to the real process), and returns the first row as JSON plus that process's UTC offset.
 */
function queryInTimeZone(url: string, zone: string, sql: string): { row: Record<string, unknown>; offsetMinutes: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-tz-'));
  try {
    const script = path.join(dir, 'query.ts');
    fs.writeFileSync(
      script,
      `import { openSession, targetFromUrl } from ${JSON.stringify(path.resolve(__dirname, '../../src/checks/connection'))};
       (async () => {
         const session = await openSession(targetFromUrl(process.env.URL!));
         const [row] = await session.query(process.env.SQL!);
         await session.close();
         process.stdout.write(JSON.stringify({ row, offsetMinutes: new Date('2026-03-04T05:00:00Z').getTimezoneOffset() }));
       })();`,
    );
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, TZ: zone, URL: url, SQL: sql },
      cwd: path.resolve(__dirname, '../..'),
    });
    return JSON.parse(out.toString());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('openSession on PostgreSQL', () => {
  let db: TestDatabase;
  let session: SqlSession;

  beforeAll(async () => {
    db = await createPostgresDatabase('conn');
    session = await openSession(targetFromUrl(db.url));
  });
  afterAll(async () => {
    await session?.close();
    await db?.drop();
  });

  it('reports the server flavour and version', () => {
    expect(session.engine).toBe('postgres');
    expect(session.flavour).toBe('postgres');
    expect(session.serverVersion).toMatch(/^17\./);
  });

  it('refuses writes because every transaction is read-only', async () => {
    await expect(session.query('CREATE TABLE t (id int)')).rejects.toThrow(/read-only transaction/);
  });

  it('sends exactly one statement per query, so a second statement cannot ride along', async () => {
    await expect(session.query('SELECT 1; SELECT 2')).rejects.toThrow(/multiple commands/);
  });

  it('reads timestamps without time zone as UTC and dates as calendar dates, whatever the local zone', () => {
    const { row, offsetMinutes } = queryInTimeZone(
      db.url,
      'America/New_York',
      "SELECT timestamp '2026-03-04 05:06:07.891' AS naive, timestamptz '2026-03-04 05:06:07+02' AS zoned, date '2026-03-04' AS day, " +
        'count(*) AS big, 9007199254740993::bigint AS huge',
    );
    expect(offsetMinutes).toBe(300);
    expect(row).toEqual({
      naive: '2026-03-04T05:06:07.891Z',
      zoned: '2026-03-04T03:06:07.000Z',
      day: '2026-03-04',
      // 64-bit integers: a number when exact, the exact text otherwise
      big: 1,
      huge: '9007199254740993',
    });
  });

  it('undoes everything a read-only transaction did, settings included', async () => {
    await session.readOnlyTransaction(() => session.query('SET statement_timeout = 1234'));
    const [row] = await session.query<{ statement_timeout: string }>('SHOW statement_timeout');
    expect(row.statement_timeout).toBe('0');
  });

  it('applies the statement timeout on the server', async () => {
    const limited = await openSession(targetFromUrl(db.url), { statementTimeoutMs: 200 });
    try {
      await expect(limited.query('SELECT pg_sleep(5)')).rejects.toThrow(/statement timeout/);
    } finally {
      await limited.close();
    }
  });

  it('verifies the server certificate over TLS with the right CA', async () => {
    const target = { ...targetFromUrl(db.url), tls: { ca: postgresCaPem(), servername: 'localhost' } };
    const tlsSession = await openSession(target);
    try {
      const [row] = await tlsSession.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      expect(row.ssl).toBe(true);
    } finally {
      await tlsSession.close();
    }
  });

  it.each([
    ['a CA the certificate does not chain to', { ca: foreignCaPem(), servername: 'localhost' }, /self-signed certificate|unable to verify/],
    ['the system CAs only', { servername: 'localhost' }, /self-signed certificate|unable to verify/],
    ['a host name the certificate does not name', { ca: postgresCaPem(), servername: 'db.example.com' }, /altnames/],
  ])('refuses TLS with %s', async (_label, tls, reason) => {
    const attempt = openSession({ ...targetFromUrl(db.url), tls });
    await expect(attempt).rejects.toThrow(ConnectionError);
    await expect(attempt).rejects.toThrow(reason);
  });

  it('reports a wrong password without repeating the password', async () => {
    const target = { ...targetFromUrl(db.url), password: 'Wr0ng-Secret-Value' };
    const error = await openSession(target).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error?.message).toMatch(/password authentication failed/);
    expect(error?.message).not.toContain('Wr0ng-Secret-Value');
  });
});

describeMysql('openSession on MariaDB', () => {
  let db: TestDatabase;
  let session: SqlSession;

  beforeAll(async () => {
    db = await createMysqlDatabase('conn');
    const admin = await openSession(targetFromUrl(db.url), { readOnly: false });
    try {
      await admin.query('CREATE TABLE t (id int primary key, at datetime(3))');
      await admin.query("INSERT INTO t VALUES (1, '2026-03-04 05:06:07.891')");
    } finally {
      await admin.close();
    }
    session = await openSession(targetFromUrl(db.url));
  });
  afterAll(async () => {
    await session?.close();
    await db?.drop();
  });

  it('detects MariaDB from the version string', () => {
    expect(session.engine).toBe('mysql');
    expect(session.flavour).toBe('mariadb');
    expect(session.serverVersion).toMatch(/MariaDB/);
  });

  it('refuses writes because the session is read-only', async () => {
    await expect(session.query('INSERT INTO t VALUES (2, NULL)')).rejects.toThrow(/READ ONLY transaction/i);
  });

  it('sends exactly one statement per query', async () => {
    await expect(session.query('SELECT 1; SELECT 2')).rejects.toThrow(/syntax/i);
  });

  it('reads DATETIME as UTC, whatever the local zone', () => {
    const { row, offsetMinutes } = queryInTimeZone(db.url, 'America/New_York', 'SELECT at FROM t WHERE id = 1');
    expect(offsetMinutes).toBe(300);
    expect(row).toEqual({ at: '2026-03-04T05:06:07.891Z' });
  });

  it('applies the statement timeout on the server (max_statement_time)', async () => {
    const limited = await openSession(targetFromUrl(db.url), { statementTimeoutMs: 200 });
    try {
      await expect(limited.query('SELECT COUNT(*) FROM t WHERE SLEEP(5) = 0')).rejects.toThrow(/max_statement_time/);
    } finally {
      await limited.close();
    }
  });

  it('fails instead of falling back to plain text when TLS is required and the server has none', async () => {
    const attempt = openSession({ ...targetFromUrl(db.url), tls: {} });
    await expect(attempt).rejects.toThrow(ConnectionError);
    await expect(attempt).rejects.toThrow(/does not support secure connection/);
  });

  it('reports a wrong password without repeating the password', async () => {
    const error = await openSession({ ...targetFromUrl(db.url), password: 'Wr0ng-Secret-Value' }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error?.message).toMatch(/Access denied/);
    expect(error?.message).not.toContain('Wr0ng-Secret-Value');
  });
});
