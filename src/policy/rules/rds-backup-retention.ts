import { finding } from '../document';
import { dbInstances, isReadReplica, rdsClusters } from '../rds';
import type { PolicyRule } from '../types';

export const rdsBackupRetention: PolicyRule = {
  id: 'rds-backup-retention',
  pack: 'data-protection',
  severity: 'error',
  description:
    'Automated backups are on: backup_retention_period is not 0 on aws_db_instance (read replicas excepted) and aws_rds_cluster.',
  fix: 'Set backup_retention_period to the point-in-time window you need (1-35 days); 0 disables automated backups and point-in-time restore.',
  check(index) {
    const candidates = [...dbInstances(index).filter((instance) => !isReadReplica(instance)), ...rdsClusters(index)];
    return candidates
      .filter((block) => block.body.backup_retention_period !== undefined && Number(block.body.backup_retention_period) <= 0)
      .map((block) =>
        finding(rdsBackupRetention, block, 'backup_retention_period is 0: no automated backups, no point-in-time restore.'),
      );
  },
};
