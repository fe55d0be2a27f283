/**
 * Corruption scope of a bucket: versioning keeps every overwritten or deleted version for the retention (lifecycle),
 * and Object Lock, when asked for, makes versions undeletable (replication copies deletes, so it cannot serve here).
 */
import type { BucketRequirement } from '../../spec/types';
import { CATALOGUE } from '../catalogue';
import { DAY, DecisionRecord, scopePlan, type Decision } from '../decide';
import type { MechanismKind, ScopePlan } from '../types';

export function decideBucketCorruption(bucket: BucketRequirement, primary: string): Decision<ScopePlan> {
  const record = new DecisionRecord();
  const retentionDays = bucket.retentionSeconds / DAY;
  const kinds: MechanismKind[] = ['s3-versioning', 's3-lifecycle'];
  const transitions = bucket.transitions.map((t) => `${t.afterSeconds / DAY}d ${t.storageClass}`).join(', ');
  record.mechanism(CATALOGUE.s3Versioning, primary, 'corruption', 'overwrites and deletes keep the previous version');
  record.mechanism(CATALOGUE.s3Lifecycle, primary, 'corruption', `noncurrent versions kept ${retentionDays} days${bucket.transitions.length > 0 ? `; transitions ${transitions}` : ''}`);
  const lock = bucket.objectLock;
  if (lock) {
    kinds.push('s3-object-lock');
    const lockText = lock.days !== null ? `${lock.days} days` : `${lock.years} years`;
    record.mechanism(CATALOGUE.s3ObjectLock, primary, 'corruption', `${lock.mode} mode, ${lockText}: versions cannot be deleted or overwritten, even with stolen credentials`);
    if (lock.mode === 'compliance') {
      record.finding(
        'LB-S3-OBJECT-LOCK-COMPLIANCE',
        'corruption',
        `compliance-mode Object Lock: nobody, including the root user, can delete a locked version before ${lockText} have passed`,
        'none needed; use governance mode if privileged users must be able to delete early',
      );
    }
  }
  return record.done(
    scopePlan(
      'corruption',
      { rpo: null, rto: null },
      { kinds, rpo: CATALOGUE.s3Versioning.rpoSeconds, rto: CATALOGUE.s3Versioning.rtoSeconds },
      true,
      `previous versions are kept ${retentionDays} days${lock ? ' and locked versions cannot be removed' : ''}; replication copies deletes, so versions serve this scope`,
    ),
  );
}
