/**
 * `diffDatabases`: per table, row counts, schema differences, fingerprints over the common columns, and the keys or
 * key ranges where rows differ. Each database is read in one consistent snapshot.
 */
import { firstPass, type Lane, localize, type Side } from './bisect';
import { dialectFor, MYSQL_NO_SHARED_SNAPSHOT } from './dialect';
import { byCodeUnit, type Fold, foldRows, withSnapshot } from './fingerprint';
import type {
  ColumnInfo,
  DiffReport,
  HashedColumn,
  QuerySession,
  SchemaDifference,
  TableDiff,
  TableFingerprint,
  TableName,
  TableShape,
} from './types';

/** Progress of a diff, for a terminal. */
export type DiffProgress =
  | { kind: 'table'; table: string; index: number; total: number }
  | { kind: 'round'; table: string; round: number; ranges: number };

/** Options of `diffDatabases`. */
export interface DiffOptions {
  /** Tables to compare (`schema.table` or `table`); each must exist on at least one side. @default every table of either side */
  tables?: string[];
  /** Most sub-ranges per bisection split (2 to 4096); each split aims at sub-ranges of `keyRangeRows` rows. @default 1024 */
  factor?: number;
  /** Key ranges with at most this many rows are compared row by row, naming each differing key (1 to 100000). @default 64 */
  keyRangeRows?: number;
  /** Differing keys listed per table before the rest are reported as ranges (1 to 100000). @default 100 */
  maxKeys?: number;
  /** Differing ranges per bisection round before splitting stops and they are reported as ranges. @default 1024 */
  maxRanges?: number;
  /** Receives progress events. @default none */
  onProgress?: (event: DiffProgress) => void;
  /**
   * Connections per side for the first pass over each table (1 to 64): the table is split into this many key ranges,
   * each read on its own connection, all in the snapshot of `source` / `target` (PostgreSQL exports it; the MySQL
   * family cannot share one, so it refuses more than 1). Needs `connect`. @default 1
   */
  jobs?: number;
  /**
   * PostgreSQL, single integer key: read the first pass in TID-range chunks where the table's layout allows (the
   * plain fingerprint's server work). `false`: a sequential scan with a hash aggregate, more server CPU, but a scan
   * that keeps PostgreSQL's small ring buffer, where the chunks pass every page of the table through shared_buffers
   * (evicting the working set of a busy server when the table is larger). @default true
   */
  tidChunks?: boolean;
  /** Opens one more connection to the source or the target (used for `jobs` above 1); the diff closes it. */
  connect?: (side: 'source' | 'target') => Promise<ClosableSession>;
}

/** A session the diff may close. */
export interface ClosableSession extends QuerySession {
  close(): Promise<void>;
}

const LIMITS: { name: keyof DiffOptions; min: number; max: number; fallback: number }[] = [
  { name: 'factor', min: 2, max: 4096, fallback: 1024 },
  { name: 'keyRangeRows', min: 1, max: 100_000, fallback: 64 },
  { name: 'maxKeys', min: 1, max: 100_000, fallback: 100 },
  { name: 'maxRanges', min: 1, max: 100_000, fallback: 1024 },
  { name: 'jobs', min: 1, max: 64, fallback: 1 },
];

type Limits = Record<'factor' | 'keyRangeRows' | 'maxKeys' | 'maxRanges' | 'jobs', number>;

function validated(options: DiffOptions): Limits {
  const problems: string[] = [];
  const out: Record<string, number> = {};
  for (const limit of LIMITS) {
    const value = (options[limit.name] as number | undefined) ?? limit.fallback;
    if (!Number.isInteger(value) || value < limit.min || value > limit.max) {
      problems.push(`${limit.name} must be an integer from ${limit.min} to ${limit.max}, got ${value}`);
    }
    out[limit.name] = value;
  }
  if (problems.length > 0) throw new RangeError(`invalid diff options: ${problems.join('; ')}`);
  return out as Limits;
}

function sameFold(a: Fold, b: Fold): boolean {
  return a.rowCount === b.rowCount && a.xor === b.xor && a.sum === b.sum;
}

