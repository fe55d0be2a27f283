/**
 * Retention of a database beyond point-in-time recovery: a daily AWS Backup rule for `retention.longTerm`, and the
 * vault lock over every rule (including the region decision's copy rule), with its retention bounds.
 */
import type { DatabaseRequirement } from '../../spec/types';
import { CATALOGUE, LIMITS } from '../catalogue';
import { DAY, DecisionRecord, design, HOUR, human, type Decision } from '../decide';
import type { AwsBackupPlan, BackupRulePlan } from '../types';

export function decideRetention(db: DatabaseRequirement, dr: string, copyRule: BackupRulePlan | null): Decision<AwsBackupPlan | null> {
  const record = new DecisionRecord();
  const rules: BackupRulePlan[] = copyRule ? [copyRule] : [];
  const longTerm = db.retention.longTermSeconds;
  if (longTerm !== null) {
    const days = longTerm / DAY;
    rules.push({
      name: 'long-term',
      scheduleExpression: `cron(0 ${LIMITS.awsBackupDailyHourUtc} * * ? *)`,
      intervalHours: 24,
      startWindowMinutes: LIMITS.awsBackupStartWindowMinutes,
      completionWindowMinutes: LIMITS.awsBackupDailyCompletionWindowMinutes,
      retentionDays: days,
      copyToDr: true,
      drRetentionDays: days,
    });
    record.mechanism(CATALOGUE.awsBackupCopy, dr, null, `retention.longTerm ${human(longTerm)}: daily recovery points kept ${days} days in both regions`, design(24 * HOUR + CATALOGUE.awsBackupCopy.rpoSeconds, CATALOGUE.awsBackupCopy.rtoSeconds));
    if (longTerm > 35 * DAY) {
      record.finding(
        'LB-DB-LONG-TERM-AWS-BACKUP',
        null,
        `RDS keeps automated backups at most 35 days; the ${human(longTerm)} retention comes from daily AWS Backup recovery points (not point-in-time)`,
        'none needed',
      );
    }
  }
  if (rules.length === 0) return record.done(null);
  const lock = db.retention.lock;
  const retentions: number[] = [];
  for (const r of rules) {
    retentions.push(r.retentionDays);
    if (r.drRetentionDays !== null) retentions.push(r.drRetentionDays);
  }
  const changeableForDays =
    lock?.mode === 'compliance' ? (lock.changeableForSeconds === null ? LIMITS.vaultLockDefaultChangeableForDays : lock.changeableForSeconds / DAY) : null;
  const awsBackup: AwsBackupPlan = {
    rules,
    lock: lock ? { mode: lock.mode, changeableForDays, minRetentionDays: Math.min(...retentions), maxRetentionDays: Math.max(...retentions) } : null,
  };
  if (lock?.mode === 'compliance') {
    record.finding(
      'LB-DB-VAULT-LOCK-COMPLIANCE',
      null,
      `compliance vault lock: after ${changeableForDays}d nobody (not even the root user or AWS) can delete recovery points early or remove the lock`,
      'none needed; this is what compliance mode is for',
    );
  }
  return record.done(awsBackup);
}
