import { blockList, finding, firstBlock, isNonEmptyString } from '../document';
import type { PolicyRule } from '../types';

const KMS_ALGORITHMS = ['aws:kms', 'aws:kms:dsse'];

export const s3SseKms: PolicyRule = {
  id: 's3-sse-kms',
  pack: 'encryption',
  severity: 'error',
  description:
    'Every S3 bucket encrypts by default with a customer-managed KMS key (SSE-KMS with kms_master_key_id), in an ' +
    'aws_s3_bucket_server_side_encryption_configuration or the inline server_side_encryption_configuration.',
  fix:
    'Add an aws_s3_bucket_server_side_encryption_configuration for this bucket with sse_algorithm = "aws:kms", ' +
    'kms_master_key_id = your CMK and bucket_key_enabled = true.',
  check(index) {
    return index.buckets().flatMap((bucket) => {
      // The companion resource, or the bucket's own (deprecated) inline block that stacks written before it use.
      const configurations = [
        ...index.companionsOf('aws_s3_bucket_server_side_encryption_configuration', bucket).map((config) => config.body),
        ...blockList(bucket.body.server_side_encryption_configuration),
      ];
      const defaults = configurations.flatMap((config) =>
        blockList(config.rule).map((rule) => firstBlock(rule.apply_server_side_encryption_by_default)),
      );
      const compliant = defaults.some(
        (entry) =>
          entry !== undefined &&
          KMS_ALGORITHMS.includes(String(entry.sse_algorithm)) &&
          isNonEmptyString(entry.kms_master_key_id),
      );
      if (compliant) return [];
      let message: string;
      if (defaults.length === 0) message = 'Bucket has no default encryption configuration with a KMS key.';
      else if (defaults.some((entry) => entry !== undefined && KMS_ALGORITHMS.includes(String(entry.sse_algorithm))))
        message = 'Bucket uses aws:kms without kms_master_key_id, i.e. the AWS managed key, which you cannot control or audit.';
      else
        message = `Bucket default encryption is ${defaults
          .map((entry) => JSON.stringify(entry?.sse_algorithm ?? null))
          .join(', ')}, not SSE-KMS with a customer-managed key.`;
      return [finding(s3SseKms, bucket, message)];
    });
  },
};