function schemaDifference(source: TableShape, target: TableShape): SchemaDifference {
  const targetColumns = new Map(target.columns.map((c) => [c.name, c]));
  const sourceColumns = new Map(source.columns.map((c) => [c.name, c]));
  const difference: SchemaDifference = {
    onlyInSource: source.columns.filter((c) => !targetColumns.has(c.name)).map((c) => c.name).sort(byCodeUnit),
    onlyInTarget: target.columns.filter((c) => !sourceColumns.has(c.name)).map((c) => c.name).sort(byCodeUnit),
    typeChanges: source.columns
      .filter((c) => targetColumns.has(c.name) && targetColumns.get(c.name)!.type !== c.type)
      .map((c) => ({ column: c.name, source: c.type, target: targetColumns.get(c.name)!.type }))
      .sort((a, b) => byCodeUnit(a.column, b.column)),
  };
  if (source.primaryKey.join('\u0000') !== target.primaryKey.join('\u0000')) {
    difference.primaryKey = { source: source.primaryKey, target: target.primaryKey };
  }
  return difference;
}

function schemaDiffers(d: SchemaDifference): boolean {
  return d.onlyInSource.length > 0 || d.onlyInTarget.length > 0 || d.typeChanges.length > 0 || d.primaryKey !== undefined;
}

/**
 * Common columns, sorted by name, as each side hashes them. A column goes through its text form on both sides when
 * its type differs between them or the two sides would hash it differently, so the two row hashes stay comparable.
 */
function commonColumns(source: TableShape, target: TableShape): { source: HashedColumn[]; target: HashedColumn[] } {
  const targetColumns = new Map(target.columns.map((c) => [c.name, c]));
  const common = source.columns.filter((c) => targetColumns.has(c.name)).sort((a, b) => byCodeUnit(a.name, b.name));
  const mode = (c: ColumnInfo): HashedColumn['hashedAs'] => {
    const other = targetColumns.get(c.name)!;
    return c.type === other.type && c.hash === other.hash ? c.hash : 'text';
  };
  return {
    source: common.map((c) => ({ name: c.name, type: c.type, hashedAs: mode(c) })),
    target: common.map((c) => ({ name: c.name, type: targetColumns.get(c.name)!.type, hashedAs: mode(c) })),
  };
}

/** Key columns of both sides, each ordered the same way on both (byte-wise text when the sides disagree). */
function keyColumns(source: TableShape, target: TableShape): { source: ColumnInfo[]; target: ColumnInfo[] } {
  const pick = (shape: TableShape, name: string): ColumnInfo => shape.columns.find((c) => c.name === name)!;
  const pairs = source.primaryKey.map((name) => [pick(source, name), pick(target, name)] as const);
  const order = (s: ColumnInfo, t: ColumnInfo): ColumnInfo['order'] => (s.type === t.type && s.order === t.order ? s.order : 'text');
  return {
    source: pairs.map(([s, t]) => ({ ...s, order: order(s, t) })),
    target: pairs.map(([s, t]) => ({ ...t, order: order(s, t) })),
  };
}

function fingerprintOf(session: QuerySession, shape: TableShape, columns: HashedColumn[], fold: Fold): TableFingerprint {
  const dialect = dialectFor(session.engine);
  return { version: 2, algorithm: dialect.algorithm, table: dialect.displayName(shape.table), columns, primaryKey: shape.primaryKey, ...fold };
}

