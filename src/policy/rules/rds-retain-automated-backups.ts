import { finding, isFalse } from '../document';
import { dbInstances, isReadReplica } from '../rds';
import type { PolicyRule } from '../types';

export const rdsRetainAutomatedBackups: PolicyRule = {
  id: 'rds-retain-automated-backups',
  pack: 'data-protection',
  severity: 'error',
  description:
    'Every aws_db_instance that is not a read replica sets delete_automated_backups = false, so its ' +
    'point-in-time backups outlive an accidental deletion.',
  fix: 'Set delete_automated_backups = false (the provider default, true, deletes the automated backups with the instance).',
  check(index) {
    return dbInstances(index)
      .filter((instance) => !isReadReplica(instance) && !isFalse(instance.body.delete_automated_backups))
      .map((instance) =>
        finding(rdsRetainAutomatedBackups, instance, 'delete_automated_backups is not false: deleting the instance deletes its automated backups.'),
      );
  },
};
