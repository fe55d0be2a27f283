/**
 * Are the objectives holding right now? For each store and failure scope: the objective, the design figure, and
 * what AWS reports now (restorable lag, replicated backups, replica and global lag, recovery point and snapshot age,
 * S3 replication latency and the replica check's missing objects, the last verification run); alarms in ALARM; and
 * drift of live settings from the plan. Reads only.
 */
import { BackupClient, DescribeBackupVaultCommand, GetBackupPlanCommand, ListBackupPlansCommand, ListRecoveryPointsByBackupVaultCommand, type BackupPlansListMember } from '@aws-sdk/client-backup';
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DescribeGlobalClustersCommand,
  RDSClient,
  type DBCluster,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { GetBucketLifecycleConfigurationCommand, GetBucketReplicationCommand, GetBucketVersioningCommand, GetObjectLockConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { planEvidence } from '../plan/evidence';
import type { AlarmPlan, BackupPlan, BucketStorePlan, DatabaseStorePlan, FailureScope, StorePlan } from '../plan/types';
import { isNotFound, withRetry } from './execute';
import { loadStatusEvidence, replicaEvidenceStatus, verificationStatus, type EvidenceSource, type ReplicaEvidenceStatus, type StatusEvidence, type VerificationStatus } from './status-evidence';

export type { EvidenceSource, ReplicaEvidenceStatus, VerificationStatus } from './status-evidence';

export interface StatusClients {
  rds(region: string): RDSClient;
  cloudwatch(region: string): CloudWatchClient;
  s3(region: string): S3Client;
  backup(region: string): BackupClient;
}

export interface StatusDependencies {
  clients: StatusClients;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
}

/** One figure measured now. `seconds` null: nothing to read (the mechanism is missing, or publishes nothing). */
export interface Measurement {
  what: string;
  region: string;
  seconds: number | null;
  /** Why there is no figure, or what it means. */
  note?: string;
}

export interface ScopeStatus {
  scope: FailureScope;
  objective: { rpoSeconds: number | null; rtoSeconds: number | null };
  design: { rpoSeconds: number; rtoSeconds: number } | null;
  measured: Measurement[];
  /** The best (smallest) measured data-loss exposure of the scope's mechanisms. */
  rpoNowSeconds: number | null;
  /** `breached`: above the RPO, or nothing could be measured while an RPO is set. */
  status: 'ok' | 'breached' | 'no-objective';
}

export interface Drift {
  resource: string;
  setting: string;
  expected: string;
  actual: string;
}

export interface StoreStatus {
  id: string;
  kind: 'database' | 'bucket';
  /** What is protected, e.g. `postgres instance shop-orders`. */
  subject: string;
  scopes: ScopeStatus[];
  verification: VerificationStatus | null;
  /** Buckets: the replica check's daily evidence summaries; null for databases. */
  replicaCheck: ReplicaEvidenceStatus | null;
  /** Newest snapshot / recovery point per place, for the record. */
  backups: Measurement[];
  /** Plan alarms currently in ALARM. */
  alarms: { name: string; region: string; state: string }[];
  drift: Drift[];
  /** Everything that makes this store fail the status (objective breached, alarm, drift, stale verification). */
  problems: string[];
  ok: boolean;
}

export interface StatusReport {
  generatedAt: string;
  regions: { primary: string; dr: string };
  /** The evidence bucket read for the last verifications and replica checks. */
  evidence: EvidenceSource;
  stores: StoreStatus[];
  ok: boolean;
}

type Call = <T>(operation: () => Promise<T>) => Promise<T>;

/** Owner of the evidence bucket's alarms (store ids are DNS labels, so it cannot collide with one). */
const EVIDENCE_OWNER = '(evidence)';

function ageSeconds(now: Date, time: Date | undefined): number | null {
  return time ? Math.max(0, Math.round((now.getTime() - time.getTime()) / 1000)) : null;
}

/** Newest datapoint of a metric within `lookbackSeconds` (Maximum unless asked), or null. */
async function newestDatapoint(
  deps: StatusDependencies,
  call: Call,
  region: string,
  metric: { namespace: string; metricName: string; dimensions: Record<string, string>; statistic?: 'Maximum' | 'Minimum' },
  lookbackSeconds: number,
): Promise<{ value: number; at: Date } | null> {
  const end = deps.now();
  const statistic = metric.statistic ?? 'Maximum';
  const out = await call(() =>
    deps.clients.cloudwatch(region).send(
      new GetMetricStatisticsCommand({
        Namespace: metric.namespace,
        MetricName: metric.metricName,
        Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
        StartTime: new Date(end.getTime() - lookbackSeconds * 1000),
        EndTime: end,
        Period: lookbackSeconds > 86_400 ? 3600 : 60,
        Statistics: [statistic],
      }),
    ),
  );
  const newest = (out.Datapoints ?? [])
    .filter((point) => point.Timestamp && typeof point[statistic] === 'number')
    .sort((a, b) => (b.Timestamp as Date).getTime() - (a.Timestamp as Date).getTime())[0];
  return newest ? { value: newest[statistic] as number, at: newest.Timestamp as Date } : null;
}

async function orNotFound<T>(operation: () => Promise<T>): Promise<T | undefined> {
  try {
    return await operation();
  } catch (error) {
    if (isNotFound(error) || /ReplicationConfigurationNotFound|ObjectLockConfigurationNotFound|NoSuchLifecycleConfiguration|NoSuchBucket/.test((error as Error).name)) return undefined;
    throw error;
  }
}

function scopeStatus(store: StorePlan, scope: FailureScope, measured: Measurement[]): ScopeStatus {
  const plan = store.scopes[scope];
  const rpo = plan.objective.rpo?.seconds ?? null;
  const figures = measured.map((measurement) => measurement.seconds).filter((seconds): seconds is number => seconds !== null);
  const rpoNow = figures.length > 0 ? Math.min(...figures) : null;
  return {
    scope,
    objective: { rpoSeconds: rpo, rtoSeconds: plan.objective.rto?.seconds ?? null },
    design: plan.design ? { rpoSeconds: plan.design.rpo.seconds, rtoSeconds: plan.design.rto.seconds } : null,
    measured,
    rpoNowSeconds: rpoNow,
    status: rpo === null ? 'no-objective' : rpoNow !== null && rpoNow <= rpo ? 'ok' : 'breached',
  };
}

async function newestSnapshot(deps: StatusDependencies, call: Call, region: string, store: DatabaseStorePlan): Promise<Measurement> {
  const client = deps.clients.rds(region);
  let newest: Date | undefined;
  let marker: string | undefined;
  do {
    if (store.family === 'aurora') {
      const out = await call(() => client.send(new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: store.names.primary, Marker: marker })));
      for (const snapshot of out.DBClusterSnapshots ?? []) if (snapshot.Status === 'available' && snapshot.SnapshotCreateTime && (!newest || snapshot.SnapshotCreateTime > newest)) newest = snapshot.SnapshotCreateTime;
      marker = out.Marker;
    } else {
      const out = await call(() => client.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: store.names.primary, Marker: marker })));
      for (const snapshot of out.DBSnapshots ?? []) if (snapshot.Status === 'available' && snapshot.SnapshotCreateTime && (!newest || snapshot.SnapshotCreateTime > newest)) newest = snapshot.SnapshotCreateTime;
      marker = out.Marker;
    }
  } while (marker);
  return { what: 'newest snapshot', region, seconds: ageSeconds(deps.now(), newest), ...(newest ? {} : { note: 'no snapshot yet' }) };
}

