/** The plan of one bucket store: the az, corruption and region deciders, then names and alarms. */
import type { BucketRequirement, Requirements } from '../../spec/types';
import { bucketAlarms } from '../alarms';
import { LIMITS } from '../catalogue';
import { DAY, type StoreDecisions } from '../decide';
import { bucketStoreNames } from '../names';
import type { BucketStorePlan } from '../types';
import { decideBucketAz } from './az';
import { decideBucketCorruption } from './corruption';
import { decideBucketRegion } from './region';

export function planBucket(req: Requirements, bucket: BucketRequirement, decisions: StoreDecisions): BucketStorePlan {
  const { primary, dr } = req.regions;
  const names = bucketStoreNames(req, bucket);
  const replicaStorageClass = bucket.replicaStorageClass ?? 'STANDARD';
  const az = decisions.apply(decideBucketAz(bucket, replicaStorageClass));
  const corruption = decisions.apply(decideBucketCorruption(bucket, primary));
  const region = decisions.apply(decideBucketRegion(bucket, dr, replicaStorageClass));
  return {
    kind: 'bucket',
    id: bucket.id,
    names,
    scopes: { az, region: region.scope, corruption },
    mechanisms: decisions.mechanisms.list(),
    retentionDays: bucket.retentionSeconds / DAY,
    transitions: bucket.transitions.map((t) => ({ afterDays: t.afterSeconds / DAY, storageClass: t.storageClass })),
    objectLock: bucket.objectLock ? { ...bucket.objectLock } : null,
    replication: { ruleId: LIMITS.s3ReplicationRuleId, destinationRegion: dr, rtc: region.rtc, replicaStorageClass },
    alarms: bucketAlarms(req, bucket, names, LIMITS.s3ReplicationRuleId),
  };
}
