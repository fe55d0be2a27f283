/**
 * Runs data checks against one database and reports every outcome; it never throws for anything the server, the
 * network or the spec does. Each check runs alone in a read-only transaction that is always rolled back, under a
 * server-side statement timeout and a client-side guard; a check that times out or breaks the connection fails
 * alone, and the next check gets a fresh connection.
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_CONNECT_TIMEOUT_MS, dialectOf, errorText, openSession, redact, type SqlSession } from './connection';
import { describeExpectation, jsonSafe, normaliseExpectation, valueMatches, type NormalisedExpectation } from './expectation';
import {
  formatTableName,
  parseIdentifier,
  parseTableName,
  quoteIdentifier,
  quoteTableName,
  type SqlDialect,
  type TableName,
} from './identifiers';
import type { CheckReport, CheckResult, CheckSpec, ConnectionTarget, RunChecksOptions } from './types';

/** Default time allowed to each check. */
export const DEFAULT_CHECK_TIMEOUT_MS = 30_000;
/** Default time allowed to a whole run. */
export const DEFAULT_TOTAL_TIMEOUT_MS = 300_000;
/** How long after the server-side timeout the client gives up on a statement and drops the connection. */
const CLIENT_GUARD_GRACE_MS = 1_000;
/** Time always allowed to reconnect and cancel an abandoned statement, even past the total timeout. */
const CANCEL_CONNECT_MINIMUM_MS = 3_000;

/** What a check found: pass or fail, in words, with the observed value. */
interface Outcome {
  ok: boolean;
  message: string;
  observed?: unknown;
  /** Freshness only: the newest row, in milliseconds since the epoch. */
  newestRowMs?: number;
}

/** A validated check, ready to run. */
interface PreparedCheck {
  name: string;
  type: CheckSpec['type'];
  run?: (session: SqlSession) => Promise<Outcome>;
  problem?: string;
}

class ClientTimeout extends Error {}

// Server-side statement timeouts: PostgreSQL query_canceled, MariaDB ER_STATEMENT_TIMEOUT, MySQL ER_QUERY_TIMEOUT.
const SERVER_TIMEOUT_CODES = new Set(['57014', 'ER_STATEMENT_TIMEOUT', 'ER_QUERY_TIMEOUT']);
const SERVER_TIMEOUT_ERRNOS = new Set([1969, 3024]);

function isServerTimeout(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  return (typeof code === 'string' && SERVER_TIMEOUT_CODES.has(code)) || (typeof errno === 'number' && SERVER_TIMEOUT_ERRNOS.has(errno));
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}

function validCount(value: unknown): value is number | undefined {
  return value === undefined || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0);
}

// --- the checks, per dialect ------------------------------------------------------------------------------------

const TABLE_KINDS_PG: Record<string, string> = { r: 'table', p: 'partitioned table', v: 'view', m: 'materialized view', f: 'foreign table' };

async function tableKind(session: SqlSession, dialect: SqlDialect, table: TableName): Promise<{ exists: boolean; kind?: string }> {
  if (dialect === 'postgres') {
    const rows = await session.query<{ kind: string }>(
      'SELECT c.relkind::text AS kind FROM pg_catalog.pg_class c WHERE c.oid = to_regclass($1)',
      [quoteTableName('postgres', table)],
    );
    const kind = rows[0]?.kind;
    return kind === undefined ? { exists: false } : { exists: kind in TABLE_KINDS_PG, kind: TABLE_KINDS_PG[kind] ?? `relation of kind ${kind}` };
  }
  const rows = await session.query<{ kind: string }>(
    'SELECT TABLE_TYPE AS kind FROM information_schema.TABLES WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?',
    [table.schema ?? null, table.name],
  );
  const kind = rows[0]?.kind;
  return kind === undefined ? { exists: false } : { exists: true, kind: String(kind).toLowerCase() };
}

function tableExists(dialect: SqlDialect, table: TableName): (session: SqlSession) => Promise<Outcome> {
  const shown = formatTableName(table);
  return async (session) => {
    const found = await tableKind(session, dialect, table);
    if (found.exists) return { ok: true, observed: true, message: `${shown} exists (${found.kind})` };
    if (found.kind) return { ok: false, observed: false, message: `${shown} is a ${found.kind}, not a table or view` };
    return { ok: false, observed: false, message: `${shown} does not exist` };
  };
}