async function newestRecoveryPoint(deps: StatusDependencies, call: Call, region: string, vault: string): Promise<Measurement | null> {
  let newest: Date | undefined;
  let token: string | undefined;
  do {
    const out = await orNotFound(() => call(() => deps.clients.backup(region).send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: vault, NextToken: token }))));
    if (!out) return { what: `newest recovery point in vault ${vault}`, region, seconds: null, note: 'vault not found' };
    for (const point of out.RecoveryPoints ?? []) if (point.Status === 'COMPLETED' && point.CreationDate && (!newest || point.CreationDate > newest)) newest = point.CreationDate;
    token = out.NextToken;
  } while (token);
  return { what: `newest recovery point in vault ${vault}`, region, seconds: ageSeconds(deps.now(), newest), ...(newest ? {} : { note: 'no completed recovery point' }) };
}

/**
 * The AWS Backup plan and its rules as the plan made them: each rule present, and each rule that copies to the DR
 * region still copying into the DR vault (without it the region scope has no recovery points there).
 */
async function backupPlanDrift(
  deps: StatusDependencies,
  call: Call,
  region: string,
  drRegion: string,
  name: string,
  vault: string,
  rules: readonly { name: string; copyToDr: boolean }[],
): Promise<Drift[]> {
  const client = deps.clients.backup(region);
  let found: BackupPlansListMember | undefined;
  let token: string | undefined;
  do {
    const page = await call(() => client.send(new ListBackupPlansCommand({ NextToken: token })));
    found = (page.BackupPlansList ?? []).find((candidate) => candidate.BackupPlanName === name);
    token = found ? undefined : page.NextToken;
  } while (token);
  const resource = `backup plan ${name} (${region})`;
  if (!found?.BackupPlanId) return [{ resource, setting: 'exists', expected: 'yes', actual: 'not found' }];
  const id = found.BackupPlanId;
  const live = (await call(() => client.send(new GetBackupPlanCommand({ BackupPlanId: id })))).BackupPlan?.Rules ?? [];
  const drift: Drift[] = [];
  for (const rule of rules) {
    const liveRule = live.find((candidate) => candidate.RuleName === rule.name);
    if (!liveRule) drift.push({ resource, setting: `rule ${rule.name}`, expected: 'present', actual: 'absent' });
    else if (rule.copyToDr) {
      // arn:<partition>:backup:<region>:<account>:backup-vault:<name>
      const copies = (liveRule.CopyActions ?? []).some((action) => {
        const parts = (action.DestinationBackupVaultArn ?? '').split(':');
        return parts[3] === drRegion && parts[5] === 'backup-vault' && parts[6] === vault;
      });
      if (!copies) drift.push({ resource, setting: `rule ${rule.name} copy to ${drRegion}`, expected: `vault ${vault}`, actual: 'absent' });
    }
  }
  return drift;
}

