/**
 * Narrows differing fingerprints down to primary-key ranges, then to keys, by bisection: each round splits every
 * differing range into sub-ranges of about `leafRows` rows (at most `factor` of them), folds each sub-range on both
 * servers (one scan of the range per side, rows bucketed by a balanced CASE tree over the bounds), and keeps the
 * sub-ranges whose folds differ. Ranges of at most `leafRows` rows are resolved by comparing per-row hashes. Only
 * folds, keys and row hashes cross the network.
 *
 * Bounds: a dense integer key is split arithmetically between the range's min and max (both sides scan in
 * parallel); any other key (text, uuid, composite, sparse integers) is split at exact quantiles computed by the side
 * with more rows (row_number over the key order), then the other side folds by those bounds.
 */
import { dialectFor, isIntegerKey, type KeyRange, ParamList, rangeCondition, type Dialect } from './dialect';
import { combineFolds, type Fold, foldRows, toHex64 } from './fingerprint';
import { type ChunkMode, foldChunks, type IntegerBucketing, planChunks } from './tid-chunks';
import type { ColumnInfo, HashedColumn, KeyDifference, Localization, QuerySession, RangeDifference, TableName } from './types';

/** One side of the comparison. */
export interface Side {
  session: QuerySession;
  table: TableName;
  /** Primary-key columns as this side declares them. */
  keys: ColumnInfo[];
}

/** The same table on both sides, read through one pair of connections that share the snapshot of the main pair. */
export interface Lane {
  source: Side;
  target: Side;
}

/** Result of the first pass over the whole table. */
export interface FirstPass {
  /** Whole-table folds (the fingerprints). */
  source: Fold;
  target: Fold;
  /** Key ranges of the first pass whose folds differ (with their row counts), in key order. */
  differing: PendingRange[];
}

/** Limits of a localization. */
export interface LocalizeOptions {
  /** Most sub-ranges per split. Large first splits keep later rounds small: after one pass over the table, each
   * differing sub-range holds only rows/factor rows. */
  factor: number;
  /** Ranges with at most this many rows on each side are compared row by row. */
  leafRows: number;
  /** Stop listing keys after this many; remaining differences are reported as ranges. */
  maxKeys: number;
  /** Stop splitting when more ranges than this differ; they are reported as ranges. */
  maxRanges: number;
  /** Called at the start of each round. */
  onRound?: (round: number, ranges: number) => void;
}

export interface PendingRange {
  range: KeyRange;
  sourceRows: number;
  targetRows: number;
  /** Child indexes from the root: sorting by path puts ranges (and the keys found in them) in key order. */
  path: number[];
}

const EMPTY_FOLD: Fold = { rowCount: 0, xor: '0000000000000000', sum: '0' };

function sameFold(a: Fold, b: Fold): boolean {
  return a.rowCount === b.rowCount && a.xor === b.xor && a.sum === b.sum;
}

function foldOf(row: { n: unknown; x: unknown; s: unknown }): Fold {
  return { rowCount: Number(row.n), xor: toHex64(String(row.x)), sum: String(row.s) };
}

/** Balanced CASE tree returning, for the row aliased t, the index of the bucket whose lower bound it reaches. */
function bucketTree(dialect: Dialect, keys: ColumnInfo[], lowerBounds: string[][], params: ParamList): string {
  const build = (lo: number, hi: number): string => {
    if (lo === hi) return String(lo);
    const mid = (lo + hi + 1) >> 1;
    const below = dialect.compareKey(keys, 't', '<', lowerBounds[mid], params);
    return `CASE WHEN ${below} THEN ${build(lo, mid - 1)} ELSE ${build(mid, hi)} END`;
  };
  return build(0, lowerBounds.length - 1);
}

/** Folds `range` of `side` into buckets starting at `lowerBounds[i]` (i >= 1; bucket 0 starts at the range start). */
async function foldByBounds(side: Side, columns: HashedColumn[], range: KeyRange, lowerBounds: string[][]): Promise<Map<number, Fold>> {
  const dialect = dialectFor(side.session.engine);
  const params = new ParamList(side.session.engine);
  const bucket = bucketTree(dialect, side.keys, lowerBounds, params);
  const hash = dialect.rowHash(columns, 't');
  const where = rangeCondition(dialect, side.keys, 't', range, params);
  const sql = `SELECT q.b AS bucket, ${dialect.fold('q.h')} FROM (${dialect.fence(`SELECT ${bucket} AS b, ${hash} AS h FROM ${dialect.qualified(side.table)} t WHERE ${where}`)}) q GROUP BY q.b`;
  const rows = await side.session.query<{ bucket: unknown; n: unknown; x: unknown; s: unknown }>(sql, params.values);
  return new Map(rows.map((r) => [Number(r.bucket), foldOf(r)]));
}