function rowCount(dialect: SqlDialect, table: TableName, min?: number, max?: number): (session: SqlSession) => Promise<Outcome> {
  const shown = formatTableName(table);
  const bounds =
    min !== undefined && max !== undefined ? `between ${min} and ${max}` : min !== undefined ? `at least ${min}` : max !== undefined ? `at most ${max}` : '';
  return async (session) => {
    const found = await tableKind(session, dialect, table);
    if (!found.exists) return { ok: false, message: `${shown} does not exist` };
    const [row] = await session.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${quoteTableName(dialect, table)}`);
    const count = Number(row?.n);
    const ok = (min === undefined || count >= min) && (max === undefined || count <= max);
    const expectation = bounds ? ` (expected ${bounds})` : '';
    return { ok, observed: count, message: `${shown} has ${plural(count, 'row')}${expectation}` };
  };
}

const TIME_TYPES_PG = new Set(['timestamptz', 'timestamp', 'date']);
const TIME_TYPES_MYSQL = new Set(['timestamp', 'datetime', 'date']);

async function newestRowMs(session: SqlSession, dialect: SqlDialect, table: TableName, column: string): Promise<number | null | string> {
  const from = quoteTableName(dialect, table);
  const col = quoteIdentifier(dialect, column);
  if (dialect === 'postgres') {
    const [typeRow] = await session.query<{ type: string | null }>(
      `SELECT t.typname AS type FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
        WHERE a.attrelid = to_regclass($1) AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped`,
      [from, column],
    );
    if (!typeRow) return `column ${column} not found`;
    if (!TIME_TYPES_PG.has(String(typeRow.type))) return `column ${column} is of type ${typeRow.type}, not timestamptz, timestamp or date`;
    // extract(epoch) counts a timestamp without time zone as UTC and a timestamptz as the instant it is: no session
    // setting can shift either.
    const [row] = await session.query<{ newest: number | null }>(`SELECT extract(epoch FROM max(${col}))::float8 AS newest FROM ${from}`);
    return row?.newest === null || row?.newest === undefined ? null : Math.round(Number(row.newest) * 1000);
  }
  const [typeRow] = await session.query<{ type: string }>(
    `SELECT DATA_TYPE AS type FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND COLUMN_NAME = ?`,
    [table.schema ?? null, table.name, column],
  );
  if (!typeRow) return `column ${column} not found`;
  const type = String(typeRow.type).toLowerCase();
  if (!TIME_TYPES_MYSQL.has(type)) return `column ${column} is of type ${type}, not datetime, timestamp or date`;
  // Pure arithmetic on the stored value: the session runs in UTC, so TIMESTAMP reads as UTC and DATETIME is taken as
  // UTC; unlike UNIX_TIMESTAMP() this has no 2038 limit.
  const [row] = await session.query<{ newest: unknown }>(
    `SELECT TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', MAX(${col})) AS newest FROM ${from}`,
  );
  return row?.newest === null || row?.newest === undefined ? null : Math.round(Number(row.newest) / 1000);
}

function freshness(
  dialect: SqlDialect,
  table: TableName,
  column: string,
  targetTime: Date,
  targetLabel: string,
  maxLagSeconds?: number,
): (session: SqlSession) => Promise<Outcome> {
  const shown = `${formatTableName(table)}.${column}`;
  return async (session) => {
    const found = await tableKind(session, dialect, table);
    if (!found.exists) return { ok: false, message: `${formatTableName(table)} does not exist` };
    const newest = await newestRowMs(session, dialect, table, column);
    if (typeof newest === 'string') return { ok: false, message: `${formatTableName(table)}: ${newest}` };
    if (newest === null) {
      return { ok: false, message: `${shown} has no rows with a value: freshness cannot be measured on an empty table` };
    }
    const lagSeconds = seconds(targetTime.getTime() - newest);
    const newestRowTime = new Date(newest).toISOString();
    const observed = { newestRowTime, lagSeconds };
    if (lagSeconds < 0) {
      return {
        ok: maxLagSeconds === undefined || lagSeconds <= maxLagSeconds,
        observed,
        newestRowMs: newest,
        message:
          `newest ${shown} is ${newestRowTime}, ${-lagSeconds} s AFTER the ${targetLabel}: rows carry times later than ` +
          'the target (clocks of the writers ahead of the database, or the column holds future times)',
      };
    }
    const stale = maxLagSeconds !== undefined && lagSeconds > maxLagSeconds;
    return {
      ok: !stale,
      observed,
      newestRowMs: newest,
      message:
        `newest ${shown} is ${newestRowTime}, ${lagSeconds} s before the ${targetLabel}` +
        (stale ? `: stale, more than the allowed ${maxLagSeconds} s` : maxLagSeconds !== undefined ? ` (allowed ${maxLagSeconds} s)` : ''),
    };
  };
}

