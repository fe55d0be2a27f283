import { Construct } from 'constructs';
import type { BackupPlan, BucketStorePlan } from '../../src/plan/types';
import type { AlarmTopics } from '../alarm';
import { alarmFromPlan } from './alarm';
import type { EncryptionKey } from '../encryption-key';
import { ReplicatedBucket, ReplicatedBucketProps, stackBucketKey } from '../replicated-bucket';

/** What a bucket plan does not say: where alarms go and which keys encrypt the buckets. */
export interface BucketPlanOptions {
  /** SNS topic ARN per region; needs the primary region. */
  readonly alarmTopics: AlarmTopics;
  /** KMS key in the primary region. @default a key per bucket, created by ReplicatedBucket */
  readonly sourceKey?: EncryptionKey;
  /** KMS key in the DR region. @default a key per bucket, created by ReplicatedBucket */
  readonly replicaKey?: EncryptionKey;
}

/**
 * ReplicatedBucket props for one bucket store of a plan. Pure: the same plan gives the same props. Everything the
 * planner decided (names, retention, transitions, Object Lock, RTC, replica class, rule id, alarms) is taken as is,
 * so what `lifeboat plan` shows is what Terraform creates.
 */
export function replicatedBucketPropsFromPlan(
  plan: BackupPlan,
  store: BucketStorePlan,
  options: BucketPlanOptions,
): ReplicatedBucketProps {
  const rpo = store.scopes.region.objective.rpo;
  if (rpo === null) {
    throw new Error(`bucket ${store.id}: the plan has no region RPO, which sets the replication latency alarm`);
  }
  const lock = store.objectLock;
  return {
    sourceRegion: plan.regions.primary,
    replicaRegion: store.replication.destinationRegion,
    sourceBucketName: store.names.source,
    replicaBucketName: store.names.replica,
    retentionDays: store.retentionDays,
    rpoSeconds: rpo.seconds,
    replicationTimeControl: store.replication.rtc,
    replicaStorageClass: store.replication.replicaStorageClass,
    transitions: store.transitions.map((t) => ({ storageClass: t.storageClass, afterDays: t.afterDays })),
    objectLock: lock
      ? {
          mode: lock.mode,
          ...(lock.years !== null ? { years: lock.years } : { days: lock.days ?? undefined }),
        }
      : undefined,
    replicationRoleName: store.names.replicationRole,
    replicationRuleId: store.replication.ruleId,
    alarms: store.alarms.map(alarmFromPlan),
    alarmTopics: options.alarmTopics,
    sourceKey: options.sourceKey,
    replicaKey: options.replicaKey,
    tags: Object.keys(plan.tags).length > 0 ? { ...plan.tags } : undefined,
  };
}

/**
 * The ReplicatedBucket of one bucket store, with construct id = store id (stable resource addresses) and the stack's
 * shared S3 key of each region (`stackBucketKey`, alias `<plan name>-s3-<region>`).
 */
export function replicatedBucketFromPlan(
  scope: Construct,
  plan: BackupPlan,
  store: BucketStorePlan,
  options: Pick<BucketPlanOptions, 'alarmTopics'>,
): ReplicatedBucket {
  const tags = Object.keys(plan.tags).length > 0 ? { ...plan.tags } : undefined;
  const sourceKey = stackBucketKey(scope, { region: plan.regions.primary, aliasPrefix: plan.name, tags });
  const replicaKey = stackBucketKey(scope, { region: store.replication.destinationRegion, aliasPrefix: plan.name, tags });
  return new ReplicatedBucket(scope, store.id, replicatedBucketPropsFromPlan(plan, store, { ...options, sourceKey, replicaKey }));
}
