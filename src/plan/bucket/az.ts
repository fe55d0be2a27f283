/** AZ scope of a bucket: S3 keeps objects in three AZs or more, except in One Zone-IA. */
import type { BucketRequirement } from '../../spec/types';
import { DecisionRecord, scopePlan, type Decision } from '../decide';
import type { ReplicaStorageClass, ScopePlan } from '../types';

export function decideBucketAz(bucket: BucketRequirement, replicaStorageClass: ReplicaStorageClass): Decision<ScopePlan> {
  const record = new DecisionRecord();
  if (bucket.transitions.some((t) => t.storageClass === 'ONEZONE_IA') || replicaStorageClass === 'ONEZONE_IA') {
    record.finding(
      'LB-S3-ONEZONE-IA',
      'az',
      'One Zone-IA keeps objects in a single AZ: an AZ loss destroys that copy',
      'prefer STANDARD_IA (or INTELLIGENT_TIERING) unless the other region holds the only copy you rely on',
    );
  }
  return record.done(scopePlan('az', { rpo: null, rto: null }, null, true, 'S3 stores objects across at least three AZs in the region (except One Zone-IA)'));
}
