/**
 * Table fingerprints computed on the server: a 64-bit hash per row folded into (count, XOR, sum). The fold does not
 * depend on row order; the sum keeps duplicated rows from cancelling as they would under XOR alone. Only the three
 * numbers cross the network.
 */
import { dialectFor, type Dialect, type KeyRange, ParamList, rangeCondition, type SnapshotStart } from './dialect';
import type {
  ColumnInfo,
  FingerprintComparison,
  HashedColumn,
  QuerySession,
  TableFingerprint,
  TableName,
  TableShape,
} from './types';

const inSnapshot = new WeakSet<QuerySession>();

/**
 * Runs `work` inside one consistent, read-only snapshot of `session` (PostgreSQL: REPEATABLE READ READ ONLY;
 * MySQL: START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY), then ends the transaction. Nested calls reuse the
 * outer snapshot.
 */
export async function withSnapshot<T>(session: QuerySession, work: () => Promise<T>, start?: SnapshotStart): Promise<T> {
  if (inSnapshot.has(session)) return work();
  const dialect = dialectFor(session.engine);
  try {
    await dialect.begin(session, start);
  } catch (error) {
    await session.query('ROLLBACK').catch(() => undefined);
    await dialect.end(session).catch(() => undefined);
    throw error;
  }
  inSnapshot.add(session);
  try {
    const result = await work();
    await session.query('COMMIT');
    await dialect.end(session);
    return result;
  } catch (error) {
    await session.query('ROLLBACK').catch(() => undefined);
    await dialect.end(session).catch(() => undefined);
    throw error;
  } finally {
    inSnapshot.delete(session);
  }
}

/** Code-unit order, so sorting never depends on the machine's locale. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Finds a table by name: `schema.table` or `table` on PostgreSQL (an unqualified name must be unique across
 * schemas), `table` or `database.table` on MySQL. Returns undefined when it does not exist.
 */
export async function findTable(session: QuerySession, name: string): Promise<TableName | undefined> {
  const dialect = dialectFor(session.engine);
  const tables = await dialect.listTables(session);
  const dot = name.indexOf('.');
  if (dot >= 0) {
    const schema = name.slice(0, dot);
    const table = name.slice(dot + 1);
    return tables.find((t) => t.schema === schema && t.name === table);
  }
  const matches = tables.filter((t) => t.name === name);
  if (matches.length > 1) {
    throw new Error(`table name "${name}" is ambiguous (${matches.map((t) => dialect.displayName(t)).join(', ')}): qualify it with its schema`);
  }
  return matches[0];
}

/** Columns of `shape` as hashed by a standalone fingerprint: all of them, sorted by name. */
export function hashedColumns(shape: TableShape): HashedColumn[] {
  return [...shape.columns].sort((a, b) => byCodeUnit(a.name, b.name)).map((c) => ({ name: c.name, type: c.type, hashedAs: c.hash }));
}

/** Raw fold of a set of rows. */
export interface Fold {
  rowCount: number;
  xor: string;
  sum: string;
}

/** Combines the folds of disjoint row sets into the fold of their union (count and sum add, XOR combines). */
export function combineFolds(folds: Fold[]): Fold {
  let rowCount = 0;
  let xor = 0n;
  let sum = 0n;
  for (const f of folds) {
    rowCount += f.rowCount;
    xor ^= BigInt(`0x${f.xor}`);
    sum += BigInt(f.sum);
  }
  return { rowCount, xor: xor.toString(16).padStart(16, '0'), sum: sum.toString() };
}

/** The fold of `whole` without the rows folded into `part` (a subset of them): the inverse of `combineFolds`. */
export function withoutFold(whole: Fold, part: Fold): Fold {
  const xor = BigInt(`0x${whole.xor}`) ^ BigInt(`0x${part.xor}`);
  return { rowCount: whole.rowCount - part.rowCount, xor: xor.toString(16).padStart(16, '0'), sum: (BigInt(whole.sum) - BigInt(part.sum)).toString() };
}

