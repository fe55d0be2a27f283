/**
 * `lifeboat status [--store id]`: are we recoverable right now? Per store and failure scope: the objective, the
 * design figure and what AWS reports now; the last verification; alarms in ALARM; drift of live settings from the
 * plan. Exit 1 when any objective is breached, an alarm fires, the verification is stale or failed, or a setting
 * drifted. Reads only.
 */
import { BackupClient } from '@aws-sdk/client-backup';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { humanSeconds, storeStatus, type Measurement, type StatusClients, type StatusReport, type StoreStatus, type VerificationStatus } from '../ops/status';
import { parseCommandArgs, usageError } from './args';
import { EXIT_FINDINGS, EXIT_INVALID, EXIT_OK } from './exit-codes';
import { loadPlanForOps } from './ops-plan';
import { processOutput, type CommandOutput } from './output';
import { OPS_MAX_ATTEMPTS, perRegion } from './regional-clients';
import { STATUS_SUMMARY } from './summaries';


export const STATUS_USAGE = `Usage: lifeboat status [--store <id>] [options]

${STATUS_SUMMARY}.
Reads only. Per store and failure scope, in both regions: the objective, the design figure and what AWS reports now
(restorable lag, replicated backups, replica and global lag, snapshot and recovery point age, S3 replication latency
and the replica check's missing objects), the last verification run (when, result, restore time, data lag), the
plan's alarms in ALARM, and live settings that drifted from the plan. The last verification and the replica
checks come from the evidence records in the plan's evidence bucket (its replica when the bucket cannot be read),
compared with CloudWatch; unreadable, changed or contradicted evidence fails the status.

Options:
  --store <id>              Only this store
  --plan <file>             The plan (default: backup_plan.json), or a requirements file (planned on the fly)
  --format <table|json>     Output (default: table)
  -h, --help                Show this help

Exit codes: 0 every objective holds and nothing drifted, 1 an objective is breached (or unmeasurable), an alarm is
in ALARM, the verification is stale or failed, its evidence is unreadable or disagrees with CloudWatch, or a
setting drifted, 2 error.
`;