/** Splits `range` of `side` (holding `rowCount` rows there) into up to `factor` equal buckets by key order. */
async function splitAtQuantiles(
  side: Side,
  columns: HashedColumn[],
  range: KeyRange,
  rowCount: number,
  factor: number,
): Promise<{ lower: string[]; fold: Fold }[]> {
  const dialect = dialectFor(side.session.engine);
  // Parameters are added in the order their placeholders appear in the text, as MySQL's '?' requires.
  const params = new ParamList(side.session.engine);
  // Bucket of the i-th row (1-based) is floor((i-1) * factor / rowCount); a bucket's first row carries its bound.
  const bucketOf = (rn: string): string => dialect.intDiv(`(${rn} - 1) * ${params.add(factor)}`, params.add(rowCount));
  const bucket = bucketOf('w.rn');
  const firstKey = side.keys
    .map((_, i) => `CASE WHEN w.rn = 1 OR ${bucketOf('w.rn')} <> ${bucketOf('w.rn - 1')} THEN w.k${i} END AS k${i}`)
    .join(', ');
  const order = side.keys.map((c) => dialect.keyExpr(c, 't')).join(', ');
  const keyCols = side.keys.map((c, i) => `${dialect.keyText(c, 't')} AS k${i}`).join(', ');
  const where = rangeCondition(dialect, side.keys, 't', range, params);
  const inner = `SELECT row_number() OVER (ORDER BY ${order}) AS rn, ${dialect.rowHash(columns, 't')} AS h, ${keyCols} FROM ${dialect.qualified(side.table)} t WHERE ${where}`;
  const middle = `SELECT ${bucket} AS b, w.h, ${firstKey} FROM (${inner}) w`;
  // One non-NULL key per bucket: MAX only picks it (its collation does not matter).
  const maxKeys = side.keys.map((_, i) => `MAX(q.k${i}) AS k${i}`).join(', ');
  const sql = `SELECT q.b AS bucket, ${dialect.fold('q.h')}, ${maxKeys} FROM (${dialect.fence(middle)}) q GROUP BY q.b ORDER BY q.b`;
  const rows = await side.session.query<Record<string, unknown>>(sql, params.values);
  return rows.map((r) => ({
    lower: side.keys.map((_, i) => String(r[`k${i}`])),
    fold: foldOf(r as { n: unknown; x: unknown; s: unknown }),
  }));
}

/** Smallest and largest key of `range` on `side` (single integer key), or undefined when empty. */
async function integerBounds(side: Side, range: KeyRange): Promise<{ min: bigint; max: bigint } | undefined> {
  const dialect = dialectFor(side.session.engine);
  const params = new ParamList(side.session.engine);
  const key = side.keys[0];
  const column = `t.${dialect.quote(key.name)}`;
  const where = rangeCondition(dialect, side.keys, 't', range, params);
  const [row] = await side.session.query<{ lo: unknown; hi: unknown }>(
    `SELECT ${dialect.hashText(`MIN(${column})`)} AS lo, ${dialect.hashText(`MAX(${column})`)} AS hi FROM ${dialect.qualified(side.table)} t WHERE ${where}`,
    params.values,
  );
  if (!row || row.lo === null || row.lo === undefined) return undefined;
  return { min: BigInt(String(row.lo)), max: BigInt(String(row.hi)) };
}

interface RowHash {
  key: string[];
  hash: string;
}

