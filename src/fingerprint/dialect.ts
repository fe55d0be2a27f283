/**
 * The SQL each server family needs for fingerprints and bisection: catalog reads, the per-row hash, key ranges and
 * key parameters. Identifiers come from the catalog and are always quoted; values always travel as parameters.
 *
 * Row hashes fingerprint content, not equality: a type's own hash function follows the type's equality (citext and
 * nondeterministic collations ignore case, arrays ignore their bounds, enums hash by object id...), so each column
 * is hashed the way `classifyPostgresType` decides. Every session setting that changes a text form is pinned inside
 * the snapshot, so text forms (and keys sent back as parameters) are the same whatever the servers' settings.
 */
import type { ColumnInfo, HashedColumn, HashMode, KeyOrder, QuerySession, SessionEngine, TableFingerprint, TableName, TableShape } from './types';

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

/** How a snapshot transaction starts. */
export interface SnapshotStart {
  /** Import this exported snapshot (PostgreSQL `SET TRANSACTION SNAPSHOT`) instead of taking a new one. */
  importSnapshot?: string;
}

/** Dialect-specific SQL. */
export interface Dialect {
  readonly engine: SessionEngine;
  readonly algorithm: TableFingerprint['algorithm'];
  quote(identifier: string): string;
  qualified(table: TableName): string;
  displayName(table: TableName): string;
  /** Starts the read-only snapshot transaction and pins the session settings that change text forms. */
  begin(session: QuerySession, start?: SnapshotStart): Promise<void>;
  /** Undoes session-level changes `begin` had to make (after COMMIT / ROLLBACK). */
  end(session: QuerySession): Promise<void>;
  /** Exports the current snapshot for other connections, or throws a clear refusal when the family cannot. */
  exportSnapshot(session: QuerySession): Promise<string>;
  listTables(session: QuerySession): Promise<TableName[]>;
  describe(session: QuerySession, table: TableName): Promise<TableShape | undefined>;
  /** SQL expression of the 64-bit row hash over `columns` of the row aliased `alias`. */
  rowHash(columns: HashedColumn[], alias: string): string;
  /** Select list folding the hash column `h` into text columns n (count), x (xor), s (sum). */
  fold(hash: string): string;
  /** SQL expression: text form of key column `column` of the row aliased `alias` (keys travel as text). */
  keyText(column: ColumnInfo, alias: string): string;
  /** SQL expression: text form of a 64-bit row hash. */
  hashText(expression: string): string;
  /** SQL expression: key column `column` of `alias` in the key order shared by both sides. */
  keyExpr(column: ColumnInfo, alias: string): string;
  /** Placeholder for a key value (text form) comparable with `keyExpr(column)`. */
  keyParam(params: ParamList, column: ColumnInfo, value: string): string;
  /** Condition `key <op> bound` over the key columns (row-wise, in key order). */
  compareKey(keys: ColumnInfo[], alias: string, op: '<' | '>=', bound: string[], params: ParamList): string;
  /** Integer division. */
  intDiv(left: string, right: string): string;
  /** `subquery` made opaque to the planner where that yields a better GROUP BY plan. */
  fence(subquery: string): string;
  /**
   * Subquery text selecting `select` (expressions of the row aliased t, such as the row hash) from `from` where
   * `where` holds, such that a query folding its outputs evaluates each of them once per row and may still scan in
   * parallel.
   */
  hashedRows(select: string, from: string, where: string): string;
  /**
   * Folds rows of `from` (aliased t) matching `where` into buckets `bucket` (an integer expression), one row per
   * non-empty bucket: bucket, n, x, s. Bucket numbers are returned as computed: the caller folds any outside the
   * expected range into the nearest one, so that no row can fall outside every bucket.
   */
  groupedFold(session: QuerySession, sql: { bucket: string; hash: string; from: string; where: string }, params: unknown[]): Promise<Record<string, unknown>[]>;
  /**
   * SQL expression numbering the buckets of 2^`shift` keys of integer key `column` from `origin` (a multiple of
   * 2^shift): its value minus `offset` is the bucket index floor((key - origin) / 2^shift).
   */
  integerBucket(column: ColumnInfo, alias: string, origin: bigint, shift: number, params: ParamList): { expression: string; offset: bigint };
}

