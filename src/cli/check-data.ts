/**
 * `lifeboat verify-data`: runs data checks against a live database or a restore, read-only, and prints what it found.
 * The same checks the verification Lambda runs, so a team can try them against a copy before a restore runs them.
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { CheckReport, CheckSpec, Engine } from '../checks/types';
import { parseDuration } from '../spec/duration';
import { loadRequirements } from '../spec/requirements';
import { EXIT_FINDINGS, EXIT_INVALID, EXIT_OK } from './exit-codes';
import { processOutput, type CommandOutput } from './output';
import { VERIFY_DATA_SUMMARY } from './summaries';


/** Environment variable read when --url is not given, so the password stays out of the process list. */
export const DATABASE_URL_ENV = 'LIFEBOAT_DATABASE_URL';

const ENGINES: readonly Engine[] = ['postgres', 'mysql', 'mariadb', 'aurora-postgresql', 'aurora-mysql'];

export const VERIFY_DATA_USAGE = `Usage: lifeboat verify-data [--url <url>] (--checks <file.json> | --spec <requirements.json> --database <id>) [options]

${VERIFY_DATA_SUMMARY}.
Every check runs in its own read-only transaction that is rolled back; writes are refused by the server.
URL: postgres://user:password@host:5432/db, mysql://... or mariadb://... (sslmode=require|verify-ca|verify-full and
sslrootcert=<file> turn TLS on). Without --url the URL is read from $${DATABASE_URL_ENV}.

Options:
  --url <url>               Database to check (default: $${DATABASE_URL_ENV})
  --checks <file.json>      A JSON array of checks: {"type":"tableExists","table":"app.orders"},
                            {"type":"rowCount","table":"t","min":1,"max":1000},
                            {"type":"freshness","table":"t","column":"updated_at","maxLag":"15m"},
                            {"type":"sql","name":"n","sql":"select ...","expect":0 | {"type":"noRows"}}
  --spec <file.json>        Take the checks (and freshness) of a database's verification in backup_requirements.json
  --database <id>           The database id in --spec
  --engine <engine>         postgres, mysql, mariadb, aurora-postgresql or aurora-mysql (default: from the URL)
  --target-time <ISO 8601>  Restore target time that freshness is measured against (default: now)
  --check-timeout <dur>     Time allowed to each check, e.g. 30s (default: 30s)
  --total-timeout <dur>     Time allowed to the whole run, e.g. 5m (default: 5m)
  --format <table|json>     Output format (default: table)
  -h, --help                Show this help

Exit codes: 0 every check passed, 1 a check failed, 2 error (usage, unreadable checks, connection).
`;

function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}

/** Masks the password of `url` and of any URL in `text`. */
function redactUrl(text: string, url: string | undefined): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:@/\s]*):[^@\s]*@/gi, '$1:***@');
  if (url) {
    let password = '';
    try {
      password = decodeURIComponent(new URL(url).password);
    } catch {
      password = '';
    }
    if (password) for (const form of new Set([password, encodeURIComponent(password)])) out = out.split(form).join('***');
  }
  return out;
}

function durationMs(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseDuration(value) * 1000;
  } catch (error) {
    throw new Error(`${option}: ${messageOf(error)}`);
  }
}

/** A check from a checks file: the runner's shape, or the requirements spec's (`maxLag` as a duration string). */
function checkFromFile(value: unknown, index: number): CheckSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`checks[${index}] must be an object`);
  const { maxLag, ...rest } = value as Record<string, unknown>;
  if (maxLag === undefined) return rest as unknown as CheckSpec;
  if (typeof maxLag !== 'string') throw new Error(`checks[${index}].maxLag must be a duration string such as 15m`);
  try {
    return { ...rest, maxLagSeconds: parseDuration(maxLag) } as unknown as CheckSpec;
  } catch (error) {
    throw new Error(`checks[${index}].maxLag: ${messageOf(error)}`);
  }
}

