import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { parseReplicationConfig, REPLICATION_CONFIG_VARIABLE, ReplicatedBucketConfig, ReplicationConfig } from '../lambda/verify-replication/config';
import { REPLICA_EVIDENCE_PREFIX } from '../lambda/verify-replication/evidence';
import { evidenceWriterStatements } from '../lambda/shared/evidence-iam';
import { stackAccount } from './account';
import { alarmNamePrefix, DEFAULT_REPLICA_CHECK_INTERVAL_MINUTES, missingReplicasAlarm } from '../src/plan/alarms';
import { AlarmTopics, ObjectiveAlarm, renderStoreAlarms } from './alarm';
import type { EvidenceDestination } from './verification-restore';
import { BundledFunction, IamStatement } from './lambda-bundle';
import { replicaCheckNames } from '../src/aws/names';

/** One replicated bucket pair to check, with the keys that encrypt each side. */
export interface ReplicationCheckBucket extends ReplicatedBucketConfig {
  /** KMS key of the source bucket; reading checksums of SSE-KMS objects needs `kms:Decrypt`. @default no KMS permission */
  readonly sourceKmsKeyArn?: string;
  /** KMS key of the replica bucket. @default no KMS permission */
  readonly replicaKmsKeyArn?: string;
}

export interface ReplicationCheckProps {
  /** Region the function runs in. */
  readonly region: string;
  /** Prefix of every name (function `<prefix>-replica-check`, alarms `<prefix>-<store>-missing-replicas`), usually the stack name. */
  readonly namePrefix: string;
  /** Prefix of the alarm names (`<prefix>-<store id>-missing-replicas`). @default namePrefix */
  readonly alarmNamePrefix?: string;
  /** The bucket pairs to check. */
  readonly buckets: readonly ReplicationCheckBucket[];
  /** SNS topic per region; every replica region needs one (the metrics and alarms live there). */
  readonly alarmTopics: AlarmTopics;
  /** CloudWatch namespace of the metrics. @default 'Lifeboat' */
  readonly namespace?: string;
  /** Evidence bucket for a daily summary record per bucket (the role may create objects under `replica-check/` only). @default no records */
  readonly evidence?: EvidenceDestination;
  /** Minutes between runs, 5-1440; also the alarms' period. @default 15 */
  readonly intervalMinutes?: number;
  /** Days the function's logs are kept. @default 365 */
  readonly logRetentionDays?: number;
  /** Tags for every resource. @default none */
  readonly tags?: Record<string, string>;
}

/**
 * The replica check: a Lambda that periodically samples recent objects of each replicated bucket, compares version
 * and checksum with the replica, and publishes `MissingReplicas` (alarm above 0) in the replica region. Missing
 * data is breaching: a check that cannot run, or cannot read a bucket, alarms.
 */
export class ReplicationCheck extends Construct {
  /** The check function. */
  public readonly function: BundledFunction;
  /** `MissingReplicas` alarms by store id. */
  public readonly alarms: Record<string, ObjectiveAlarm> = {};