export interface StatusEnvironment {
  clients?: StatusClients;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

function defaultStatusClients(): StatusClients {
  return {
    rds: perRegion((region) => new RDSClient({ region, maxAttempts: OPS_MAX_ATTEMPTS })),
    cloudwatch: perRegion((region) => new CloudWatchClient({ region, maxAttempts: OPS_MAX_ATTEMPTS })),
    s3: perRegion((region) => new S3Client({ region, maxAttempts: OPS_MAX_ATTEMPTS })),
    backup: perRegion((region) => new BackupClient({ region, maxAttempts: OPS_MAX_ATTEMPTS })),
  };
}

const seconds = (value: number | null) => (value === null ? '-' : humanSeconds(value));

function measured(measurement: Measurement): string {
  const figure = measurement.seconds === null ? (measurement.note ?? 'unknown') : `${humanSeconds(measurement.seconds)}${measurement.note ? ` (${measurement.note})` : ''}`;
  return `${measurement.what} [${measurement.region}]: ${figure}`;
}

function verificationLines(v: VerificationStatus): string[] {
  if (!v.lastRunAt) return [`  last verification [${v.region}]: none in the last ${humanSeconds(v.windowSeconds)} (${v.scope} scope; at most ${humanSeconds(v.allowedGapSeconds)} without a success)`];
  const result = v.succeeded ? 'succeeded' : `${v.outcome === 'swept' ? 'SWEPT' : 'FAILED'}${v.reason ? ` (${v.reason})` : ''}`;
  const lines = [`  last verification [${v.region}]: ${v.lastRunAt} ${result}, restore ${seconds(v.restoreSeconds)}, data lag ${seconds(v.dataLagSeconds)} (${v.scope} scope)`];
  if (!v.succeeded) lines.push(`    last success: ${v.lastSuccessAt ?? `none in the last ${humanSeconds(v.windowSeconds)}`}`);
  const metrics = v.metrics ? `CloudWatch (hour of ${v.metrics.hour}): VerificationSucceeded ${v.metrics.succeeded}` : 'no CloudWatch datapoint for it';
  lines.push(v.source === 'evidence' ? `    source: evidence record ${v.evidenceKey}; ${metrics}` : '    source: CloudWatch metrics alone (no evidence record of this run)');
  return lines;
}

function storeTable(store: StoreStatus): string[] {
  const lines = [`${store.id}  ${store.subject}  ${store.ok ? 'OK' : 'NOT OK'}`];
  lines.push(`  ${'SCOPE'.padEnd(11)}${'RPO'.padStart(6)}${'DESIGN'.padStart(8)}${'NOW'.padStart(8)}${'RTO'.padStart(6)}${'DESIGN'.padStart(8)}  STATUS`);
  for (const scope of store.scopes) {
    lines.push(
      `  ${scope.scope.padEnd(11)}${seconds(scope.objective.rpoSeconds).padStart(6)}${seconds(scope.design?.rpoSeconds ?? null).padStart(8)}${seconds(scope.rpoNowSeconds).padStart(8)}` +
        `${seconds(scope.objective.rtoSeconds).padStart(6)}${seconds(scope.design?.rtoSeconds ?? null).padStart(8)}  ${scope.status}`,
    );
    for (const measurement of scope.measured) lines.push(`      ${measured(measurement)}`);
  }
  if (store.verification) lines.push(...verificationLines(store.verification));
  if (store.replicaCheck) {
    const day = store.replicaCheck.lastDay;
    lines.push(
      day
        ? `  replica check (evidence): ${day.date}: ${day.sampled} sampled, ${day.missing} missing, ${day.mismatched} mismatched${day.failedRuns > 0 ? `, ${day.failedRuns} runs could not check` : ''}`
        : '  replica check (evidence): no daily summary in the window',
    );
  }
  for (const backup of store.backups) lines.push(`  ${measured(backup)}`);
  lines.push(store.alarms.length > 0 ? `  alarms in ALARM: ${store.alarms.map((alarm) => `${alarm.name} (${alarm.region})`).join(', ')}` : '  alarms in ALARM: none');
  lines.push(store.drift.length > 0 ? '  drift from the plan:' : '  drift from the plan: none');
  for (const drift of store.drift) lines.push(`    ${drift.resource}: ${drift.setting} is ${drift.actual}, the plan says ${drift.expected}`);
  if (store.problems.length > 0) {
    lines.push('  problems:');
    for (const problem of store.problems) lines.push(`    - ${problem}`);
  }
  return lines;
}

function evidenceLine(report: StatusReport): string {
  const e = report.evidence;
  const alarms = e.alarms.length > 0 ? `\n  evidence alarms in ALARM: ${e.alarms.map((alarm) => `${alarm.name} (${alarm.region})`).join(', ')}` : '';
  if (e.read === 'bucket') return `Evidence: s3://${e.bucket} (${e.region})${alarms}`;
  if (e.read === 'replica') return `Evidence: s3://${e.bucket} (${e.region}), the replica: ${e.errors.join('; ')}${alarms}`;
  return `${e.errors.length > 0 ? `Evidence: UNREADABLE: ${e.errors.join('; ')}` : 'Evidence: not needed (no verified store or bucket selected)'}${alarms}`;
}

export function renderStatusTable(report: StatusReport): string {
  const parts = [evidenceLine(report), ...report.stores.map((store) => storeTable(store).join('\n'))];
  const failing = report.stores.filter((store) => !store.ok).map((store) => store.id);
  if (report.evidence.alarms.length > 0) parts.push(`The evidence bucket's alarms are in ALARM: its records may not reach ${report.regions.primary}.`);
  parts.push(
    failing.length === 0
      ? `${report.stores.length === 1 ? `${report.stores[0]?.id} holds its objectives` : `All ${report.stores.length} stores hold their objectives`} (${report.generatedAt}).`
      : `${failing.length} of ${report.stores.length} ${report.stores.length === 1 ? 'store is' : 'stores are'} NOT OK: ${failing.join(', ')} (${report.generatedAt}).`,
  );
  return `${parts.join('\n\n')}\n`;
}

export async function runStatus(argv: string[], output: CommandOutput = processOutput, environment: StatusEnvironment = {}): Promise<number> {
  const parsed = parseCommandArgs(argv, { store: { type: 'string' }, plan: { type: 'string' }, format: { type: 'string' } }, STATUS_USAGE, output, { min: 0, max: 0 });
  if ('exit' in parsed) return parsed.exit;
  const values = parsed.values as Record<string, string | undefined>;
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'json') return usageError('--format must be table or json', STATUS_USAGE, output).exit;
  const loaded = loadPlanForOps(values.plan ?? 'backup_plan.json');
  if ('errors' in loaded) {
    output.err(loaded.errors.map((error) => `lifeboat status: ${error}\n`).join(''));
    return EXIT_INVALID;
  }
  const plan = loaded.plan;
  const stores = values.store === undefined ? plan.stores : plan.stores.filter((store) => store.id === values.store);
  if (stores.length === 0) {
    output.err(`lifeboat status: no store "${values.store}" in the plan (stores: ${plan.stores.map((store) => store.id).join(', ')})\n`);
    return EXIT_INVALID;
  }
  try {
    const report = await storeStatus(plan, stores, {
      clients: environment.clients ?? defaultStatusClients(),
      sleep: environment.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
      now: environment.now ?? (() => new Date()),
    });
    output.out(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderStatusTable(report));
    return report.ok ? EXIT_OK : EXIT_FINDINGS;
  } catch (error) {
    output.err(`lifeboat status: ${(error as Error).name}: ${(error as Error).message}\n`);
    return EXIT_INVALID;
  }
}
