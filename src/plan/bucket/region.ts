/**
 * Region scope of a bucket: replication to the DR region, with Replication Time Control when the RPO needs its
 * 15-minute bound; reading archived replicas first needs a restore, which the RTO must allow.
 */
import type { BucketRequirement } from '../../spec/types';
import { CATALOGUE, LIMITS, type CatalogueEntry } from '../catalogue';
import { cheapest, chooseReason, DecisionRecord, design, human, objectiveText, optionText, scopePlan, type Decision, type Objective, type Option } from '../decide';
import type { ReplicaStorageClass, ScopePlan } from '../types';

export interface BucketRegionDecision {
  scope: ScopePlan;
  /** Replication Time Control on the replication rule. */
  rtc: boolean;
}

/** A replication option whose RTO includes restoring archived replicas before they can be read. */
function withReplicaRestore(entry: CatalogueEntry, archiveRestoreSeconds: number): Option {
  return { kinds: [entry.kind], rpo: entry.rpoSeconds, rto: entry.rtoSeconds + archiveRestoreSeconds };
}

export function decideBucketRegion(bucket: BucketRequirement, dr: string, replicaStorageClass: ReplicaStorageClass): Decision<BucketRegionDecision> {
  const record = new DecisionRecord();
  const objective: Objective = { rpo: bucket.rpoSeconds, rto: bucket.rtoSeconds };
  const archiveRestore = LIMITS.s3ArchiveRestoreSeconds[replicaStorageClass] ?? 0;
  const plain = withReplicaRestore(CATALOGUE.s3Replication, archiveRestore);
  const rtc = withReplicaRestore(CATALOGUE.s3ReplicationRtc, archiveRestore);
  const options = [plain, rtc];
  const found = cheapest(options, objective);
  const chosen = found ?? rtc;
  const scope = scopePlan('region', objective, chosen, found !== null, found ? chooseReason(found, objective, options) : `${optionText(rtc)} does not meet ${objectiveText(objective)}`);
  const useRtc = chosen === rtc;
  record.mechanism(useRtc ? CATALOGUE.s3ReplicationRtc : CATALOGUE.s3Replication, dr, 'region', `region objective ${objectiveText(objective)}; replicas in ${replicaStorageClass}`, design(chosen.rpo, chosen.rto));
  if (bucket.rpoSeconds < CATALOGUE.s3ReplicationRtc.rpoSeconds) {
    record.finding(
      'LB-S3-RPO-BELOW-RTC',
      'region',
      `region RPO ${human(bucket.rpoSeconds)} is below ${human(CATALOGUE.s3ReplicationRtc.rpoSeconds)}, the only time bound S3 replication offers (Replication Time Control)`,
      `relax the bucket RPO to at least ${human(CATALOGUE.s3ReplicationRtc.rpoSeconds)}`,
    );
  }
  if (bucket.rtoSeconds !== null && bucket.rtoSeconds < chosen.rto && archiveRestore > 0) {
    record.finding(
      'LB-S3-RTO-REPLICA-ARCHIVED',
      'region',
      `region RTO ${human(bucket.rtoSeconds)} is below the ${human(chosen.rto)} it takes to restore ${replicaStorageClass} replicas before they can be read`,
      'use a replica storage class readable at once (STANDARD, STANDARD_IA, INTELLIGENT_TIERING, GLACIER_IR), or relax the RTO',
    );
  } else if (bucket.rtoSeconds !== null && bucket.rtoSeconds < chosen.rto) {
    record.finding(
      'LB-S3-RTO-BELOW-SWITCH',
      'region',
      `region RTO ${human(bucket.rtoSeconds)} is below the ${human(chosen.rto)} design time to point clients at the replica bucket`,
      `relax the bucket RTO to at least ${human(chosen.rto)}`,
    );
  }
  if (bucket.rtoSeconds === null) {
    record.finding('LB-OBJECTIVE-MISSING', 'region', 'no region RTO: the plan cannot tell whether reading the replica is fast enough', 'set buckets.<i>.rto (or defaults.rto.region)');
  }
  return record.done({ scope, rtc: useRtc });
}
