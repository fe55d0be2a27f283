/**
 * The SQL each server family needs for fingerprints and bisection: catalog reads, the per-row hash, key ranges and
 * key parameters. Identifiers come from the catalog and are always quoted; values always travel as parameters.
 */
import type { ColumnInfo, HashedColumn, QuerySession, SessionEngine, TableFingerprint, TableName, TableShape } from './types';

/** Positional parameters in the dialect's placeholder syntax. */
export class ParamList {
  readonly values: unknown[] = [];

  constructor(private readonly engine: SessionEngine) {}

  /** Adds a value and returns its placeholder, wrapped by `wrap` (e.g. a cast) when given. */
  add(value: unknown, wrap: (placeholder: string) => string = (p) => p): string {
    this.values.push(value);
    return wrap(this.engine === 'postgres' ? `$${this.values.length}` : '?');
  }
}

/** Lower-inclusive, upper-exclusive primary-key range; null bounds are open. */
export interface KeyRange {
  /** Inclusive lower bound (text form per key column), or null. */
  lower: string[] | null;
  /** Exclusive upper bound, or null. */
  upper: string[] | null;
}

/** Dialect-specific SQL. */
export interface Dialect {
  readonly engine: SessionEngine;
  readonly algorithm: TableFingerprint['algorithm'];
  quote(identifier: string): string;
  qualified(table: TableName): string;
  displayName(table: TableName): string;
  begin(session: QuerySession): Promise<void>;
  listTables(session: QuerySession): Promise<TableName[]>;
  describe(session: QuerySession, table: TableName): Promise<TableShape | undefined>;
  /** SQL expression of the 64-bit row hash over `columns` of the row aliased `alias`. */
  rowHash(columns: HashedColumn[], alias: string): string;
  /** Select list folding the hash column `h` into text columns n (count), x (xor), s (sum). */
  fold(hash: string): string;
  /** SQL expression: text form of `expression`, a value of `column`'s type (key values travel as text). */
  asText(expression: string, column: ColumnInfo): string;
  /** SQL expression: text form of a 64-bit row hash. */
  hashText(expression: string): string;
  /** Placeholder for a key value (text form) typed like `column`. */
  keyParam(params: ParamList, column: ColumnInfo, value: string): string;
  /** Condition `key <op> bound` over the key columns (row-wise, in key order). */
  compareKey(keys: ColumnInfo[], alias: string, op: '<' | '>=', bound: string[], params: ParamList): string;
  /** Integer division. */
  intDiv(left: string, right: string): string;
  /** `subquery` made opaque to the planner where that yields a better GROUP BY plan. */
  fence(subquery: string): string;
}

function quoteWith(quote: string): (identifier: string) => string {
  return (identifier) => `${quote}${identifier.split(quote).join(quote + quote)}${quote}`;
}

const quotePg = quoteWith('"');
const quoteMy = quoteWith('`');