async function rowHashes(side: Side, columns: HashedColumn[], range: KeyRange): Promise<Map<string, RowHash>> {
  const dialect = dialectFor(side.session.engine);
  const params = new ParamList(side.session.engine);
  const where = rangeCondition(dialect, side.keys, 't', range, params);
  const keyCols = side.keys.map((c, i) => `${dialect.keyText(c, 't')} AS k${i}`).join(', ');
  const order = side.keys.map((c) => dialect.keyExpr(c, 't')).join(', ');
  const rows = await side.session.query<Record<string, unknown>>(
    `SELECT ${keyCols}, ${dialect.hashText(dialect.rowHash(columns, 't'))} AS h FROM ${dialect.qualified(side.table)} t WHERE ${where} ORDER BY ${order}`,
    params.values,
  );
  const out = new Map<string, RowHash>();
  for (const r of rows) {
    const key = side.keys.map((_, i) => String(r[`k${i}`]));
    out.set(JSON.stringify(key), { key, hash: String(r.h) });
  }
  return out;
}

function keyRecord(keys: ColumnInfo[], values: string[] | null): Record<string, string> | null {
  if (!values) return null;
  return Object.fromEntries(keys.map((k, i) => [k.name, values[i]]));
}

async function compareRows(source: Side, target: Side, columns: HashedColumn[], range: KeyRange): Promise<KeyDifference[]> {
  const [a, b] = await Promise.all([rowHashes(source, columns, range), rowHashes(target, columns, range)]);
  const out: KeyDifference[] = [];
  for (const [id, row] of a) {
    const other = b.get(id);
    if (!other) out.push({ key: keyRecord(source.keys, row.key)!, kind: 'missing-in-target' });
    else if (other.hash !== row.hash) out.push({ key: keyRecord(source.keys, row.key)!, kind: 'changed' });
  }
  for (const [id, row] of b) {
    if (!a.has(id)) out.push({ key: keyRecord(source.keys, row.key)!, kind: 'extra-in-target' });
  }
  return out;
}

/** Splits one differing range into sub-ranges and returns those that differ. */
async function splitRange(source: Side, target: Side, columns: HashedColumn[], pending: PendingRange, factor: number): Promise<PendingRange[]> {
  const larger = Math.max(pending.sourceRows, pending.targetRows);
  const parts: { range: KeyRange; source: Fold; target: Fold }[] = [];
  if (source.keys.length === 1 && isIntegerKey(source.session.engine, source.keys[0]) && isIntegerKey(target.session.engine, target.keys[0])) {
    const [a, b] = await Promise.all([integerBounds(source, pending.range), integerBounds(target, pending.range)]);
    if (!a && !b) return [];
    const min = [a?.min, b?.min].filter((v): v is bigint => v !== undefined).reduce((x, y) => (x < y ? x : y));
    const max = [a?.max, b?.max].filter((v): v is bigint => v !== undefined).reduce((x, y) => (x > y ? x : y));
    const span = max - min + 1n;
    // Dense keys: equal key intervals hold about equal row counts. Sparse keys fall through to quantiles.
    if (span <= BigInt(larger) * 4n) {
      const buckets = span < BigInt(factor) ? Number(span) : factor;
      const lowerBounds: string[][] = [];
      for (let i = 0; i < buckets; i += 1) lowerBounds.push([String(min + (span * BigInt(i)) / BigInt(buckets))]);
      const [sf, tf] = await Promise.all([
        foldByBounds(source, columns, pending.range, lowerBounds),
        foldByBounds(target, columns, pending.range, lowerBounds),
      ]);
      for (let i = 0; i < buckets; i += 1) {
        parts.push({
          range: { lower: i === 0 ? pending.range.lower : lowerBounds[i], upper: i === buckets - 1 ? pending.range.upper : lowerBounds[i + 1] },
          source: sf.get(i) ?? EMPTY_FOLD,
          target: tf.get(i) ?? EMPTY_FOLD,
        });
      }
      return differing(parts, pending.path);
    }
  }
  const splitterIsSource = pending.sourceRows >= pending.targetRows;
  const splitter = splitterIsSource ? source : target;
  const other = splitterIsSource ? target : source;
  const buckets = await splitAtQuantiles(splitter, columns, pending.range, larger, factor);
  const lowerBounds = buckets.map((b) => b.lower);
  const otherFolds = await foldByBounds(other, columns, pending.range, lowerBounds);
  buckets.forEach((bucket, i) => {
    const otherFold = otherFolds.get(i) ?? EMPTY_FOLD;
    parts.push({
      range: { lower: i === 0 ? pending.range.lower : bucket.lower, upper: i === buckets.length - 1 ? pending.range.upper : buckets[i + 1].lower },
      source: splitterIsSource ? bucket.fold : otherFold,
      target: splitterIsSource ? otherFold : bucket.fold,
    });
  });
  return differing(parts, pending.path);
}

