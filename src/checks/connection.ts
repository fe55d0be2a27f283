/**
 * One small driver abstraction over `pg` (PostgreSQL family) and `mysql2` (MySQL family), used by the data checks and
 * by `lifeboat diff`. Sessions are read-only by default, run exactly one statement per `query` call (pg's extended
 * protocol, mysql2 without multipleStatements), read naive timestamps as UTC, and never put the password in an error.
 */
import * as fs from 'node:fs';
import { isIP } from 'node:net';
import type { Client, ClientConfig, QueryConfig } from 'pg';
import type { Connection, ConnectionOptions } from 'mysql2/promise';
import type { SqlDialect } from './identifiers';
import type { ConnectionTarget, Engine } from './types';

/** The server software behind a session (Aurora reports as its base engine). */
export type ServerFlavour = 'postgres' | 'mysql' | 'mariadb';

/** Options of `openSession`. */
export interface SessionOptions {
  /** Make every transaction of the session read-only. @default true */
  readOnly?: boolean;
  /** Server-side limit per statement in milliseconds; 0 leaves the server's setting. @default 0 */
  statementTimeoutMs?: number;
}

/** An open connection to one database. */
export interface SqlSession {
  /** Wire dialect: decides placeholders (`$1` or `?`) and identifier quoting. */
  readonly engine: SqlDialect;
  /** Server software, from the server's version string. */
  readonly flavour: ServerFlavour;
  /** The server's version string. */
  readonly serverVersion: string;
  /** The server's id of this connection (PostgreSQL backend pid, MySQL thread id), for `cancelStatementOf`. */
  readonly backendId?: number;
  /** True once the connection failed or was destroyed; a broken session only rejects. */
  readonly broken: boolean;
  /**
   * Runs exactly one statement with engine-native placeholders; returns its rows ([] for statements without rows).
   * Values: timestamps without zone as UTC Dates, PostgreSQL dates as 'YYYY-MM-DD', 64-bit integers as numbers when
   * exact and as decimal strings otherwise, numeric/decimal as strings.
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Sets the server-side statement timeout of the session (0 = none). */
  setStatementTimeout(ms: number): Promise<void>;
  /** Runs `work` inside a read-only transaction that is always rolled back, even when `work` succeeds. */
  readOnlyTransaction<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Asks the server to cancel the statement running on another connection of the same user (e.g. one this process
   * abandoned after a client-side timeout). Resolves true when the server accepted the request.
   */
  cancelStatementOf?(backendId: number): Promise<boolean>;
  /** Closes the connection politely, destroying it if the server does not answer within a second. */
  close(): Promise<void>;
  /** Drops the connection at once (e.g. after a client-side timeout left a statement running). */
  destroy(): void;
}

/** Connection failure: the message names the host and the reason, never the password. */
export class ConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionError';
  }
}

/** Default time allowed to connect. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const CLOSE_GRACE_MS = 1_000;

/** The wire dialect of an engine. */
export function dialectOf(engine: Engine): SqlDialect {
  switch (engine) {
    case 'postgres':
    case 'aurora-postgresql':
      return 'postgres';
    case 'mysql':
    case 'mariadb':
    case 'aurora-mysql':
      return 'mysql';
    default:
      throw new Error(`unknown engine ${JSON.stringify(engine)}`);
  }
}

/** Replaces every occurrence of `secret` in `text` (both raw and URL-encoded). */
export function redact(text: string, secret: string | undefined): string {
  if (!secret) return text;
  let out = text;
  for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join('***');
  return out;
}

/** The message of an error; duck-typed because errors from Node internals may come from another realm (jest's vm). */
export function errorText(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { message, code } = error as { message?: unknown; code?: unknown };
    if (typeof message === 'string' && message) return message;
    if (typeof code === 'string') return code;
  }
  return String(error);
}

