/**
 * What both database constructs take (`ProtectedDatabase`, `ProtectedAuroraCluster`): names, network, keys,
 * automated backups and windows, the DR region, long-term backup and alarms. Each construct's props extend
 * `DatabaseProtectionProps` with what only it has (storage and replicas; readers, backtrack and a global database),
 * as aws-cdk-lib's aws-rds props do.
 */
import type { AlarmTopics } from './alarm';
import type { LongTermBackupOptions, RegionalKey } from './backup-vault';
import type { PlannedAlarm } from './database-alarms';
import type { DatabaseNamesPlan } from '../src/plan/types';

export type { RegionalKey } from './backup-vault';

/** A database Terraform does not manage: Lifeboat protects it (replication, backups, alarms) but never creates it. */
export interface ExistingDatabase {
  /** DB instance identifier (RDS) or DB cluster identifier (Aurora) in the primary region. */
  readonly identifier: string;
}

/** The disaster-recovery region of a database: where cross-region replicas, copies and secondaries live. */
export interface DisasterRecoveryRegion {
  /** The DR region; must differ from the primary region. */
  readonly region: string;
  /** Customer-managed key in the DR region; an encrypted cross-region copy can only use a key of its own region. */
  readonly encryptionKey: RegionalKey;
  /** Private subnets (two AZs or more) for a DR replica or secondary cluster. @default none (then no DR replica is allowed) */
  readonly subnetIds?: string[];
  /** Security groups for a DR replica or secondary cluster. @default none */
  readonly securityGroupIds?: string[];
}

/** The props both database constructs take. */
export interface DatabaseProtectionProps {
  /** Prefix of every physical name (the spec's `name`) and of the alarm names. */
  readonly stackName: string;
  /** Stable id of the database; physical names derive from it, never from list positions. */
  readonly databaseId: string;
  /**
   * Every physical name, as a plan decided them (`DatabaseStorePlan.names`): each resource takes its name from here.
   * @default named from stackName and databaseId by the planner's naming step (src/plan/names.ts)
   */
  readonly names?: DatabaseNamesPlan;
  /** Primary region. */
  readonly region: string;
  /** Engine version, e.g. '16' (a major version lets auto minor upgrades proceed without drift). Required unless `existing`. @default none */
  readonly engineVersion?: string;
  /** Instance class of the instance (or of the cluster's writer and readers), e.g. 'db.m7g.large'. Required unless `existing`. @default none */
  readonly instanceClass?: string;
  /** Customer-managed key in the primary region for storage, the master secret and Performance Insights. */
  readonly encryptionKey: RegionalKey;
  /** Private subnets (two AZs or more) of the DB subnet group. Required unless `existing`. @default none */
  readonly subnetIds?: string[];
  /** Security groups of the instance or cluster. Required unless `existing`. @default none */
  readonly securityGroupIds?: string[];
  /** Adopt an existing instance or cluster instead of creating one. @default create a new one */
  readonly existing?: ExistingDatabase;
  /** Automated-backup (PITR) retention, 1-35 days. @default 7 */
  readonly backupRetentionDays?: number;
  /** Daily backup window, 'hh24:mi-hh24:mi' UTC, at least 30 minutes. @default '03:00-04:00' */
  readonly backupWindow?: string;
  /** Weekly maintenance window, 'ddd:hh24:mi-ddd:hh24:mi' UTC, at least 30 minutes, not overlapping the backup window. @default 'sun:01:00-sun:02:00' (src/aws/windows.ts) */
  readonly maintenanceWindow?: string;
  /** Master user name; its password is generated and kept in Secrets Manager by RDS. @default 'dbadmin' */
  readonly masterUsername?: string;
  /** Name of the initial database. @default none */
  readonly databaseName?: string;
  /** Apply minor engine upgrades in the maintenance window. @default true */
  readonly autoMinorVersionUpgrade?: boolean;
  /** Performance Insights on every instance, encrypted with the key of its region. @default false */
  readonly performanceInsights?: boolean;
  /** DR region for cross-region replicas or the global secondary, backup replication and AWS Backup copies. @default none */
  readonly dr?: DisasterRecoveryRegion;
  /** Long-term retention through AWS Backup (the only way past 35 days). @default none */
  readonly longTermBackup?: LongTermBackupOptions;
  /** SNS topic per region for every alarm. */
  readonly alarmTopics: AlarmTopics;
  /**
   * The store's alarms from the plan (`DatabaseStorePlan.alarms`), rendered as planned: AWS/RDS alarms on the
   * database, AWS/Backup alarms on the long-term backup vault; `Lifeboat`-namespace alarms are left to the
   * verification and probe constructs. An AWS/RDS alarm on an instance or cluster the construct does not create or
   * adopt is an error.
   * @default planned by the construct from its props through src/plan/alarms (the planner's own definitions)
   */
  readonly plannedAlarms?: PlannedAlarm[];
  /** az RPO in seconds: the lag alarms of in-region replicas and readers fire above it (at least 1 s). @default 20 (a replica's design lag) */
  readonly azRpoSeconds?: number;
  /** Region RPO in seconds: the lag alarm of the DR replica or global secondary fires above it (at least 1 s). @default 20 (a replica's design lag) */
  readonly regionRpoSeconds?: number;
  /** Tags for every resource. @default none */
  readonly tags?: Record<string, string>;
}
