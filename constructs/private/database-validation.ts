/**
 * Validation both database constructs share: the props of `DatabaseProtectionProps` (retention, windows, DR region
 * and keys, long-term backup, RPOs) and RDS identifiers. Every problem at once, each naming the prop and the limit.
 */
import { DEFAULT_BACKUP_WINDOW, DEFAULT_MAINTENANCE_WINDOW, windowProblems } from '../../src/aws/windows';
import { RDS_IDENTIFIER_MAX } from '../../src/plan/naming';
import { backupVaultProblems, longTermBackupVaultProps } from '../backup-vault';
import type { DatabaseProtectionProps } from '../database-props';

/** RDS keeps automated backups (PITR) for 1 to 35 days. */
export const BACKUP_RETENTION_LIMITS = { min: 1, max: 35 } as const;

const RDS_IDENTIFIER_PATTERN = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]$/;

/** Problems with an RDS identifier the naming functions produced. */
export function identifierProblems(prop: string, identifier: string): string[] {
  if (identifier.length > RDS_IDENTIFIER_MAX || !RDS_IDENTIFIER_PATTERN.test(identifier)) {
    return [
      `${prop}: the identifier '${identifier}' must be 1-${RDS_IDENTIFIER_MAX} letters, digits or hyphens, start with a letter, with no trailing or double hyphen (RDS limit)`,
    ];
  }
  return [];
}

/** Problems shared by both database constructs: retention, windows, DR region and keys, long-term backup. */
export function commonDatabaseProblems(props: DatabaseProtectionProps & { vaultName: string }): string[] {
  const problems: string[] = [];
  if (props.encryptionKey.region !== props.region) {
    problems.push(`encryptionKey: must be in the primary region ${props.region}, got a key in ${props.encryptionKey.region}`);
  }
  const retention = props.backupRetentionDays ?? 7;
  if (!Number.isInteger(retention) || retention < BACKUP_RETENTION_LIMITS.min || retention > BACKUP_RETENTION_LIMITS.max) {
    problems.push(
      `backupRetentionDays: must be a whole number from ${BACKUP_RETENTION_LIMITS.min} to ${BACKUP_RETENTION_LIMITS.max} days (RDS limit), got ${retention}`,
    );
  }
  problems.push(...windowProblems(props.backupWindow ?? DEFAULT_BACKUP_WINDOW, props.maintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW));
  if (props.existing && !props.existing.identifier) {
    problems.push('existing.identifier: must name the existing database');
  }
  if (props.dr) {
    if (props.dr.region === props.region) {
      problems.push(`dr.region: must differ from the primary region ${props.region}`);
    }
    if (props.dr.encryptionKey.region !== props.dr.region) {
      problems.push(
        `dr.encryptionKey: must be in the DR region ${props.dr.region} (an encrypted cross-region copy needs a key of its own region), got a key in ${props.dr.encryptionKey.region}`,
      );
    }
  }
  if (props.longTermBackup) {
    // Checked here too so every problem surfaces at once, prefixed with the prop the user actually set.
    const vaultProps = longTermBackupVaultProps(props.longTermBackup, {
      vaultName: props.vaultName,
      region: props.region,
      encryptionKey: props.encryptionKey,
      dr: props.dr,
      resourceArn: 'arn:pending',
      alarmTopics: props.alarmTopics,
    });
    problems.push(...backupVaultProblems(vaultProps).map((problem) => `longTermBackup.${problem}`));
  }
  for (const prop of ['azRpoSeconds', 'regionRpoSeconds'] as const) {
    const rpo = props[prop];
    if (rpo !== undefined && (!Number.isFinite(rpo) || rpo < 0)) {
      problems.push(`${prop}: must be a number of seconds, at least 0, got ${rpo}`);
    }
  }
  return problems;
}
