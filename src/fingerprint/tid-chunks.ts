/**
 * The first pass of a single integer key on PostgreSQL, over physical chunks of the heap instead of a hash
 * aggregate: one plain aggregate per chunk, which costs what the plain fingerprint costs per row.
 *
 * Chunk i is the TID range from the first row (in key order) of bucket i to the first row of bucket i + 1, found by
 * one index probe per bucket bound. Every row of chunk i is folded into bucket i; the rows of a chunk whose own
 * bucket is another one (strays: updated rows moved to the end of the heap, rows interleaved near a bound) are
 * counted by the same scan and then moved, by one more statement over just the chunks that have any: their fold is
 * taken out of the chunk's bucket and added to their own. The chunks partition the heap whatever the boundaries are,
 * so the result is exactly the per-bucket folds of the hash-aggregate pass whatever the physical layout; the layout
 * only decides how much the correction costs, which is why a heap not in key order folds by key ranges instead.
 */
import type { Side } from './bisect';
import { postgresDialect } from './dialect';
import { combineFolds, type Fold, toHex64, withoutFold } from './fingerprint';
import type { HashedColumn } from './types';

/** Buckets of 2^`shift` keys aligned on multiples of 2^shift: bucket i holds the keys from origin + (i << shift). */
export interface IntegerBucketing {
  /** Smallest key of bucket 0 (a multiple of 2^shift). */
  origin: bigint;
  shift: number;
  /** Number of buckets; the last one reaches the largest key. */
  buckets: number;
}

/**
 * Below this `pg_stats` correlation between the key and the physical row order, the side folds by key ranges: every
 * row away from its key's neighbours is a stray that the correction hashes a second time. Counted in instructions
 * (callgrind, PostgreSQL 15) on a 1M-row copy of the benchmark's table with a share of its rows rewritten (moved to
 * the end of the heap): 1% of the rows moved (correlation 0.98), the chunked pass with its correction executed 0.91x
 * the instructions of the hash-aggregate pass; 5% (0.90), 1.01x; 10% (0.83), 1.12x. A heap in shuffled key order
 * costs well over twice the hash-aggregate pass (BENCHMARKS.md).
 */
export const MIN_KEY_CORRELATION = 0.9;

/**
 * Most bucket bounds (as a share of them) that may be out of physical order before a side folds by key ranges
 * instead: each one adds a bucket of strays, so 5% of them cost about what 5% of the rows moved does (the break-even
 * above). This is the guard for a table that has never been analyzed (no correlation known).
 */
export const MAX_DROPPED_BOUNDS = 0.05;

/** `auto`: chunks only where they pay (see MIN_KEY_CORRELATION); `force`: wherever the table allows TID ranges. */
export type ChunkMode = 'auto' | 'force';

/** One chunk: the rows with ctid in [lo, hi), folded into bucket `index`. */
export interface Chunk {
  index: number;
  lo: string;
  hi: string;
}

/** Above every real TID (block numbers stop at 2^32 - 2): the upper end of the last chunk. */
const END = '(4294967295,0)';
const START = '(0,0)';

/** Indexes of a longest non-decreasing subsequence of `tids` (patience sorting, n log n). */
function longestNonDecreasing(tids: string[]): Set<number> {
  const tails: number[] = [];
  const previous: number[] = [];
  tids.forEach((tid, i) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tidOrder(tids[tails[mid]], tid) <= 0) lo = mid + 1;
      else hi = mid;
    }
    previous[i] = lo > 0 ? tails[lo - 1] : -1;
    tails[lo] = i;
  });
  const kept = new Set<number>();
  for (let i = tails.length > 0 ? tails[tails.length - 1] : -1; i >= 0; i = previous[i]) kept.add(i);
  return kept;
}

function tidOrder(a: string, b: string): number {
  const parse = (tid: string): [number, number] => {
    const m = /^\((\d+),(\d+)\)$/.exec(tid);
    if (!m) throw new Error(`unexpected ctid ${tid}`);
    return [Number(m[1]), Number(m[2])];
  };
  const [ab, ao] = parse(a);
  const [bb, bo] = parse(b);
  return ab !== bb ? ab - bb : ao - bo;
}

