import { finding, firstBlock, isTrue } from '../document';
import type { PolicyRule } from '../types';

/** Resource types whose destruction loses data or the keys needed to read it. */
export const DATA_BEARING_TYPES = [
  'aws_s3_bucket',
  'aws_db_instance',
  'aws_rds_cluster',
  'aws_rds_global_cluster',
  'aws_kms_key',
  'aws_kms_replica_key',
  'aws_backup_vault',
  'aws_dynamodb_table',
  'aws_efs_file_system',
] as const;

export const preventDestroy: PolicyRule = {
  id: 'prevent-destroy',
  pack: 'data-protection',
  severity: 'error',
  description: `Every data-bearing resource (${DATA_BEARING_TYPES.join(', ')}) sets lifecycle.prevent_destroy = true.`,
  fix: 'Set lifecycle { prevent_destroy = true } (cdktf: lifecycle: { preventDestroy: true }); a plan that would destroy it then fails.',
  check(index) {
    return DATA_BEARING_TYPES.flatMap((type) => index.resources(type))
      .filter((block) => !isTrue(firstBlock(block.body.lifecycle)?.prevent_destroy))
      .map((block) =>
        finding(preventDestroy, block, 'lifecycle.prevent_destroy is not true: a refactoring or a typo can plan its destruction.'),
      );
  },
};
