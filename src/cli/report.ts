/**
 * `lifeboat report`: the evidence of recoverability per store (objectives, tests run and passed, measured restore
 * time and data lag over time, last failures, gaps, a verdict) from the evidence records, as Markdown, HTML or JSON.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { S3Client } from '@aws-sdk/client-s3';
import { planEvidence } from '../plan/evidence';
import { buildReport, type MetricHour } from '../report/model';
import { renderHtml } from '../report/html';
import { renderJson } from '../report/json';
import { renderMarkdown } from '../report/markdown';
import { readRecordsFromBucket, readRecordsFromDirectory, readVerificationMetrics, type LoadedRecords } from '../report/sources';
import { tryParseDuration } from '../spec/duration';
import { parseCommandArgs, usageError } from './args';
import { EXIT_FINDINGS, EXIT_INVALID, EXIT_OK } from './exit-codes';
import { processOutput, type CommandOutput } from './output';
import { readPlanFile } from './plan-file';
import { REPORT_SUMMARY } from './summaries';


export const REPORT_USAGE = `Usage: lifeboat report <backup_plan.json | backup_requirements.json> [options]

${REPORT_SUMMARY}.
Reads the evidence records from the evidence bucket (AWS credentials from the standard chain) or from a
directory, and CloudWatch (namespace Lifeboat) for runs that left no record.

Options:
  --since <duration>        How far back to report, e.g. 30d (default: 90d)
  --store <id>              Only this store
  --format <md|html|json>   Output format (default: from the -o extension, else md)
  -o, --output <file>       Write the report to this file (default: stdout)
  --records <dir>           Read records from this directory (a copy made with aws s3 sync, or fixtures)
                            instead of the bucket
  --bucket <name>           Evidence bucket (default: the plan's, in the DR region; its replica in the
                            primary region holds the same records)
  --region <region>         Region of --bucket (default: the plan's evidence bucket region)
  --metrics <auto|on|off>   Read CloudWatch where records are missing (auto: on with the bucket, off with --records)
  --now <UTC time>          The end of the window, e.g. 2026-12-01T00:00:00Z (default: now); the same
                            records and --now give the same bytes
  -h, --help                Show this help

Exit codes: 0 every store passes (warnings allowed), 1 a store's verdict fails, 2 error (usage, input, AWS access).
`;

const FORMATS = ['md', 'html', 'json'] as const;
type Format = (typeof FORMATS)[number];
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?Z$/;
const REGION = /^[a-z]{2,4}(?:-[a-z]+)+-\d+$/;
/** S3 bucket names: 3-63 lower-case letters, digits, dots and hyphens. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** AWS clients; tests pass clients backed by aws-sdk-client-mock. */
export interface ReportClients {
  s3(region: string): S3Client;
  cloudwatch(region: string): CloudWatchClient;
}

const defaultClients: ReportClients = {
  s3: (region) => new S3Client({ region }),
  cloudwatch: (region) => new CloudWatchClient({ region }),
};

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}

/** Writes through a temporary file in the same directory, so a failed run never leaves half a report. */
function writeAtomically(file: string, text: string): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}

