import * as net from 'node:net';
import * as path from 'node:path';
import { loadRequirements } from '../../src/spec/requirements';
import { openSession, targetFromUrl } from '../../src/checks/connection';
import { runChecks } from '../../src/checks/run';
import type { CheckReport, CheckSpec, ConnectionTarget } from '../../src/checks/types';
import { createMysqlDatabase, createPostgresDatabase, describeMysql, postgresCaPem, type TestDatabase } from '../support/databases';

/** The restore target time every fixture is seeded around. */
const TARGET = new Date('2026-06-01T12:00:00.000Z');
const WRONG_PASSWORD = 'N0t-The-Real-Password';

interface Flavour {
  /** Creates the database. */
  create: () => Promise<TestDatabase>;
  /** The schema (PostgreSQL) or database (MariaDB) the fixtures qualify `orders` with. */
  schema: (db: TestDatabase) => string;
  /** Statements creating and filling the fixture tables (run by a read-write admin session, in UTC). */
  seed: (db: TestDatabase) => string[];
  /** A query that takes `seconds` and returns one row with 0. */
  sleep: (seconds: number) => string;
  /** A query that sleeps `seconds` and opts out of the server-side statement timeout, where the server allows that. */
  sleepPastServerTimeout?: (seconds: number) => string;
  /** Write attempts a user assertion might smuggle in; each must fail and change nothing. */
  writes: string[];
  /** Pattern of the server's refusal to write. */
  readOnlyRefusal: RegExp;
}

const postgres: Flavour = {
  create: () => createPostgresDatabase('checks'),
  schema: () => 'app',
  seed: () => [
    'CREATE SCHEMA app',
    'CREATE TABLE app.orders (id int PRIMARY KEY, created_at timestamptz NOT NULL, note text)',
    "INSERT INTO app.orders VALUES (1, '2026-06-01 11:57:00+00', 'a'), (2, '2026-06-01 11:58:00+00', 'b'), (3, '2026-06-01 13:59:00+02', 'c')",
    'CREATE TABLE events (id int PRIMARY KEY, happened_at timestamp NOT NULL)',
    "INSERT INTO events VALUES (1, '2026-06-01 11:59:30'), (2, '2026-06-01 11:00:00')",
    'CREATE TABLE stale_items (id int PRIMARY KEY, updated_at timestamptz)',
    "INSERT INTO stale_items VALUES (1, '2026-05-30 12:00:00+00')",
    'CREATE TABLE empty_items (id int PRIMARY KEY, updated_at timestamptz)',
    'CREATE TABLE future_items (id int PRIMARY KEY, updated_at timestamptz)',
    "INSERT INTO future_items VALUES (1, '2026-06-01 12:00:10+00')",
  ],
  sleep: (seconds) => `SELECT length(pg_sleep(${seconds})::text)`,
  writes: [
    "INSERT INTO app.orders VALUES (99, now(), 'injected')",
    'DELETE FROM app.orders',
    'CREATE TABLE pwned (id int)',
    'SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE',
    'SET default_transaction_read_only = off',
    'UPDATE app.orders SET note = NULL',
    'SELECT 1; DELETE FROM app.orders',
    "COMMIT",
    "INSERT INTO app.orders VALUES (98, now(), 'after commit')",
    "DO $$ BEGIN SET transaction_read_only = off; DELETE FROM app.orders; END $$",
  ],
  readOnlyRefusal: /read-only transaction/,
};