function sqlAssertion(sql: string, expectation: NormalisedExpectation): (session: SqlSession) => Promise<Outcome> {
  return async (session) => {
    const rows = await session.query(sql);
    if (expectation.kind === 'noRows' || expectation.kind === 'someRows') {
      const ok = expectation.kind === 'noRows' ? rows.length === 0 : rows.length > 0;
      return { ok, observed: rows.length, message: `returned ${plural(rows.length, 'row')} (expected ${describeExpectation(expectation)})` };
    }
    if (rows.length === 0) return { ok: false, message: `returned no rows (expected ${describeExpectation(expectation)})` };
    const first = Object.values(rows[0] as Record<string, unknown>)[0];
    const observed = jsonSafe(first);
    const ok = valueMatches(first, expectation.value);
    return {
      ok,
      observed,
      message: ok ? `returned ${JSON.stringify(observed)} as expected` : `returned ${JSON.stringify(observed)}, expected ${describeExpectation(expectation)}`,
    };
  };
}

// --- validation -------------------------------------------------------------------------------------------------

function fallbackName(check: unknown, index: number): string {
  const type = typeof check === 'object' && check !== null ? (check as { type?: unknown }).type : undefined;
  return `${typeof type === 'string' ? type : 'check'}#${index + 1}`;
}

function prepare(check: CheckSpec, index: number, dialect: SqlDialect, targetTime: Date, targetLabel: string): PreparedCheck {
  const raw = check as unknown as Record<string, unknown> | null;
  const type = (typeof raw === 'object' && raw !== null ? raw.type : undefined) as CheckSpec['type'];
  const invalid = (name: string, problem: string): PreparedCheck => ({ name, type, problem: `invalid check, not run: ${problem}` });
  try {
    switch (check?.type) {
      case 'tableExists': {
        const table = parseTableName(check.table);
        return { name: `tableExists:${formatTableName(table)}`, type, run: tableExists(dialect, table) };
      }
      case 'rowCount': {
        const table = parseTableName(check.table);
        const name = `rowCount:${formatTableName(table)}`;
        const min = check.min ?? undefined;
        const max = check.max ?? undefined;
        if (!validCount(min) || !validCount(max)) return invalid(name, 'min and max must be whole numbers >= 0');
        if (min !== undefined && max !== undefined && min > max) return invalid(name, `min ${min} is greater than max ${max}`);
        return { name, type, run: rowCount(dialect, table, min, max) };
      }
      case 'freshness': {
        const table = parseTableName(check.table);
        const column = parseIdentifier(check.column, 'column');
        const name = `freshness:${formatTableName(table)}.${column}`;
        const maxLag = check.maxLagSeconds ?? undefined;
        if (maxLag !== undefined && (typeof maxLag !== 'number' || !Number.isFinite(maxLag) || maxLag < 0)) {
          return invalid(name, 'maxLagSeconds must be a number of seconds >= 0');
        }
        return { name, type, run: freshness(dialect, table, column, targetTime, targetLabel, maxLag) };
      }
      case 'sql': {
        const name = typeof check.name === 'string' && check.name.trim() ? check.name : fallbackName(check, index);
        if (typeof check.sql !== 'string' || !check.sql.trim()) return invalid(name, 'sql must be a non-empty statement');
        const expectation = normaliseExpectation(check.expect);
        if ('problem' in expectation) return invalid(name, expectation.problem);
        return { name, type, run: sqlAssertion(check.sql, expectation) };
      }
      default:
        return invalid(fallbackName(check, index), `unknown check type ${JSON.stringify(type)}: use tableExists, rowCount, freshness or sql`);
    }
  } catch (error) {
    return invalid(fallbackName(check, index), errorText(error));
  }
}

// --- the run ----------------------------------------------------------------------------------------------------

