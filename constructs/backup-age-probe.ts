import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { parseProbeConfig, PROBE_CONFIG_VARIABLE, ProbeConfig, ProbeStoreConfig } from '../lambda/backup-age-probe/config';
import { PROBE_EVIDENCE_PREFIX } from '../lambda/backup-age-probe/evidence';
import { evidenceWriterStatements } from '../lambda/shared/evidence-iam';
import type { EvidenceDestination } from './verification-restore';
import { stackAccount } from './account';
import { alarmNamePrefix, DEFAULT_PROBE_BREACHING_RUNS, DEFAULT_PROBE_INTERVAL_MINUTES, probeAlarms } from '../src/plan/alarms';
import { AlarmTopics, ObjectiveAlarm, renderStoreAlarms, StoreAlarm } from './alarm';
import { BundledFunction, IamStatement } from './lambda-bundle';
import { probeNames } from '../src/aws/names';

/** An alarm of one store, as the plan describes it (`AlarmPlan` fits): `ObjectiveAlarm` props and a stable id. */
export type StoreAlarmSpec = StoreAlarm;

/** One protected database and the bounds its backups must stay under. */
export interface BackupAgeProbeStore extends ProbeStoreConfig {
  /**
   * Bound on `now - LatestRestorableTime` in the primary region (seconds), usually the RPO point-in-time recovery
   * serves; the alarm adds one 5-minute log-upload interval of tolerance (src/plan/alarms/probes.ts). @default no alarm
   */
  readonly restorableLagThresholdSeconds?: number;
  /** Alarm when the newest snapshot or recovery point in the primary region is older than this (seconds). @default no alarm */
  readonly backupAgeThresholdSeconds?: number;
  /** Bound on the restorable lag of the replicated backups in the DR region (seconds). @default restorableLagThresholdSeconds */
  readonly drRestorableLagThresholdSeconds?: number;
  /** Backup age threshold of the copies in the DR region's vaults (seconds). @default backupAgeThresholdSeconds */
  readonly drBackupAgeThresholdSeconds?: number;
  /** Alarms to create instead of planning them from the bounds (e.g. the plan's). @default planned by `probeAlarms` */
  readonly alarms?: readonly StoreAlarmSpec[];
}

export interface BackupAgeProbeProps {
  /** Region the probe function runs in (it reads and publishes in every store region and DR region). */
  readonly region: string;
  /** Prefix of every name (function `<prefix>-backup-age-probe`, alarms `<prefix>-<store>-<id>`), usually the stack name. */
  readonly namePrefix: string;
  /** The databases to probe. */
  readonly stores: readonly BackupAgeProbeStore[];
  /** SNS topic per region; every region a store or its DR copy lives in needs one. */
  readonly alarmTopics: AlarmTopics;
  /** CloudWatch namespace of the metrics. @default 'Lifeboat' */
  readonly namespace?: string;
  /** Evidence bucket for a daily summary record per store (the role may create objects under `backup-age/` only). @default no records */
  readonly evidence?: EvidenceDestination;
  /** Minutes between runs, 1-60; also the alarms' period. @default 5 */
  readonly intervalMinutes?: number;
  /** Runs among the last `evaluationRuns + 1` that must breach (or be missing) before an alarm fires. @default 2 */
  readonly evaluationRuns?: number;
  /** Days the function's logs are kept. @default 365 */
  readonly logRetentionDays?: number;
  /** Tags for every resource. @default none */
  readonly tags?: Record<string, string>;
}

/**
 * The alarms of a store planned from its bounds (`probeAlarms`, src/plan/alarms): for each metric the handler
 * publishes (primary region always; DR restorable lag with replicated backups; DR backup age with a DR vault) and
 * that has a bound, an alarm in the metric's region. Missing data is breaching: a probe that cannot read the store,
 * or stops running, alarms.
 */
export function defaultProbeAlarms(
  store: BackupAgeProbeStore,
  namePrefix: string,
  namespace: string,
  intervalMinutes: number,
  evaluationRuns: number,
): StoreAlarmSpec[] {
  const bound = (seconds: number | undefined, reason: string) => (seconds === undefined ? null : { seconds, reason });
  const drVault = store.drRegion !== undefined && (store.backupVaults ?? []).some((vault) => vault.region === store.drRegion);
  return probeAlarms({
    prefix: alarmNamePrefix(namePrefix, store.storeId),
    storeId: store.storeId,
    region: store.region,
    drRegion: store.drRegion ?? null,
    restorableLag: bound(store.restorableLagThresholdSeconds, 'restorableLagThresholdSeconds'),
    backupAge: bound(store.backupAgeThresholdSeconds, 'backupAgeThresholdSeconds'),
    drRestorableLag: store.replicatedBackups
      ? bound(store.drRestorableLagThresholdSeconds ?? store.restorableLagThresholdSeconds, 'drRestorableLagThresholdSeconds')
      : null,
    drBackupAge: drVault ? bound(store.drBackupAgeThresholdSeconds ?? store.backupAgeThresholdSeconds, 'drBackupAgeThresholdSeconds') : null,
    intervalMinutes,
    breachingRuns: evaluationRuns,
    namespace,
  });
}