function differing(parts: { range: KeyRange; source: Fold; target: Fold }[], path: number[]): PendingRange[] {
  return parts
    .map((p, i) => ({ ...p, path: [...path, i] }))
    .filter((p) => !sameFold(p.source, p.target))
    .map((p) => ({ range: p.range, sourceRows: p.source.rowCount, targetRows: p.target.rowCount, path: p.path }));
}

function byPath(a: { path: number[] }, b: { path: number[] }): number {
  for (let i = 0; i < Math.min(a.path.length, b.path.length); i += 1) {
    if (a.path[i] !== b.path[i]) return a.path[i] - b.path[i];
  }
  return a.path.length - b.path.length;
}

/**
 * Localizes the differences between `source` and `target` (same primary-key columns), starting from the differing
 * ranges of the first pass (`firstPass`, which counts as round 1). Runs inside the callers' snapshots.
 */
export async function localize(
  source: Side,
  target: Side,
  columns: HashedColumn[],
  first: FirstPass,
  options: LocalizeOptions,
): Promise<Localization> {
  let pending: PendingRange[] = first.differing;
  const found: { path: number[]; keys: KeyDifference[] }[] = [];
  let keyCount = 0;
  const unresolved: PendingRange[] = [];
  let rounds = 1;
  while (pending.length > 0) {
    rounds += 1;
    options.onRound?.(rounds, pending.length);
    const next: PendingRange[] = [];
    for (const range of pending) {
      if (keyCount >= options.maxKeys) {
        unresolved.push(range);
      } else if (Math.max(range.sourceRows, range.targetRows) <= options.leafRows) {
        const keys = await compareRows(source, target, columns, range.range);
        if (keyCount + keys.length > options.maxKeys) {
          unresolved.push(range);
        } else {
          found.push({ path: range.path, keys });
          keyCount += keys.length;
        }
      } else {
        // Aim for leaf-sized sub-ranges straight away, within the factor.
        const wanted = Math.ceil(Math.max(range.sourceRows, range.targetRows) / options.leafRows);
        next.push(...(await splitRange(source, target, columns, range, Math.min(options.factor, Math.max(2, wanted)))));
      }
    }
    if (next.length > options.maxRanges) {
      unresolved.push(...next);
      break;
    }
    pending = next;
  }
  const toRange = (p: PendingRange): RangeDifference => ({
    from: keyRecord(source.keys, p.range.lower),
    to: keyRecord(source.keys, p.range.upper),
    sourceRows: p.sourceRows,
    targetRows: p.targetRows,
  });
  return {
    status: unresolved.length === 0 ? 'complete' : 'truncated',
    rounds,
    keys: found.sort(byPath).flatMap((f) => f.keys),
    ranges: unresolved.sort(byPath).map(toRange),
  };
}

/** Folds `range` of `side` into the integer buckets [lo, hi) of 2^`shift` keys from `origin`. */
async function foldIntegerBuckets(
  side: Side,
  columns: HashedColumn[],
  range: KeyRange,
  bucketing: { origin: bigint; shift: number; lo: number; hi: number },
): Promise<Map<number, Fold>> {
  const dialect = dialectFor(side.session.engine);
  const params = new ParamList(side.session.engine);
  const hash = dialect.rowHash(columns, 't');
  const bucket = dialect.integerBucket(side.keys[0], 't', bucketing.origin, bucketing.shift, params);
  const where = rangeCondition(dialect, side.keys, 't', range, params);
  const rows = await dialect.groupedFold(side.session, { bucket: bucket.expression, hash, from: dialect.qualified(side.table), where }, params.values);
  // Every key of the range lies between the snapshot's min and max, so its bucket is in [lo, hi); should one not be,
  // its rows still count, in the nearest bucket (clamping here costs the servers nothing per row).
  const byBucket = new Map<number, Fold[]>();
  for (const r of rows) {
    const bucketIndex = Math.min(Math.max(Number(BigInt(String(r.bucket)) - bucket.offset), bucketing.lo), bucketing.hi - 1);
    const folds = byBucket.get(bucketIndex) ?? [];
    folds.push(foldOf(r as { n: unknown; x: unknown; s: unknown }));
    byBucket.set(bucketIndex, folds);
  }
  return new Map([...byBucket].map(([bucketIndex, folds]) => [bucketIndex, combineFolds(folds)]));
}

