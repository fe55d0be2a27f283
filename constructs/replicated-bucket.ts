import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketReplicationConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-replication-configuration';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { TerraformOutput, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import {
  REPLICA_STORAGE_CLASSES,
  S3_SUPPORTED_TRANSITIONS,
  TRANSITION_STORAGE_CLASSES,
  type ReplicaStorageClass,
  type TransitionStorageClass,
} from '../src/spec/types';
import { alarmOwner, bucketReplicationAlarms } from '../src/plan/alarms';
import { AlarmTopics, ObjectiveAlarm, renderAlarms, StoreAlarm } from './alarm';
import { EncryptionKey } from './encryption-key';

export type { ReplicaStorageClass, TransitionStorageClass };

/** Object Lock retention mode. */
export type ObjectLockMode = 'GOVERNANCE' | 'COMPLIANCE';

/** One lifecycle transition, applied to current objects (days since creation) and to noncurrent versions (days since they became noncurrent). */
export interface StorageTransition {
  /** Target storage class. */
  readonly storageClass: TransitionStorageClass;
  /** Days before the move; at least 30 into STANDARD_IA or ONEZONE_IA (S3 minimum). */
  readonly afterDays: number;
}

/** Default Object Lock retention applied to every new object version on both buckets; set exactly one of days, years. */
export interface ObjectLockRetention {
  /** GOVERNANCE (removable with s3:BypassGovernanceRetention) or COMPLIANCE (nobody, not even root, can shorten it). */
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
/** S3 Replication Time Control's only supported time and the event threshold it requires, in minutes. */
export const RTC_MINUTES = 15;
/** Lowest RPO any S3 replication mechanism is designed for (RTC's 15 minutes), in seconds. */
export const MIN_BUCKET_RPO_SECONDS = RTC_MINUTES * 60;
/** Longest Object Lock retention S3 accepts (100 years), in days. */
export const MAX_OBJECT_LOCK_DAYS = 36_500;
/** Longest Object Lock retention S3 accepts, in years. */
export const MAX_OBJECT_LOCK_YEARS = 100;
/** S3 keeps objects at least this long before moving them to STANDARD_IA or ONEZONE_IA, and before moving on from them. */
export const INFREQUENT_ACCESS_MIN_DAYS = 30;

const IAM_ROLE_NAME_MAX = 64;
const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const RESERVED_BUCKET_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_BUCKET_SUFFIXES = ['-s3alias', '--ol-s3', '--x-s3'];
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const INFREQUENT_ACCESS: ReadonlySet<string> = new Set(['STANDARD_IA', 'ONEZONE_IA']);
/** Replication metrics S3 publishes per rule, with the SourceBucket, DestinationBucket and RuleId dimensions. */
const REPLICATION_METRICS: ReadonlySet<string> = new Set([
  'ReplicationLatency',
  'BytesPendingReplication',
  'OperationsPendingReplication',
  'OperationsFailedReplication',
]);
const ALARM_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

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
    const roleName = props.replicationRoleName ?? `${props.sourceBucketName}-replication`;
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

    const problems = validate(props, {
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
      role: this.replicationRole.name,
      policy: JSON.stringify(
        replicationPolicy({
          sourceArn: this.source.bucket.arn,
          replicaArn: this.replica.bucket.arn,
          sourceKeyArn: sourceKey.keyArn,
          replicaKeyArn: replicaKey.keyArn,
          sourceRegion: props.sourceRegion,
          replicaRegion: props.replicaRegion,
          objectLock: props.objectLock !== undefined,
        }),
      ),
    });

