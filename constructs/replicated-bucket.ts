import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketReplicationConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-replication-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { S3_SUPPORTED_TRANSITIONS, type ReplicaStorageClass, type TransitionStorageClass } from '../src/spec/types';
import { alarmOwner, bucketReplicationAlarms } from '../src/plan/alarms';
import { AlarmTopics, ObjectiveAlarm, renderAlarms, StoreAlarm } from './alarm';
import { EncryptionKey } from './encryption-key';
import { standaloneReplicationRoleName } from '../src/aws/names';
import { MIN_BUCKET_RPO_SECONDS, RTC_MINUTES } from './private/bucket-limits';
import { replicationPolicy } from './private/bucket-policies';
import { protectedBucket } from './private/protected-bucket';
import { dependOn, ref } from './private/reference';
import { replicatedBucketProblems } from './private/replicated-bucket-validation';

export type { ReplicaStorageClass, TransitionStorageClass };

/** Object Lock retention mode, as the spec writes it (S3's API spells it in capitals; the construct converts). */
export type ObjectLockMode = 'governance' | 'compliance';

/** One lifecycle transition, applied to current objects (days since creation) and to noncurrent versions (days since they became noncurrent). */
export interface StorageTransition {
  /** Target storage class. */
  readonly storageClass: TransitionStorageClass;
  /** Days before the move; at least 30 into STANDARD_IA or ONEZONE_IA (S3 minimum). */
  readonly afterDays: number;
}

/** Default Object Lock retention applied to every new object version on both buckets; set exactly one of days, years. */
export interface ObjectLockRetention {
  /** `governance` (removable with s3:BypassGovernanceRetention) or `compliance` (nobody, not even root, can shorten it). */
  readonly mode: ObjectLockMode;
  /** Default retention in days, at most `retentionDays`. @default none (set `years`) */
  readonly days?: number;
  /** Default retention in years (365 days each for the comparison with `retentionDays`). @default none (set `days`) */
  readonly years?: number;
}

/** An alarm on the replication of this bucket: ObjectiveAlarm props without topics and tags, plus a stable id. */
export type ReplicationAlarm = StoreAlarm;

export interface ReplicatedBucketProps {
  /** Region of the source bucket (and of the alarms, which must live where the replication metrics are published). */
  readonly sourceRegion: string;
  /** Region of the replica bucket; must differ from `sourceRegion`. */
  readonly replicaRegion: string;
  /** Physical name of the source bucket (3-63 lowercase letters, digits, hyphens). */
  readonly sourceBucketName: string;
  /** Physical name of the replica bucket (3-63 lowercase letters, digits, hyphens). */
  readonly replicaBucketName: string;
  /** Days a version is kept after it stops being current (overwritten or deleted), on both buckets. */
  readonly retentionDays: number;
  /** Recovery point objective for a regional failure, in seconds; at least 900 (the 15-minute RTC design target). */
  readonly rpoSeconds: number;
  /** S3 Replication Time Control (15-minute SLA, extra cost). @default true when rpoSeconds <= 900, else false */
  readonly replicationTimeControl?: boolean;
  /** Storage class of new replicas. @default 'STANDARD' */
  readonly replicaStorageClass?: ReplicaStorageClass;
  /** Lifecycle transitions on the source bucket, in increasing `afterDays`. @default none */
  readonly transitions?: StorageTransition[];
  /**
   * Lifecycle transitions on the replica bucket, starting from `replicaStorageClass`.
   * @default `transitions` minus those into a class replicas already land in or below (e.g. STANDARD_IA for IA replicas)
   */
  readonly replicaTransitions?: StorageTransition[];
  /** Object Lock default retention, enabled at creation on both buckets (cannot be added later). @default no Object Lock */
  readonly objectLock?: ObjectLockRetention;
  /** Days after which incomplete multipart uploads are aborted (their parts are billed until then). @default 7 */
  readonly abortIncompleteMultipartUploadDays?: number;
  /** KMS key in `sourceRegion` encrypting the source bucket; share one per region across buckets. @default a new key */
  readonly sourceKey?: EncryptionKey;
  /** KMS key in `replicaRegion` encrypting the replica bucket; share one per region across buckets. @default a new key */
  readonly replicaKey?: EncryptionKey;
  /** Name of the IAM role S3 assumes to replicate (at most 64 characters). @default `${sourceBucketName}-replication` */
  readonly replicationRoleName?: string;
  /** Id of the replication rule, also the `RuleId` dimension of its metrics. @default REPLICATION_RULE_ID */
  readonly replicationRuleId?: string;
  /**
   * The replication alarms, all in `sourceRegion` (where S3 publishes replication metrics), e.g. the plan's (its
   * `MissingReplicas` alarm is left to `ReplicationCheck`).
   * @default planned here by `bucketReplicationAlarms` (src/plan/alarms): `ReplicationLatency` above `rpoSeconds`
   * and any `OperationsFailedReplication`, named `<alarmNamePrefix>-replication-latency`, ...
   */
  readonly alarms?: ReplicationAlarm[];
  /** Prefix of the alarm names when they are planned here. @default sourceBucketName */
  readonly alarmNamePrefix?: string;
  /** SNS topic ARN per region; the alarms need one for `sourceRegion`. */
  readonly alarmTopics: AlarmTopics;
  /** Tags for the buckets, role, alarms and any key created here. @default none */
  readonly tags?: Record<string, string>;
}