function quoteWith(quote: string): (identifier: string) => string {
  return (identifier) => `${quote}${identifier.split(quote).join(quote + quote)}${quote}`;
}

const quotePg = quoteWith('"');
const quoteMy = quoteWith('`');

// --- PostgreSQL: what is hashed, per type ---------------------------------------------------------------------

/**
 * Built-in types whose equality is identity on content, so their own extended hash is a content hash: two values
 * the type calls equal have the same stored bytes and the same text output. (Counter-examples, hashed otherwise:
 * numeric without a declared scale `1.0 = 1.00`, float `-0 = 0`, interval `'1 day' = '24 hours'`, jsonb arrays whose
 * element hashes cancel, enums hashed by object id, text under a nondeterministic collation.)
 */
const PG_NATIVE = new Set([
  'int2', 'int4', 'int8', 'bool', 'char', 'oid', 'money', 'bytea', 'uuid',
  'date', 'time', 'timetz', 'timestamp', 'timestamptz', 'inet', 'cidr', 'macaddr', 'macaddr8',
]);
/** String types: hashed and ordered by their bytes (`COLLATE "C"`), never by the column's collation. */
const PG_BYTES = new Set(['text', 'varchar', 'bpchar', 'name']);
/** Types whose btree order depends on no collation and no object id, so both sides sort them alike. */
const PG_ORDER_NATIVE = new Set([
  'int2', 'int4', 'int8', 'numeric', 'float4', 'float8', 'bool', 'char', 'oid', 'bytea', 'uuid',
  'date', 'time', 'timestamp', 'timestamptz',
]);
const PG_INTEGERS = new Set(['int2', 'int4', 'int8']);

/** One row of pg_type, as `resolveTypes` reads it. */
interface PgType {
  schema: string;
  name: string;
  kind: string;
  base: string;
  baseTypmod: number;
  elem: string;
  isArray: boolean;
}

/** Reads pg_type for `oids` and every type they are built on (domain bases, array elements). */
async function resolveTypes(session: QuerySession, oids: string[]): Promise<Map<string, PgType>> {
  const types = new Map<string, PgType>();
  let wanted = [...new Set(oids)];
  while (wanted.length > 0) {
    const rows = await session.query<{ oid: string; schema: string; name: string; kind: string; base: string; basemod: number; elem: string; is_array: boolean }>(
      `SELECT t.oid::text AS oid, n.nspname AS schema, t.typname AS name, t.typtype::text AS kind, t.typbasetype::text AS base,
              t.typtypmod AS basemod, t.typelem::text AS elem, (t.typsubscript = 'pg_catalog.array_subscript_handler'::pg_catalog.regproc) AS is_array
         FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
        WHERE t.oid = ANY($1::text[]::oid[])`,
      [wanted],
    );
    const next: string[] = [];
    for (const r of rows) {
      const type: PgType = { schema: r.schema, name: r.name, kind: r.kind, base: r.base, baseTypmod: Number(r.basemod), elem: r.elem, isArray: r.is_array === true };
      types.set(r.oid, type);
      if (type.kind === 'd') next.push(type.base);
      if (type.isArray) next.push(type.elem);
    }
    wanted = [...new Set(next)].filter((oid) => oid !== '0' && !types.has(oid));
  }
  return types;
}