function guard<T>(work: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout();
      reject(new ClientTimeout(`no answer within ${ms} ms`));
    }, ms);
    work.then(
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

/**
 * Connects to `target` and runs `checks` in order. Server-side problems (unreachable host, wrong password, TLS
 * refused, missing tables, failing or slow queries, write attempts) are reported in the result, never thrown.
 */
export async function runChecks(target: ConnectionTarget, checks: CheckSpec[], options: RunChecksOptions = {}): Promise<CheckReport> {
  const runStart = performance.now();
  const startedAt = new Date();
  const checkTimeoutMs = Math.max(1, options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS);
  const totalTimeoutMs = Math.max(1, options.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS);
  const targetTime = options.restoreTargetTime ?? startedAt;
  const targetLabel = options.restoreTargetTime ? `restore target ${targetTime.toISOString()}` : `check time ${targetTime.toISOString()}`;
  const elapsed = () => performance.now() - runStart;
  const remaining = () => totalTimeoutMs - elapsed();
  const clean = (text: string) => redact(text, target.password);

  const list = Array.isArray(checks) ? checks : [];
  let dialect: SqlDialect;
  try {
    dialect = dialectOf(target.engine);
  } catch (error) {
    const message = clean(errorText(error));
    const results = list.map((check, index): CheckResult => ({
      name: fallbackName(check, index),
      type: check?.type,
      ok: false,
      message: `not run: ${message}`,
      durationMs: 0,
    }));
    return { ok: false, connected: false, results, failed: results.length, error: message };
  }
  const prepared = list.map((check, index) => prepare(check, index, dialect, targetTime, targetLabel));

  let session: SqlSession | undefined;
  let connectError: string | undefined;
  const connect = async (minimumMs = 1): Promise<void> => {
    const connectTimeoutMs = Math.max(minimumMs, Math.min(target.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, remaining()));
    try {
      session = await openSession({ ...target, connectTimeoutMs }, { readOnly: true });
      connectError = undefined;
    } catch (error) {
      session = undefined;
      connectError = clean(errorText(error));
    }
  };

  /** The dropped connection's statement may still run on the server: cancel it from a fresh connection. */
  const cancelAbandoned = async (backendId: number): Promise<string> => {
    // Worth a short overrun of the total timeout: otherwise the statement keeps running on the server.
    await connect(CANCEL_CONNECT_MINIMUM_MS);
    if (!session) return `could not reconnect to cancel the abandoned statement: ${connectError}`;
    const fresh: SqlSession = session;
    if (!fresh.cancelStatementOf) return 'the session cannot cancel the abandoned statement';
    try {
      const cancelled = await guard(fresh.cancelStatementOf(backendId), CLIENT_GUARD_GRACE_MS * 5, () => fresh.destroy());
      return cancelled ? 'the abandoned statement was cancelled on the server' : 'the abandoned statement had already ended';
    } catch (error) {
      return `could not cancel the abandoned statement: ${clean(errorText(error))}`;
    }
  };

  await connect();
  const connected = session !== undefined;
  const results: CheckResult[] = [];
  let newestRowMs: number | undefined;
  let runError = connectError;
  try {
    for (const check of prepared) {
      const base = { name: check.name, type: check.type };
      if (check.problem || !check.run) {
        results.push({ ...base, ok: false, message: check.problem ?? 'invalid check', durationMs: 0 });
        continue;
      }
      if (remaining() <= 0) {
        runError = `the run exceeded its total timeout of ${totalTimeoutMs} ms`;
        results.push({ ...base, ok: false, message: `not run: ${runError}`, durationMs: 0 });
        continue;
      }
      if (!session || session.broken) {
        if (connected) await connect();
        if (!session) {
          const reason = connected ? `lost the connection and could not reconnect: ${connectError}` : (connectError ?? 'not connected');
          results.push({ ...base, ok: false, message: `not run: ${reason}`, durationMs: 0 });
          continue;
        }
      }
      const active: SqlSession = session;
      const timeoutMs = Math.max(1, Math.min(checkTimeoutMs, Math.floor(remaining())));
      const checkStart = performance.now();
      let outcome: Outcome;
      try {
        outcome = await guard(
          (async () => {
            await active.setStatementTimeout(timeoutMs);
            return active.readOnlyTransaction(() => check.run!(active));
          })(),
          timeoutMs + CLIENT_GUARD_GRACE_MS,
          () => active.destroy(),
        );
      } catch (error) {
        const text = clean(errorText(error));
        const timedOut = error instanceof ClientTimeout || isServerTimeout(error);
        outcome = { ok: false, message: timedOut ? `timed out after ${timeoutMs} ms (${text})` : `failed: ${text}` };
        if (error instanceof ClientTimeout && active.backendId !== undefined) {
          outcome.message += `; ${await cancelAbandoned(active.backendId)}`;
        }
      }
      const durationMs = Math.round(performance.now() - checkStart);
      if (outcome.newestRowMs !== undefined) newestRowMs = Math.max(newestRowMs ?? -Infinity, outcome.newestRowMs);
      const result: CheckResult = { ...base, ok: outcome.ok, message: clean(outcome.message), durationMs };
      if (outcome.observed !== undefined) result.observed = outcome.observed;
      results.push(result);
    }
  } finally {
    await (session as SqlSession | undefined)?.close().catch(() => undefined);
  }

  const failed = results.filter((r) => !r.ok).length;
  const report: CheckReport = { ok: connected && failed === 0, connected, results, failed };
  if (newestRowMs !== undefined) {
    report.dataLagSeconds = seconds(targetTime.getTime() - newestRowMs);
    report.newestRowTime = new Date(newestRowMs).toISOString();
  }
  if (!connected || runError) report.error = runError ?? connectError;
  return report;
}