function nonNegativeInteger(value: number, what: string): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${what} must be a non-negative number of milliseconds, got ${value}`);
  return Math.round(value);
}

function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => void, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout();
      reject(new Error(message));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

// --- PostgreSQL -------------------------------------------------------------------------------------------------

const PG_TIMESTAMP = 1114; // timestamp without time zone
const PG_DATE = 1082;
const NAIVE_TIMESTAMP = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?$/;

/** Naive timestamps are read as UTC (pg's default reads them in the process's local zone, which varies by host). */
function parseNaiveTimestampAsUtc(text: string): Date | string {
  const match = NAIVE_TIMESTAMP.exec(text);
  if (!match) return text; // infinity, BC dates, years past 9999: keep the server's text
  const [, y, mo, d, h, mi, s, frac] = match;
  const ms = frac ? Math.floor(Number(frac.padEnd(6, '0')) / 1000) : 0;
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), ms);
  return date;
}

const PG_INT8 = 20;

/** bigint (count(*) and friends) as a number when exact, otherwise the server's text: never a lossy number. */
function parseInt8(text: string): number | string {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : text;
}

// Drivers load on first use: a Lambda or CLI run that only talks to one engine family never initialises the other
// driver (mysql2 and its encodings are most of the verification bundle's start-up cost).
let pgDriver: typeof import('pg') | undefined;
async function loadPg(): Promise<typeof import('pg')> {
  pgDriver ??= await import('pg');
  return pgDriver;
}

const pgTypeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary') {
      if (oid === PG_INT8) return parseInt8;
      if (oid === PG_TIMESTAMP) return parseNaiveTimestampAsUtc;
      if (oid === PG_DATE) return (text: string) => text; // a calendar date has no time zone: keep 'YYYY-MM-DD'
    }
    return (pgDriver as typeof import('pg')).types.getTypeParser(oid, format);
  }) as (typeof import('pg'))['types']['getTypeParser'],
};

function pgSsl(target: ConnectionTarget): ClientConfig['ssl'] {
  if (!target.tls) return false;
  const servername = target.tls.servername ?? (isIP(target.host) ? undefined : target.host);
  return {
    ca: target.tls.ca,
    servername,
    rejectUnauthorized: target.tls.rejectUnauthorized ?? true,
  };
}

class PostgresSession implements SqlSession {
  readonly engine = 'postgres' as const;
  readonly flavour = 'postgres' as const;
  broken = false;
  serverVersion = '';
  backendId: number | undefined;

  constructor(private readonly client: Client) {
    // An idle connection dropped by the server emits 'error'; unhandled, it would crash the process.
    client.on('error', () => {
      this.broken = true;
    });
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    if (this.broken) throw new Error('the session is closed');
    // Extended protocol: the server accepts exactly one statement, so `select 1; delete ...` cannot ride along.
    const config = { text: sql, values: params, queryMode: 'extended' } as QueryConfig;
    const result = await this.client.query(config);
    return (result.rows ?? []) as T[];
  }

  async setStatementTimeout(ms: number): Promise<void> {
    await this.query(`SET statement_timeout = ${nonNegativeInteger(ms, 'statement timeout')}`);
  }

  async readOnlyTransaction<T>(work: () => Promise<T>): Promise<T> {
    await this.query('BEGIN TRANSACTION READ ONLY');
    try {
      return await work();
    } finally {
      // ROLLBACK also undoes any SET the work ran, so nothing it did outlives the transaction.
      if (!this.broken) await this.query('ROLLBACK').catch(() => undefined);
    }
  }

  async cancelStatementOf(backendId: number): Promise<boolean> {
    const [row] = await this.query<{ cancelled: boolean }>('SELECT pg_cancel_backend($1) AS cancelled', [backendId]);
    return row?.cancelled === true;
  }

  async close(): Promise<void> {
    if (this.broken) return this.destroy();
    this.broken = true;
    await withDeadline(this.client.end(), CLOSE_GRACE_MS, () => this.destroy(), 'close timed out').catch(() => this.destroy());
  }

  destroy(): void {
    this.broken = true;
    const stream = (this.client as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream;
    stream?.destroy?.();
  }
}

async function openPostgres(target: ConnectionTarget, options: SessionOptions, connectTimeoutMs: number): Promise<SqlSession> {
  const { Client } = await loadPg();
  const client = new Client({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    ssl: pgSsl(target),
    connectionTimeoutMillis: connectTimeoutMs,
    application_name: 'lifeboat',
    types: pgTypeParsers,
  });
  const session = new PostgresSession(client);
  await withDeadline(client.connect(), connectTimeoutMs + CLOSE_GRACE_MS, () => session.destroy(), 'connection timed out');
  try {
    if (options.readOnly ?? true) {
      await session.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
    }
    await session.query("SET TIME ZONE 'UTC'");
    if (options.statementTimeoutMs) await session.setStatementTimeout(options.statementTimeoutMs);
    const [row] = await session.query<{ version: string; pid: number }>(
      "SELECT current_setting('server_version') AS version, pg_backend_pid() AS pid",
    );
    session.serverVersion = row?.version ?? '';
    session.backendId = row?.pid;
  } catch (error) {
    session.destroy();
    throw error;
  }
  return session;
}

// --- MySQL family -----------------------------------------------------------------------------------------------

class MysqlSession implements SqlSession {
  readonly engine = 'mysql' as const;
  broken = false;
  flavour: ServerFlavour = 'mysql';
  serverVersion = '';
  backendId: number | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly readOnly: boolean,
  ) {
    connection.on('error', () => {
      this.broken = true;
    });
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    if (this.broken) throw new Error('the session is closed');
    // multipleStatements stays off, so the server receives exactly one statement.
    const [rows] = await this.connection.query({ sql, values: params });
    return (Array.isArray(rows) ? rows : []) as T[];
  }

  async setStatementTimeout(ms: number): Promise<void> {
    const limit = nonNegativeInteger(ms, 'statement timeout');
    // MariaDB counts seconds (fractions allowed) for every statement; MySQL counts milliseconds for SELECTs only.
    await this.query(
      this.flavour === 'mariadb' ? `SET SESSION max_statement_time = ${limit / 1000}` : `SET SESSION max_execution_time = ${limit}`,
    );
  }

  async readOnlyTransaction<T>(work: () => Promise<T>): Promise<T> {
    // Re-assert the session mode first: a statement that commits implicitly (DDL) runs outside the transaction.
    if (this.readOnly) await this.query('SET SESSION TRANSACTION READ ONLY');
    await this.query('START TRANSACTION READ ONLY');
    try {
      return await work();
    } finally {
      if (!this.broken) await this.query('ROLLBACK').catch(() => undefined);
    }
  }

  async cancelStatementOf(backendId: number): Promise<boolean> {
    if (!Number.isSafeInteger(backendId) || backendId < 0) return false;
    try {
      await this.query(`KILL QUERY ${backendId}`);
      return true;
    } catch {
      return false; // unknown thread: the statement already ended
    }
  }

  async close(): Promise<void> {
    if (this.broken) return this.destroy();
    this.broken = true;
    await withDeadline(this.connection.end(), CLOSE_GRACE_MS, () => this.destroy(), 'close timed out').catch(() => this.destroy());
  }

  destroy(): void {
    this.broken = true;
    this.connection.destroy();
  }
}

function mysqlSsl(target: ConnectionTarget): ConnectionOptions['ssl'] {
  if (!target.tls) return undefined;
  const verify = target.tls.rejectUnauthorized ?? true;
  // mysql2 verifies the host name against `host` (it has no servername option) and skips that part for IP hosts.
  return { ca: target.tls.ca, rejectUnauthorized: verify, verifyIdentity: verify };
}

async function openMysql(target: ConnectionTarget, options: SessionOptions, connectTimeoutMs: number): Promise<SqlSession> {
  const readOnly = options.readOnly ?? true;
  const { createConnection } = await import('mysql2/promise');
  const connection = await withDeadline(
    createConnection({
      host: target.host,
      port: target.port,
      user: target.user,
      password: target.password,
      database: target.database,
      ssl: mysqlSsl(target),
      connectTimeout: connectTimeoutMs,
      multipleStatements: false,
      timezone: 'Z',
      supportBigNumbers: true,
      bigNumberStrings: false,
    }),
    connectTimeoutMs + CLOSE_GRACE_MS,
    () => undefined,
    'connection timed out',
  );
  const session = new MysqlSession(connection, readOnly);
  session.backendId = connection.threadId ?? undefined;
  try {
    const [row] = await session.query<{ version: string }>('SELECT VERSION() AS version');
    session.serverVersion = String(row?.version ?? '');
    session.flavour = /mariadb/i.test(session.serverVersion) ? 'mariadb' : 'mysql';
    if (readOnly) await session.query('SET SESSION TRANSACTION READ ONLY');
    // TIMESTAMP columns are then read in UTC, and DATETIME (no zone) is read as UTC by mysql2's timezone 'Z'.
    await session.query("SET SESSION time_zone = '+00:00'");
    if (options.statementTimeoutMs) await session.setStatementTimeout(options.statementTimeoutMs);
  } catch (error) {
    session.destroy();
    throw error;
  }
  return session;
}

// --- public entry points ----------------------------------------------------------------------------------------

/**
 * Opens a session. Rejects with a `ConnectionError` (password redacted) when the server cannot be reached, refuses
 * the credentials, or cannot satisfy the TLS requirement.
 */
export async function openSession(target: ConnectionTarget, options: SessionOptions = {}): Promise<SqlSession> {
  const connectTimeoutMs = nonNegativeInteger(target.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, 'connectTimeoutMs') || DEFAULT_CONNECT_TIMEOUT_MS;
  const where = `${target.engine} at ${target.host}:${target.port}/${target.database} as ${target.user}${target.tls ? ' (TLS)' : ''}`;
  try {
    return dialectOf(target.engine) === 'postgres'
      ? await openPostgres(target, options, connectTimeoutMs)
      : await openMysql(target, options, connectTimeoutMs);
  } catch (error) {
    const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    const text = errorText(error);
    // Drivers word this differently ("timeout expired", "connect ETIMEDOUT"): say plainly what happened.
    const hint = code === 'ETIMEDOUT' || /time(d)? ?out/i.test(text) ? ` (no answer within ${connectTimeoutMs} ms)` : '';
    throw new ConnectionError(redact(`could not connect to ${where}: ${text}${hint}`, target.password));
  }
}

const URL_ENGINES: Record<string, Engine> = {
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'mysql:': 'mysql',
  'mariadb:': 'mariadb',
};

/**
 * Parses `postgres://`, `postgresql://`, `mysql://` or `mariadb://` URLs. `engineHint` refines the engine within the
 * URL's family (e.g. `aurora-postgresql`). TLS follows libpq's query parameters: `sslmode=require` (encrypted, not
 * verified), `verify-ca` / `verify-full` (verified), `disable`; `ssl=true` means verify-full; `sslrootcert=<file>`
 * reads the CA bundle; `connect_timeout` is in seconds. Errors never repeat the URL, which holds the password.
 */