function readChecksFile(file: string): CheckSpec[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read checks from ${file}: ${messageOf(error)}`);
  }
  if (!Array.isArray(parsed)) throw new Error(`${file} must hold a JSON array of checks`);
  return parsed.map(checkFromFile);
}

function checksFromSpec(file: string, databaseId: string): { checks: CheckSpec[]; engine: Engine } {
  const spec = loadRequirements(file);
  const database = spec.databases.find((d) => d.id === databaseId);
  if (!database) {
    throw new Error(`${file} has no database ${JSON.stringify(databaseId)} (ids: ${spec.databases.map((d) => d.id).join(', ') || 'none'})`);
  }
  const verification = database.verification;
  if (!verification) throw new Error(`database ${databaseId} has no verification section, so no checks`);
  const checks: CheckSpec[] = [...verification.checks];
  if (verification.freshness) checks.push({ type: 'freshness', ...verification.freshness });
  return { checks, engine: database.engine };
}

function formatReport(report: CheckReport): string {
  const width = Math.max(0, ...report.results.map((r) => r.name.length));
  const lines = report.results.map(
    (r) => `${r.ok ? 'PASS' : 'FAIL'}  ${r.name.padEnd(width)}  ${r.message}${r.durationMs > 0 ? ` (${r.durationMs} ms)` : ''}`,
  );
  const passed = report.results.length - report.failed;
  let summary = `${passed} passed, ${report.failed} failed`;
  if (!report.connected) summary += ' (not connected)';
  if (report.dataLagSeconds !== undefined) summary += `; data lag ${report.dataLagSeconds} s (newest row ${report.newestRowTime})`;
  const error = report.error ? [`error: ${report.error}`] : [];
  return `${[...lines, ...error, summary].join('\n')}\n`;
}

/** `lifeboat verify-data`: exit 0 when every check passed, 1 when one failed, 2 on errors (including connection). */
export async function runVerifyData(argv: string[], output: CommandOutput = processOutput, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let url: string | undefined;
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        checks: { type: 'string' },
        spec: { type: 'string' },
        database: { type: 'string' },
        engine: { type: 'string' },
        'target-time': { type: 'string' },
        'check-timeout': { type: 'string' },
        'total-timeout': { type: 'string' },
        format: { type: 'string', default: 'table' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      output.out(VERIFY_DATA_USAGE);
      return EXIT_OK;
    }
    url = values.url ?? env[DATABASE_URL_ENV];
    const problems: string[] = [];
    if (!url) problems.push(`--url <url> (or $${DATABASE_URL_ENV}) is required`);
    if (values.checks && values.spec) problems.push('give either --checks or --spec, not both');
    if (!values.checks && !values.spec) problems.push('--checks <file.json> or --spec <file.json> --database <id> is required');
    if (values.spec && !values.database) problems.push('--spec needs --database <id>');
    if (values.database && !values.spec) problems.push('--database needs --spec <file.json>');
    if (values.engine !== undefined && !ENGINES.includes(values.engine as Engine)) {
      problems.push(`--engine must be one of ${ENGINES.join(', ')}, got ${JSON.stringify(values.engine)}`);
    }
    if (values.format !== 'table' && values.format !== 'json') problems.push(`--format must be table or json, got ${JSON.stringify(values.format)}`);
    let restoreTargetTime: Date | undefined;
    if (values['target-time'] !== undefined) {
      restoreTargetTime = new Date(values['target-time']);
      if (Number.isNaN(restoreTargetTime.getTime())) problems.push(`--target-time must be an ISO 8601 time, got ${JSON.stringify(values['target-time'])}`);
    }
    if (problems.length > 0) throw new Error(`${problems.join('; ')}\n\n${VERIFY_DATA_USAGE}`);
    const checkTimeoutMs = durationMs(values['check-timeout'], '--check-timeout');
    const totalTimeoutMs = durationMs(values['total-timeout'], '--total-timeout');

    const fromSpec = values.spec ? checksFromSpec(values.spec, values.database!) : undefined;
    const checks = fromSpec ? fromSpec.checks : readChecksFile(values.checks!);
    // Loaded here so other commands do not pay for the database drivers at start-up.
    const { runChecks, targetFromUrl } = await import('../checks');
    const target = targetFromUrl(url!, (values.engine as Engine | undefined) ?? fromSpec?.engine);
    const report = await runChecks(target, checks, { restoreTargetTime, checkTimeoutMs, totalTimeoutMs });
    output.out(values.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    if (!report.connected) return EXIT_INVALID;
    return report.ok ? EXIT_OK : EXIT_FINDINGS;
  } catch (error) {
    output.err(`lifeboat verify-data: ${redactUrl(messageOf(error), url)}\n`);
    return EXIT_INVALID;
  }
}