/**
 * The backup-age probe: a Lambda that every few minutes publishes, per protected database and region,
 * `RestorableLagSeconds` (now - latest restorable time) and `BackupAgeSeconds` (newest snapshot or recovery point),
 * and alarms on both. Missing data is breaching: a probe that cannot read a store, or stops running, alarms.
 */
export class BackupAgeProbe extends Construct {
  /** The probe function. */
  public readonly function: BundledFunction;
  /** Alarms by `<storeId>/<alarm id>`. */
  public readonly alarms: Record<string, ObjectiveAlarm> = {};

  constructor(scope: Construct, id: string, props: BackupAgeProbeProps) {
    super(scope, id);
    const interval = props.intervalMinutes ?? DEFAULT_PROBE_INTERVAL_MINUTES;
    const evaluationRuns = props.evaluationRuns ?? DEFAULT_PROBE_BREACHING_RUNS;
    const namespace = props.namespace ?? 'Lifeboat';
    const problems: string[] = [];
    if (!Number.isInteger(interval) || interval < 1 || interval > 60) {
      problems.push(`intervalMinutes: must be a whole number from 1 to 60, got ${interval}`);
    }
    if (!Number.isInteger(evaluationRuns) || evaluationRuns < 1 || (evaluationRuns + 1) * interval * 60 > 86_400) {
      problems.push(`evaluationRuns: must be a whole number >= 1 with (evaluationRuns + 1) x intervalMinutes <= 1 day (CloudWatch limit), got ${evaluationRuns}`);
    }
    if (props.stores.length === 0) problems.push('stores: needs at least one store');
    props.stores.forEach((store, index) => {
      for (const field of ['restorableLagThresholdSeconds', 'backupAgeThresholdSeconds', 'drRestorableLagThresholdSeconds', 'drBackupAgeThresholdSeconds'] as const) {
        const value = store[field];
        if (value !== undefined && (!Number.isFinite(value) || value <= 0)) {
          problems.push(`stores[${index}].${field}: must be a positive number of seconds, got ${value}`);
        }
      }
      for (const alarm of store.alarms ?? defaultProbeAlarms(store, props.namePrefix, namespace, interval, evaluationRuns)) {
        if (!props.alarmTopics[alarm.region]) {
          problems.push(`alarmTopics: no SNS topic for region ${alarm.region} (store ${store.storeId}); alarms notify a topic in their own region`);
        }
      }
    });
    const config: ProbeConfig = {
      namespace,
      ...(props.evidence ? { evidence: { bucket: props.evidence.bucketName, region: props.evidence.region } } : {}),
      stores: props.stores.map((store) => ({
        storeId: store.storeId,
        kind: store.kind,
        identifier: store.identifier,
        region: store.region,
        ...(store.drRegion ? { drRegion: store.drRegion } : {}),
        ...(store.replicatedBackups ? { replicatedBackups: true } : {}),
        ...(store.backupVaults?.length ? { backupVaults: store.backupVaults.map((vault) => ({ region: vault.region, vaultName: vault.vaultName })) } : {}),
        resourceArn: store.resourceArn,
      })),
    };
    // Validate with the handler's own parser now rather than at the first run; Terraform references (e.g. the
    // database's ARN) are only known at apply time, so they are checked as stand-in values of the right form.
    const standIns: ProbeConfig = {
      namespace,
      stores: config.stores.map((store) => ({
        ...store,
        identifier: Token.isUnresolved(store.identifier) ? 'unresolved' : store.identifier,
        resourceArn: Token.isUnresolved(store.resourceArn) ? `arn:aws:rds:${store.region}:000000000000:db:unresolved` : store.resourceArn,
      })),
    };
    try {
      parseProbeConfig(JSON.stringify(standIns));
    } catch (error) {
      problems.push(...(error as Error).message.split('\n').slice(1).map((line) => `handler configuration: ${line.trim()}`));
    }
    if (problems.length > 0) throw new Error(`BackupAgeProbe ${props.namePrefix}:\n  ${[...new Set(problems)].join('\n  ')}`);

    const names = probeNames(props.namePrefix, props.region);
    this.function = new BundledFunction(this, 'probe', {
      region: props.region,
      functionName: names.functionName,
      description: 'Lifeboat: publishes restorable lag and backup age of every protected database',
      handler: 'backup-age-probe',
      policyStatements: [
        ...probePolicyStatements(stackAccount(this), props.stores, namespace),
        ...(props.evidence
          ? evidenceWriterStatements({
              partition: stackAccount(this).partition,
              bucket: props.evidence.bucketName,
              region: props.evidence.region,
              kmsKeyArn: props.evidence.kmsKeyArn,
              prefixes: [PROBE_EVIDENCE_PREFIX],
            })
          : []),
      ],
      environment: { [PROBE_CONFIG_VARIABLE]: JSON.stringify(config) },
      memorySize: 256,
      // Well under the interval, so runs never overlap.
      timeoutSeconds: Math.min(120, interval * 60 - 10),
      logRetentionDays: props.logRetentionDays,
      tags: props.tags,
    });
    this.function.addTrigger('schedule', {
      ruleName: names.ruleName,
      description: `Runs the backup-age probe every ${interval} minute(s)`,
      scheduleExpression: interval === 1 ? 'rate(1 minute)' : `rate(${interval} minutes)`,
    });

    for (const store of props.stores) {
      const alarms = store.alarms ?? defaultProbeAlarms(store, props.namePrefix, namespace, interval, evaluationRuns);
      Object.assign(this.alarms, renderStoreAlarms(this, store.storeId, alarms, { topics: props.alarmTopics, tags: props.tags }));
    }
  }
}