/** Why `side` cannot or should not be chunked, or undefined when it can. */
async function refusal(side: Side, mode: ChunkMode): Promise<string | undefined> {
  const key = side.keys[0];
  const [row] = await side.session.query<{ kind: string; children: boolean; btree: boolean; correlation: number | null }>(
    `SELECT c.relkind::text AS kind,
            EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhparent = c.oid) AS children,
            EXISTS (SELECT 1 FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class ic ON ic.oid = x.indexrelid
                      JOIN pg_catalog.pg_am am ON am.oid = ic.relam
                     WHERE x.indrelid = c.oid AND x.indisprimary AND x.indnkeyatts = 1 AND x.indkey[0] = a.attnum
                       AND am.amname = 'btree') AS btree,
            (SELECT s.correlation FROM pg_catalog.pg_stats s
              WHERE s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = a.attname AND NOT s.inherited) AS correlation
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = $3
      WHERE n.nspname = $1 AND c.relname = $2`,
    [side.table.schema, side.table.name, key.name],
  );
  if (!row) return 'the table was not found in the catalog';
  if (row.kind !== 'r') return row.kind === 'p' ? 'a partitioned table' : `relation kind ${row.kind}, not a plain table`;
  if (row.children) return 'a table with inheritance children';
  if (!row.btree) return 'no single-column btree primary key';
  if (mode === 'auto' && row.correlation !== null && row.correlation !== undefined && Number(row.correlation) < MIN_KEY_CORRELATION) {
    return `key correlation ${Number(row.correlation).toFixed(2)} with the physical order, below ${MIN_KEY_CORRELATION}`;
  }
  return undefined;
}

/**
 * The chunks of `side`'s heap, one per non-empty bucket, or why the side folds by key ranges instead: the table is
 * not a plain table with a single-column primary key and no inheritance children, its key correlation is below
 * MIN_KEY_CORRELATION, or more than MAX_DROPPED_BOUNDS of the bucket bounds are out of physical order (mode `force`
 * skips these two checks: the chunks still partition the heap, and the correction moves every row to its own bucket).
 */
export async function planChunks(side: Side, bucketing: IntegerBucketing, mode: ChunkMode): Promise<{ chunks: Chunk[] } | { refusal: string }> {
  const why = await refusal(side, mode);
  if (why) return { refusal: why };
  const bounds = Array.from({ length: bucketing.buckets - 1 }, (_, i) => String(bucketing.origin + (BigInt(i + 1) << BigInt(bucketing.shift))));
  let tids: string[] = [];
  if (bounds.length > 0) {
    const column = `t.${postgresDialect.quote(side.keys[0].name)}`;
    // One index probe per bound: the first row at or above it in key order (none: the chunk starts at the end).
    const rows = await side.session.query<{ c: string | null }>(
      `SELECT x.c::text AS c FROM unnest($1::int8[]) WITH ORDINALITY AS b(k, i)
         LEFT JOIN LATERAL (SELECT t.ctid AS c FROM ${postgresDialect.qualified(side.table)} t WHERE ${column} >= b.k ORDER BY ${column} LIMIT 1) x ON true
        ORDER BY b.i`,
      [bounds],
    );
    tids = rows.map((r) => (r.c === null || r.c === undefined ? END : String(r.c)));
  }
  // A bound whose first row was updated (moved to the end of the heap) is out of physical order: keep the longest
  // non-decreasing run of bounds and let every other bound start where the next kept one does. The bucket of a
  // dropped bound then shares a chunk with its neighbour, whose rows the correction moves: exact, at the cost of one
  // bucket of strays per dropped bound.
  const kept = longestNonDecreasing(tids);
  const dropped = tids.length - kept.size;
  if (mode === 'auto' && dropped > MAX_DROPPED_BOUNDS * tids.length) {
    return { refusal: `the heap is not in key order (${dropped} of ${tids.length} bucket bounds out of physical order)` };
  }
  const edges = [START, ...tids, END];
  for (let i = tids.length; i >= 1; i -= 1) if (!kept.has(i - 1)) edges[i] = edges[i + 1];
  const chunks: Chunk[] = [];
  for (let i = 0; i < bucketing.buckets; i += 1) {
    if (tidOrder(edges[i], edges[i + 1]) < 0) chunks.push({ index: i, lo: edges[i], hi: edges[i + 1] });
  }
  return { chunks };
}