    this.replication = new S3BucketReplicationConfigurationA(replication, 'configuration', {
      region: props.sourceRegion,
      bucket: this.source.bucket.id,
      role: this.replicationRole.arn,
      rule: [
        {
          id: ruleId,
          status: 'Enabled',
          // An empty filter selects every object and makes this a V2 rule, the only kind that replicates delete markers.
          filter: {},
          deleteMarkerReplication: { status: 'Enabled' },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: 'Enabled' } },
          destination: {
            bucket: this.replica.bucket.arn,
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
      // PutBucketReplication fails with "destination bucket must have versioning enabled" when it races the replica's
      // versioning; the role's permissions must exist before the first object is replicated.
      dependsOn: [this.source.versioning, this.replica.versioning, rolePolicy],
    });

    this.alarms = renderAlarms(this, alarms, { topics: props.alarmTopics, tags: props.tags });

    const output = (suffix: string, value: string, description: string) =>
      new TerraformOutput(this, `${id}-${suffix}`, { value, description, staticId: true });
    output('source-bucket-name', this.source.bucket.bucket, `Source bucket of ${id} (${props.sourceRegion})`);
    output('source-bucket-arn', this.source.bucket.arn, `Source bucket ARN of ${id}`);
    output('replica-bucket-name', this.replica.bucket.bucket, `Replica bucket of ${id} (${props.replicaRegion})`);
    output('replica-bucket-arn', this.replica.bucket.arn, `Replica bucket ARN of ${id}`);
    output('source-key-arn', sourceKey.keyArn, `KMS key encrypting the source bucket of ${id}`);
    output('replica-key-arn', replicaKey.keyArn, `KMS key encrypting the replica bucket of ${id}`);
    output('replication-role-arn', this.replicationRole.arn, `Role S3 assumes to replicate ${id}`);
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

/** Options of {@link stackBucketKey}. */
export interface StackBucketKeyOptions {
  /** Region of the key. */
  readonly region: string;
  /** Alias prefix, usually the stack name; the alias is `${aliasPrefix}-s3-${region}`. */
  readonly aliasPrefix: string;
  /** Tags for the key. @default none */
  readonly tags?: Record<string, string>;
}

/**
 * The stack's single S3 KMS key in a region, created on first use and shared by every ReplicatedBucket of the stack
 * (fewer keys to pay for and audit). Its construct id depends only on the region, so adding or removing buckets never
 * replaces it.
 */
export function stackBucketKey(scope: Construct, options: StackBucketKeyOptions): EncryptionKey {
  const stack = TerraformStack.of(scope);
  const id = `s3-key-${options.region}`;
  const existing = stack.node.tryFindChild(id);
  if (existing instanceof EncryptionKey) return existing;
  return new EncryptionKey(stack, id, {
    region: options.region,
    alias: `${options.aliasPrefix}-s3-${options.region}`,
    description: `S3 buckets of ${options.aliasPrefix} in ${options.region}`,
    tags: options.tags,
  });
}

interface ProtectedBucketOptions {
  readonly region: string;
  readonly name: string;
  readonly key: EncryptionKey;
  readonly retentionDays: number;
  readonly transitions: StorageTransition[];
  readonly abortDays: number;
  readonly objectLock?: ObjectLockRetention;
  readonly tags?: Record<string, string>;
}

/** One bucket with every protection Lifeboat requires; both sides of a ReplicatedBucket are built here. */
function protectedBucket(scope: Construct, options: ProtectedBucketOptions): ProtectedBucketResources {
  const { region } = options;
  const bucket = new S3Bucket(scope, 'bucket', {
    region,
    bucket: options.name,
    // Object Lock can only be switched on when the bucket is created, and replicating locked objects needs it on
    // both sides.
    objectLockEnabled: options.objectLock !== undefined,
    forceDestroy: false,
    tags: options.tags,
    lifecycle: { preventDestroy: true },
  });
  const versioning = new S3BucketVersioningA(scope, 'versioning', {
    region,
    bucket: bucket.id,
    versioningConfiguration: { status: 'Enabled' },
  });
  new S3BucketServerSideEncryptionConfigurationA(scope, 'encryption', {
    region,
    bucket: bucket.id,
    rule: [
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: options.key.keyArn },
        bucketKeyEnabled: true,
        // SSE-C objects are encrypted with keys S3 never keeps: nobody but the writer could ever read the replica.
        blockedEncryptionTypes: ['SSE-C'],
      },
    ],
  });
  const publicAccessBlock = new S3BucketPublicAccessBlock(scope, 'public-access-block', {
    region,
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketOwnershipControls(scope, 'ownership', {
    region,
    bucket: bucket.id,
    rule: { objectOwnership: 'BucketOwnerEnforced' },
  });
  new S3BucketPolicy(scope, 'policy', {
    region,
    bucket: bucket.id,
    policy: JSON.stringify(bucketPolicy(bucket.arn, options.key.keyArn)),
    // S3 rejects concurrent public-access-block and policy updates on one bucket ("conflicting conditional operation").
    dependsOn: [publicAccessBlock],
  });
  new S3BucketLifecycleConfiguration(scope, 'lifecycle', {
    region,
    bucket: bucket.id,
    rule: [
      {
        id: 'retention',
        status: 'Enabled',
        // AWS provider 6 requires a filter (or prefix) on every rule; the empty one selects every object.
        filter: [{}],
        noncurrentVersionExpiration: [{ noncurrentDays: options.retentionDays }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: options.abortDays }],
        expiration: [{ expiredObjectDeleteMarker: true }],
        ...(options.transitions.length > 0
          ? {
              transition: options.transitions.map((t) => ({ days: t.afterDays, storageClass: t.storageClass })),
              noncurrentVersionTransition: options.transitions.map((t) => ({
                noncurrentDays: t.afterDays,
                storageClass: t.storageClass,
              })),
            }
          : {}),
      },
    ],
    // Rules on noncurrent versions are rejected or ignored until versioning is on.
    dependsOn: [versioning],
  });
  const objectLock = options.objectLock
    ? new S3BucketObjectLockConfigurationA(scope, 'object-lock', {
        region,
        bucket: bucket.id,
        rule: {
          defaultRetention: {
            mode: options.objectLock.mode,
            ...(options.objectLock.years !== undefined ? { years: options.objectLock.years } : { days: options.objectLock.days }),
          },
        },
      })
    : undefined;
  return { bucket, versioning, key: options.key, objectLock };
}

/** Bucket policy: TLS only, and no object written under another encryption than this bucket's key. */
function bucketPolicy(bucketArn: string, keyArn: string): Record<string, unknown> {
  const objects = `${bucketArn}/*`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [bucketArn, objects],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      // Writes that name nothing get the default (this key). Writes asking for SSE-S3 or another KMS key are refused:
      // the replication role can decrypt only this key, so such objects would silently never reach the DR region.
      // Replication itself uses s3:ReplicateObject, which these statements do not cover.
      {
        Sid: 'DenyOtherEncryption',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: objects,
        Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': ['aws:kms', 'aws:kms:dsse'] } },
      },
      {
        Sid: 'DenyOtherKmsKeys',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: objects,
        Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': keyArn } },
      },
    ],
  };
}

