import { finding, isNonEmptyString, isTrue, type BlockRef } from '../document';
import { dbInstances, isCrossRegionReplica, isReadReplica, rdsClusters } from '../rds';
import type { PolicyRule } from '../types';

function problemsOf(block: BlockRef): string[] {
  const hasKey = isNonEmptyString(block.body.kms_key_id);
  if (block.type === 'aws_db_instance' && isReadReplica(block)) {
    // Same-region replicas inherit the source's key; cross-region ones ignore storage_encrypted and need a key of
    // their own region.
    return isCrossRegionReplica(block) && !hasKey ? ['cross-region replica has no kms_key_id in its own region'] : [];
  }
  const problems: string[] = [];
  if (!isTrue(block.body.storage_encrypted)) problems.push('storage_encrypted is not true');
  if (!hasKey) problems.push('kms_key_id is not set (the AWS managed key cannot be shared or controlled)');
  return problems;
}

export const rdsStorageEncrypted: PolicyRule = {
  id: 'rds-storage-encrypted',
  pack: 'encryption',
  severity: 'error',
  description:
    'Every aws_db_instance and aws_rds_cluster is encrypted with a customer-managed key (storage_encrypted and ' +
    'kms_key_id); cross-region read replicas name a key in their region.',
  fix: 'Set storage_encrypted = true and kms_key_id = the ARN of a customer-managed key in the resource\'s region (encryption cannot be added later without a snapshot restore).',
  check(index) {
    return [...dbInstances(index), ...rdsClusters(index)].flatMap((block) => {
      const problems = problemsOf(block);
      return problems.length === 0 ? [] : [finding(rdsStorageEncrypted, block, `Database storage: ${problems.join('; ')}.`)];
    });
  },
};