/** The replication rule id; it is also the `RuleId` dimension of the replication metrics. */
export const REPLICATION_RULE_ID = 'lifeboat-dr';
export { INFREQUENT_ACCESS_MIN_DAYS, MAX_OBJECT_LOCK_DAYS, MAX_OBJECT_LOCK_YEARS, MIN_BUCKET_RPO_SECONDS, RTC_MINUTES } from './private/bucket-limits';
export { stackBucketKey, type StackBucketKeyOptions } from './private/stack-key';

/** The resources of one side (source or replica) of a replicated bucket. */
export interface ProtectedBucketResources {
  /** The bucket. */
  readonly bucket: S3Bucket;
  /** Its versioning configuration (replication must wait for it). */
  readonly versioning: S3BucketVersioningA;
  /** The KMS key encrypting it. */
  readonly key: EncryptionKey;
  /** Its Object Lock configuration, when Object Lock is on. */
  readonly objectLock?: S3BucketObjectLockConfigurationA;
}

/**
 * A versioned, KMS-encrypted, private S3 bucket in one region continuously replicated to a twin in another region:
 * the "S3 cross-region replication" (and, for a 15-minute RPO, "with RTC") mechanisms of the Lifeboat planner.
 * Versions are kept for the retention, optionally under Object Lock; replication lag and failures raise alarms.
 * Construct ids below this one are fixed, so resource addresses depend only on this construct's id.
 */
export class ReplicatedBucket extends Construct {
  /** The source bucket side. */
  public readonly source: ProtectedBucketResources;
  /** The replica bucket side. */
  public readonly replica: ProtectedBucketResources;
  /** The role S3 assumes to replicate. */
  public readonly replicationRole: IamRole;
  /** The replication configuration of the source bucket. */
  public readonly replication: S3BucketReplicationConfigurationA;
  /** The replication alarms, by alarm id. */
  public readonly alarms: Readonly<Record<string, ObjectiveAlarm>>;
  /** Whether Replication Time Control is on. */
  public readonly replicationTimeControl: boolean;