interface ReplicationPolicyInput {
  readonly sourceArn: string;
  readonly replicaArn: string;
  readonly sourceKeyArn: string;
  readonly replicaKeyArn: string;
  readonly sourceRegion: string;
  readonly replicaRegion: string;
  readonly objectLock: boolean;
}

/**
 * Exactly what S3 replication needs (S3 User Guide, "Setting up permissions for live replication", "Replicating
 * encrypted objects", "Using Object Lock with S3 Replication"), scoped to these two buckets and keys.
 */
function replicationPolicy(input: ReplicationPolicyInput): Record<string, unknown> {
  const sourceReads = ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'];
  if (input.objectLock) sourceReads.push('s3:GetObjectRetention', 's3:GetObjectLegalHold');
  // With S3 Bucket Keys the KMS encryption context is the BUCKET ARN, not the object ARN; objects written with the
  // bucket key explicitly disabled carry the object ARN. Both stay inside this one bucket.
  const context = (bucketArn: string) => ({ 'kms:EncryptionContext:aws:s3:arn': [bucketArn, `${bucketArn}/*`] });
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadSourceReplicationConfiguration',
        Effect: 'Allow',
        Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
        Resource: input.sourceArn,
      },
      { Sid: 'ReadSourceVersions', Effect: 'Allow', Action: sourceReads, Resource: `${input.sourceArn}/*` },
      {
        Sid: 'WriteReplicas',
        Effect: 'Allow',
        Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
        Resource: `${input.replicaArn}/*`,
      },
      {
        Sid: 'DecryptSourceObjects',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: input.sourceKeyArn,
        Condition: {
          StringEquals: { 'kms:ViaService': s3ServiceHost(input.sourceRegion) },
          StringLike: context(input.sourceArn),
        },
      },
      {
        // kms:Decrypt on the replica key: S3 verifies the integrity of a bucket key with Decrypt before reusing it.
        Sid: 'EncryptReplicas',
        Effect: 'Allow',
        Action: ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: input.replicaKeyArn,
        Condition: {
          StringEquals: { 'kms:ViaService': s3ServiceHost(input.replicaRegion) },
          StringLike: context(input.replicaArn),
        },
      },
    ],
  };
}

