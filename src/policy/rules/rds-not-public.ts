import { finding, isTrue } from '../document';
import { dbInstances } from '../rds';
import type { PolicyRule } from '../types';

export const rdsNotPublic: PolicyRule = {
  id: 'rds-not-public',
  pack: 'network',
  severity: 'error',
  description: 'No aws_db_instance or aws_rds_cluster_instance sets publicly_accessible = true.',
  fix: 'Remove publicly_accessible (it defaults to false) and reach the database from inside the VPC.',
  check(index) {
    return [...dbInstances(index), ...index.resources('aws_rds_cluster_instance')]
      .filter((block) => isTrue(block.body.publicly_accessible))
      .map((block) => finding(rdsNotPublic, block, 'publicly_accessible = true: the endpoint resolves to a public IP address.'));
  },
};