function expectDrift(drift: Drift[], resource: string, setting: string, expected: unknown, actual: unknown): void {
  if (expected !== actual) drift.push({ resource, setting, expected: String(expected), actual: actual === undefined ? 'absent' : String(actual) });
}

async function databaseStatus(plan: BackupPlan, store: DatabaseStorePlan, deps: StatusDependencies, call: Call, evidence: StatusEvidence): Promise<Omit<StoreStatus, 'alarms' | 'problems' | 'ok'>> {
  const primaryRegion = plan.regions.primary;
  const drift: Drift[] = [];
  const primary = store.names.primary;
  const aurora = store.family === 'aurora';
  let latestRestorable: Date | undefined;
  let multiAzOn: boolean | undefined;
  if (aurora) {
    const cluster: DBCluster | undefined = (await orNotFound(() => call(() => deps.clients.rds(primaryRegion).send(new DescribeDBClustersCommand({ DBClusterIdentifier: primary })))))?.DBClusters?.[0];
    if (!cluster) drift.push({ resource: `cluster ${primary}`, setting: 'exists', expected: 'yes', actual: 'not found' });
    else {
      latestRestorable = cluster.LatestRestorableTime;
      expectDrift(drift, `cluster ${primary}`, 'backup retention (days)', store.backup.retentionDays, cluster.BackupRetentionPeriod);
      expectDrift(drift, `cluster ${primary}`, 'deletion protection', true, cluster.DeletionProtection);
      const members = new Set((cluster.DBClusterMembers ?? []).map((member) => member.DBInstanceIdentifier));
      const expected = [store.names.writerInstance ?? primary, ...(store.names.replicas ?? [])];
      for (const instance of expected) if (!members.has(instance)) drift.push({ resource: `cluster ${primary}`, setting: `instance ${instance}`, expected: 'member', actual: 'absent' });
      multiAzOn = store.multiAz ? (cluster.DBClusterMembers ?? []).length >= 2 : undefined;
    }
  } else {
    const instance: DBInstance | undefined = (await orNotFound(() => call(() => deps.clients.rds(primaryRegion).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: primary })))))?.DBInstances?.[0];
    if (!instance) drift.push({ resource: `instance ${primary}`, setting: 'exists', expected: 'yes', actual: 'not found' });
    else {
      latestRestorable = instance.LatestRestorableTime;
      expectDrift(drift, `instance ${primary}`, 'backup retention (days)', store.backup.retentionDays, instance.BackupRetentionPeriod);
      expectDrift(drift, `instance ${primary}`, 'Multi-AZ', store.multiAz, instance.MultiAZ);
      expectDrift(drift, `instance ${primary}`, 'deletion protection', true, instance.DeletionProtection);
      multiAzOn = instance.MultiAZ === true;
    }
  }
  const restorable: Measurement = {
    what: 'restorable lag (now - LatestRestorableTime)',
    region: primaryRegion,
    seconds: ageSeconds(deps.now(), latestRestorable),
    ...(latestRestorable ? {} : { note: 'no LatestRestorableTime' }),
  };

  const region: Measurement[] = [];
  const replication = store.crossRegionBackupReplication;
  if (replication) {
    const out = await orNotFound(() => call(() => deps.clients.rds(replication.region).send(new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: primary }))));
    // The replicated backups are those whose own ARN lives in the DR region (`Region` may name the source's region).
    const replicated = (out?.DBInstanceAutomatedBackups ?? []).find((backup) => backup.DBInstanceAutomatedBackupsArn?.split(':')[3] === replication.region);
    if (!replicated) drift.push({ resource: `instance ${primary}`, setting: `automated backup replication to ${replication.region}`, expected: 'replicating', actual: 'absent' });
    else {
      if (replicated.Status !== 'replicating') drift.push({ resource: `instance ${primary}`, setting: `automated backup replication to ${replication.region}`, expected: 'replicating', actual: replicated.Status ?? 'unknown' });
      // How far back the DR region can restore: the replication's own retention, set when it was started.
      expectDrift(drift, `instance ${primary}`, `replicated backups retention in ${replication.region} (days)`, replication.retentionDays, replicated.BackupRetentionPeriod);
    }
    const latest = replicated?.RestoreWindow?.LatestTime;
    region.push({ what: 'replicated backups: now - latest restorable time', region: replication.region, seconds: ageSeconds(deps.now(), latest), ...(latest ? {} : { note: 'no replicated backups' }) });
  }
  for (const replica of store.readReplicas) {
    const found = (await orNotFound(() => call(() => deps.clients.rds(replica.region).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: replica.identifier })))))?.DBInstances?.[0];
    if (!found) drift.push({ resource: `replica ${replica.identifier}`, setting: 'exists', expected: 'yes', actual: 'not found' });
    else {
      if (!found.ReadReplicaSourceDBInstanceIdentifier) drift.push({ resource: `replica ${replica.identifier}`, setting: 'read replica', expected: `of ${primary}`, actual: 'standalone (promoted?)' });
      // Replicas are created with deletion protection: a promoted replica is the database, and must not go by accident.
      expectDrift(drift, `replica ${replica.identifier}`, 'deletion protection', true, found.DeletionProtection);
    }
    if (replica.regionRole !== 'dr') continue;
    const alarm = store.alarms.find((candidate) => candidate.id === 'replica-lag');
    const lag = found?.ReadReplicaSourceDBInstanceIdentifier
      ? await newestDatapoint(deps, call, replica.region, { namespace: alarm?.namespace ?? 'AWS/RDS', metricName: alarm?.metricName ?? 'ReplicaLag', dimensions: alarm?.dimensions ?? { DBInstanceIdentifier: replica.identifier } }, 600)
      : null;
    region.push({ what: `replica lag of ${replica.identifier}`, region: replica.region, seconds: lag ? lag.value : null, ...(lag ? {} : { note: found ? 'no ReplicaLag datapoint in 10 minutes' : 'replica missing' }) });
  }
  const global = store.globalDatabase;
  if (global) {
    const out = await orNotFound(() => call(() => deps.clients.rds(global.secondaryRegion).send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: global.globalClusterIdentifier }))));
    const members = out?.GlobalClusters?.[0]?.GlobalClusterMembers ?? [];
    const member = (id: string) => members.find((candidate) => (candidate.DBClusterArn ?? '').endsWith(`:cluster:${id}`));
    if (!out?.GlobalClusters?.[0]) drift.push({ resource: `global cluster ${global.globalClusterIdentifier}`, setting: 'exists', expected: 'yes', actual: 'not found' });
    else {
      expectDrift(drift, `global cluster ${global.globalClusterIdentifier}`, 'deletion protection', true, out.GlobalClusters[0].DeletionProtection);
      for (const id of [primary, global.secondaryClusterIdentifier]) if (!member(id)) drift.push({ resource: `global cluster ${global.globalClusterIdentifier}`, setting: `member ${id}`, expected: 'member', actual: 'absent' });
      const writer = members.find((candidate) => candidate.IsWriter)?.DBClusterArn?.split(':').pop();
      expectDrift(drift, `global cluster ${global.globalClusterIdentifier}`, 'writer', primary, writer);
    }
    const secondary: DBCluster | undefined = (
      await orNotFound(() => call(() => deps.clients.rds(global.secondaryRegion).send(new DescribeDBClustersCommand({ DBClusterIdentifier: global.secondaryClusterIdentifier }))))
    )?.DBClusters?.[0];
    const secondaryResource = `cluster ${global.secondaryClusterIdentifier} (${global.secondaryRegion})`;
    if (!secondary) drift.push({ resource: secondaryResource, setting: 'exists', expected: 'yes', actual: 'not found' });
    else {
      // The secondary becomes the primary after a failover: it carries the same protection.
      expectDrift(drift, secondaryResource, 'deletion protection', true, secondary.DeletionProtection);
      expectDrift(drift, secondaryResource, 'backup retention (days)', store.backup.retentionDays, secondary.BackupRetentionPeriod);
    }
    const alarm = store.alarms.find((candidate) => candidate.id === 'global-replication-lag');
    const lag = member(global.secondaryClusterIdentifier)
      ? await newestDatapoint(deps, call, global.secondaryRegion, { namespace: alarm?.namespace ?? 'AWS/RDS', metricName: alarm?.metricName ?? 'AuroraGlobalDBReplicationLag', dimensions: alarm?.dimensions ?? { DBClusterIdentifier: global.secondaryClusterIdentifier } }, 600)
      : null;
    region.push({ what: `global replication lag of ${global.secondaryClusterIdentifier}`, region: global.secondaryRegion, seconds: lag ? lag.value / 1000 : null, ...(lag ? {} : { note: 'no AuroraGlobalDBReplicationLag datapoint in 10 minutes' }) });
  }

  const backups: Measurement[] = [await newestSnapshot(deps, call, primaryRegion, store)];
  // Snapshot copies in the DR region (e.g. `lifeboat checkpoint --copy-to-dr`) keep the source's identifier. Listed
  // when there are any: nothing plans them, so none there is not a finding.
  const drCopy = await newestSnapshot(deps, call, plan.regions.dr, store);
  if (drCopy.seconds !== null) backups.push({ ...drCopy, what: 'newest snapshot copy' });
  const awsBackup = store.awsBackup;
  const vault = store.names.awsBackup?.vault;
  if (awsBackup && vault) {
    const copies = awsBackup.rules.some((rule) => rule.copyToDr);
    for (const vaultRegion of copies ? [primaryRegion, plan.regions.dr] : [primaryRegion]) {
      const point = await newestRecoveryPoint(deps, call, vaultRegion, vault);
      if (point) backups.push(point);
      if (point?.note === 'vault not found' && !awsBackup.lock) drift.push({ resource: `vault ${vault} (${vaultRegion})`, setting: 'exists', expected: 'yes', actual: 'not found' });
      if (point && vaultRegion === plan.regions.dr && store.scopes.region.mechanisms.includes('aws-backup')) region.push({ ...point, what: `DR copy: ${point.what}` });
      if (awsBackup.lock) {
        const described = await orNotFound(() => call(() => deps.clients.backup(vaultRegion).send(new DescribeBackupVaultCommand({ BackupVaultName: vault }))));
        const resource = `vault ${vault} (${vaultRegion})`;
        if (!described) drift.push({ resource, setting: 'exists', expected: 'yes', actual: 'not found' });
        else {
          expectDrift(drift, resource, 'vault lock', true, described.Locked === true);
          expectDrift(drift, resource, 'lock min retention (days)', awsBackup.lock.minRetentionDays, described.MinRetentionDays);
          expectDrift(drift, resource, 'lock max retention (days)', awsBackup.lock.maxRetentionDays, described.MaxRetentionDays);
        }
      }
    }
  }

  const backupPlanName = store.names.awsBackup?.plan;
  if (awsBackup && vault && backupPlanName) drift.push(...(await backupPlanDrift(deps, call, primaryRegion, plan.regions.dr, backupPlanName, vault, awsBackup.rules)));

  const az: Measurement[] = store.multiAz
    ? [{ what: aurora ? 'reader in a second AZ' : 'Multi-AZ', region: primaryRegion, seconds: multiAzOn ? 0 : null, note: multiAzOn ? 'on' : 'off' }]
    : [restorable];
  return {
    id: store.id,
    kind: 'database',
    subject: `${store.engine} ${aurora ? 'cluster' : 'instance'} ${primary}`,
    scopes: [scopeStatus(store, 'az', az), scopeStatus(store, 'corruption', [restorable]), scopeStatus(store, 'region', region)],
    verification: verificationStatus(plan, store, evidence),
    replicaCheck: null,
    backups,
    drift,
  };
}