/**
 * Buckets of 2^shift keys aligned on multiples of 2^shift, with the smallest width giving at most `factor` of them
 * between `min` and `max` (between factor/2 and factor for a large table), so that the servers number rows with one
 * shift of the key.
 */
export function integerBucketing(min: bigint, max: bigint, factor: number): IntegerBucketing {
  let shift = 0;
  while ((max >> BigInt(shift)) - (min >> BigInt(shift)) + 1n > BigInt(factor)) shift += 1;
  const origin = (min >> BigInt(shift)) << BigInt(shift);
  return { origin, shift, buckets: Number((max - origin) >> BigInt(shift)) + 1 };
}

/** One side's first pass over integer buckets. */
export interface BucketFolds {
  /** Fold of every non-empty bucket, by bucket index. */
  folds: Map<number, Fold>;
  /** How the rows were read: physical chunks with one plain aggregate each, or a hash aggregate over key ranges. */
  path: 'tid-chunks' | 'key-ranges';
  /** Why a PostgreSQL side was not read by chunks. */
  fallback?: string;
}

/**
 * Folds one side into the buckets of `bucketing`, its lanes (`sides`, the main connection first) taking contiguous
 * groups of buckets. On PostgreSQL the heap is read in TID-range chunks where the table allows it (tid-chunks.ts;
 * `mode` `force` skips the layout checks, `off` never chunks); elsewhere each lane hash-aggregates its key range.
 * Both paths give the same folds.
 */
export async function foldBuckets(sides: Side[], columns: HashedColumn[], bucketing: IntegerBucketing, mode: ChunkMode | 'off' = 'auto'): Promise<BucketFolds> {
  const groups = Math.min(sides.length, bucketing.buckets);
  const group = (j: number): { lo: number; hi: number } => ({
    lo: Math.floor((j * bucketing.buckets) / groups),
    hi: Math.floor(((j + 1) * bucketing.buckets) / groups),
  });
  const merge = (maps: Map<number, Fold>[]): Map<number, Fold> => {
    const byBucket = new Map<number, Fold[]>();
    for (const [bucket, fold] of maps.flatMap((m) => [...m])) byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), fold]);
    return new Map([...byBucket].map(([bucket, folds]) => [bucket, combineFolds(folds)]));
  };
  let fallback: string | undefined;
  if (sides[0].session.engine === 'postgres' && mode !== 'off') {
    // Bounds are found once, on the main connection; every lane reads the same snapshot, so the same TIDs.
    const planned = await planChunks(sides[0], bucketing, mode);
    if ('chunks' in planned) {
      const folds = await Promise.all(
        Array.from({ length: groups }, (_, j) => {
          const { lo, hi } = group(j);
          return foldChunks(sides[j], columns, bucketing, planned.chunks.filter((c) => c.index >= lo && c.index < hi));
        }),
      );
      return { folds: merge(folds), path: 'tid-chunks' };
    }
    fallback = planned.refusal;
  }
  const bound = (i: number): string[] => [String(bucketing.origin + (BigInt(i) << BigInt(bucketing.shift)))];
  const folds = await Promise.all(
    Array.from({ length: groups }, (_, j) => {
      const { lo, hi } = group(j);
      const range: KeyRange = { lower: lo === 0 ? null : bound(lo), upper: hi === bucketing.buckets ? null : bound(hi) };
      return foldIntegerBuckets(sides[j], columns, range, { origin: bucketing.origin, shift: bucketing.shift, lo, hi });
    }),
  );
  return { folds: merge(folds), path: 'key-ranges', ...(fallback ? { fallback } : {}) };
}