  constructor(scope: Construct, id: string, props: ReplicatedBucketProps) {
    super(scope, id);
    const replicationTimeControl = props.replicationTimeControl ?? props.rpoSeconds <= MIN_BUCKET_RPO_SECONDS;
    const replicaStorageClass = props.replicaStorageClass ?? 'STANDARD';
    const transitions = props.transitions ?? [];
    const replicaTransitions = props.replicaTransitions ?? transitionsBelow(replicaStorageClass, transitions);
    const abortDays = props.abortIncompleteMultipartUploadDays ?? 7;
    const roleName = props.replicationRoleName ?? standaloneReplicationRoleName(props.sourceBucketName);
    const ruleId = props.replicationRuleId ?? REPLICATION_RULE_ID;
    // A store's planned alarms include the replica check's, which ReplicationCheck renders.
    const alarms =
      props.alarms?.filter((alarm) => alarmOwner(alarm) !== 'replication-check') ??
      bucketReplicationAlarms({
        prefix: props.alarmNamePrefix ?? props.sourceBucketName,
        sourceRegion: props.sourceRegion,
        sourceBucket: props.sourceBucketName,
        replicaBucket: props.replicaBucketName,
        replicaRegion: props.replicaRegion,
        ruleId,
        rpoSeconds: props.rpoSeconds,
      });

    const problems = replicatedBucketProblems(props, {
      replicationTimeControl,
      replicaStorageClass,
      transitions,
      replicaTransitions,
      abortDays,
      roleName,
      ruleId,
      alarms,
    });
    if (problems.length > 0) {
      throw new Error(`ReplicatedBucket ${this.node.path}:\n  ${problems.join('\n  ')}`);
    }
    this.replicationTimeControl = replicationTimeControl;

    const sourceKey =
      props.sourceKey ??
      new EncryptionKey(this, 'source-key', {
        region: props.sourceRegion,
        alias: props.sourceBucketName,
        description: `S3 objects of ${props.sourceBucketName}`,
        tags: props.tags,
      });
    const replicaKey =
      props.replicaKey ??
      new EncryptionKey(this, 'replica-key', {
        region: props.replicaRegion,
        alias: props.replicaBucketName,
        description: `S3 replicas in ${props.replicaBucketName}`,
        tags: props.tags,
      });

    const common = { retentionDays: props.retentionDays, abortDays, objectLock: props.objectLock, tags: props.tags };
    this.source = protectedBucket(new Construct(this, 'source'), {
      ...common,
      region: props.sourceRegion,
      name: props.sourceBucketName,
      key: sourceKey,
      transitions,
    });
    this.replica = protectedBucket(new Construct(this, 'replica'), {
      ...common,
      region: props.replicaRegion,
      name: props.replicaBucketName,
      key: replicaKey,
      transitions: replicaTransitions,
    });

    const sourceArn = ref(this.source.bucket, 'arn');
    const replicaArn = ref(this.replica.bucket, 'arn');
    const replication = new Construct(this, 'replication');
    this.replicationRole = new IamRole(replication, 'role', {
      name: roleName,
      description: `S3 replication of ${props.sourceBucketName} to ${props.replicaBucketName}`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
      tags: props.tags,
    });
    const rolePolicy = new IamRolePolicy(replication, 'policy', {
      name: 'replicate',
      role: ref(this.replicationRole, 'name'),
      policy: JSON.stringify(
        replicationPolicy({
          sourceArn,
          replicaArn,
          sourceKeyArn: sourceKey.keyArn,
          replicaKeyArn: replicaKey.keyArn,
          sourceRegion: props.sourceRegion,
          replicaRegion: props.replicaRegion,
          objectLock: props.objectLock !== undefined,
        }),
      ),
    });

    const roleArn = ref(this.replicationRole, 'arn');
    this.replication = new S3BucketReplicationConfigurationA(replication, 'configuration', {
      region: props.sourceRegion,
      bucket: ref(this.source.bucket, 'id'),
      role: roleArn,
      rule: [
        {
          id: ruleId,
          status: 'Enabled',
          // An empty filter selects every object and makes this a V2 rule, the only kind that replicates delete markers.
          filter: {},
          deleteMarkerReplication: { status: 'Enabled' },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: 'Enabled' } },
          destination: {
            bucket: replicaArn,
            storageClass: replicaStorageClass,
            encryptionConfiguration: { replicaKmsKeyId: replicaKey.keyArn },
            // S3 refuses an event threshold unless RTC is on ("Metrics cannot contain an event threshold when
            // ReplicationTime is not specified or Disabled"), and requires exactly 15 minutes when it is.
            metrics: replicationTimeControl
              ? { status: 'Enabled', eventThreshold: { minutes: RTC_MINUTES } }
              : { status: 'Enabled' },
            ...(replicationTimeControl ? { replicationTime: { status: 'Enabled', time: { minutes: RTC_MINUTES } } } : {}),
          },
        },
      ],
    });
    // PutBucketReplication fails with "destination bucket must have versioning enabled" when it races the replica's
    // versioning; the role's permissions must exist before the first object is replicated.
    dependOn(this.replication, [this.source.versioning, this.replica.versioning, rolePolicy]);

    this.alarms = renderAlarms(this, alarms, { topics: props.alarmTopics, tags: props.tags });

    const output = (suffix: string, value: string, description: string) =>
      new TerraformOutput(this, `${id}-${suffix}`, { value, description, staticId: true });
    output('source-bucket-name', ref(this.source.bucket, 'bucket'), `Source bucket of ${id} (${props.sourceRegion})`);
    output('source-bucket-arn', sourceArn, `Source bucket ARN of ${id}`);
    output('replica-bucket-name', ref(this.replica.bucket, 'bucket'), `Replica bucket of ${id} (${props.replicaRegion})`);
    output('replica-bucket-arn', replicaArn, `Replica bucket ARN of ${id}`);
    output('source-key-arn', sourceKey.keyArn, `KMS key encrypting the source bucket of ${id}`);
    output('replica-key-arn', replicaKey.keyArn, `KMS key encrypting the replica bucket of ${id}`);
    output('replication-role-arn', roleArn, `Role S3 assumes to replicate ${id}`);
  }
}

/**
 * The transitions that still make sense for objects that start in `initialClass`: moves into that class or a class
 * S3 cannot reach from it are dropped (replicas written as STANDARD_IA need no STANDARD_IA transition).
 */
export function transitionsBelow(initialClass: string, transitions: StorageTransition[]): StorageTransition[] {
  const kept: StorageTransition[] = [];
  let current = initialClass;
  for (const transition of transitions) {
    if ((S3_SUPPORTED_TRANSITIONS[current] ?? []).includes(transition.storageClass)) {
      kept.push(transition);
      current = transition.storageClass;
    }
  }
  return kept;
}

