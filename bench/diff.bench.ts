/**
 * `lifeboat diff` against its baselines on a generated 5M-row table: two identical copies, then 10 differing rows.
 * Runs a private PostgreSQL 15 cluster from the Debian server binaries so pg_dump (15) matches the server major.
 * Prints one Markdown section on stdout; progress on stderr.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { runDiff } from '../src/cli/diff';
import type { DiffReport } from '../src/fingerprint';

const PG_BIN = process.env.LIFEBOAT_BENCH_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const ROWS = 5_000_000;
const REPEATS = 5;
const DUMP_REPEATS = 3;
const CHANGED_IDS = Array.from({ length: 10 }, (_, i) => 1 + Math.floor(((i + 0.5) * ROWS) / 10) + i * 7);

const benchStart = Date.now();
function log(message: string): void {
  process.stderr.write(`[diff bench +${((Date.now() - benchStart) / 1000).toFixed(0)}s] ${message}\n`);
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a server binary, as the `postgres` OS user when we are root (initdb and postgres refuse root). */
function runServerBinary(binary: string, args: string[]): void {
  const command = path.join(PG_BIN, binary);
  if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  else execFileSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function shell(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-o', 'pipefail', '-c', script], { maxBuffer: 1024 * 1024 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
}

async function sql(url: string, text: string): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

async function diffOnce(source: string, target: string): Promise<DiffReport> {
  let out = '';
  let err = '';
  const code = await runDiff(['--source', source, '--target', target, '--tables', 'public.ledger', '--format', 'json'], {
    out: (t) => (out += t),
    err: (t) => (err += t),
    progress: false,
  });
  if (code === 2) throw new Error(`lifeboat diff failed: ${err}`);
  return JSON.parse(out) as DiffReport;
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-bench-diff-'));
  fs.chmodSync(root, 0o755);
  if (asRoot) execFileSync('chown', ['postgres', root]);
  const dataDir = path.join(root, 'data');
  const port = await freePort();
  let started = false;
  try {
    log(`initdb in ${root}`);
    runServerBinary('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-locale', '-E', 'UTF8']);
    const settings = [
      `-p ${port}`,
      `-k ${root}`,
      '-c listen_addresses=127.0.0.1',
      '-c shared_buffers=1GB',
      '-c wal_level=minimal',
      '-c max_wal_senders=0',
      '-c fsync=off',
      '-c synchronous_commit=off',
    ].join(' ');
    runServerBinary('pg_ctl', ['-D', dataDir, '-o', settings, '-l', path.join(root, 'server.log'), '-w', 'start']);
    started = true;
    const base = `postgres://postgres@127.0.0.1:${port}`;
    const version = (await sql(`${base}/postgres`, 'SHOW server_version'))[0].server_version as string;
    const dumpVersion = execFileSync(path.join(PG_BIN, 'pg_dump'), ['--version'], { encoding: 'utf8' }).trim();

    log(`generating ${ROWS} rows`);
    await sql(`${base}/postgres`, 'CREATE DATABASE bench_src');
    const src = `${base}/bench_src`;
    const dst = `${base}/bench_dst`;
    // Created and filled in one transaction under wal_level=minimal: no WAL for the data.
    await sql(
      src,
      `BEGIN;
       CREATE TABLE ledger (id bigint NOT NULL, account integer NOT NULL, label text NOT NULL, amount numeric(12,2), created_at timestamptz NOT NULL);
       INSERT INTO ledger SELECT g, (g::bigint * 7919) % 100000, md5(g::text) || left(md5((g * 31)::text), 16), round((g % 100000) / 7.0, 2),
              timestamptz '2024-01-01' + g * interval '1 second' FROM generate_series(1, ${ROWS}) g;
       ALTER TABLE ledger ADD PRIMARY KEY (id);
       COMMIT;`,
    );
    log('vacuum');
    await sql(src, 'VACUUM (FREEZE, ANALYZE) ledger');
    await sql(`${base}/postgres`, 'CREATE DATABASE bench_dst TEMPLATE bench_src');
    log('copied');
    const size = (await sql(src, "SELECT pg_size_pretty(pg_table_size('ledger')) AS t, pg_size_pretty(pg_total_relation_size('ledger')) AS a"))[0];

    const countBoth = (): Promise<unknown> => Promise.all([sql(src, 'SELECT count(*) FROM ledger'), sql(dst, 'SELECT count(*) FROM ledger')]);
    const dump = (db: string): string => `${PG_BIN}/pg_dump -h 127.0.0.1 -p ${port} -U postgres --data-only -t public.ledger ${db} | sha256sum`;
    // pg_dump 15.14+ writes a random \restrict key into every dump, so even identical copies hash differently: the
    // baseline measures the cost of the approach, not a usable comparison.
    const dumpBoth = (): Promise<unknown> => Promise.all([shell(dump('bench_src')), shell(dump('bench_dst'))]);
    const diffIdentical = async (): Promise<void> => {
      const report = await diffOnce(src, dst);
      if (!report.identical) throw new Error('diff reported differences between identical copies');
    };

    log('warming the cache');
    await countBoth();
    await diffIdentical();

    const times: Record<'count' | 'dump' | 'diff', number[]> = { count: [], dump: [], diff: [] };
    for (let i = 0; i < REPEATS; i += 1) {
      log(`identical copies, repeat ${i + 1}/${REPEATS}`);
      times.count.push(await timed(countBoth));
      times.diff.push(await timed(diffIdentical));
      if (i < DUMP_REPEATS) times.dump.push(await timed(dumpBoth));
    }

    log('changing 10 rows in the copy');
    await sql(dst, `UPDATE ledger SET label = label || '!' WHERE id IN (${CHANGED_IDS.join(', ')})`);
    await sql(dst, 'VACUUM ledger');
    const localized: number[] = [];
    let report: DiffReport | undefined;
    for (let i = 0; i < REPEATS; i += 1) {
      log(`10 differing rows, repeat ${i + 1}/${REPEATS}`);
      localized.push(await timed(async () => (report = await diffOnce(src, dst))));
    }
    const table = report!.tables[0];
    const found = (table.localization?.keys ?? []).map((k) => Number(k.key.id)).sort((a, b) => a - b);
    if (JSON.stringify(found) !== JSON.stringify([...CHANGED_IDS].sort((a, b) => a - b))) {
      throw new Error(`diff localized ${JSON.stringify(found)} instead of ${JSON.stringify(CHANGED_IDS)}`);
    }

    const count = median(times.count);
    const dumpTime = median(times.dump);
    const diff = median(times.diff);
    const withChanges = median(localized);
    const extra = withChanges - diff;
    const f = (s: number): string => `${s.toFixed(2)} s`;
    const r = (x: number): string => `${x.toFixed(2)}x`;
    const lines = [
      '## lifeboat diff: fingerprints and bisection vs pg_dump | sha256sum',
      '',
      `Table \`ledger\` (id bigint primary key, account integer, label text (48 chars), amount numeric(12,2), created_at timestamptz), ${ROWS.toLocaleString('en-US')} rows, ${size.t} heap (${size.a} with the index); ${dumpVersion}; in two databases of one private PostgreSQL ${version} cluster (Debian server binaries; shared_buffers=1GB, fsync off, default parallel query settings; loopback TCP; the copy made with CREATE DATABASE ... TEMPLATE, then VACUUM FREEZE ANALYZE).`,
      `Each figure is the median of ${REPEATS} runs (pg_dump: ${DUMP_REPEATS}) after one warm-up; both databases are read at the same time in every row (two concurrent connections), as \`lifeboat diff\` does. \`lifeboat diff\` is timed in-process (\`runDiff\` with \`--format json\`: connect, snapshot, catalog reads, fingerprints, bisection), without Node.js start-up.`,
      '',
      '| what (both copies) | time | vs count(*) floor | pg_dump baseline / this |',
      '|---|---|---|---|',
      `| \`select count(*)\` scan (the floor) | ${f(count)} | 1.00x | ${r(dumpTime / count)} |`,
      `| \`lifeboat diff\`, identical copies | ${f(diff)} | ${r(diff / count)} | ${r(dumpTime / diff)} |`,
      `| \`pg_dump --data-only -t ledger \\| sha256sum\` | ${f(dumpTime)} | ${r(dumpTime / count)} | 1.00x |`,
      `| \`lifeboat diff\`, 10 rows changed in the copy | ${f(withChanges)} | ${r(withChanges / count)} | ${r(dumpTime / withChanges)} |`,
      '',
      `Localization of the 10 changed rows (all 10 keys found, ${table.localization!.rounds} bisection rounds) cost ${f(extra)} on top of the identical-copy diff, ${r(extra / diff)} of one full fingerprint pass (goal: at most 1x). Nearly all of it is the first split: one more scan of each copy that folds the rows into up to 1024 key ranges; parallel workers scan and hash, but the per-range aggregation runs in one process, so it costs a little more than the plain fingerprint. The later rounds read only the ~5,000-row ranges that differ.`,
      `Goals: diff at least 3x faster than the dump baseline (measured ${r(dumpTime / diff)}), within 2.5x of the scan floor (measured ${r(diff / count)}).`,
      `Runs (s): count ${times.count.map((t) => t.toFixed(2)).join(', ')}; diff ${times.diff.map((t) => t.toFixed(2)).join(', ')}; dump ${times.dump.map((t) => t.toFixed(2)).join(', ')}; diff with 10 changes ${localized.map((t) => t.toFixed(2)).join(', ')}.`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    if (started) {
      try {
        runServerBinary('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
      } catch (error) {
        log(`could not stop the bench server: ${String(error)}`);
      }
    }
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[diff bench] failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
