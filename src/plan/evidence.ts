/**
 * The evidence bucket's decisions, made once for the plan: its name and region (DR), the name and region of its
 * replica (primary), and the Object Lock mode and retention. Pure: no cdktf, no AWS SDK. `DisasterRecovery` renders
 * exactly this.
 */
import { evidenceBucketNames } from '../aws/names';
import type { LockMode } from '../spec/types';
import { alarmNamePrefix, bucketReplicationAlarms, type AlarmPlan } from './alarms';

/** Replication of records has no objective of its own; a day bounds how long the two copies may differ unnoticed. */
export const EVIDENCE_REPLICATION_RPO_SECONDS = 86_400;
/** Replication rule id of the evidence bucket (the RuleId dimension of its replication metrics). */
export const EVIDENCE_REPLICATION_RULE_ID = 'lifeboat-dr';

/** Object Lock retention of evidence records when the spec sets none: a yearly audit plus a month of slack. */
export const DEFAULT_EVIDENCE_LOCK_DAYS = 400;
/** Governance by default: an administrator with `s3:BypassGovernanceRetention` can still correct a mistake. */
export const DEFAULT_EVIDENCE_LOCK_MODE: LockMode = 'governance';

export interface EvidencePlan {
  /** Bucket name (S3: 3-63 lowercase letters, digits, hyphens; global). */
  bucketName: string;
  /** The DR region: the records survive the loss of the primary region. */
  region: string;
  /** Its replica in the primary region (so the records survive the loss of either region), name and region. */
  replicaBucketName: string;
  replicaRegion: string;
  /** Default Object Lock retention of every record (and of its replica). */
  lock: { mode: LockMode; days: number };
  /** The replication alarms of the bucket (in its region), named `<name>-evidence-<id>`. */
  alarms: AlarmPlan[];
}

export interface EvidenceInput {
  name: string;
  regions: { primary: string; dr: string };
  evidence?: { lock?: { mode?: LockMode; days?: number } };
}

/** The evidence bucket of a spec (or of a plan written before plans carried it: same name, default lock). */
export function planEvidence(input: EvidenceInput): EvidencePlan {
  const names = evidenceBucketNames(input.name, input.regions.primary, input.regions.dr);
  return {
    bucketName: names.bucket,
    region: input.regions.dr,
    replicaBucketName: names.replica,
    replicaRegion: input.regions.primary,
    lock: {
      mode: input.evidence?.lock?.mode ?? DEFAULT_EVIDENCE_LOCK_MODE,
      days: input.evidence?.lock?.days ?? DEFAULT_EVIDENCE_LOCK_DAYS,
    },
    alarms: bucketReplicationAlarms({
      prefix: alarmNamePrefix(input.name, 'evidence'),
      sourceRegion: input.regions.dr,
      sourceBucket: names.bucket,
      replicaBucket: names.replica,
      replicaRegion: input.regions.primary,
      ruleId: EVIDENCE_REPLICATION_RULE_ID,
      rpoSeconds: EVIDENCE_REPLICATION_RPO_SECONDS,
    }),
  };
}
