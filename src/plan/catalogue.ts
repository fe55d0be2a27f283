/**
 * The ONE table of design constants the planner reasons with. Each figure is a conservative estimate from the AWS
 * documentation named in its `source` (user and developer guides); the plan marks them `estimate: true` and
 * verification restores and probes later measure the real values. Change a figure here and every decision, alarm
 * and table follows.
 */
import { RDS_LIMITS } from '../aws/limits';
import { DAILY_BACKUP_HOUR_UTC, DEFAULT_BACKUP_WINDOW, DEFAULT_MAINTENANCE_WINDOW } from '../aws/windows';
import type { MechanismKind } from './types';

const MINUTE = 60;
const HOUR = 3_600;
const DAY = 86_400;

export interface CatalogueEntry {
  kind: MechanismKind;
  /** Design recovery point: how much data may be lost, seconds. */
  rpoSeconds: number;
  /** Design recovery time: how long until service is back, seconds. */
  rtoSeconds: number;
  /** Where the figures come from. */
  source: string;
}

export const CATALOGUE = {
  pitr: {
    kind: 'rds-pitr',
    rpoSeconds: 5 * MINUTE,
    rtoSeconds: HOUR,
    source:
      'RDS User Guide USER_PIT / USER_WorkingWithAutomatedBackups: transaction logs uploaded every 5 minutes (LatestRestorableTime); restore creates a new instance, tens of minutes plus log replay',
  },
  multiAz: {
    kind: 'multi-az',
    rpoSeconds: 0,
    rtoSeconds: 2 * MINUTE,
    source: 'RDS User Guide Concepts.MultiAZ: synchronous standby, automatic failover typically 1-2 minutes',
  },
  crossRegionBackupReplication: {
    kind: 'cross-region-backup-replication',
    rpoSeconds: 5 * MINUTE,
    rtoSeconds: HOUR,
    source:
      'RDS User Guide USER_ReplicateBackups: snapshots and transaction logs copied to the destination region as soon as they are ready; restore there is a new instance (tens of minutes)',
  },
  crossRegionReadReplica: {
    kind: 'read-replica',
    rpoSeconds: 20,
    rtoSeconds: 10 * MINUTE,
    source:
      'RDS User Guide USER_ReadRepl: asynchronous replication, lag typically seconds (held by a ReplicaLag alarm); promotion takes minutes',
  },
  auroraGlobalDatabase: {
    kind: 'aurora-global-database',
    rpoSeconds: 1,
    rtoSeconds: 2 * MINUTE,
    source:
      'Aurora User Guide aurora-global-database-disaster-recovery: typical lag under 1 second; managed failover about a minute; rds.global_db_rpo (aurora-postgresql) can enforce an RPO of at least 20 seconds',
  },
  auroraBacktrack: {
    kind: 'aurora-backtrack',
    rpoSeconds: 1,
    rtoSeconds: 5 * MINUTE,
    source: 'Aurora User Guide AuroraMySQL.Managing.Backtrack: rewinds the cluster to the second in minutes; window up to 72 hours; set at creation',
  },
  awsBackupCopy: {
    kind: 'aws-backup',
    /** Added to the schedule interval: the time a recovery point takes to be copied to the DR vault. */
    rpoSeconds: 2 * HOUR,
    rtoSeconds: HOUR,
    source:
      'AWS Backup Developer Guide (creating-a-backup-plan, cross-region-backup): hourly at the most frequent; cross-region copies take hours; restore is a new instance or cluster',
  },
  s3Versioning: {
    kind: 's3-versioning',
    rpoSeconds: 0,
    rtoSeconds: 10 * MINUTE,
    source: 'S3 User Guide Versioning: every overwrite and delete keeps the previous version; restoring is a copy of that version',
  },
  s3Lifecycle: {
    kind: 's3-lifecycle',
    rpoSeconds: 0,
    rtoSeconds: 10 * MINUTE,
    source: 'S3 User Guide object-lifecycle-mgmt: noncurrent versions expire only after the retention',
  },
  s3ObjectLock: {
    kind: 's3-object-lock',
    rpoSeconds: 0,
    rtoSeconds: 10 * MINUTE,
    source: 'S3 User Guide object-lock: WORM versions cannot be deleted or overwritten before their retention date',
  },
  s3Replication: {
    kind: 's3-replication',
    rpoSeconds: HOUR,
    rtoSeconds: 5 * MINUTE,
    source:
      'S3 User Guide replication: no time SLA (most objects replicate in seconds, large objects and backlogs take longer); 1 hour is the design figure, held by a ReplicationLatency alarm; reading the replica means pointing clients at it',
  },
  s3ReplicationRtc: {
    kind: 's3-replication-rtc',
    rpoSeconds: 15 * MINUTE,
    rtoSeconds: 5 * MINUTE,
    source: 'S3 User Guide replication-time-control: 99.99% of objects within 15 minutes (design target, metrics with 15-minute event threshold)',
  },
} as const satisfies Record<string, CatalogueEntry>;

/** Other design constants and AWS limits the planner relies on. */
export const LIMITS = {
  /** rds.global_db_rpo accepts 20 seconds or more (aurora-postgresql only). */
  globalDbManagedRpoMinSeconds: RDS_LIMITS.globalDbManagedRpoMinSeconds,
  /**
   * AWS Backup schedule intervals the planner offers; they divide a day so cron stays simple. Not hourly: the
   * start windows of an hourly rule cover every hour, so its jobs would always start in the maintenance window.
   */
  awsBackupIntervalsHours: [2, 3, 4, 6, 8, 12, 24] as readonly number[],
  awsBackupStartWindowMinutes: 60,
  /** Long-term daily backups: completion window, and the UTC hour chosen after the RDS backup window. */
  awsBackupDailyCompletionWindowMinutes: 12 * 60,
  awsBackupDailyHourUtc: DAILY_BACKUP_HOUR_UTC,
  /** AWS Backup vault lock: grace time of compliance mode (minimum 3 days). */
  vaultLockDefaultChangeableForDays: 3,
  /** Aurora backtrack window when the planner adds it for an objective. */
  backtrackDefaultWindowSeconds: DAY,
  /** RDS windows (src/aws/windows.ts): apart from each other and from AWS Backup's jobs on every day (UTC). */
  backupWindow: DEFAULT_BACKUP_WINDOW,
  maintenanceWindow: DEFAULT_MAINTENANCE_WINDOW,
  /** Instance class of verification restores (supported by all five engines' current versions). */
  verificationInstanceClass: 'db.t4g.medium',
  /** S3 reading from archived replicas needs a restore first (standard retrieval). */
  s3ArchiveRestoreSeconds: { GLACIER: 5 * HOUR, DEEP_ARCHIVE: 12 * HOUR } as Readonly<Record<string, number>>,
  /** Fallback alarm threshold for PITR when no objective relies on it: three missed log uploads. */
  pitrFallbackLagSeconds: 15 * MINUTE,
  /** Replication rule id shared with constructs/replicated-bucket.ts (RuleId dimension). */
  s3ReplicationRuleId: 'lifeboat-dr',
} as const;

export const ESTIMATES_NOTE =
  'Design RPO/RTO figures are conservative estimates from the mechanism catalogue (src/plan/catalogue.ts, with sources); verification restores and probes measure the real values.';