export function toHex64(decimal: string): string {
  return BigInt.asUintN(64, BigInt(decimal)).toString(16).padStart(16, '0');
}

/** Folds the rows of `table` within `range` (all rows when omitted) on the server. */
export async function foldRows(
  session: QuerySession,
  table: TableName,
  columns: HashedColumn[],
  keys: ColumnInfo[],
  range?: KeyRange,
): Promise<Fold> {
  const dialect = dialectFor(session.engine);
  const params = new ParamList(session.engine);
  const where = range ? rangeCondition(dialect, keys, 't', range, params) : '1 = 1';
  const sql = `SELECT ${dialect.fold('q.h')} FROM (${dialect.hashedRows(`${dialect.rowHash(columns, 't')} AS h`, dialect.qualified(table), where)}) q`;
  const [row] = await session.query<{ n: string; x: string; s: string }>(sql, params.values);
  return { rowCount: Number(row.n), xor: toHex64(String(row.x)), sum: String(row.s) };
}

export function describeTable(session: QuerySession, table: TableName): Promise<TableShape | undefined> {
  return dialectFor(session.engine).describe(session, table);
}

/** Options of `fingerprintTable`. */
export interface FingerprintOptions {
  /**
   * Columns to hash (name, type and whether as text); lets two sides with different column sets be compared on
   * their common columns.
   * @default every column of the table, sorted by name, each hashed as its type requires
   */
  columns?: HashedColumn[];
}

async function fingerprintWith(
  session: QuerySession,
  dialect: Dialect,
  shape: TableShape,
  options: FingerprintOptions,
): Promise<TableFingerprint> {
  if (!shape.populated) throw new Error(`materialized view ${dialect.displayName(shape.table)} is not populated (REFRESH MATERIALIZED VIEW first)`);
  const columns = options.columns ?? hashedColumns(shape);
  const fold = await foldRows(session, shape.table, columns, []);
  return {
    version: 2,
    algorithm: dialect.algorithm,
    table: dialect.displayName(shape.table),
    columns,
    primaryKey: shape.primaryKey,
    ...fold,
  };
}

/**
 * Fingerprint of one table (`schema.table` or `table`, or a TableName), read in one snapshot (the caller's, when
 * called inside `withSnapshot`). Throws when the table does not exist.
 */
export async function fingerprintTable(
  session: QuerySession,
  table: string | TableName,
  options: FingerprintOptions = {},
): Promise<TableFingerprint> {
  const dialect = dialectFor(session.engine);
  return withSnapshot(session, async () => {
    const name = typeof table === 'string' ? await findTable(session, table) : table;
    const shape = name ? await dialect.describe(session, name) : undefined;
    if (!shape) throw new Error(`table ${typeof table === 'string' ? table : dialect.displayName(table)} does not exist`);
    return fingerprintWith(session, dialect, shape, options);
  });
}

/** Compares two fingerprints (e.g. a reference recorded at backup time and a restored table). */
export function compareFingerprints(a: TableFingerprint, b: TableFingerprint): FingerprintComparison {
  const differences: string[] = [];
  if (a.algorithm !== b.algorithm) {
    differences.push(`fingerprints use different algorithms (${a.algorithm} vs ${b.algorithm}) and cannot be compared`);
    return { identical: false, differences };
  }
  const describe = (cs: HashedColumn[]): string => cs.map((c) => `${c.name} ${c.type}${c.hashedAs === 'native' ? '' : ` (as ${c.hashedAs})`}`).join(', ');
  if (describe(a.columns) !== describe(b.columns)) {
    differences.push(`hashed columns differ: [${describe(a.columns)}] vs [${describe(b.columns)}]`);
  }
  if (a.rowCount !== b.rowCount) differences.push(`row counts differ: ${a.rowCount} vs ${b.rowCount}`);
  if (a.xor !== b.xor || a.sum !== b.sum) differences.push('row contents differ (digests do not match)');
  return { identical: differences.length === 0, differences };
}