async function bucketStatus(plan: BackupPlan, store: BucketStorePlan, deps: StatusDependencies, call: Call, evidence: StatusEvidence): Promise<Omit<StoreStatus, 'alarms' | 'problems' | 'ok'>> {
  const drift: Drift[] = [];
  const { source, replica } = store.names;
  const regions = { [source]: plan.regions.primary, [replica]: store.replication.destinationRegion };
  const versioned: Record<string, boolean> = {};
  for (const bucket of [source, replica]) {
    const out = await orNotFound(() => call(() => deps.clients.s3(regions[bucket] as string).send(new GetBucketVersioningCommand({ Bucket: bucket }))));
    if (!out) drift.push({ resource: `bucket ${bucket}`, setting: 'exists', expected: 'yes', actual: 'not found' });
    else expectDrift(drift, `bucket ${bucket}`, 'versioning', 'Enabled', out.Status ?? 'never enabled');
    versioned[bucket] = out?.Status === 'Enabled';
  }
  for (const bucket of [source, replica]) {
    if (drift.some((item) => item.resource === `bucket ${bucket}` && item.setting === 'exists')) continue;
    const lifecycle = await orNotFound(() => call(() => deps.clients.s3(regions[bucket] as string).send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))));
    // Overwritten and deleted objects are kept as noncurrent versions for the plan's retention: the corruption
    // scope's window. The shortest expiry of any enabled rule is what the bucket keeps.
    const shortest = (lifecycle?.Rules ?? [])
      .filter((rule) => rule.Status === 'Enabled' && typeof rule.NoncurrentVersionExpiration?.NoncurrentDays === 'number')
      .sort((a, b) => (a.NoncurrentVersionExpiration?.NoncurrentDays as number) - (b.NoncurrentVersionExpiration?.NoncurrentDays as number))[0];
    const kept = shortest?.NoncurrentVersionExpiration?.NoncurrentDays;
    if (kept !== store.retentionDays) {
      drift.push({
        resource: `bucket ${bucket}`,
        setting: 'noncurrent versions kept (days)',
        expected: String(store.retentionDays),
        actual: shortest ? `${kept} (lifecycle rule ${shortest.ID ?? 'without id'})` : 'no expiry rule',
      });
    }
  }
  const replication = await orNotFound(() => call(() => deps.clients.s3(plan.regions.primary).send(new GetBucketReplicationCommand({ Bucket: source }))));
  const rule = replication?.ReplicationConfiguration?.Rules?.find((candidate) => candidate.ID === store.replication.ruleId);
  const ruleResource = `bucket ${source} replication rule ${store.replication.ruleId}`;
  if (!rule) drift.push({ resource: ruleResource, setting: 'exists', expected: 'yes', actual: 'absent' });
  else {
    expectDrift(drift, ruleResource, 'status', 'Enabled', rule.Status);
    // The destination is an ARN of the partition's (arn:aws-cn:s3:::... in China): compare the bucket it names.
    const destination = rule.Destination?.Bucket;
    expectDrift(drift, ruleResource, 'destination bucket', replica, destination?.startsWith('arn:') ? destination.split(':::')[1] : destination);
    if (store.replication.rtc) expectDrift(drift, ruleResource, 'Replication Time Control', 'Enabled', rule.Destination?.ReplicationTime?.Status ?? 'off');
  }
  if (store.objectLock) {
    const lock = store.objectLock;
    for (const bucket of [source, replica]) {
      const out = await orNotFound(() => call(() => deps.clients.s3(regions[bucket] as string).send(new GetObjectLockConfigurationCommand({ Bucket: bucket }))));
      const retention = out?.ObjectLockConfiguration?.Rule?.DefaultRetention;
      const expected = `${lock.mode.toUpperCase()} ${lock.days !== null ? `${lock.days}d` : `${lock.years}y`}`;
      const actual = out?.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled' && retention ? `${retention.Mode} ${retention.Days !== undefined ? `${retention.Days}d` : `${retention.Years}y`}` : 'off';
      expectDrift(drift, `bucket ${bucket}`, 'Object Lock default retention', expected, actual);
    }
  }
  const latencyAlarm = store.alarms.find((candidate) => candidate.id === 'replication-latency');
  const latency = await newestDatapoint(
    deps,
    call,
    latencyAlarm?.region ?? plan.regions.primary,
    {
      namespace: latencyAlarm?.namespace ?? 'AWS/S3',
      metricName: latencyAlarm?.metricName ?? 'ReplicationLatency',
      dimensions: latencyAlarm?.dimensions ?? { SourceBucket: source, DestinationBucket: replica, RuleId: store.replication.ruleId },
    },
    3600,
  );
  // The replica check publishes in the replica's region; the plan's alarm names the metric and where it lives.
  const missingAlarm = store.alarms.find((candidate) => candidate.id === 'missing-replicas');
  const missing = await newestDatapoint(
    deps,
    call,
    missingAlarm?.region ?? store.replication.destinationRegion,
    { namespace: missingAlarm?.namespace ?? 'Lifeboat', metricName: missingAlarm?.metricName ?? 'MissingReplicas', dimensions: missingAlarm?.dimensions ?? { StoreId: store.id } },
    86_400,
  );
  const region: Measurement[] = [
    { what: 'S3 replication latency (max, last hour)', region: plan.regions.primary, seconds: latency ? latency.value : null, ...(latency ? {} : { note: 'no datapoint in the last hour (no replication traffic)' }) },
  ];
  const rpo = store.scopes.region.objective.rpo?.seconds ?? null;
  const regionScope = scopeStatus(store, 'region', region);
  // Idle buckets publish no latency: only a measured latency above the RPO, or missing replicas, breach the objective.
  if (latency === null && regionScope.status === 'breached') regionScope.status = 'ok';
  const missingCount = missing ? missing.value : null;
  if (missingCount !== null && missingCount > 0 && rpo !== null) regionScope.status = 'breached';
  regionScope.measured.push({ what: "replica check: sampled objects missing in the replica (last day)", region: store.replication.destinationRegion, seconds: null, note: missingCount === null ? 'no replica check in the last day' : `${missingCount} missing` });
  return {
    id: store.id,
    kind: 'bucket',
    subject: `bucket ${source} -> ${replica}`,
    scopes: [
      scopeStatus(store, 'az', []),
      scopeStatus(store, 'corruption', [{ what: 'previous versions kept (versioning)', region: plan.regions.primary, seconds: versioned[source] ? 0 : null, note: versioned[source] ? 'on' : 'off' }]),
      regionScope,
    ],
    verification: null,
    replicaCheck: replicaEvidenceStatus(plan, store, evidence),
    backups: [],
    drift,
  };
}

