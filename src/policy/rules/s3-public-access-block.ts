import { finding, isTrue } from '../document';
import type { PolicyRule } from '../types';

const SETTINGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'] as const;

export const s3PublicAccessBlock: PolicyRule = {
  id: 's3-public-access-block',
  pack: 'network',
  severity: 'error',
  description:
    'Every S3 bucket has a public access block with all four settings true (or the account-level block does).',
  fix: `Add an aws_s3_bucket_public_access_block for this bucket with ${SETTINGS.join(', ')} all set to true.`,
  check(index) {
    const accountBlocks = index.resources('aws_s3_account_public_access_block');
    if (accountBlocks.some((block) => SETTINGS.every((setting) => isTrue(block.body[setting])))) return [];
    return index.buckets().flatMap((bucket) => {
      const blocks = index.companionsOf('aws_s3_bucket_public_access_block', bucket);
      if (blocks.some((block) => SETTINGS.every((setting) => isTrue(block.body[setting])))) return [];
      if (blocks.length === 0) return [finding(s3PublicAccessBlock, bucket, 'Bucket has no aws_s3_bucket_public_access_block.')];
      const missing = SETTINGS.filter((setting) => !blocks.some((block) => isTrue(block.body[setting])));
      return [finding(s3PublicAccessBlock, bucket, `Public access block leaves ${missing.join(', ')} not true.`)];
    });
  },
};
