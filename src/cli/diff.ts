import { parseArgs } from 'node:util';
import type { SqlSession } from '../checks/connection';
import { diffDatabases, type DiffProgress } from '../fingerprint/diff';
import { formatDiffReport } from '../fingerprint/format';
import { EXIT_FINDINGS, EXIT_INVALID, EXIT_OK } from './exit-codes';
import { processOutput, type CommandOutput } from './output';
import { DIFF_SUMMARY } from './summaries';

/** Where `lifeboat diff` writes. */
export interface DiffOutput extends CommandOutput {
  /** Print progress to `err`. @default true when writing to the process streams and stderr is a terminal */
  progress?: boolean;
}


export const DIFF_USAGE = `Usage: lifeboat diff --source <url> --target <url> [options]

${DIFF_SUMMARY}.
Per table: row counts, schema differences (columns, types, primary key), a fingerprint computed on each server,
and, when rows differ, the differing primary keys (or key ranges) found by bisection. Each database is read in one
consistent read-only snapshot. URLs: postgres://user:password@host:5432/db or mysql://... / mariadb://...
(sslmode=require|verify-ca|verify-full and sslrootcert=<file> turn TLS on).

Options:
  --source <url>            Database to compare from (the reference)
  --target <url>            Database to compare with it (e.g. the restore)
  --tables <a,b>            Only these tables (schema.table or table); default: every table on either side
  --format <table|json>     Output format (default: table)
  --key-range-rows <N>      Key ranges of at most N rows are compared row by row, naming each key (default: 64)
  --max-keys <N>            Differing keys listed per table before the rest are reported as ranges (default: 100)
  --jobs <N>                Connections per side for the first pass over each table, all reading one snapshot
                            (PostgreSQL only: the MySQL family cannot share a snapshot; default: 1)
  --seq-scan                PostgreSQL: read the first pass with a sequential scan and a hash aggregate instead of
                            TID-range chunks (more server CPU, but the scan keeps PostgreSQL's small ring buffer
                            instead of passing the table through shared_buffers: for a busy source)
  -h, --help                Show this help

Exit codes: 0 identical, 1 different, 2 error (connection, usage, unknown table).
`;

/** Masks the passwords of the given URLs, and the password part of any URL, in `text`. */
export function redactCredentials(text: string, urls: (string | undefined)[]): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:@/\s]*):[^@\s]*@/gi, '$1:***@');
  for (const url of urls) {
    if (!url) continue;
    let password = '';
    try {
      password = decodeURIComponent(new URL(url).password);
    } catch {
      continue;
    }
    if (password.length === 0) continue;
    for (const form of new Set([password, encodeURIComponent(password)])) out = out.split(form).join('***');
  }
  return out;
}

function positiveInteger(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new Error(`${option} must be a positive integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}

function progressLine(event: DiffProgress): string {
  return event.kind === 'table'
    ? `diff: [${event.index}/${event.total}] ${event.table}\n`
    : `diff:   ${event.table}: bisection round ${event.round}, ${event.ranges} differing range(s)\n`;
}

/** `lifeboat diff`: exit 0 when every table is identical, 1 when any differs, 2 on errors. */
export async function runDiff(argv: string[], output: DiffOutput = processOutput): Promise<number> {
  const progress = output.progress ?? (output === processOutput && Boolean(process.stderr.isTTY));
  let source: string | undefined;
  let target: string | undefined;
  const sessions: SqlSession[] = [];
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        source: { type: 'string' },
        target: { type: 'string' },
        tables: { type: 'string' },
        format: { type: 'string', default: 'table' },
        'key-range-rows': { type: 'string' },
        'max-keys': { type: 'string' },
        jobs: { type: 'string' },
        'seq-scan': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      output.out(DIFF_USAGE);
      return EXIT_OK;
    }
    source = values.source;
    target = values.target;
    const problems: string[] = [];
    if (!source) problems.push('--source <url> is required');
    if (!target) problems.push('--target <url> is required');
    if (values.format !== 'table' && values.format !== 'json') problems.push(`--format must be table or json, got ${JSON.stringify(values.format)}`);
    if (problems.length > 0) throw new Error(`${problems.join('; ')}\n\n${DIFF_USAGE}`);
    const keyRangeRows = positiveInteger(values['key-range-rows'], '--key-range-rows');
    const maxKeys = positiveInteger(values['max-keys'], '--max-keys');
    const jobs = positiveInteger(values.jobs, '--jobs');
    const tables = values.tables?.split(',').map((t) => t.trim()).filter((t) => t.length > 0);

    // Loaded here so other commands do not pay for the database drivers at start-up.
    const { openSession, targetFromUrl } = await import('../checks/connection');
    const sourceTarget = targetFromUrl(source!);
    const targetTarget = targetFromUrl(target!);
    sessions.push(await openSession(sourceTarget, { readOnly: true }));
    sessions.push(await openSession(targetTarget, { readOnly: true }));
    const report = await diffDatabases(sessions[0], sessions[1], {
      tables,
      keyRangeRows,
      maxKeys,
      jobs,
      tidChunks: !values['seq-scan'],
      connect: async (side) => {
        const session = await openSession(side === 'source' ? sourceTarget : targetTarget, { readOnly: true });
        sessions.push(session);
        return session;
      },
      onProgress: progress ? (event) => output.err(progressLine(event)) : undefined,
    });
    output.out(values.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatDiffReport(report));
    return report.identical ? EXIT_OK : EXIT_FINDINGS;
  } catch (error) {
    output.err(`lifeboat diff: ${redactCredentials(messageOf(error), [source, target])}\n`);
    return EXIT_INVALID;
  } finally {
    await Promise.all(sessions.map((s) => s.close()));
  }
}