function foldOf(row: { n: unknown; x: unknown; s: unknown }): Fold {
  return { rowCount: Number(row.n), xor: toHex64(String(row.x)), sum: String(row.s) };
}

/**
 * Folds `chunks` of `side` into their buckets and moves the strays to their own buckets: two statements at most,
 * the second only over the chunks that have strays. Returns the rows' folds per bucket (a stray's bucket may lie
 * outside the chunks given: merge lanes with combineFolds).
 */
export async function foldChunks(side: Side, columns: HashedColumn[], bucketing: IntegerBucketing, chunks: Chunk[]): Promise<Map<number, Fold>> {
  const out = new Map<number, Fold>();
  if (chunks.length === 0) return out;
  const table = postgresDialect.qualified(side.table);
  const column = `t.${postgresDialect.quote(side.keys[0].name)}`;
  const offset = bucketing.origin >> BigInt(bucketing.shift);
  const hash = postgresDialect.rowHash(columns, 't');
  const shift = String(bucketing.shift);
  const arrays = (list: Chunk[]): unknown[] => [list.map((c) => String(offset + BigInt(c.index))), list.map((c) => c.lo), list.map((c) => c.hi)];
  const lateralChunks = 'unnest($1::int8[], $2::tid[], $3::tid[]) AS c(b, lo, hi)';
  const inChunk = 't.ctid >= c.lo AND t.ctid < c.hi';
  // The aggregate keeps the lateral subquery from being merged into the outer query, so c.lo and c.hi reach it as
  // parameters and each chunk is read by a Tid Range Scan; hashedRows computes the row hash once per row.
  const rows = await side.session.query<{ b: string; n: unknown; x: unknown; s: unknown; strays: string }>(
    `SELECT c.b::text AS b, x.n, x.x, x.s, x.strays::text AS strays FROM ${lateralChunks}
       CROSS JOIN LATERAL (SELECT ${postgresDialect.fold('q.h')}, count(*) FILTER (WHERE q.k <> c.b) AS strays
                             FROM (${postgresDialect.hashedRows(`${column} >> $4::int4 AS k, ${hash} AS h`, table, inChunk)}) q) x`,
    [...arrays(chunks), shift],
  );
  const byBucket = new Map<number, Fold[]>();
  const add = (bucket: number, fold: Fold): void => {
    const folds = byBucket.get(bucket) ?? [];
    folds.push(fold);
    byBucket.set(bucket, folds);
  };
  const own = new Map<number, Fold>();
  const withStrays = new Set<number>();
  for (const r of rows) {
    const index = Number(BigInt(r.b) - offset);
    own.set(index, foldOf(r));
    if (BigInt(r.strays) > 0n) withStrays.add(index);
  }
  const strayChunks = chunks.filter((c) => withStrays.has(c.index));
  if (strayChunks.length > 0) {
    // OFFSET 0 keeps this lateral subquery apart too (it has no aggregate of its own), for the same Tid Range Scan.
    const strays = await side.session.query<{ b: string; k: string; n: unknown; x: unknown; s: unknown }>(
      `SELECT c.b::text AS b, q.k::text AS k, ${postgresDialect.fold('q.h')} FROM ${lateralChunks}
         CROSS JOIN LATERAL (SELECT ${column} >> $4::int4 AS k, ${hash} AS h FROM ${table} t
                              WHERE ${inChunk} AND (${column} >> $4::int4) <> c.b OFFSET 0) q
        GROUP BY c.b, q.k`,
      [...arrays(strayChunks), shift],
    );
    for (const r of strays) {
      const chunk = Number(BigInt(r.b) - offset);
      const fold = foldOf(r);
      own.set(chunk, withoutFold(own.get(chunk)!, fold));
      // Every key lies between the snapshot's min and max; should one not, its rows still count, in the nearest bucket.
      add(Math.min(Math.max(Number(BigInt(r.k) - offset), 0), bucketing.buckets - 1), fold);
    }
  }
  for (const [index, fold] of own) add(index, fold);
  for (const [index, folds] of byBucket) out.set(index, combineFolds(folds));
  return out;
}