export async function runReport(argv: string[], output: CommandOutput = processOutput, clients: ReportClients = defaultClients): Promise<number> {
  const args = parseCommandArgs(
    argv,
    {
      since: { type: 'string', default: '90d' },
      store: { type: 'string' },
      format: { type: 'string' },
      output: { type: 'string', short: 'o' },
      records: { type: 'string' },
      bucket: { type: 'string' },
      region: { type: 'string' },
      metrics: { type: 'string', default: 'auto' },
      now: { type: 'string' },
    },
    REPORT_USAGE,
    output,
    { min: 1, max: 1 },
  );
  if ('exit' in args) return args.exit;
  const values = args.values as Record<string, string | undefined>;
  const problems: string[] = [];
  const since = tryParseDuration(values.since);
  if ('error' in since) problems.push(`--since: ${since.error}`);
  const target = values.output;
  const extension = target ? path.extname(target).slice(1).toLowerCase() : '';
  const format = (values.format ?? (extension === 'html' || extension === 'htm' ? 'html' : extension === 'json' ? 'json' : 'md')) as Format;
  if (!(FORMATS as readonly string[]).includes(format)) problems.push(`--format must be md, html or json, not ${JSON.stringify(values.format)}`);
  let now = new Date();
  if (values.now !== undefined) {
    if (!ISO_UTC.test(values.now) || Number.isNaN(Date.parse(values.now))) problems.push(`--now must be a UTC time like 2026-12-01T00:00:00Z, got ${JSON.stringify(values.now)}`);
    else now = new Date(values.now);
  }
  if (values.metrics !== 'auto' && values.metrics !== 'on' && values.metrics !== 'off') problems.push(`--metrics must be auto, on or off, not ${JSON.stringify(values.metrics)}`);
  if (values.records !== undefined && values.bucket !== undefined) problems.push('--records and --bucket: give one source of records, not both');
  if (values.bucket !== undefined && !BUCKET.test(values.bucket)) problems.push(`--bucket must be an S3 bucket name, not ${JSON.stringify(values.bucket)}`);
  if (values.region !== undefined && !REGION.test(values.region)) problems.push(`--region must be an AWS region code such as eu-central-1, not ${JSON.stringify(values.region)}`);
  if (problems.length > 0) return usageError(problems.join('\nlifeboat: '), REPORT_USAGE, output).exit;

  const planFile = args.positionals[0];
  const loaded = readPlanFile(planFile, { requirements: true });
  if ('errors' in loaded) {
    output.err(loaded.errors.map((problem) => `lifeboat report: ${planFile}: ${problem}\n`).join(''));
    return EXIT_INVALID;
  }
  const { plan } = loaded;
  const storeIds = plan.stores.map((store) => store.id).sort();
  if (values.store !== undefined && !storeIds.includes(values.store)) {
    return usageError(`--store: no store ${JSON.stringify(values.store)} in ${planFile} (stores: ${storeIds.join(', ')})`, REPORT_USAGE, output).exit;
  }
  const sinceDate = new Date(now.getTime() - ('seconds' in since ? since.seconds : 0) * 1000);

  let records: LoadedRecords;
  let source: string;
  const fromBucket = values.records === undefined;
  if (!fromBucket) {
    const dir = values.records as string;
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      output.err(`lifeboat report: --records: ${dir} is not a directory\n`);
      return EXIT_INVALID;
    }
    records = readRecordsFromDirectory(dir);
    source = `directory ${path.basename(path.resolve(dir))}`;
  } else {
    // Plans written before they carried the evidence bucket get the same decisions from planEvidence.
    const evidence = plan.evidence ?? planEvidence(plan);
    const bucket = values.bucket ?? evidence.bucketName;
    const region = values.region ?? evidence.region;
    try {
      records = await readRecordsFromBucket(clients.s3(region), { bucket, since: sinceDate, store: values.store });
    } catch (error) {
      output.err(`lifeboat report: cannot read the evidence records in s3://${bucket} (${region}): ${messageOf(error)}\n`);
      return EXIT_INVALID;
    }
    source = `s3://${bucket}`;
  }

  const readMetrics = values.metrics === 'on' || (values.metrics === 'auto' && fromBucket);
  let metrics: MetricHour[] = [];
  if (readMetrics) {
    const verified = plan.stores
      .filter((store) => values.store === undefined || store.id === values.store)
      .flatMap((store) => (store.kind === 'database' && store.verification ? [{ id: store.id, region: store.verification.region }] : []));
    try {
      metrics = await readVerificationMetrics(clients.cloudwatch, verified, { since: sinceDate, now });
    } catch (error) {
      output.err(`lifeboat report: cannot read the verification metrics from CloudWatch: ${messageOf(error)} (--metrics off reports from the records alone)\n`);
      return EXIT_INVALID;
    }
  }

  const model = buildReport({
    plan,
    records: records.records,
    unreadable: records.unreadable,
    overwritten: records.overwritten,
    metrics,
    source,
    metricsRead: readMetrics,
    now,
    since: sinceDate,
    store: values.store,
  });
  for (const entry of model.unreadable) output.err(`lifeboat report: warning: ${entry.source}: ${entry.problems.join('; ')}\n`);
  for (const entry of model.overwritten) {
    output.err(`lifeboat report: warning: ${entry.key}: ${entry.versions} versions${entry.deleted ? ' and a delete marker' : ''}; the first version is used\n`);
  }
  const text = format === 'html' ? renderHtml(model) : format === 'json' ? renderJson(model) : renderMarkdown(model);
  if (target) {
    try {
      writeAtomically(target, text);
    } catch (error) {
      output.err(`lifeboat report: cannot write ${target}: ${(error as Error).message}\n`);
      return EXIT_INVALID;
    }
    for (const store of model.stores) output.out(`${store.id}: ${store.verdict.line}\n`);
    output.out(`wrote ${target}\n`);
  } else {
    output.out(text);
  }
  if (model.failing.length > 0) {
    output.err(`lifeboat report: ${model.failing.length} store${model.failing.length === 1 ? '' : 's'} failing: ${model.failing.join(', ')}\n`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}