export const postgresDialect: Dialect = {
  engine: 'postgres',
  algorithm: 'postgres-hash-record-extended-v1',
  quote: quotePg,
  qualified: (t) => `${quotePg(t.schema)}.${quotePg(t.name)}`,
  displayName: (t) => `${t.schema}.${t.name}`,
  async begin(session) {
    const [version] = await session.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
    if (Number(version?.v) < 140000) {
      throw new Error(`fingerprints need PostgreSQL 14 or later (the bit_xor aggregate); the server is ${version?.v ?? 'unknown'}`);
    }
    await session.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // JIT-compiling the bucket CASE trees of a bisection costs more than the scan it speeds up (measured 3x slower
    // on a 5M-row table); plain fingerprints gain nothing from it either. Ends with the transaction.
    await session.query('SET LOCAL jit = off');
    // Bisection folds GROUP BY a bucket computed behind a fence (see fence()); the planner only hands the scan and
    // hashing below it to parallel workers when shipping their rows to the leader is not priced prohibitively.
    await session.query('SET LOCAL parallel_tuple_cost = 0');
  },
  async listTables(session) {
    const rows = await session.query<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, c.relname AS name
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
        ORDER BY 1, 2`,
    );
    return rows.map((r) => ({ schema: r.schema, name: r.name }));
  },
  async describe(session, table) {
    const rel = await session.query<{ oid: string }>(
      `SELECT c.oid::text AS oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
      [table.schema, table.name],
    );
    if (rel.length === 0) return undefined;
    const oid = rel[0].oid;
    const columns = await session.query<{ name: string; type: string; nullable: boolean }>(
      `SELECT a.attname AS name, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable
         FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum`,
      [oid],
    );
    const key = await session.query<{ name: string }>(
      `SELECT a.attname AS name
         FROM pg_catalog.pg_index i
         CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
        WHERE i.indrelid = $1::oid AND i.indisprimary
        ORDER BY k.ord`,
      [oid],
    );
    // Some types (json, xml, point, tsvector, arrays of them...) have no extended hash function; the type cache
    // knows, so ask the server with a NULL of each type instead of re-implementing its rules. hash_record_extended
    // looks the function up even for NULLs. A savepoint keeps the snapshot alive when the probe fails.
    const textOnlyTypes = new Set<string>();
    for (const type of [...new Set(columns.map((c) => c.type))]) {
      await session.query('SAVEPOINT lifeboat_hash_probe');
      try {
        await session.query(`SELECT pg_catalog.hash_record_extended(ROW(NULL::${type}), 0)`);
        await session.query('RELEASE SAVEPOINT lifeboat_hash_probe');
      } catch {
        textOnlyTypes.add(type);
        await session.query('ROLLBACK TO SAVEPOINT lifeboat_hash_probe');
      }
    }
    return {
      table,
      columns: columns.map((c) => ({ name: c.name, type: c.type, dataType: c.type, nullable: c.nullable })),
      primaryKey: key.map((k) => k.name),
      textOnlyColumns: columns.filter((c) => textOnlyTypes.has(c.type)).map((c) => c.name),
    };
  },
  rowHash(columns, alias) {
    if (columns.length === 0) return '0::bigint';
    const fields = columns.map((c) => `${alias}.${quotePg(c.name)}${c.hashedAs === 'text' ? '::text' : ''}`);
    return `pg_catalog.hash_record_extended(ROW(${fields.join(', ')}), 0)`;
  },
  fold: (h) =>
    `count(*)::text AS n, coalesce(bit_xor(${h}), 0)::text AS x, coalesce(sum(${h}), 0)::text AS s`,
  asText: (expression) => `(${expression})::text`,
  hashText: (expression) => `(${expression})::text`,
  keyParam: (params, column, value) => params.add(value, (p) => `${p}::${column.type}`),
  compareKey(keys, alias, op, bound, params) {
    const left = keys.map((k) => `${alias}.${quotePg(k.name)}`);
    const right = keys.map((k, i) => postgresDialect.keyParam(params, k, bound[i]));
    return keys.length === 1 ? `${left[0]} ${op} ${right[0]}` : `(${left.join(', ')}) ${op} (${right.join(', ')})`;
  },
  intDiv: (left, right) => `(${left}) / (${right})`,
  // A bucket number computed from the key inherits the key's distinct count in the planner's estimate, so GROUP BY
  // bucket would sort millions of rows (measured: 5x a full fingerprint pass). Behind OFFSET 0 the planner assumes
  // few groups and hash-aggregates them.
  fence: (subquery) => `${subquery} OFFSET 0`,
};

const MYSQL_INTEGER_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'year']);
const MYSQL_BINARY_TYPES = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob', 'bit']);

function mysqlKeyCast(column: ColumnInfo): (placeholder: string) => string {
  const dataType = column.dataType.toLowerCase();
  if (MYSQL_INTEGER_TYPES.has(dataType)) {
    return (p) => `CAST(${p} AS ${/unsigned/i.test(column.type) ? 'UNSIGNED' : 'SIGNED'})`;
  }
  if (dataType === 'decimal' || dataType === 'numeric') return (p) => `CAST(${p} AS DECIMAL(65,30))`;
  if (dataType === 'float' || dataType === 'double' || dataType === 'real') return (p) => `CAST(${p} AS DOUBLE)`;
  if (dataType === 'date') return (p) => `CAST(${p} AS DATE)`;
  if (dataType === 'datetime' || dataType === 'timestamp') return (p) => `CAST(${p} AS DATETIME(6))`;
  if (dataType === 'time') return (p) => `CAST(${p} AS TIME(6))`;
  if (MYSQL_BINARY_TYPES.has(dataType)) return (p) => `UNHEX(${p})`;
  return (p) => p;
}