/** Up to `count - 1` key bounds splitting `side` into ranges of about equal size, from a sample of its pages. */
async function sampledBounds(side: Side, estimatedRows: number, count: number): Promise<string[][]> {
  const dialect = dialectFor(side.session.engine);
  const wanted = 256 * count;
  const percent = estimatedRows > 0 ? Math.min(100, Math.max(0.01, (100 * wanted) / estimatedRows)) : 100;
  const keyCols = side.keys.map((c, i) => `${dialect.keyText(c, 't')} AS k${i}`).join(', ');
  const order = side.keys.map((c) => dialect.keyExpr(c, 't')).join(', ');
  const rows = await side.session.query<Record<string, unknown>>(
    `SELECT ${keyCols} FROM ${dialect.qualified(side.table)} t TABLESAMPLE SYSTEM (${percent}) ORDER BY ${order}`,
  );
  const bounds: string[][] = [];
  for (let i = 1; i < count; i += 1) {
    const row = rows[Math.floor((i * rows.length) / count)];
    if (!row) continue;
    const bound = side.keys.map((_, k) => String(row[`k${k}`]));
    if (bounds.length === 0 || JSON.stringify(bounds[bounds.length - 1]) !== JSON.stringify(bound)) bounds.push(bound);
  }
  return bounds;
}

/**
 * First pass over the whole table on every lane at once: the whole-table folds, and the folds of up to `factor` key
 * ranges, so that localizing differences does not need another full scan. A single integer key is bucketed
 * arithmetically between its min and max (lanes take contiguous groups of buckets; see foldBuckets for how each side
 * reads them); other keys are split into one range per lane at bounds sampled from the source, each folded whole.
 */
export async function firstPass(
  lanes: Lane[],
  columns: HashedColumn[],
  factor: number,
  estimatedRows: number,
  chunks: ChunkMode | 'off' = 'auto',
): Promise<FirstPass> {
  const { source, target } = lanes[0];
  const whole: KeyRange = { lower: null, upper: null };
  const parts: { range: KeyRange; source: Fold; target: Fold }[] = [];
  const integer =
    source.keys.length === 1 && isIntegerKey(source.session.engine, source.keys[0]) && isIntegerKey(target.session.engine, target.keys[0]);
  if (integer) {
    const [a, b] = await Promise.all([integerBounds(source, whole), integerBounds(target, whole)]);
    if (!a && !b) return { source: EMPTY_FOLD, target: EMPTY_FOLD, differing: [] };
    const min = [a?.min, b?.min].filter((v): v is bigint => v !== undefined).reduce((x, y) => (x < y ? x : y));
    const max = [a?.max, b?.max].filter((v): v is bigint => v !== undefined).reduce((x, y) => (x > y ? x : y));
    const bucketing = integerBucketing(min, max, factor);
    const bound = (i: number): string[] => [String(bucketing.origin + (BigInt(i) << BigInt(bucketing.shift)))];
    // Each side decides on its own how to read its rows (its physical layout is its own); the folds are the same.
    const [sourceFolds, targetFolds] = await Promise.all([
      foldBuckets(lanes.map((l) => l.source), columns, bucketing, chunks),
      foldBuckets(lanes.map((l) => l.target), columns, bucketing, chunks),
    ]);
    for (let i = 0; i < bucketing.buckets; i += 1) {
      parts.push({
        range: { lower: i === 0 ? null : bound(i), upper: i === bucketing.buckets - 1 ? null : bound(i + 1) },
        source: sourceFolds.folds.get(i) ?? EMPTY_FOLD,
        target: targetFolds.folds.get(i) ?? EMPTY_FOLD,
      });
    }
  } else {
    const bounds = lanes.length > 1 ? await sampledBounds(source, estimatedRows, lanes.length) : [];
    const ranges: KeyRange[] = [];
    for (let i = 0; i <= bounds.length; i += 1) ranges.push({ lower: i === 0 ? null : bounds[i - 1], upper: i === bounds.length ? null : bounds[i] });
    const folds = await Promise.all(
      ranges.map((range, j) => {
        const lane = lanes[j];
        return Promise.all([
          foldRows(lane.source.session, lane.source.table, columns, lane.source.keys, range),
          foldRows(lane.target.session, lane.target.table, columns, lane.target.keys, range),
        ]);
      }),
    );
    ranges.forEach((range, j) => parts.push({ range, source: folds[j][0], target: folds[j][1] }));
  }
  return {
    source: combineFolds(parts.map((p) => p.source)),
    target: combineFolds(parts.map((p) => p.target)),
    differing: differing(parts, []),
  };
}
