/**
 * Shapes shared by the data checks (src/checks), the verification-restore Lambda and `lifeboat diff`.
 * Plain data only: everything here serialises to JSON unchanged.
 */

/** Database engines Lifeboat protects; the `aurora-*` engines speak the PostgreSQL and MySQL wire protocols. */
export type Engine = 'postgres' | 'mysql' | 'mariadb' | 'aurora-postgresql' | 'aurora-mysql';

/** TLS requirements of a connection; when present the connection fails rather than fall back to plain text. */
export interface TlsOptions {
  /** PEM bundle of the certificate authorities to trust (e.g. the RDS global bundle). @default Node's built-in CAs */
  ca?: string;
  /** Host name the server certificate must carry, when it differs from `host` (e.g. connecting by IP). @default host */
  servername?: string;
  /** Verify the certificate chain and host name. Turning this off keeps encryption but not authentication. @default true */
  rejectUnauthorized?: boolean;
}

/** Where and how to connect. */
export interface ConnectionTarget {
  /** Engine; decides the driver (pg for the PostgreSQL family, mysql2 for the MySQL family). */
  engine: Engine;
  /** Host name or IP address. */
  host: string;
  /** TCP port. */
  port: number;
  /** User name. */
  user: string;
  /** Password; never included in any message, report or error. */
  password: string;
  /** Database to connect to. */
  database: string;
  /** Require TLS with these options. @default plain TCP */
  tls?: TlsOptions;
  /** Time allowed to establish the connection (TCP, TLS and authentication). @default 10000 */
  connectTimeoutMs?: number;
}

/**
 * What a user SQL assertion expects from its query. A bare value is compared with the first column of the first row;
 * `noRows` / `someRows` look only at whether rows came back (e.g. "no orphaned order lines").
 */
export type SqlExpectation =
  | string
  | number
  | boolean
  | null
  | { type: 'value'; value: string | number | boolean | null }
  | { type: 'noRows' }
  | { type: 'someRows' };

/**
 * One data check. Table names may be schema-qualified (`app.orders`); identifiers are matched exactly as stored in
 * the catalog (PostgreSQL folds unquoted names to lower case when they are created, so write them in lower case).
 */
export type CheckSpec =
  | { type: 'tableExists'; table: string }
  /** Inclusive bounds; null or absent means unbounded (null is how the resolved requirements spell "absent"). */
  | { type: 'rowCount'; table: string; min?: number | null; max?: number | null }
  /** Fails when the newest row is more than `maxLagSeconds` older than the target; null or absent: only measure. */
  | { type: 'freshness'; table: string; column: string; maxLagSeconds?: number | null }
  | { type: 'sql'; name: string; sql: string; expect: SqlExpectation };

/** Outcome of one check. */
export interface CheckResult {
  /** `sql` checks: their name; others: `<type>:<table>[.<column>]`. */
  name: string;
  /** The check's type. */
  type: CheckSpec['type'];
  /** True when the check passed. */
  ok: boolean;
  /** What was found, in a sentence a person on call can act on. */
  message: string;
  /** Wall-clock time the check took, in milliseconds (0 when it did not run). */
  durationMs: number;
  /**
   * What was observed: `true`/`false` (tableExists), the row count (rowCount), `{ newestRowTime, lagSeconds }`
   * (freshness), the first value or the row count (sql); absent when the check could not observe anything.
   */
  observed?: unknown;
}

/** Outcome of a whole check run. */
export interface CheckReport {
  /** True when the connection succeeded and every check passed. */
  ok: boolean;
  /** True when a session could be opened. */
  connected: boolean;
  /** One result per requested check, in the order requested. */
  results: CheckResult[];
  /** Number of failed checks. */
  failed: number;
  /**
   * Restore target time (or the run time when none is given) minus the newest row found by the freshness checks, in
   * seconds: the measured data loss. Negative when rows are newer than the target. Absent without a freshness result.
   */
  dataLagSeconds?: number;
  /** The newest row time found by the freshness checks (ISO 8601, UTC). */
  newestRowTime?: string;
  /** Why the run could not connect or was cut short. */
  error?: string;
}

/** Options of a check run. */
export interface RunChecksOptions {
  /** The point in time the database was restored to; freshness lag is measured against it. @default the run time */
  restoreTargetTime?: Date;
  /** Time allowed to each check (server-side statement timeout plus a client-side guard). @default 30000 */
  checkTimeoutMs?: number;
  /** Time allowed to the whole run, connection included; checks not started in time are reported failed. @default 300000 */
  totalTimeoutMs?: number;
}