function selectTables(
  engineTables: { source: TableName[]; target: TableName[] },
  display: (t: TableName) => string,
  requested: string[] | undefined,
): string[] {
  const all = new Set([...engineTables.source, ...engineTables.target].map(display));
  if (!requested) return [...all].sort(byCodeUnit);
  const chosen = new Set<string>();
  const problems: string[] = [];
  for (const name of requested) {
    const matches = name.includes('.') ? [...all].filter((t) => t === name) : [...all].filter((t) => t === name || t.endsWith(`.${name}`));
    if (matches.length === 0) problems.push(`table ${name} exists in neither database`);
    else if (matches.length > 1) problems.push(`table name ${name} is ambiguous (${matches.join(', ')}): qualify it with its schema`);
    else chosen.add(matches[0]);
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
  return [...chosen].sort(byCodeUnit);
}

/** Connections reading the same snapshots: the main pair first, then one pair per extra job. */
interface Connections {
  source: QuerySession;
  target: QuerySession;
  extra: { source: QuerySession; target: QuerySession }[];
}

async function diffTable(
  connections: Connections,
  name: string,
  sourceTable: TableName | undefined,
  targetTable: TableName | undefined,
  limits: Limits,
  options: Pick<DiffOptions, 'onProgress' | 'tidChunks'>,
): Promise<TableDiff> {
  const { onProgress } = options;
  const { source, target } = connections;
  const dialect = dialectFor(source.engine);
  const [sourceShape, targetShape] = await Promise.all([
    sourceTable ? dialect.describe(source, sourceTable) : undefined,
    targetTable ? dialect.describe(target, targetTable) : undefined,
  ]);
  if (!sourceShape || !targetShape) {
    const present = (sourceShape ?? targetShape)!;
    const session = sourceShape ? source : target;
    const fold = present.populated ? await foldRows(session, present.table, [], []) : undefined;
    return {
      table: name,
      status: sourceShape ? 'missing-in-target' : 'missing-in-source',
      ...(sourceShape ? { sourceRows: fold?.rowCount } : { targetRows: fold?.rowCount }),
      comparedColumns: [],
      notes: [sourceShape ? 'the table does not exist in the target' : 'the table exists only in the target'],
    };
  }
  const schema = schemaDifference(sourceShape, targetShape);
  const columns = commonColumns(sourceShape, targetShape);
  if (!sourceShape.populated || !targetShape.populated) {
    const where = !sourceShape.populated && !targetShape.populated ? 'on either side' : !sourceShape.populated ? 'in the source' : 'in the target';
    const both = !sourceShape.populated && !targetShape.populated;
    return {
      table: name,
      status: both && !schemaDiffers(schema) ? 'identical' : 'different',
      schema,
      comparedColumns: columns.source.map((c) => c.name),
      ...(both ? { rowsIdentical: true } : { rowsIdentical: false }),
      notes: [`the materialized view is not populated ${where} (REFRESH MATERIALIZED VIEW): its rows were not compared`],
    };
  }
  const notes: string[] = [];
  const keyed = sourceShape.primaryKey.length > 0 && !schema.primaryKey;
  let sourceFold: Fold;
  let targetFold: Fold;
  let first: Awaited<ReturnType<typeof firstPass>> | undefined;
  let keys: ReturnType<typeof keyColumns> | undefined;
  if (keyed) {
    keys = keyColumns(sourceShape, targetShape);
    const lanes: Lane[] = [connections, ...connections.extra].map((pair) => ({
      source: { session: pair.source, table: sourceShape.table, keys: keys!.source },
      target: { session: pair.target, table: targetShape.table, keys: keys!.target },
    }));
    // The row hash depends only on the column names and how each is hashed, which both sides share.
    const chunks = options.tidChunks === false ? 'off' : 'auto';
    first = await firstPass(lanes, columns.source, limits.factor, Math.max(sourceShape.estimatedRows, targetShape.estimatedRows), chunks);
    sourceFold = first.source;
    targetFold = first.target;
  } else {
    [sourceFold, targetFold] = await Promise.all([
      foldRows(source, sourceShape.table, columns.source, []),
      foldRows(target, targetShape.table, columns.target, []),
    ]);
  }
  const rowsIdentical = sameFold(sourceFold, targetFold);
  const diff: TableDiff = {
    table: name,
    status: rowsIdentical && !schemaDiffers(schema) ? 'identical' : 'different',
    sourceRows: sourceFold.rowCount,
    targetRows: targetFold.rowCount,
    schema,
    comparedColumns: columns.source.map((c) => c.name),
    rowsIdentical,
    fingerprints: {
      source: fingerprintOf(source, sourceShape, columns.source, sourceFold),
      target: fingerprintOf(target, targetShape, columns.target, targetFold),
    },
    notes,
  };
  if (schema.onlyInSource.length > 0 || schema.onlyInTarget.length > 0) {
    notes.push(`rows were compared on the ${columns.source.length} columns present on both sides`);
  }
  if (sourceShape.primaryKey.length === 0 && targetShape.primaryKey.length === 0) {
    const what = sourceShape.kind === 'materialized view' ? 'the materialized view has no primary key' : 'the table has no primary key';
    notes.push(`${what}: compared by row count and fingerprint only; differing rows cannot be located`);
  } else if (schema.primaryKey) {
    notes.push('the primary keys differ: compared by row count and fingerprint only; differing rows cannot be located');
  } else if (!rowsIdentical && first && keys) {
    const sourceSide: Side = { session: source, table: sourceShape.table, keys: keys.source };
    const targetSide: Side = { session: target, table: targetShape.table, keys: keys.target };
    onProgress?.({ kind: 'round', table: name, round: 1, ranges: 1 });
    diff.localization = await localize(sourceSide, targetSide, columns.source, first, {
      factor: limits.factor,
      leafRows: limits.keyRangeRows,
      maxKeys: limits.maxKeys,
      maxRanges: limits.maxRanges,
      onRound: (round, ranges) => onProgress?.({ kind: 'round', table: name, round, ranges }),
    });
  }
  return diff;
}

/** Opens `jobs - 1` more connections per side, each importing the snapshot of the main connection of its side. */
async function openJobs(
  source: QuerySession,
  target: QuerySession,
  options: DiffOptions,
  jobs: number,
  opened: ClosableSession[],
): Promise<Connections['extra']> {
  if (jobs <= 1) return [];
  if (source.engine !== 'postgres') throw new Error(MYSQL_NO_SHARED_SNAPSHOT);
  if (!options.connect) throw new Error('jobs above 1 need a way to open more connections (the connect option)');
  const dialect = dialectFor(source.engine);
  const [sourceSnapshot, targetSnapshot] = await Promise.all([dialect.exportSnapshot(source), dialect.exportSnapshot(target)]);
  const extra: Connections['extra'] = [];
  for (let j = 1; j < jobs; j += 1) {
    const [s, t] = await Promise.all([options.connect('source'), options.connect('target')]);
    opened.push(s, t);
    await Promise.all([dialect.begin(s, { importSnapshot: sourceSnapshot }), dialect.begin(t, { importSnapshot: targetSnapshot })]);
    extra.push({ source: s, target: t });
  }
  return extra;
}

/**
 * Compares every table (or `options.tables`) of two databases of the same server family. Each session is read in
 * one consistent read-only snapshot for the whole run (shared with the extra connections of `jobs`). Throws on
 * connection or SQL errors and when a requested table exists on neither side.
 */
export async function diffDatabases(source: QuerySession, target: QuerySession, options: DiffOptions = {}): Promise<DiffReport> {
  const limits = validated(options);
  if (source.engine !== target.engine) {
    throw new Error(
      `the source is ${source.engine} and the target is ${target.engine}: fingerprints are computed by each server's own hash, so both must be the same server family`,
    );
  }
  if (limits.jobs > 1 && source.engine !== 'postgres') throw new Error(MYSQL_NO_SHARED_SNAPSHOT);
  const dialect = dialectFor(source.engine);
  const opened: ClosableSession[] = [];
  try {
    return await withSnapshot(source, () =>
      withSnapshot(target, async () => {
        const extra = await openJobs(source, target, options, limits.jobs, opened);
        const connections: Connections = { source, target, extra };
        const [sourceTables, targetTables] = await Promise.all([dialect.listTables(source), dialect.listTables(target)]);
        const names = selectTables({ source: sourceTables, target: targetTables }, (t) => dialect.displayName(t), options.tables);
        const tables: TableDiff[] = [];
        for (const [index, name] of names.entries()) {
          options.onProgress?.({ kind: 'table', table: name, index: index + 1, total: names.length });
          const find = (list: TableName[]): TableName | undefined => list.find((t) => dialect.displayName(t) === name);
          tables.push(await diffTable(connections, name, find(sourceTables), find(targetTables), limits, options));
        }
        return { identical: tables.every((t) => t.status === 'identical'), engine: source.engine, tables };
      }),
    );
  } finally {
    // Ending the connections ends their imported transactions (read-only: nothing to commit).
    await Promise.all(opened.map((s) => s.close().catch(() => undefined)));
  }
}
