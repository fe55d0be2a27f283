/**
 * Types shared by table fingerprints (`fingerprintTable`, also used by the verification Lambda) and `lifeboat diff`.
 * Everything here is plain JSON so fingerprints can be stored (e.g. at backup time) and compared later.
 */

/** Server family: decides the SQL dialect and the row hash. MariaDB and Aurora MySQL speak `mysql`. */
export type SessionEngine = 'postgres' | 'mysql';

/**
 * What the fingerprint code needs from a connection. `SqlSession` from `src/checks/connection` satisfies it; the
 * session must hold ONE connection, because snapshots are transactions.
 */
export interface QuerySession {
  /** Dialect spoken by the server. */
  readonly engine: SessionEngine;
  /** Runs one statement with positional parameters ($1 on PostgreSQL, ? on MySQL) and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** A table: on PostgreSQL `schema` is the schema, on MySQL the database the session is connected to. */
export interface TableName {
  /** Schema (PostgreSQL) or database (MySQL). */
  schema: string;
  /** Table name. */
  name: string;
}

/**
 * How a column's value enters the row hash (docs/diff.md says which types get which, and why):
 * - `native`: the type's own extended hash, used only where the type's equality is identity on content;
 * - `bytes`: a string type hashed by its bytes (`COLLATE "C"`), whatever the column's collation;
 * - `array` / `array-bytes`: the array's dimensions and lower bounds, then its elements (natively / by bytes);
 * - `text`: the text output under pinned session settings (enums by label, jsonb canonical text, composites...).
 */
export type HashMode = 'native' | 'bytes' | 'array' | 'array-bytes' | 'text';

/**
 * Order used for a primary-key column in range predicates and bisection, the same on both sides:
 * - `native`: the type's own order, which no collation or object id affects (integers, numeric, uuid, dates...);
 * - `bytes`: byte-wise order of the text (`COLLATE "C"` / binary utf8mb4), whatever the column's collation;
 * - `text`: byte-wise order of the text output (enums, citext, anything else).
 */
export type KeyOrder = 'native' | 'bytes' | 'text';

/** One column as the server describes it. */
export interface ColumnInfo {
  /** Column name. */
  name: string;
  /** Full type as the server prints it (`format_type` on PostgreSQL, `COLUMN_TYPE` on MySQL). */
  type: string;
  /** Base type name: `DATA_TYPE` on MySQL; on PostgreSQL the built-in type behind domains (`int8`, `text`...). */
  dataType: string;
  /** Whether the column accepts NULL. */
  nullable: boolean;
  /** How the value is hashed when the type is the same on both sides. */
  hash: HashMode;
  /** Order used when the column is part of the primary key. */
  order: KeyOrder;
}

/** Columns, primary key and hashability of a table, read inside the snapshot. */
export interface TableShape {
  /** The table. */
  table: TableName;
  /** Columns in declaration order. */
  columns: ColumnInfo[];
  /** Primary-key columns in key order; empty when the table has none. */
  primaryKey: string[];
  /** `table` (partitioned tables included) or `materialized view`. */
  kind: 'table' | 'materialized view';
  /** False for a materialized view that was never refreshed (it has no rows to read). */
  populated: boolean;
  /** Planner's row estimate (0 when unknown); only used to size work, never to decide a result. */
  estimatedRows: number;
}

/** How one column enters the row hash. */
export interface HashedColumn {
  /** Column name. */
  name: string;
  /** Column type on this server. */
  type: string;
  /** How the value is hashed; `text` also when the type differs between the two sides. */
  hashedAs: HashMode;
}

/** Order-independent digest of a table's rows; serialisable. */
export interface TableFingerprint {
  /** Format version of this object (2: content hashes; version 1 hashed by each type's equality). */
  version: 2;
  /** Row hash and folding used; fingerprints with different algorithms never compare equal. */
  algorithm: 'postgres-content-v2' | 'mysql-md5-64-v2';
  /** Display name of the table (`schema.table` on PostgreSQL, `table` on MySQL). */
  table: string;
  /** Columns hashed, sorted by name so column order does not matter. */
  columns: HashedColumn[];
  /** Primary-key columns (empty when none). */
  primaryKey: string[];
  /** Number of rows. */
  rowCount: number;
  /** XOR of the 64-bit row hashes, 16 hex digits. */
  xor: string;
  /** Sum of the row hashes (decimal, exact), so duplicated rows do not cancel as they do under XOR. */
  sum: string;
}

/** Result of `compareFingerprints`. */
export interface FingerprintComparison {
  /** True when both fingerprints describe the same rows over the same columns. */
  identical: boolean;
  /** Human-readable reasons when not identical (empty otherwise). */
  differences: string[];
}

/** A primary-key value: one text-form value per key column, in key order. */
export type KeyValue = string[];

/** A row whose key is on one side only, or whose values differ. */
export interface KeyDifference {
  /** Key column -> value (text form). */
  key: Record<string, string>;
  /** `changed`: same key, different values; `missing-in-target`: only in source; `extra-in-target`: only in target. */
  kind: 'changed' | 'missing-in-target' | 'extra-in-target';
}

/** A primary-key range whose rows differ, left unresolved (too many differences to list each key). */
export interface RangeDifference {
  /** Inclusive lower bound (key column -> value), or null for the start of the table. */
  from: Record<string, string> | null;
  /** Exclusive upper bound, or null for the end of the table. */
  to: Record<string, string> | null;
  /** Rows of the range in the source. */
  sourceRows: number;
  /** Rows of the range in the target. */
  targetRows: number;
}

/** Where the rows of a table differ. */
export interface Localization {
  /** `complete`: every differing key listed; `truncated`: stopped at the limits, see `ranges`. */
  status: 'complete' | 'truncated';
  /** Bisection rounds run. */
  rounds: number;
  /** Differing keys found (at most `maxKeys`). */
  keys: KeyDifference[];
  /** Differing ranges not narrowed down to keys. */
  ranges: RangeDifference[];
}

/** Schema differences between the two sides of a table. */
export interface SchemaDifference {
  /** Columns only in the source. */
  onlyInSource: string[];
  /** Columns only in the target. */
  onlyInTarget: string[];
  /** Columns whose type differs (their values are compared by text form). */
  typeChanges: { column: string; source: string; target: string }[];
  /** Set when the primary keys differ. */
  primaryKey?: { source: string[]; target: string[] };
}

/** Per-table result of `lifeboat diff`. */
export interface TableDiff {
  /** Display name. */
  table: string;
  /** `identical` only when schema and rows match. */
  status: 'identical' | 'different' | 'missing-in-target' | 'missing-in-source';
  /** Source row count (absent when the table is missing there). */
  sourceRows?: number;
  /** Target row count. */
  targetRows?: number;
  /** Schema differences (absent when the table is missing on one side). */
  schema?: SchemaDifference;
  /** Columns whose values were compared (present on both sides), sorted by name. */
  comparedColumns: string[];
  /** Whether the rows match over `comparedColumns` (absent when the table is missing on one side). */
  rowsIdentical?: boolean;
  /** Source and target fingerprints over `comparedColumns`. */
  fingerprints?: { source: TableFingerprint; target: TableFingerprint };
  /** Where rows differ, when they do and the table has a common primary key. */
  localization?: Localization;
  /** Notes for the reader, e.g. why differences could not be localized. */
  notes: string[];
}

/** Result of `diffDatabases`. */
export interface DiffReport {
  /** True when every table is identical. */
  identical: boolean;
  /** Server family of both sides. */
  engine: SessionEngine;
  /** Per table, sorted by name. */
  tables: TableDiff[];
}