/** Alarms in ALARM per owner (a store id, or EVIDENCE_OWNER for the evidence bucket's own alarms). */
async function alarmsInAlarm(owners: readonly { id: string; alarms: readonly AlarmPlan[] }[], deps: StatusDependencies, call: Call): Promise<Map<string, { name: string; region: string; state: string }[]>> {
  const byRegion = new Map<string, { name: string; store: string }[]>();
  for (const owner of owners) for (const alarm of owner.alarms) byRegion.set(alarm.region, [...(byRegion.get(alarm.region) ?? []), { name: alarm.alarmName, store: owner.id }]);
  const result = new Map<string, { name: string; region: string; state: string }[]>();
  for (const [region, alarms] of [...byRegion.entries()].sort()) {
    const storeOf = new Map(alarms.map((alarm) => [alarm.name, alarm.store]));
    for (let offset = 0; offset < alarms.length; offset += 100) {
      let token: string | undefined;
      do {
        const out = await call(() =>
          deps.clients.cloudwatch(region).send(new DescribeAlarmsCommand({ AlarmNames: alarms.slice(offset, offset + 100).map((alarm) => alarm.name), NextToken: token })),
        );
        for (const alarm of out.MetricAlarms ?? []) {
          if (alarm.StateValue !== 'ALARM' || !alarm.AlarmName) continue;
          const store = storeOf.get(alarm.AlarmName) as string;
          result.set(store, [...(result.get(store) ?? []), { name: alarm.AlarmName, region, state: alarm.StateValue }]);
        }
        token = out.NextToken;
      } while (token);
    }
  }
  return result;
}

