import { finding, isTrue } from '../document';
import { dbInstances, rdsClusters } from '../rds';
import type { PolicyRule } from '../types';

export const rdsDeletionProtection: PolicyRule = {
  id: 'rds-deletion-protection',
  pack: 'data-protection',
  severity: 'error',
  description: 'aws_db_instance, aws_rds_cluster and aws_rds_global_cluster set deletion_protection = true.',
  fix: 'Set deletion_protection = true (turn it off deliberately, in a separate apply, before a planned deletion).',
  check(index) {
    return [...dbInstances(index), ...rdsClusters(index), ...index.resources('aws_rds_global_cluster')]
      .filter((block) => !isTrue(block.body.deletion_protection))
      .map((block) => finding(rdsDeletionProtection, block, 'deletion_protection is not true: one API call deletes the database.'));
  },
};