export function targetFromUrl(url: string, engineHint?: Engine): ConnectionTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('not a valid database URL (expected postgres://user:password@host:port/database or mysql://...)');
  }
  const urlEngine = URL_ENGINES[parsed.protocol];
  if (!urlEngine) {
    throw new Error(`unsupported URL scheme ${JSON.stringify(parsed.protocol)}: use postgres://, postgresql://, mysql:// or mariadb://`);
  }
  if (engineHint && dialectOf(engineHint) !== dialectOf(urlEngine)) {
    throw new Error(`engine ${engineHint} does not speak the ${parsed.protocol.slice(0, -1)} protocol of the URL`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database || database.includes('/')) throw new Error('the URL must name one database in its path (…/database)');
  if (!parsed.hostname) throw new Error('the URL must name a host');
  const engine = engineHint ?? urlEngine;
  const target: ConnectionTarget = {
    engine,
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : dialectOf(engine) === 'postgres' ? 5432 : 3306,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database,
  };
  const params = parsed.searchParams;
  const sslmode = params.get('sslmode') ?? (params.get('ssl') === 'true' ? 'verify-full' : undefined);
  if (sslmode !== undefined && sslmode !== 'disable') {
    if (!['require', 'verify-ca', 'verify-full'].includes(sslmode)) {
      throw new Error(`sslmode ${JSON.stringify(sslmode)} is not supported: use disable, require, verify-ca or verify-full`);
    }
    target.tls = { rejectUnauthorized: sslmode !== 'require' };
    const caFile = params.get('sslrootcert');
    if (caFile) target.tls.ca = fs.readFileSync(caFile, 'utf8');
  }
  const connectTimeout = params.get('connect_timeout');
  if (connectTimeout !== null) {
    const seconds = Number(connectTimeout);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new Error('connect_timeout must be a positive number of seconds');
    target.connectTimeoutMs = Math.round(seconds * 1000);
  }
  return target;
}