  constructor(scope: Construct, id: string, props: ReplicationCheckProps) {
    super(scope, id);
    const interval = props.intervalMinutes ?? DEFAULT_REPLICA_CHECK_INTERVAL_MINUTES;
    const namespace = props.namespace ?? 'Lifeboat';
    const problems: string[] = [];
    if (!Number.isInteger(interval) || interval < 5 || interval > 1440) {
      problems.push(`intervalMinutes: must be a whole number from 5 to 1440, got ${interval}`);
    }
    if (props.buckets.length === 0) problems.push('buckets: needs at least one bucket pair');
    props.buckets.forEach((bucket) => {
      if (!props.alarmTopics[bucket.replicaRegion]) {
        problems.push(`alarmTopics: no SNS topic for region ${bucket.replicaRegion} (bucket ${bucket.storeId}); alarms notify a topic in their own region`);
      }
    });
    const config: ReplicationConfig = {
      namespace,
      ...(props.evidence ? { evidence: { bucket: props.evidence.bucketName, region: props.evidence.region } } : {}),
      buckets: props.buckets.map((bucket) => ({
        storeId: bucket.storeId,
        sourceBucket: bucket.sourceBucket,
        sourceRegion: bucket.sourceRegion,
        replicaBucket: bucket.replicaBucket,
        replicaRegion: bucket.replicaRegion,
        sampleSize: bucket.sampleSize,
        minAgeSeconds: bucket.minAgeSeconds,
        ...(bucket.maxListedKeys !== undefined ? { maxListedKeys: bucket.maxListedKeys } : {}),
        ...(bucket.prefix !== undefined ? { prefix: bucket.prefix } : {}),
      })),
    };
    // Validate with the handler's own parser now; bucket names that are Terraform references are checked as stand-in values of the right form.
    const standIn = (name: string, side: string) => (Token.isUnresolved(name) ? `unresolved-${side}` : name);
    try {
      parseReplicationConfig(
        JSON.stringify({
          ...config,
          buckets: config.buckets.map((bucket) => ({
            ...bucket,
            sourceBucket: standIn(bucket.sourceBucket, 'source'),
            replicaBucket: standIn(bucket.replicaBucket, 'replica'),
          })),
        }),
      );
    } catch (error) {
      problems.push(...(error as Error).message.split('\n').slice(1).map((line) => `handler configuration: ${line.trim()}`));
    }
    if (problems.length > 0) throw new Error(`ReplicationCheck ${props.namePrefix}:\n  ${problems.join('\n  ')}`);

    const names = replicaCheckNames(props.namePrefix, props.region);
    this.function = new BundledFunction(this, 'check', {
      region: props.region,
      functionName: names.functionName,
      description: 'Lifeboat: compares recent objects of replicated buckets with their replicas',
      handler: 'verify-replication',
      policyStatements: [
        ...replicationCheckPolicyStatements(stackAccount(this).partition, props.buckets, namespace),
        ...(props.evidence
          ? evidenceWriterStatements({
              partition: stackAccount(this).partition,
              bucket: props.evidence.bucketName,
              region: props.evidence.region,
              kmsKeyArn: props.evidence.kmsKeyArn,
              prefixes: [REPLICA_EVIDENCE_PREFIX],
            })
          : []),
      ],
      environment: { [REPLICATION_CONFIG_VARIABLE]: JSON.stringify(config) },
      memorySize: 256,
      timeoutSeconds: Math.min(900, interval * 60 - 60),
      // No reserved concurrency (a new account's quota of 10 leaves nothing to reserve). Runs rarely overlap (the
      // timeout is a minute shorter than the interval) and an overlap is harmless: the check only reads, and its
      // alarm takes the Maximum of MissingReplicas, so a second datapoint for the same period changes nothing.
      logRetentionDays: props.logRetentionDays,
      tags: props.tags,
    });
    this.function.addTrigger('schedule', {
      ruleName: names.ruleName,
      description: `Runs the replica check every ${interval} minutes`,
      scheduleExpression: `rate(${interval} minutes)`,
    });

    for (const bucket of props.buckets) {
      const alarm = missingReplicasAlarm({
        prefix: alarmNamePrefix(props.alarmNamePrefix ?? props.namePrefix, bucket.storeId),
        storeId: bucket.storeId,
        sourceBucket: bucket.sourceBucket,
        replicaBucket: bucket.replicaBucket,
        replicaRegion: bucket.replicaRegion,
        intervalMinutes: interval,
        namespace,
      });
      const rendered = renderStoreAlarms(this, bucket.storeId, [alarm], { topics: props.alarmTopics, tags: props.tags });
      this.alarms[bucket.storeId] = rendered[`${bucket.storeId}/${alarm.id}`];
    }
  }
}

/**
 * Exactly what the check calls: ListObjectsV2 on the source; HeadObject (s3:GetObject, and s3:GetObjectVersion for
 * the versioned read of the replica) on both; s3:ListBucket on the replica too, so a missing replica answers 404
 * rather than 403; kms:Decrypt through S3 only, because HeadObject returns checksums of SSE-KMS objects only to
 * callers who may decrypt them.
 */
export function replicationCheckPolicyStatements(
  partition: string,
  buckets: readonly ReplicationCheckBucket[],
  namespace: string,
): IamStatement[] {
  const sorted = (values: string[]) => [...new Set(values)].sort();
  const s3 = (name: string) => `arn:${partition}:s3:::${name}`;
  const statements: IamStatement[] = [
    {
      Sid: 'ListBothBuckets',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: sorted(buckets.flatMap((bucket) => [s3(bucket.sourceBucket), s3(bucket.replicaBucket)])),
    },
    {
      Sid: 'HeadObjectsOnBothSides',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Resource: sorted(buckets.flatMap((bucket) => [`${s3(bucket.sourceBucket)}/*`, `${s3(bucket.replicaBucket)}/*`])),
    },
  ];
  const keys = buckets.flatMap((bucket) => [
    ...(bucket.sourceKmsKeyArn ? [{ key: bucket.sourceKmsKeyArn, region: bucket.sourceRegion }] : []),
    ...(bucket.replicaKmsKeyArn ? [{ key: bucket.replicaKmsKeyArn, region: bucket.replicaRegion }] : []),
  ]);
  if (keys.length > 0) {
    statements.push({
      Sid: 'ReadChecksumsOfKmsEncryptedObjects',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      // Keys may be unresolved tokens, whose text is a creation counter: ordered by region (plain text), then as given,
      // never by their own text, so an unrelated token made earlier cannot reorder the policy.
      Resource: [...new Set([...keys].sort((a, b) => (a.region < b.region ? -1 : a.region > b.region ? 1 : 0)).map((entry) => entry.key))],
      Condition: { StringEquals: { 'kms:ViaService': sorted(keys.map((entry) => `s3.${entry.region}.amazonaws.com`)) } },
    });
  }
  statements.push({
    Sid: 'PublishReplicationMetrics',
    Effect: 'Allow',
    Action: ['cloudwatch:PutMetricData'],
    Resource: ['*'],
    Condition: { StringEquals: { 'cloudwatch:namespace': namespace } },
  });
  return statements;
}