function s3ServiceHost(region: string): string {
  return region.startsWith('cn-') ? `s3.${region}.amazonaws.com.cn` : `s3.${region}.amazonaws.com`;
}

interface ResolvedDefaults {
  readonly replicationTimeControl: boolean;
  readonly replicaStorageClass: string;
  readonly transitions: StorageTransition[];
  readonly replicaTransitions: StorageTransition[];
  readonly abortDays: number;
  readonly roleName: string;
  readonly ruleId: string;
  readonly alarms: ReplicationAlarm[];
}

function validate(props: ReplicatedBucketProps, resolved: ResolvedDefaults): string[] {
  const problems: string[] = [];
  const literal = (value: unknown) => !Token.isUnresolved(value);
  const isWholeNumber = (value: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
    Number.isInteger(value) && value >= min && value <= max;

  for (const prop of ['sourceRegion', 'replicaRegion'] as const) {
    if (literal(props[prop]) && !REGION.test(props[prop])) {
      problems.push(`${prop}: must be an AWS region code such as eu-west-1, got '${props[prop]}'`);
    }
  }
  if (props.sourceRegion === props.replicaRegion) {
    problems.push(`replicaRegion: must differ from sourceRegion (${props.sourceRegion}); a same-region copy survives no regional failure`);
  }
  for (const prop of ['sourceBucketName', 'replicaBucketName'] as const) {
    const problem = literal(props[prop]) ? bucketNameProblem(props[prop]) : undefined;
    if (problem) problems.push(`${prop}: ${problem}, got '${props[prop]}'`);
  }
  if (props.sourceBucketName === props.replicaBucketName) {
    problems.push(`replicaBucketName: must differ from sourceBucketName (bucket names are global)`);
  }
  if (!isWholeNumber(props.retentionDays, 1)) {
    problems.push(`retentionDays: must be a whole number of days, at least 1, got ${props.retentionDays}`);
  }
  if (!Number.isFinite(props.rpoSeconds) || props.rpoSeconds < MIN_BUCKET_RPO_SECONDS) {
    problems.push(
      `rpoSeconds: must be at least ${MIN_BUCKET_RPO_SECONDS} (S3 Replication Time Control's 15-minute design target; no S3 mechanism promises less), got ${props.rpoSeconds}`,
    );
  } else if (props.rpoSeconds <= MIN_BUCKET_RPO_SECONDS && !resolved.replicationTimeControl) {
    problems.push(
      `replicationTimeControl: an RPO of ${props.rpoSeconds} s needs Replication Time Control; plain replication has no time bound`,
    );
  }
  if (!REPLICA_STORAGE_CLASSES.includes(resolved.replicaStorageClass as ReplicaStorageClass)) {
    problems.push(`replicaStorageClass: must be one of ${REPLICA_STORAGE_CLASSES.join(', ')}, got '${resolved.replicaStorageClass}'`);
  }
  if (!/^[\x20-\x7e]{1,255}$/.test(resolved.ruleId)) {
    problems.push(`replicationRuleId: must be 1-255 printable ASCII characters (S3 limit), got '${resolved.ruleId}'`);
  }
  problems.push(...alarmProblems(props, resolved));
  if (!isWholeNumber(resolved.abortDays, 1)) {
    problems.push(`abortIncompleteMultipartUploadDays: must be a whole number of days, at least 1, got ${resolved.abortDays}`);
  }
  if (literal(resolved.roleName) && resolved.roleName.length > IAM_ROLE_NAME_MAX) {
    problems.push(
      `replicationRoleName: IAM role names are at most ${IAM_ROLE_NAME_MAX} characters, got ${resolved.roleName.length} ('${resolved.roleName}'); pass a shorter replicationRoleName`,
    );
  }
  problems.push(...transitionProblems('transitions', 'STANDARD', resolved.transitions, props.retentionDays));
  problems.push(
    ...transitionProblems('replicaTransitions', resolved.replicaStorageClass, resolved.replicaTransitions, props.retentionDays),
  );
  if (props.objectLock) {
    const { mode, days, years } = props.objectLock;
    if (mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE') {
      problems.push(`objectLock.mode: must be GOVERNANCE or COMPLIANCE, got '${mode}'`);
    }
    let lockDays: number | undefined;
    if ((days === undefined) === (years === undefined)) {
      problems.push(`objectLock: Object Lock needs a default retention: set exactly one of days or years`);
    } else if (days !== undefined && !isWholeNumber(days, 1, MAX_OBJECT_LOCK_DAYS)) {
      problems.push(`objectLock.days: must be a whole number from 1 to ${MAX_OBJECT_LOCK_DAYS} (S3 limit), got ${days}`);
    } else if (years !== undefined && !isWholeNumber(years, 1, MAX_OBJECT_LOCK_YEARS)) {
      problems.push(`objectLock.years: must be a whole number from 1 to ${MAX_OBJECT_LOCK_YEARS} (S3 limit), got ${years}`);
    } else {
      lockDays = days ?? (years as number) * 365;
    }
    if (lockDays !== undefined && lockDays > props.retentionDays) {
      problems.push(
        `objectLock.${days !== undefined ? 'days' : 'years'}: the lock (${lockDays} days) must not outlast retentionDays (${props.retentionDays}); locked versions could not be expired`,
      );
    }
  }
  if (props.sourceKey && props.sourceKey.region !== props.sourceRegion) {
    problems.push(`sourceKey: must be in sourceRegion ${props.sourceRegion} (S3 uses keys of its own region), got ${props.sourceKey.region}`);
  }
  if (props.replicaKey && props.replicaKey.region !== props.replicaRegion) {
    problems.push(`replicaKey: must be in replicaRegion ${props.replicaRegion} (S3 uses keys of its own region), got ${props.replicaKey.region}`);
  }
  if (!props.alarmTopics[props.sourceRegion]) {
    problems.push(
      `alarmTopics: no SNS topic for ${props.sourceRegion}; replication alarms live in the source region and can only notify a topic there`,
    );
  }
  return problems;
}

/** Alarms on replication metrics must use the dimensions S3 publishes and live in the source region, or never fire. */
function alarmProblems(props: ReplicatedBucketProps, resolved: ResolvedDefaults): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const real = { SourceBucket: props.sourceBucketName, DestinationBucket: props.replicaBucketName, RuleId: resolved.ruleId };
  resolved.alarms.forEach((alarm, index) => {
    const at = `alarms[${index}]`;
    if (!ALARM_ID.test(alarm.id)) problems.push(`${at}.id: must be 1-63 lowercase letters, digits or hyphens, got '${alarm.id}'`);
    if (seen.has(alarm.id)) problems.push(`${at}.id: duplicate alarm id '${alarm.id}'`);
    seen.add(alarm.id);
    if (alarm.namespace !== 'AWS/S3' || !REPLICATION_METRICS.has(alarm.metricName)) return;
    if (alarm.region !== props.sourceRegion) {
      problems.push(`${at}.region: S3 publishes ${alarm.metricName} in the source region ${props.sourceRegion}, got ${alarm.region}`);
    }
    const dims = alarm.dimensions;
    const keys = Object.keys(dims).sort().join(',');
    if (keys !== 'DestinationBucket,RuleId,SourceBucket' || Object.entries(real).some(([k, v]) => dims[k] !== v)) {
      problems.push(
        `${at}.dimensions: ${alarm.metricName} is published with exactly ${JSON.stringify(real)}, got ${JSON.stringify(dims)}`,
      );
    }
  });
  return problems;
}

