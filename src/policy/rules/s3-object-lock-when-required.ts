import { blockList, finding, firstBlock, isRecord, isTrue } from '../document';
import type { PolicyRule } from '../types';

/** Tag that declares a bucket's retention must be enforced by Object Lock. */
export const OBJECT_LOCK_REQUIRED_TAG = 'lifeboat:object-lock-required';

const LOCK_CONFIGURATION = 'aws_s3_bucket_object_lock_configuration';

export const s3ObjectLockWhenRequired: PolicyRule = {
  id: 's3-object-lock-when-required',
  pack: 'data-protection',
  severity: 'error',
  description:
    `A bucket that demands Object Lock (tag ${OBJECT_LOCK_REQUIRED_TAG}=true, object_lock_enabled, or an ` +
    `${LOCK_CONFIGURATION}) has it enabled AND a default retention (mode plus days or years).`,
  fix:
    `Create the bucket with object_lock_enabled = true and add an ${LOCK_CONFIGURATION} with ` +
    'rule.default_retention { mode = "COMPLIANCE" or "GOVERNANCE", days or years }.',
  check(index) {
    return index.buckets().flatMap((bucket) => {
      // The companion resources, or the bucket's own (deprecated) inline object_lock_configuration.
      const configurations = [
        ...index.companionsOf(LOCK_CONFIGURATION, bucket).map((config) => config.body),
        ...blockList(bucket.body.object_lock_configuration),
      ];
      const tags = isRecord(bucket.body.tags) ? bucket.body.tags : {};
      const tagged = isTrue(tags[OBJECT_LOCK_REQUIRED_TAG]);
      const enabledOnBucket = isTrue(bucket.body.object_lock_enabled);
      const enabledByConfiguration = configurations.some((config) => config.object_lock_enabled === 'Enabled');
      if (!tagged && !enabledOnBucket && configurations.length === 0) return [];
      const problems: string[] = [];
      if (!enabledOnBucket && !enabledByConfiguration) problems.push('Object Lock is not enabled (object_lock_enabled is not true)');
      const retentionSet = configurations.some((config) => {
        const retention = firstBlock(firstBlock(config.rule)?.default_retention);
        const period = Number(retention?.days ?? 0) > 0 || Number(retention?.years ?? 0) > 0;
        return (retention?.mode === 'COMPLIANCE' || retention?.mode === 'GOVERNANCE') && period;
      });
      if (!retentionSet) problems.push(`no ${LOCK_CONFIGURATION} sets a default retention (mode and days or years), so new objects are not locked`);
      if (problems.length === 0) return [];
      const why = tagged ? `tagged ${OBJECT_LOCK_REQUIRED_TAG}=true` : 'configured for Object Lock';
      return [finding(s3ObjectLockWhenRequired, bucket, `Bucket is ${why} but ${problems.join('; ')}.`)];
    });
  },
};