/** Read-only permissions for exactly the calls the probe makes, in the regions and vaults it reads. */
export function probePolicyStatements(
  account: { accountId: string; partition: string },
  stores: readonly ProbeStoreConfig[],
  namespace: string,
): IamStatement[] {
  const { accountId, partition } = account;
  const rds = (region: string, type: string, name: string) => `arn:${partition}:rds:${region}:${accountId}:${type}:${name}`;
  const sorted = (values: string[]) => [...new Set(values)].sort();
  const instanceStores = stores.filter((store) => store.kind === 'instance');
  const clusterStores = stores.filter((store) => store.kind === 'cluster');
  const statements: IamStatement[] = [];
  if (instanceStores.length > 0) {
    statements.push({
      Sid: 'DescribeProtectedInstancesAndSnapshots',
      Effect: 'Allow',
      Action: ['rds:DescribeDBInstances', 'rds:DescribeDBSnapshots'],
      Resource: sorted(instanceStores.flatMap((store) => [rds(store.region, 'db', store.identifier), rds(store.region, 'snapshot', '*')])),
    });
  }
  if (clusterStores.length > 0) {
    statements.push({
      Sid: 'DescribeProtectedClustersAndSnapshots',
      Effect: 'Allow',
      Action: ['rds:DescribeDBClusters', 'rds:DescribeDBClusterSnapshots'],
      Resource: sorted(
        clusterStores.flatMap((store) => [rds(store.region, 'cluster', store.identifier), rds(store.region, 'cluster-snapshot', '*')]),
      ),
    });
  }
  const replicated = instanceStores.filter((store) => store.replicatedBackups && store.drRegion);
  if (replicated.length > 0) {
    statements.push({
      Sid: 'DescribeReplicatedAutomatedBackups',
      Effect: 'Allow',
      Action: ['rds:DescribeDBInstanceAutomatedBackups'],
      Resource: sorted(replicated.flatMap((store) => [rds(store.drRegion!, 'auto-backup', '*'), rds(store.drRegion!, 'db', store.identifier)])),
    });
  }
  const vaults = stores.flatMap((store) => store.backupVaults ?? []);
  if (vaults.length > 0) {
    statements.push({
      Sid: 'ListRecoveryPointsInProtectingVaults',
      Effect: 'Allow',
      Action: ['backup:ListRecoveryPointsByBackupVault'],
      Resource: sorted(vaults.map((vault) => `arn:${partition}:backup:${vault.region}:${accountId}:backup-vault:${vault.vaultName}`)),
    });
  }
  statements.push({
    Sid: 'PublishProbeMetrics',
    Effect: 'Allow',
    Action: ['cloudwatch:PutMetricData'],
    Resource: ['*'],
    Condition: { StringEquals: { 'cloudwatch:namespace': namespace } },
  });
  return statements;
}
