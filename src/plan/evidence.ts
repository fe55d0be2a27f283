/**
 * The evidence bucket's decisions, made once for the plan: its name and region (DR), the name and region of its
 * replica (primary), and the Object Lock mode and retention. Pure: no cdktf, no AWS SDK. `DisasterRecovery` renders
 * exactly this.
 */
import type { LockMode } from '../spec/types';

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
}

export interface EvidenceInput {
  name: string;
  regions: { primary: string; dr: string };
  evidence?: { lock?: { mode?: LockMode; days?: number } };
}

/** The evidence bucket of a spec (or of a plan written before plans carried it: same name, default lock). */
export function planEvidence(input: EvidenceInput): EvidencePlan {
  return {
    bucketName: `${input.name}-evidence-${input.regions.dr}`,
    region: input.regions.dr,
    replicaBucketName: `${input.name}-evidence-${input.regions.primary}`,
    replicaRegion: input.regions.primary,
    lock: {
      mode: input.evidence?.lock?.mode ?? DEFAULT_EVIDENCE_LOCK_MODE,
      days: input.evidence?.lock?.days ?? DEFAULT_EVIDENCE_LOCK_DAYS,
    },
  };
}
