import { Construct } from 'constructs';
import { EVIDENCE_REPLICATION_RPO_SECONDS, EVIDENCE_REPLICATION_RULE_ID, type EvidencePlan } from '../src/plan/evidence';
import type { AlarmTopics } from './alarm';
import { ReplicatedBucket } from './replicated-bucket';
import type { EvidenceDestination } from './verification-restore';

export interface EvidenceBucketProps {
  /** The plan's evidence decisions (`plan.evidence`, or `planEvidence(...)`): names, regions, Object Lock. */
  readonly plan: EvidencePlan;
  /** SNS topic per region; the replication alarms live in the bucket's region. */
  readonly alarmTopics: AlarmTopics;
  /** Tags for every resource. @default none */
  readonly tags?: Record<string, string>;
}


/**
 * The evidence bucket: one JSON record per verification run and a daily summary per probed store, in the DR region,
 * written once and never replaced. Every protection of a `ReplicatedBucket`: versioning, SSE-KMS with a
 * customer-managed key (rotation on) and bucket key, public access blocked, ownership enforced, TLS only,
 * `prevent_destroy`, no `force_destroy`; plus Object Lock on every record (governance by default, compliance when
 * the spec says so, for the spec's days, 400 by default) and a locked replica in the primary region. The functions'
 * roles may create objects only under their own prefixes and only as conditional creates
 * (`lambda/shared/evidence-iam.ts`).
 */
export class EvidenceBucket extends Construct {
  /** The bucket (DR region) and its replica (primary region). */
  public readonly buckets: ReplicatedBucket;
  /** What a writer function needs: name, region and key of the bucket. */
  public readonly destination: EvidenceDestination;

  constructor(scope: Construct, id: string, props: EvidenceBucketProps) {
    super(scope, id);
    const { plan } = props;
    this.buckets = new ReplicatedBucket(this, 'records', {
      sourceRegion: plan.region,
      replicaRegion: plan.replicaRegion,
      sourceBucketName: plan.bucketName,
      replicaBucketName: plan.replicaBucketName,
      // Records are never overwritten or deleted by Lifeboat, so no version becomes noncurrent in normal use; one
      // that does (an administrator's change) is kept at least as long as the lock.
      retentionDays: plan.lock.days,
      rpoSeconds: EVIDENCE_REPLICATION_RPO_SECONDS,
      objectLock: { mode: plan.lock.mode, days: plan.lock.days },
      replicationRuleId: EVIDENCE_REPLICATION_RULE_ID,
      alarms: plan.alarms.map((alarm) => ({ ...alarm, dimensions: { ...alarm.dimensions } })),
      alarmTopics: props.alarmTopics,
      tags: props.tags,
    });
    this.destination = {
      bucketName: plan.bucketName,
      region: plan.region,
      kmsKeyArn: this.buckets.source.key.keyArn,
    };
  }
}