function human(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds * 10) / 10}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 360) / 10}h`;
  return `${Math.round(seconds / 8640) / 10}d`;
}

export { human as humanSeconds };

export async function storeStatus(plan: BackupPlan, stores: readonly StorePlan[], deps: StatusDependencies): Promise<StatusReport> {
  const call: Call = (operation) => withRetry(operation, deps.sleep);
  // The evidence bucket's replication alarms too: a record that does not reach the primary-region replica is lost
  // with the DR region.
  const evidencePlan = plan.evidence ?? planEvidence(plan);
  const alarms = await alarmsInAlarm([...stores, { id: EVIDENCE_OWNER, alarms: evidencePlan.alarms }], deps, call);
  const evidence = await loadStatusEvidence(plan, stores, deps.clients, deps.now());
  evidence.source.alarms = alarms.get(EVIDENCE_OWNER) ?? [];
  const results: StoreStatus[] = [];
  for (const store of stores) {
    const base = store.kind === 'database' ? await databaseStatus(plan, store, deps, call, evidence) : await bucketStatus(plan, store, deps, call, evidence);
    const problems: string[] = [];
    for (const scope of base.scopes) {
      if (scope.status !== 'breached') continue;
      // A bucket breached without a latency figure is breached by missing replicas (reported below).
      if (store.kind === 'bucket' && scope.rpoNowSeconds === null) continue;
      const rpo = human(scope.objective.rpoSeconds as number);
      problems.push(scope.rpoNowSeconds === null ? `${scope.scope}: nothing measures the ${rpo} RPO now` : `${scope.scope}: ${human(scope.rpoNowSeconds)} of data at risk, above the ${rpo} RPO`);
    }
    if (store.kind === 'bucket') {
      const missing = base.scopes.find((scope) => scope.scope === 'region')?.measured.find((measurement) => measurement.what.startsWith('replica check'));
      if (missing?.note && /^[1-9]\d* missing$/.test(missing.note)) problems.push(`region: the replica check found ${missing.note} objects`);
    }
    problems.push(...(base.verification?.problems ?? []).map((problem) => `verification: ${problem}`));
    problems.push(...(base.replicaCheck?.problems ?? []).map((problem) => `replica check: ${problem}`));
    const storeAlarms = alarms.get(store.id) ?? [];
    problems.push(...storeAlarms.map((alarm) => `alarm ${alarm.name} (${alarm.region}) is in ALARM`));
    problems.push(...base.drift.map((drift) => `drift: ${drift.resource}: ${drift.setting} is ${drift.actual}, the plan says ${drift.expected}`));
    results.push({ ...base, alarms: storeAlarms, problems: [...new Set(problems)], ok: problems.length === 0 });
  }
  return { generatedAt: deps.now().toISOString(), regions: plan.regions, evidence: evidence.source, stores: results, ok: results.every((store) => store.ok) && evidence.source.alarms.length === 0 };
}
