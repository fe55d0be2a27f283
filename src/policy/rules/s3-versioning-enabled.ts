import { finding, firstBlock, isTrue } from '../document';
import type { PolicyRule } from '../types';

export const s3VersioningEnabled: PolicyRule = {
  id: 's3-versioning-enabled',
  pack: 'data-protection',
  severity: 'error',
  description: 'Every S3 bucket keeps previous versions: an aws_s3_bucket_versioning for it with status Enabled.',
  fix: 'Add an aws_s3_bucket_versioning whose bucket is this bucket, with versioning_configuration.status = "Enabled".',
  check(index) {
    return index.buckets().flatMap((bucket) => {
      const statuses = index.companionsOf('aws_s3_bucket_versioning', bucket).map(
        (versioning) => firstBlock(versioning.body.versioning_configuration)?.status,
      );
      const legacyInline = isTrue(firstBlock(bucket.body.versioning)?.enabled);
      if (statuses.includes('Enabled') || legacyInline) return [];
      const message =
        statuses.length === 0
          ? 'Bucket has no aws_s3_bucket_versioning: overwritten or deleted objects cannot be recovered.'
          : `Bucket versioning status is ${statuses.map((status) => JSON.stringify(status ?? null)).join(', ')}, not "Enabled".`;
      return [finding(s3VersioningEnabled, bucket, message)];
    });
  },
};
