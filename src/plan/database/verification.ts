/**
 * Verification of a database: the schedule, region, checks and freshness of the restores that prove the backups,
 * and (a separate, later step) the DR-region backups a DR-region verification needs.
 */
import type { DatabaseNames } from '../../aws/names';
import type { DatabaseRequirement } from '../../spec/types';
import { CATALOGUE, LIMITS } from '../catalogue';
import { DecisionRecord, duration, HOUR, type Decision } from '../decide';
import type { DatabaseStorePlan, VerificationPlan } from '../types';

export function decideVerification(db: DatabaseRequirement, names: DatabaseNames, regions: { primary: string; dr: string }): Decision<VerificationPlan | null> {
  const record = new DecisionRecord();
  const v = db.verification;
  if (v === null) {
    record.finding(
      'LB-DB-NO-VERIFICATION',
      null,
      'no verification: nothing proves the backups restore, or measures the real RTO and data lag',
      'add databases.<i>.verification with a schedule, checks and freshness',
    );
    return record.done(null);
  }
  if (v.checks.length === 0 && v.freshness === null) {
    record.finding(
      'LB-VERIFY-NO-CHECKS',
      null,
      'verification restores the database but checks no data, so it cannot tell an empty or damaged restore from a good one',
      'add verification.checks (tableExists, rowCount, sql) and verification.freshness',
    );
  }
  // A freshness check in the list measures the data lag just as verification.freshness does.
  const freshnessCheck = v.checks.find((check) => check.type === 'freshness');
  const freshness = v.freshness ?? (freshnessCheck ? { table: freshnessCheck.table, column: freshnessCheck.column, maxLagSeconds: freshnessCheck.maxLagSeconds } : null);
  if (freshness === null) {
    record.finding(
      'LB-VERIFY-NO-FRESHNESS',
      null,
      'no verification.freshness: the real RPO (age of the newest restored row) is not measured',
      'add verification.freshness with a table and its timestamp column',
    );
  }
  const restoreRpo = v.region === 'dr' ? db.rpo.region : (db.rpo.corruption ?? db.rpo.az);
  return record.done({
    scheduleExpression: v.schedule,
    interval: duration(v.intervalSeconds),
    region: v.region === 'primary' ? regions.primary : regions.dr,
    regionRole: v.region,
    restoreInstanceClass: v.instanceClass ?? LIMITS.verificationInstanceClass,
    checks: v.checks.map((c) => ({ ...c })),
    freshness: freshness ? { table: freshness.table, column: freshness.column, maxLag: duration(freshness.maxLagSeconds ?? restoreRpo ?? HOUR) } : null,
    maxLifetime: duration(v.maxLifetimeSeconds),
    instancePrefix: names.verificationPrefix,
  });
}

export interface DrBackupsInput {
  verification: VerificationPlan | null;
  aurora: boolean;
  dr: string;
  retentionDays: number;
  crossRegionBackupReplication: DatabaseStorePlan['crossRegionBackupReplication'];
}

/**
 * The cross-concern step after region, retention and verification: a verification restore in the DR region needs
 * something to restore there. An RDS instance is restored to a point in time from its replicated automated backups,
 * so they are added when the region decision did not choose them. An Aurora cluster's automated backups never leave
 * its region (AWS replicates automated backups across regions for DB instances only), and the verification restores
 * to a point in time, not from AWS Backup copies or a global database's secondary: an error. Returns the backup
 * replication to plan.
 */
export function drBackupsForVerification(input: DrBackupsInput): Decision<DatabaseStorePlan['crossRegionBackupReplication']> {
  const record = new DecisionRecord();
  const { verification, aurora, dr, crossRegionBackupReplication } = input;
  if (verification?.regionRole !== 'dr' || crossRegionBackupReplication !== null) return record.done(crossRegionBackupReplication);
  if (aurora) {
    record.finding(
      'LB-VERIFY-NO-BACKUPS-IN-REGION',
      null,
      `verification runs in ${dr}, but an Aurora cluster's automated backups stay in its own region: there is nothing there to restore to a point in time (AWS Backup copies and a global database's secondary are not verification sources)`,
      'set verification.region to "primary"',
    );
    return record.done(null);
  }
  record.mechanism(CATALOGUE.crossRegionBackupReplication, dr, null, 'verification restores run in the DR region');
  record.finding(
    'LB-VERIFY-DR-BACKUPS-ADDED',
    null,
    `verification runs in ${dr}: added cross-region automated backup replication so there is something to restore there`,
    'none needed',
  );
  return record.done({ region: dr, retentionDays: input.retentionDays });
}