/** Decides how a column of type `oid` (modifier `typmod`) is hashed and ordered, and its built-in base type. */
export function classifyPostgresType(types: Map<string, PgType>, oid: string, typmod: number): { hash: HashMode; order: KeyOrder; base: string } {
  let type = types.get(oid);
  let mod = typmod;
  // A domain is its base type plus constraints: hash and order it as the base (its typmod lives on the domain).
  for (let depth = 0; type && type.kind === 'd' && depth < 32; depth += 1) {
    mod = type.baseTypmod;
    type = types.get(type.base);
  }
  if (!type) return { hash: 'text', order: 'text', base: 'unknown' };
  const builtin = type.schema === 'pg_catalog' ? type.name : `${type.schema}.${type.name}`;
  if (type.isArray) {
    const element = classifyPostgresType(types, type.elem, mod);
    const hash: HashMode = element.hash === 'native' ? 'array' : element.hash === 'bytes' ? 'array-bytes' : 'text';
    return { hash, order: 'text', base: builtin };
  }
  if (type.schema !== 'pg_catalog' || type.kind !== 'b') return { hash: 'text', order: 'text', base: builtin };
  const order: KeyOrder = PG_ORDER_NATIVE.has(type.name) ? 'native' : PG_BYTES.has(type.name) ? 'bytes' : 'text';
  if (PG_BYTES.has(type.name)) return { hash: 'bytes', order, base: builtin };
  // numeric(p,s) stores every value at scale s, so equal values have equal digits; bare numeric keeps 1.0 and 1.00.
  if (type.name === 'numeric') return { hash: mod >= 0 ? 'native' : 'text', order, base: builtin };
  return { hash: PG_NATIVE.has(type.name) ? 'native' : 'text', order, base: builtin };
}

/**
 * Settings that change a text form, pinned for the snapshot transaction (SET LOCAL semantics: nothing outlives it).
 * extra_float_digits 1 prints the shortest text that reads back to the same float; search_path reaches only the
 * catalog, so format_type() names every other type with its schema and no user object can shadow a function.
 */
const PG_PINNED: [string, string][] = [
  ['DateStyle', 'ISO, YMD'],
  ['IntervalStyle', 'postgres'],
  ['TimeZone', 'UTC'],
  ['extra_float_digits', '1'],
  ['bytea_output', 'hex'],
  ['search_path', 'pg_catalog, pg_temp'],
  // JIT-compiling the bucket CASE trees of a bisection costs more than the scan it speeds up (measured 3x slower on
  // a 5M-row table). Whole-table folds (plain fingerprint and first pass alike) execute about a tenth fewer
  // instructions per row with it, a gain the timings of the benchmark's 5M-row table do not separate from noise.
  ['jit', 'off'],
];

function pgField(column: HashedColumn, alias: string): string {
  const value = `${alias}.${quotePg(column.name)}`;
  switch (column.hashedAs) {
    case 'native':
      return value;
    case 'bytes':
      return `${value} COLLATE "C"`;
    case 'array':
      return `pg_catalog.array_dims(${value}), ${value}`;
    case 'array-bytes':
      return `pg_catalog.array_dims(${value}), ${value} COLLATE "C"`;
    default:
      return `(${value})::text COLLATE "C"`;
  }
}