export const mysqlDialect: Dialect = {
  engine: 'mysql',
  algorithm: 'mysql-md5-64-v1',
  quote: quoteMy,
  qualified: (t) => `${quoteMy(t.schema)}.${quoteMy(t.name)}`,
  displayName: (t) => t.name,
  async begin(session) {
    await session.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await session.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
  },
  async listTables(session) {
    const rows = await session.query<{ schema: string; name: string }>(
      `SELECT TABLE_SCHEMA AS \`schema\`, TABLE_NAME AS name FROM information_schema.TABLES
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`,
    );
    return rows.map((r) => ({ schema: String(r.schema), name: String(r.name) }));
  },
  async describe(session, table) {
    const columns = await session.query<{ name: string; type: string; dataType: string; nullable: string }>(
      `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, DATA_TYPE AS dataType, IS_NULLABLE AS nullable
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
      [table.schema, table.name],
    );
    if (columns.length === 0) return undefined;
    const key = await session.query<{ name: string }>(
      `SELECT COLUMN_NAME AS name FROM information_schema.KEY_COLUMN_USAGE
        WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION`,
      [table.schema, table.name],
    );
    return {
      table,
      columns: columns.map((c) => ({
        name: String(c.name),
        type: String(c.type),
        dataType: String(c.dataType),
        nullable: String(c.nullable) === 'YES',
      })),
      primaryKey: key.map((k) => String(k.name)),
      textOnlyColumns: [],
    };
  },
  rowHash(columns, alias) {
    if (columns.length === 0) return 'CAST(0 AS UNSIGNED)';
    // Length-prefixed text of each column, 'N' for NULL: unambiguous (NULL vs '' vs 'NULL', and no separator that
    // a value could contain), then the first 64 bits of its MD5.
    const fields = columns.map((c) => {
      const value = `${alias}.${quoteMy(c.name)}`;
      return `IFNULL(CONCAT(LENGTH(${value}), ':', ${value}), 'N')`;
    });
    return `CAST(CONV(LEFT(MD5(CONCAT(${fields.join(', ')})), 16), 16, 10) AS UNSIGNED)`;
  },
  fold: (h) =>
    `CAST(COUNT(*) AS CHAR) AS n, CAST(IFNULL(BIT_XOR(${h}), 0) AS CHAR) AS x, CAST(IFNULL(SUM(${h}), 0) AS CHAR) AS s`,
  asText: (expression, column) =>
    MYSQL_BINARY_TYPES.has(column.dataType.toLowerCase()) ? `HEX(${expression})` : `CAST(${expression} AS CHAR)`,
  hashText: (expression) => `CAST(${expression} AS CHAR)`,
  keyParam: (params, column, value) => params.add(value, mysqlKeyCast(column)),
  compareKey(keys, alias, op, bound, params) {
    // Expanded instead of a row constructor, which MySQL's range optimizer handles poorly.
    const column = (i: number): string => `${alias}.${quoteMy(keys[i].name)}`;
    const value = (i: number): string => mysqlDialect.keyParam(params, keys[i], bound[i]);
    const strict = op === '<' ? '<' : '>';
    const alternatives: string[] = [];
    for (let i = 0; i < keys.length; i += 1) {
      const equalPrefix = Array.from({ length: i }, (_, j) => `${column(j)} = ${value(j)}`);
      alternatives.push([...equalPrefix, `${column(i)} ${strict} ${value(i)}`].join(' AND '));
    }
    if (op === '>=') alternatives.push(keys.map((_, j) => `${column(j)} = ${value(j)}`).join(' AND '));
    return alternatives.length === 1 ? alternatives[0] : `(${alternatives.map((a) => `(${a})`).join(' OR ')})`;
  },
  intDiv: (left, right) => `(${left}) DIV (${right})`,
  fence: (subquery) => subquery,
};

/** Whether `column` is an integer type, so ranges of it can be split arithmetically. */
export function isIntegerKey(engine: SessionEngine, column: ColumnInfo): boolean {
  return engine === 'postgres'
    ? ['smallint', 'integer', 'bigint'].includes(column.type)
    : MYSQL_INTEGER_TYPES.has(column.dataType.toLowerCase()) && column.dataType.toLowerCase() !== 'year';
}

export function dialectFor(engine: SessionEngine): Dialect {
  return engine === 'postgres' ? postgresDialect : mysqlDialect;
}

/** Condition restricting rows to `range` (TRUE when unbounded). */
export function rangeCondition(dialect: Dialect, keys: ColumnInfo[], alias: string, range: KeyRange, params: ParamList): string {
  const parts: string[] = [];
  if (range.lower) parts.push(dialect.compareKey(keys, alias, '>=', range.lower, params));
  if (range.upper) parts.push(dialect.compareKey(keys, alias, '<', range.upper, params));
  return parts.length === 0 ? '1 = 1' : parts.join(' AND ');
}