const mariadb: Flavour = {
  create: () => createMysqlDatabase('checks'),
  schema: (db) => db.name,
  seed: (db) => [
    `CREATE TABLE \`${db.name}\`.orders (id int PRIMARY KEY, created_at timestamp(3) NOT NULL, note text)`,
    "INSERT INTO orders VALUES (1, '2026-06-01 11:57:00', 'a'), (2, '2026-06-01 11:58:00', 'b'), (3, '2026-06-01 11:59:00', 'c')",
    'CREATE TABLE events (id int PRIMARY KEY, happened_at datetime(3) NOT NULL)',
    "INSERT INTO events VALUES (1, '2026-06-01 11:59:30'), (2, '2026-06-01 11:00:00')",
    'CREATE TABLE stale_items (id int PRIMARY KEY, updated_at datetime)',
    "INSERT INTO stale_items VALUES (1, '2026-05-30 12:00:00')",
    'CREATE TABLE empty_items (id int PRIMARY KEY, updated_at datetime)',
    'CREATE TABLE future_items (id int PRIMARY KEY, updated_at datetime)',
    "INSERT INTO future_items VALUES (1, '2026-06-01 12:00:10')",
  ],
  sleep: (seconds) => `SELECT COUNT(*) FROM orders WHERE SLEEP(${seconds}) = 2`,
  sleepPastServerTimeout: (seconds) => `SET STATEMENT max_statement_time = 0 FOR SELECT SLEEP(${seconds}) - 1`,
  writes: [
    "INSERT INTO orders VALUES (99, NOW(), 'injected')",
    'DELETE FROM orders',
    'CREATE TABLE pwned (id int)',
    'SET SESSION TRANSACTION READ WRITE',
    'UPDATE orders SET note = NULL',
    'SELECT 1; DELETE FROM orders',
    'COMMIT',
    "INSERT INTO orders VALUES (98, NOW(), 'after commit')",
    'DROP TABLE events',
  ],
  readOnlyRefusal: /READ ONLY transaction/i,
};