function bucketNameProblem(name: string): string | undefined {
  if (!BUCKET_NAME.test(name)) {
    return 'must be 3-63 lowercase letters, digits or hyphens, starting and ending with a letter or digit';
  }
  const prefix = RESERVED_BUCKET_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `must not start with the reserved prefix '${prefix}'`;
  const suffix = RESERVED_BUCKET_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) return `must not end with the reserved suffix '${suffix}'`;
  return undefined;
}

/** S3's lifecycle transition rules (S3 User Guide, "Transitioning objects using Amazon S3 Lifecycle"). */
function transitionProblems(
  prop: string,
  initialClass: string,
  transitions: StorageTransition[],
  retentionDays: number,
): string[] {
  const problems: string[] = [];
  let fromClass = initialClass;
  let previousDays: number | undefined;
  transitions.forEach((transition, index) => {
    const at = `${prop}[${index}]`;
    const { storageClass, afterDays } = transition;
    const reachable = S3_SUPPORTED_TRANSITIONS[fromClass] ?? [];
    if (!TRANSITION_STORAGE_CLASSES.includes(storageClass)) {
      problems.push(`${at}.storageClass: must be one of ${TRANSITION_STORAGE_CLASSES.join(', ')}, got '${storageClass}'`);
    } else if (!reachable.includes(storageClass)) {
      problems.push(
        `${at}.storageClass: S3 lifecycle cannot move objects from ${fromClass} to ${storageClass} (supported: ${reachable.join(', ') || 'none'})`,
      );
    }
    if (!Number.isInteger(afterDays) || afterDays < 1) {
      problems.push(`${at}.afterDays: must be a whole number of days, at least 1, got ${afterDays}`);
    } else {
      if (INFREQUENT_ACCESS.has(storageClass) && afterDays < INFREQUENT_ACCESS_MIN_DAYS) {
        problems.push(`${at}.afterDays: S3 moves objects to ${storageClass} only after at least ${INFREQUENT_ACCESS_MIN_DAYS} days, got ${afterDays}`);
      }
      if (previousDays !== undefined && afterDays <= previousDays) {
        problems.push(`${at}.afterDays: transitions must be in increasing afterDays, got ${afterDays} after ${previousDays}`);
      } else if (
        previousDays !== undefined &&
        INFREQUENT_ACCESS.has(fromClass) &&
        afterDays < previousDays + INFREQUENT_ACCESS_MIN_DAYS
      ) {
        problems.push(
          `${at}.afterDays: objects must stay ${INFREQUENT_ACCESS_MIN_DAYS} days in ${fromClass} before moving on (S3 minimum), so at least ${previousDays + INFREQUENT_ACCESS_MIN_DAYS}, got ${afterDays}`,
        );
      }
      if (Number.isInteger(retentionDays) && afterDays >= retentionDays) {
        problems.push(
          `${at}.afterDays: ${afterDays} is not before retentionDays (${retentionDays}); noncurrent versions would expire before the transition`,
        );
      }
    }
    fromClass = storageClass;
    previousDays = afterDays;
  });
  return problems;
}