export const postgresDialect: Dialect = {
  engine: 'postgres',
  algorithm: 'postgres-content-v2',
  quote: quotePg,
  qualified: (t) => `${quotePg(t.schema)}.${quotePg(t.name)}`,
  displayName: (t) => `${t.schema}.${t.name}`,
  async begin(session, start = {}) {
    const [version] = await session.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
    if (Number(version?.v) < 140000) {
      throw new Error(`fingerprints need PostgreSQL 14 or later (the bit_xor aggregate); the server is ${version?.v ?? 'unknown'}`);
    }
    await session.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // Must be the transaction's first statement after BEGIN.
    if (start.importSnapshot) await session.query(`SET TRANSACTION SNAPSHOT '${start.importSnapshot.replace(/'/g, "''")}'`);
    await session.query(`SELECT ${PG_PINNED.map((_, i) => `pg_catalog.set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ')}`, PG_PINNED.flat());
  },
  async end() {
    // Everything begin() set was transaction-local.
  },
  async exportSnapshot(session) {
    const [row] = await session.query<{ id: string }>('SELECT pg_catalog.pg_export_snapshot() AS id');
    return row.id;
  },
  async listTables(session) {
    // Views hold no rows of their own (their base tables are compared); materialized views do, so they are compared.
    const rows = await session.query<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, c.relname AS name
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'm') AND NOT c.relispartition
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
        ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C"`,
    );
    return rows.map((r) => ({ schema: r.schema, name: r.name }));
  },
  async describe(session, table) {
    const rel = await session.query<{ oid: string; kind: string; populated: boolean; estimate: string }>(
      `SELECT c.oid::text AS oid, c.relkind::text AS kind, c.relispopulated AS populated, greatest(c.reltuples, 0)::int8::text AS estimate
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'm')`,
      [table.schema, table.name],
    );
    if (rel.length === 0) return undefined;
    const oid = rel[0].oid;
    const columns = await session.query<{ name: string; type: string; nullable: boolean; typid: string; typmod: number }>(
      `SELECT a.attname AS name, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,
              a.atttypid::text AS typid, a.atttypmod AS typmod
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
    const types = await resolveTypes(session, columns.map((c) => c.typid));
    return {
      table,
      columns: columns.map((c) => {
        const decided = classifyPostgresType(types, c.typid, Number(c.typmod));
        return { name: c.name, type: c.type, dataType: decided.base, nullable: c.nullable, hash: decided.hash, order: decided.order };
      }),
      primaryKey: key.map((k) => k.name),
      kind: rel[0].kind === 'm' ? 'materialized view' : 'table',
      populated: rel[0].populated !== false,
      estimatedRows: Number(rel[0].estimate),
    };
  },
  rowHash(columns, alias) {
    if (columns.length === 0) return '0::bigint';
    return `pg_catalog.hash_record_extended(ROW(${columns.map((c) => pgField(c, alias)).join(', ')}), 0)`;
  },
  fold: (h) =>
    `count(*)::text AS n, coalesce(bit_xor(${h}), 0)::text AS x, coalesce(sum(${h}), 0)::text AS s`,
  keyText: (column, alias) => `(${alias}.${quotePg(column.name)})::text`,
  hashText: (expression) => `(${expression})::text`,
  keyExpr(column, alias) {
    const value = `${alias}.${quotePg(column.name)}`;
    if (column.order === 'native') return value;
    // COLLATE "C" keeps an index on a C-collated key usable; other collations cannot give the byte order anyway.
    return column.order === 'bytes' ? `${value} COLLATE "C"` : `(${value})::text COLLATE "C"`;
  },
  keyParam: (params, column, value) => params.add(value, (p) => (column.order === 'text' ? `${p}::text` : `${p}::${column.type}`)),
  compareKey(keys, alias, op, bound, params) {
    const left = keys.map((k) => postgresDialect.keyExpr(k, alias));
    const right = keys.map((k, i) => postgresDialect.keyParam(params, k, bound[i]));
    return keys.length === 1 ? `${left[0]} ${op} ${right[0]}` : `(${left.join(', ')}) ${op} (${right.join(', ')})`;
  },
  intDiv: (left, right) => `(${left}) / (${right})`,
  // A bucket number computed from the key inherits the key's distinct count in the planner's estimate, so GROUP BY
  // bucket would sort millions of rows (measured: 5x a full fingerprint pass). Behind OFFSET 0 the planner assumes
  // few groups and hash-aggregates them.
  fence: (subquery) => `${subquery} OFFSET 0`,
  // A subquery whose select list holds a volatile function is planned on its own instead of being merged into the
  // query above (PostgreSQL's rule, so that a volatile value is computed once). That is what a fold needs: merged,
  // the row hash would be copied into bit_xor and sum and computed twice per row (measured: ~1.6x the CPU of the
  // fold); OFFSET 0 would also keep it apart, but forbids a parallel scan. The CASE is folded to a constant NULL
  // before execution, so clock_timestamp() never runs. It also hides where a bucket number comes from: GROUP BY
  // such a column is estimated at a few hundred groups (not one per key), so the planner aggregates in every
  // parallel worker instead of shipping each row's hash to one process or sorting millions of rows.
  hashedRows: (select, from, where) => `SELECT ${select}, CASE WHEN false THEN pg_catalog.clock_timestamp() END AS once FROM ${from} t WHERE ${where}`,
  async groupedFold(session, sql, params) {
    return session.query<Record<string, unknown>>(
      `SELECT q.k AS bucket, ${postgresDialect.fold('q.h')} FROM (${postgresDialect.hashedRows(`${sql.bucket} AS k, ${sql.hash} AS h`, sql.from, sql.where)}) q GROUP BY q.k`,
      params,
    );
  },
  integerBucket(column, alias, origin, shift, params) {
    // An arithmetic shift of the key in its own type (floor division by 2^shift, negative keys included, and no
    // overflow whatever the keys): the cheapest bucket number there is. (key - min) / width cost two int8 operators
    // per row, one of them a 64-bit division (counted on the benchmark's table: ~60 more instructions per row than
    // the shift, about 2% of what the row hash and fold cost). The client subtracts origin >> shift.
    return { expression: `${alias}.${quotePg(column.name)} >> ${params.add(String(shift))}::int4`, offset: origin >> BigInt(shift) };
  },
};

// --- MySQL family ---------------------------------------------------------------------------------------------

const MYSQL_INTEGER_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'year']);
const MYSQL_BINARY_TYPES = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob', 'bit']);
/** String types (MariaDB's JSON is a longtext): hashed by their utf8mb4 bytes, ordered by those bytes. */
const MYSQL_STRING_TYPES = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'enum', 'set']);

function mysqlKeyCast(column: ColumnInfo): (placeholder: string) => string {
  const dataType = column.dataType.toLowerCase();
  if (column.order === 'bytes') return (p) => `CAST(CONVERT(${p} USING utf8mb4) AS BINARY)`;
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

/** Session settings pinned by begin() on MySQL, whose SET cannot be transaction-local: end() restores them. */
const savedMysqlSettings = new WeakMap<QuerySession, { timeZone: string; sqlMode: string }>();

function mysqlField(column: HashedColumn, alias: string): string {
  const raw = `${alias}.${quoteMy(column.name)}`;
  // Strings by their utf8mb4 bytes, whatever the column's character set and collation (LENGTH counts bytes).
  const value = column.hashedAs === 'bytes' ? `CONVERT(${raw} USING utf8mb4)` : raw;
  return `IFNULL(CONCAT(LENGTH(${value}), ':', ${value}), 'N')`;
}

export const mysqlDialect: Dialect = {
  engine: 'mysql',
  algorithm: 'mysql-md5-64-v2',
  quote: quoteMy,
  qualified: (t) => `${quoteMy(t.schema)}.${quoteMy(t.name)}`,
  displayName: (t) => t.name,
  async begin(session, start = {}) {
    if (start.importSnapshot) throw new Error(MYSQL_NO_SHARED_SNAPSHOT);
    const [saved] = await session.query<{ tz: string; mode: string }>('SELECT @@SESSION.time_zone AS tz, @@SESSION.sql_mode AS mode');
    savedMysqlSettings.set(session, { timeZone: String(saved.tz), sqlMode: String(saved.mode) });
    // TIMESTAMP values print in the session time zone; PAD_CHAR_TO_FULL_LENGTH (in sql_mode) pads CHAR values.
    await session.query("SET SESSION time_zone = '+00:00'");
    await session.query("SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION'");
    await session.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await session.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
  },
  async end(session) {
    const saved = savedMysqlSettings.get(session);
    savedMysqlSettings.delete(session);
    if (!saved) return;
    await session.query('SET SESSION time_zone = ?', [saved.timeZone]);
    await session.query('SET SESSION sql_mode = ?', [saved.sqlMode]);
  },
  async exportSnapshot() {
    throw new Error(MYSQL_NO_SHARED_SNAPSHOT);
  },
  async listTables(session) {
    const rows = await session.query<{ schema: string; name: string }>(
      `SELECT TABLE_SCHEMA AS \`schema\`, TABLE_NAME AS name FROM information_schema.TABLES
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY CAST(TABLE_NAME AS BINARY)`,
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
    const [estimate] = await session.query<{ n: unknown }>(
      'SELECT IFNULL(TABLE_ROWS, 0) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      [table.schema, table.name],
    );
    return {
      table,
      columns: columns.map((c) => {
        const dataType = String(c.dataType).toLowerCase();
        const isString = MYSQL_STRING_TYPES.has(dataType);
        return {
          name: String(c.name),
          type: String(c.type),
          dataType,
          nullable: String(c.nullable) === 'YES',
          hash: isString ? 'bytes' : 'native',
          order: isString ? 'bytes' : 'native',
        };
      }),
      primaryKey: key.map((k) => String(k.name)),
      kind: 'table',
      populated: true,
      estimatedRows: Number(estimate?.n ?? 0),
    };
  },
  rowHash(columns, alias) {
    if (columns.length === 0) return 'CAST(0 AS UNSIGNED)';
    // Length-prefixed text of each column, 'N' for NULL: unambiguous (NULL vs '' vs 'NULL', and no separator that
    // a value could contain), then the first 64 bits of its MD5.
    return `CAST(CONV(LEFT(MD5(CONCAT(${columns.map((c) => mysqlField(c, alias)).join(', ')})), 16), 16, 10) AS UNSIGNED)`;
  },
  fold: (h) =>
    `CAST(COUNT(*) AS CHAR) AS n, CAST(IFNULL(BIT_XOR(${h}), 0) AS CHAR) AS x, CAST(IFNULL(SUM(${h}), 0) AS CHAR) AS s`,
  keyText: (column, alias) => {
    const value = `${alias}.${quoteMy(column.name)}`;
    return MYSQL_BINARY_TYPES.has(column.dataType.toLowerCase()) ? `HEX(${value})` : `CAST(${value} AS CHAR)`;
  },
  hashText: (expression) => `CAST(${expression} AS CHAR)`,
  keyExpr(column, alias) {
    const value = `${alias}.${quoteMy(column.name)}`;
    // Byte order of the utf8mb4 text: the same whatever each side's character set and collation (and no PAD SPACE).
    return column.order === 'native' ? value : `CAST(CONVERT(${value} USING utf8mb4) AS BINARY)`;
  },
  keyParam: (params, column, value) => params.add(value, mysqlKeyCast(column)),
  compareKey(keys, alias, op, bound, params) {
    // Expanded instead of a row constructor, which MySQL's range optimizer handles poorly.
    const column = (i: number): string => mysqlDialect.keyExpr(keys[i], alias);
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
  hashedRows: (select, from, where) => `SELECT ${select} FROM ${from} t WHERE ${where}`,
  async groupedFold(session, sql, params) {
    return session.query<Record<string, unknown>>(
      `SELECT q.k AS bucket, ${mysqlDialect.fold('q.h')} FROM (${mysqlDialect.hashedRows(`${sql.bucket} AS k, ${sql.hash} AS h`, sql.from, sql.where)}) q GROUP BY q.k`,
      params,
    );
  },
  integerBucket(column, alias, origin, shift, params) {
    // DECIMAL arithmetic: BIGINT UNSIGNED keys minus a negative origin would overflow either integer type, and
    // MySQL's >> works on unsigned 64-bit values. key - origin is never negative, so DIV is floor division.
    const value = `CAST(${alias}.${quoteMy(column.name)} AS DECIMAL(20,0))`;
    return { expression: `(${value} - CAST(${params.add(String(origin))} AS DECIMAL(20,0))) DIV ${params.add(String(1n << BigInt(shift)))}`, offset: 0n };
  },
};

/** Why `--jobs` above 1 is refused on the MySQL family. */
export const MYSQL_NO_SHARED_SNAPSHOT =
  'the MySQL family cannot share one snapshot between connections (START TRANSACTION WITH CONSISTENT SNAPSHOT is per connection, and there is no snapshot export), so parallel jobs would compare different moments of a busy database: run with --jobs 1';

/** Whether `column` is an integer type ordered natively, so ranges of it can be split arithmetically. */
export function isIntegerKey(engine: SessionEngine, column: ColumnInfo): boolean {
  if (column.order !== 'native') return false;
  return engine === 'postgres'
    ? PG_INTEGERS.has(column.dataType)
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