function suite(flavour: Flavour): void {
  let db: TestDatabase;
  let target: ConnectionTarget;
  let orders: string;

  beforeAll(async () => {
    db = await flavour.create();
    target = targetFromUrl(db.url);
    orders = `${flavour.schema(db)}.orders`;
    const admin = await openSession(target, { readOnly: false });
    try {
      for (const statement of flavour.seed(db)) await admin.query(statement);
    } finally {
      await admin.close();
    }
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** Row count of orders and whether the `pwned` table exists, read outside the checks. */
  async function damage(): Promise<{ orders: number; notes: number; pwned: boolean; events: boolean }> {
    const admin = await openSession(target);
    try {
      const count = async (sql: string) => Number(Object.values((await admin.query(sql))[0])[0]);
      const tables = await admin.query<{ t: string }>(
        admin.engine === 'postgres'
          ? "SELECT table_name AS t FROM information_schema.tables WHERE table_name IN ('pwned', 'events')"
          : "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('pwned', 'events')",
      );
      const names = tables.map((row) => row.t);
      return {
        orders: await count(`SELECT count(*) FROM ${orders}`),
        notes: await count(`SELECT count(note) FROM ${orders}`),
        pwned: names.includes('pwned'),
        events: names.includes('events'),
      };
    } finally {
      await admin.close();
    }
  }

  function expectNoSecret(report: CheckReport, secret: string): void {
    expect(JSON.stringify(report)).not.toContain(secret);
  }

  it('passes every kind of check on the seeded data and measures the data lag', async () => {
    const report = await runChecks(
      target,
      [
        { type: 'tableExists', table: orders },
        { type: 'tableExists', table: 'events' },
        { type: 'rowCount', table: orders, min: 3, max: 3 },
        { type: 'freshness', table: orders, column: 'created_at', maxLagSeconds: 300 },
        { type: 'freshness', table: 'events', column: 'happened_at', maxLagSeconds: 300 },
        { type: 'sql', name: 'three-orders', sql: `SELECT count(*) FROM ${orders}`, expect: 3 },
        { type: 'sql', name: 'no-orphans', sql: `SELECT id FROM ${orders} WHERE note IS NULL`, expect: { type: 'noRows' } },
        { type: 'sql', name: 'has-events', sql: 'SELECT id FROM events', expect: { type: 'someRows' } },
        { type: 'sql', name: 'all-noted', sql: `SELECT count(*) = 3 FROM ${orders} WHERE note IS NOT NULL`, expect: true },
        { type: 'sql', name: 'first-note', sql: `SELECT note FROM ${orders} ORDER BY id`, expect: { type: 'value', value: 'a' } },
      ],
      { restoreTargetTime: TARGET },
    );
    expect(report.results.filter((r) => !r.ok)).toEqual([]);
    expect(report).toMatchObject({ ok: true, connected: true, failed: 0 });
    expect(report.error).toBeUndefined();
    expect(report.results.map((r) => [r.name, r.observed])).toEqual([
      [`tableExists:${orders}`, true],
      ['tableExists:events', true],
      [`rowCount:${orders}`, 3],
      [`freshness:${orders}.created_at`, { newestRowTime: '2026-06-01T11:59:00.000Z', lagSeconds: 60 }],
      // A timestamp/datetime without time zone is read as UTC.
      ['freshness:events.happened_at', { newestRowTime: '2026-06-01T11:59:30.000Z', lagSeconds: 30 }],
      ['three-orders', 3],
      ['no-orphans', 0],
      ['has-events', 2],
      // PostgreSQL answers a boolean; MariaDB has none and answers 1, which `expect: true` accepts.
      ['all-noted', report.results[8].type === 'sql' && flavour === postgres ? true : 1],
      ['first-note', 'a'],
    ]);
    // The newest row across the freshness checks is the measured recovery point.
    expect(report.dataLagSeconds).toBe(30);
    expect(report.newestRowTime).toBe('2026-06-01T11:59:30.000Z');
  });

  it('fails freshness on stale data and reports how stale', async () => {
    const report = await runChecks(target, [{ type: 'freshness', table: 'stale_items', column: 'updated_at', maxLagSeconds: 3600 }], {
      restoreTargetTime: TARGET,
    });
    expect(report).toMatchObject({ ok: false, connected: true, failed: 1, dataLagSeconds: 172_800, newestRowTime: '2026-05-30T12:00:00.000Z' });
    expect(report.results[0].message).toMatch(/172800 s before the restore target .*stale, more than the allowed 3600 s/);
  });

  it('reports rows newer than the target as a negative lag without failing', async () => {
    const report = await runChecks(target, [{ type: 'freshness', table: 'future_items', column: 'updated_at' }], { restoreTargetTime: TARGET });
    expect(report).toMatchObject({ ok: true, failed: 0, dataLagSeconds: -10 });
    expect(report.results[0].message).toMatch(/10 s AFTER the restore target/);
  });

  it('fails freshness on an empty table, a missing column and a column that holds no time', async () => {
    const report = await runChecks(
      target,
      [
        { type: 'freshness', table: 'empty_items', column: 'updated_at' },
        { type: 'freshness', table: 'events', column: 'nope' },
        { type: 'freshness', table: 'events', column: 'id' },
      ],
      { restoreTargetTime: TARGET },
    );
    expect(report.results.map((r) => r.ok)).toEqual([false, false, false]);
    expect(report.results[0].message).toMatch(/empty table/);
    expect(report.results[1].message).toMatch(/column nope not found/);
    expect(report.results[2].message).toMatch(/column id is of type int\w*, not/);
    expect(report.dataLagSeconds).toBeUndefined();
  });

  it('fails every kind of check on a missing table', async () => {
    const report = await runChecks(target, [
      { type: 'tableExists', table: 'missing_table' },
      { type: 'rowCount', table: 'missing_table', min: 0 },
      { type: 'freshness', table: 'missing_table', column: 'updated_at' },
      { type: 'sql', name: 'reads-missing', sql: 'SELECT count(*) FROM missing_table', expect: 0 },
      { type: 'tableExists', table: `${flavour.schema(db)}_nope.orders` },
    ]);
    expect(report).toMatchObject({ ok: false, connected: true, failed: 5 });
    expect(report.results.map((r) => r.message)).toEqual([
      'missing_table does not exist',
      'missing_table does not exist',
      'missing_table does not exist',
      expect.stringMatching(/^failed: .*missing_table/),
      `${flavour.schema(db)}_nope.orders does not exist`,
    ]);
  });

  it('fails an assertion whose result differs, saying what came back', async () => {
    const report = await runChecks(target, [
      { type: 'sql', name: 'four-orders', sql: `SELECT count(*) FROM ${orders}`, expect: 4 },
      { type: 'sql', name: 'no-events', sql: 'SELECT id FROM events', expect: { type: 'noRows' } },
      { type: 'sql', name: 'nothing', sql: `SELECT id FROM ${orders} WHERE id < 0`, expect: 0 },
      { type: 'sql', name: 'typo', sql: 'SELEC 1', expect: 1 },
    ]);
    expect(report.results.map((r) => [r.name, r.ok, r.message])).toEqual([
      ['four-orders', false, 'returned 3, expected 4'],
      ['no-events', false, 'returned 2 rows (expected no rows)'],
      ['nothing', false, 'returned no rows (expected 0)'],
      ['typo', false, expect.stringMatching(/^failed: .*syntax/i)],
    ]);
  });

  it.each([
    [{}, true, '3 rows'],
    [{ min: 1 }, true, '3 rows (expected at least 1)'],
    [{ min: 3, max: 3 }, true, '3 rows (expected between 3 and 3)'],
    [{ min: 4 }, false, '3 rows (expected at least 4)'],
    [{ max: 2 }, false, '3 rows (expected at most 2)'],
    [{ min: 0, max: 2 }, false, '3 rows (expected between 0 and 2)'],
  ])('row-count bounds %j -> ok %s', async (bounds, ok, message) => {
    const report = await runChecks(target, [{ type: 'rowCount', table: orders, ...bounds }]);
    expect(report.results[0]).toMatchObject({ ok, observed: 3, message: `${orders} has ${message}` });
  });

  it('times out a slow check and still runs the checks after it', async () => {
    const report = await runChecks(
      target,
      [
        { type: 'sql', name: 'slow', sql: flavour.sleep(10), expect: 0 },
        { type: 'rowCount', table: orders, min: 3 },
      ],
      { checkTimeoutMs: 500 },
    );
    expect(report.results[0]).toMatchObject({ name: 'slow', ok: false, message: expect.stringMatching(/^timed out after 500 ms/) });
    expect(report.results[0].durationMs).toBeLessThan(10_000);
    expect(report.results[1]).toMatchObject({ ok: true, observed: 3 });
    expect(report).toMatchObject({ connected: true, failed: 1 });
  });

  (flavour.sleepPastServerTimeout ? it : it.skip)(
    'gives up on a statement that escapes the server-side timeout, then reconnects for the next check',
    async () => {
      const report = await runChecks(
        target,
        [
          { type: 'sql', name: 'escapes', sql: flavour.sleepPastServerTimeout!(30), expect: 0 },
          { type: 'rowCount', table: orders, min: 3 },
        ],
        { checkTimeoutMs: 300 },
      );
      expect(report.results[0]).toMatchObject({
        ok: false,
        message: 'timed out after 300 ms (no answer within 1300 ms); the abandoned statement was cancelled on the server',
      });
      expect(report.results[1]).toMatchObject({ ok: true, observed: 3 });
      const observer = await openSession(target);
      try {
        const sleeping = await observer.query(
          "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SET STATEMENT max_statement_time = 0 FOR SELECT SLEEP%'",
        );
        expect(sleeping).toEqual([]);
      } finally {
        await observer.close();
      }
    },
  );

  it('stops at the total timeout and reports the checks it could not start', async () => {
    const report = await runChecks(
      target,
      [
        { type: 'sql', name: 'slow', sql: flavour.sleep(10), expect: 0 },
        { type: 'tableExists', table: orders },
      ],
      { checkTimeoutMs: 20_000, totalTimeoutMs: 700 },
    );
    expect(report.results.map((r) => r.ok)).toEqual([false, false]);
    expect(report.results[0].message).toMatch(/^timed out after \d+ ms/);
    expect(report.results[1].message).toBe('not run: the run exceeded its total timeout of 700 ms');
    expect(report.error).toBe('the run exceeded its total timeout of 700 ms');
  });

  it('reports a wrong password as not connected, every check failed, without the password', async () => {
    const checks: CheckSpec[] = [
      { type: 'tableExists', table: orders },
      { type: 'sql', name: 'one', sql: 'SELECT 1', expect: 1 },
    ];
    const report = await runChecks({ ...target, password: WRONG_PASSWORD }, checks);
    expect(report).toMatchObject({ ok: false, connected: false, failed: 2 });
    expect(report.error).toMatch(/could not connect/);
    for (const result of report.results) expect(result).toMatchObject({ ok: false, durationMs: 0, message: `not run: ${report.error}` });
    expectNoSecret(report, WRONG_PASSWORD);
  });

  it('refuses every write a user assertion attempts, and nothing changes', async () => {
    const before = await damage();
    const report = await runChecks(
      target,
      [
        ...flavour.writes.map((sql, index): CheckSpec => ({ type: 'sql', name: `write-${index}`, sql, expect: { type: 'someRows' } })),
        { type: 'rowCount', table: orders, min: 3, max: 3 },
      ],
    );
    for (const result of report.results.slice(0, -1)) expect(result.ok).toBe(false);
    const refusals = report.results.filter((r) => flavour.readOnlyRefusal.test(r.message));
    expect(refusals.map((r) => r.name)).toEqual(expect.arrayContaining(['write-0', 'write-1', 'write-2']));
    expect(report.results.at(-1)).toMatchObject({ ok: true, observed: 3 });
    expect(await damage()).toEqual(before);
    expect(before).toEqual({ orders: 3, notes: 3, pwned: false, events: true });
  });

  it.each([
    ['a statement after the name', { type: 'tableExists', table: 'orders; DROP TABLE events' }],
    ['a quote breaking out of the identifier', { type: 'rowCount', table: 'orders"; DROP TABLE events; --' }],
    ['a backquote breaking out of the identifier', { type: 'rowCount', table: 'orders`; DROP TABLE events; --' }],
    ['a subquery as the column', { type: 'freshness', table: 'events', column: 'happened_at) FROM events; DROP TABLE events; --' }],
    ['three name parts', { type: 'tableExists', table: 'a.b.events' }],
    ['an empty name', { type: 'tableExists', table: '' }],
    ['a comment', { type: 'tableExists', table: 'events--' }],
    ['a name longer than 63 characters', { type: 'tableExists', table: 'e'.repeat(64) }],
  ])('rejects an identifier with %s before sending anything', async (_label, check) => {
    const report = await runChecks(target, [check as CheckSpec, { type: 'tableExists', table: 'events' }]);
    expect(report.results[0]).toMatchObject({ ok: false, durationMs: 0, message: expect.stringMatching(/^invalid check, not run: .*(plain SQL identifier|two parts)/) });
    expect(report.results[1]).toMatchObject({ ok: true });
    expect((await damage()).events).toBe(true);
  });

  it('reports invalid check definitions instead of throwing', async () => {
    const report = await runChecks(target, [
      { type: 'rowCount', table: orders, min: 5, max: 1 },
      { type: 'rowCount', table: orders, min: -1 },
      { type: 'freshness', table: orders, column: 'created_at', maxLagSeconds: -5 },
      { type: 'sql', name: 'empty', sql: '  ', expect: 1 },
      { type: 'sql', name: 'bad-expect', sql: 'SELECT 1', expect: { type: 'maybe' } as never },
      { type: 'rowsExist', table: orders } as never,
    ]);
    expect(report.results.map((r) => [r.name, r.ok, r.message])).toEqual([
      [`rowCount:${orders}`, false, 'invalid check, not run: min 5 is greater than max 1'],
      [`rowCount:${orders}`, false, 'invalid check, not run: min and max must be whole numbers >= 0'],
      [`freshness:${orders}.created_at`, false, 'invalid check, not run: maxLagSeconds must be a number of seconds >= 0'],
      ['empty', false, 'invalid check, not run: sql must be a non-empty statement'],
      ['bad-expect', false, expect.stringMatching(/^invalid check, not run: expect must be/)],
      ['rowsExist#6', false, expect.stringMatching(/^invalid check, not run: unknown check type "rowsExist"/)],
    ]);
  });
}

describe('runChecks on PostgreSQL', () => {
  suite(postgres);

  describe('over TLS', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createPostgresDatabase('checks_tls');
    });
    afterAll(async () => {
      await db?.drop();
    });

    it('connects with the server CA and runs the checks', async () => {
      const target = { ...targetFromUrl(db.url), tls: { ca: postgresCaPem(), servername: 'localhost' } };
      const report = await runChecks(target, [{ type: 'sql', name: 'encrypted', sql: 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()', expect: true }]);
      expect(report).toMatchObject({ ok: true, connected: true, failed: 0 });
    });

    it('refuses a server whose certificate does not match the expected name', async () => {
      const target = { ...targetFromUrl(db.url), tls: { ca: postgresCaPem(), servername: 'prod-db.example.com' } };
      const report = await runChecks(target, [{ type: 'sql', name: 'encrypted', sql: 'SELECT 1', expect: 1 }]);
      expect(report).toMatchObject({ ok: false, connected: false, failed: 1 });
      expect(report.error).toMatch(/altnames/);
    });
  });
});

describe('runChecks with the checks of the example requirements', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createPostgresDatabase('checks_spec');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('runs the resolved checks of examples/backup_requirements.json as they are (null bounds mean unbounded)', async () => {
    const spec = loadRequirements(path.resolve(__dirname, '../../examples/backup_requirements.json'));
    const verification = spec.databases.find((d) => d.id === 'orders')?.verification;
    const checks: CheckSpec[] = verification?.checks ?? [];
    expect(checks.map((c) => c.type)).toEqual(['tableExists', 'rowCount', 'sql']);
    const target = targetFromUrl(db.url);

    const before = await runChecks(target, checks);
    expect(before.results.map((r) => r.ok)).toEqual([false, false, false]);

    const admin = await openSession(target, { readOnly: false });
    try {
      await admin.query('CREATE TABLE public.orders (id int PRIMARY KEY)');
      await admin.query('CREATE TABLE public.order_lines (id int PRIMARY KEY, order_id int)');
      await admin.query('INSERT INTO public.orders VALUES (1), (2)');
      await admin.query('INSERT INTO public.order_lines VALUES (1, 1), (2, 2)');
    } finally {
      await admin.close();
    }
    const seeded = await runChecks(target, checks);
    expect(seeded.results.map((r) => [r.name, r.ok, r.message])).toEqual([
      ['tableExists:public.orders', true, 'public.orders exists (table)'],
      ['rowCount:public.orders', true, 'public.orders has 2 rows (expected at least 1)'],
      ['no-orphan-lines', true, 'returned 0 rows (expected no rows)'],
    ]);

    const admin2 = await openSession(target, { readOnly: false });
    try {
      await admin2.query('INSERT INTO public.order_lines VALUES (3, 99)');
    } finally {
      await admin2.close();
    }
    const orphaned = await runChecks(target, checks);
    expect(orphaned.results[2]).toMatchObject({ ok: false, message: 'returned 1 row (expected no rows)' });
  });
});

describeMysql('runChecks on MariaDB', () => {
  suite(mariadb);
});

describe('runChecks without a usable server', () => {
  it('reports a refused connection', async () => {
    const report = await runChecks({ engine: 'postgres', host: '127.0.0.1', port: 1, user: 'u', password: 'pw-secret-1', database: 'd' }, [
      { type: 'tableExists', table: 'orders' },
    ]);
    expect(report).toMatchObject({ ok: false, connected: false, failed: 1, error: expect.stringMatching(/ECONNREFUSED/) });
    expect(JSON.stringify(report)).not.toContain('pw-secret-1');
  });

  it.each(['postgres', 'mysql'] as const)('gives up on a %s server that accepts but never answers, within the connect timeout', async (engine) => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as net.AddressInfo;
      const report = await runChecks({ engine, host: '127.0.0.1', port, user: 'u', password: 'pw-secret-2', database: 'd', connectTimeoutMs: 300 }, [
        { type: 'tableExists', table: 'orders' },
      ]);
      expect(report).toMatchObject({ ok: false, connected: false, failed: 1 });
      expect(report.error).toMatch(/^could not connect .*\(no answer within 300 ms\)$/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('reports an unknown engine', async () => {
    const report = await runChecks({ engine: 'oracle' as never, host: 'h', port: 1, user: 'u', password: 'p', database: 'd' }, [
      { type: 'tableExists', table: 'orders' },
    ]);
    expect(report).toMatchObject({ ok: false, connected: false, failed: 1, error: 'unknown engine "oracle"' });
  });
});
