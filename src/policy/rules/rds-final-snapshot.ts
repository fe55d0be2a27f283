import { finding, isNonEmptyString, isTrue } from '../document';
import { dbInstances, isReadReplica, rdsClusters } from '../rds';
import type { PolicyRule } from '../types';

export const rdsFinalSnapshot: PolicyRule = {
  id: 'rds-final-snapshot',
  pack: 'data-protection',
  severity: 'error',
  description:
    'Destroying an aws_db_instance (read replicas excepted: AWS takes no final snapshot of them) or aws_rds_cluster ' +
    'takes a final snapshot: skip_final_snapshot is not true AND final_snapshot_identifier is set.',
  fix: 'Set skip_final_snapshot = false and a deterministic final_snapshot_identifier (a null identifier means no final snapshot).',
  check(index) {
    const candidates = [...dbInstances(index).filter((instance) => !isReadReplica(instance)), ...rdsClusters(index)];
    return candidates.flatMap((block) => {
      if (isTrue(block.body.skip_final_snapshot)) {
        return [finding(rdsFinalSnapshot, block, 'skip_final_snapshot = true: destroying the database keeps no snapshot.')];
      }
      if (!isNonEmptyString(block.body.final_snapshot_identifier)) {
        return [finding(rdsFinalSnapshot, block, 'final_snapshot_identifier is not set: there is no final snapshot to restore from.')];
      }
      return [];
    });
  },
};
