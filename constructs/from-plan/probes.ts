import type { BackupPlan, BucketStorePlan, DatabaseStorePlan } from '../../src/plan/types';
import type { AlarmTopics } from '../alarm';
import type { BackupAgeProbeProps, BackupAgeProbeStore } from '../backup-age-probe';
import type { ReplicationCheckBucket, ReplicationCheckProps } from '../replication-check';
import { alarmFromPlan } from './alarm';

/** Metrics the backup-age probe publishes; plan alarms on them belong to `BackupAgeProbe`. */
export const PROBE_METRICS = ['RestorableLagSeconds', 'BackupAgeSeconds'] as const;

/** What a plan does not say about the probes. */
export interface ProbePlanOptions {
  /** SNS topic ARN per region (primary and DR). */
  readonly alarmTopics: AlarmTopics;
  /** The stack's account and partition (`stackAccount(scope)`), for the databases' ARNs. */
  readonly account: { readonly accountId: string; readonly partition: string };
  /** Region the probe functions run in. @default the plan's primary region */
  readonly region?: string;
}

export interface ReplicationPlanOptions {
  /** SNS topic ARN per region (the replica regions). */
  readonly alarmTopics: AlarmTopics;
  /** Region the check function runs in. @default the plan's primary region */
  readonly region?: string;
  /** KMS keys of each bucket pair, per store id (checksums of SSE-KMS objects need kms:Decrypt). @default none */
  readonly kmsKeyArns?: Readonly<Record<string, { readonly source: string; readonly replica: string }>>;
  /** Objects compared per bucket and run. @default 100 */
  readonly sampleSize?: number;
}

/**
 * `BackupAgeProbe` props for every database of the plan, or undefined when it has none. Each plan alarm on the
 * probe's metrics is rendered as planned; one the probe's configuration would never feed (e.g. a DR backup age
 * without a DR vault) is an error rather than an alarm that is always in ALARM.
 */
export function backupAgeProbePropsFromPlan(plan: BackupPlan, options: ProbePlanOptions): BackupAgeProbeProps | undefined {
  const databases = plan.stores.filter((store): store is DatabaseStorePlan => store.kind === 'database');
  if (databases.length === 0) return undefined;
  const { primary, dr } = plan.regions;
  const problems: string[] = [];
  const stores = databases.map((store): BackupAgeProbeStore => {
    const kind = store.family === 'aurora' ? 'cluster' : 'instance';
    const identifier = store.existing?.identifier ?? store.names.primary;
    const replicatedBackups = kind === 'instance' && store.crossRegionBackupReplication !== null;
    const copiesToDr = store.awsBackup?.rules.some((rule) => rule.copyToDr) ?? false;
    // ProtectedDatabase / ProtectedAuroraCluster name the vault after the database in both regions.
    const backupVaults = store.awsBackup
      ? [{ region: primary, vaultName: store.names.primary }, ...(copiesToDr ? [{ region: dr, vaultName: store.names.primary }] : [])]
      : undefined;
    const alarms = store.alarms
      .filter((alarm) => alarm.namespace === 'Lifeboat' && (PROBE_METRICS as readonly string[]).includes(alarm.metricName))
      .map(alarmFromPlan);
    const fed = new Set([`RestorableLagSeconds/${primary}`, `BackupAgeSeconds/${primary}`]);
    if (replicatedBackups) fed.add(`RestorableLagSeconds/${dr}`);
    if (copiesToDr) fed.add(`BackupAgeSeconds/${dr}`);
    for (const alarm of alarms) {
      if (!fed.has(`${alarm.metricName}/${alarm.region}`)) {
        problems.push(`${store.id}: plan alarm ${alarm.alarmName} watches ${alarm.metricName} in ${alarm.region}, which the probe does not publish for this store`);
      }
    }
    return {
      storeId: store.id,
      kind,
      identifier,
      region: primary,
      ...(replicatedBackups || copiesToDr ? { drRegion: dr } : {}),
      ...(replicatedBackups ? { replicatedBackups: true } : {}),
      ...(backupVaults ? { backupVaults } : {}),
      resourceArn: `arn:${options.account.partition}:rds:${primary}:${options.account.accountId}:${kind === 'cluster' ? 'cluster' : 'db'}:${identifier}`,
      alarms,
    };
  });
  if (problems.length > 0) throw new Error(`backupAgeProbePropsFromPlan:\n  ${problems.join('\n  ')}`);
  return {
    region: options.region ?? primary,
    namePrefix: plan.name,
    stores,
    alarmTopics: options.alarmTopics,
    tags: Object.keys(plan.tags).length > 0 ? { ...plan.tags } : undefined,
  };
}

/**
 * `ReplicationCheck` props for every replicated bucket of the plan, or undefined when it has none. Objects younger
 * than the bucket's region RPO are not judged: until then a missing replica still meets the objective.
 */
export function replicationCheckPropsFromPlan(plan: BackupPlan, options: ReplicationPlanOptions): ReplicationCheckProps | undefined {
  const buckets = plan.stores.filter((store): store is BucketStorePlan => store.kind === 'bucket');
  if (buckets.length === 0) return undefined;
  return {
    region: options.region ?? plan.regions.primary,
    namePrefix: plan.name,
    buckets: buckets.map((store): ReplicationCheckBucket => {
      const keys = options.kmsKeyArns?.[store.id];
      return {
        storeId: store.id,
        sourceBucket: store.names.source,
        sourceRegion: plan.regions.primary,
        replicaBucket: store.names.replica,
        replicaRegion: store.replication.destinationRegion,
        sampleSize: options.sampleSize ?? 100,
        minAgeSeconds: Math.min(7 * 86_400, store.scopes.region.objective.rpo?.seconds ?? (store.replication.rtc ? 900 : 3600)),
        ...(keys ? { sourceKmsKeyArn: keys.source, replicaKmsKeyArn: keys.replica } : {}),
      };
    }),
    alarmTopics: options.alarmTopics,
    tags: Object.keys(plan.tags).length > 0 ? { ...plan.tags } : undefined,
  };
}
