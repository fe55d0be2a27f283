/**
 * BackupPlan: what the planner decides for a requirements spec, and what constructs, runbooks, the CLI and
 * verification render. Versioned (`planVersion`), serialised deterministically by `serializePlan`. Absent values
 * are `null` (never missing keys) so every consumer sees one shape. Durations carry seconds and a human form.
 *
 * Stability: additive changes only within planVersion 1.
 */
import type {
  Check,
  Engine,
  FailureScope,
  LockMode,
  RegionRole,
  ReplicaStorageClass,
  TransitionStorageClass,
} from '../spec/types';
import type { EvidencePlan } from './evidence';

export type { Check, Engine, FailureScope, LockMode, RegionRole, ReplicaStorageClass, TransitionStorageClass };

export const PLAN_VERSION = 1 as const;

export const MECHANISM_KINDS = [
  'rds-pitr',
  'multi-az',
  'cross-region-backup-replication',
  'read-replica',
  'aurora-global-database',
  'aurora-backtrack',
  'aws-backup',
  's3-versioning',
  's3-replication',
  's3-replication-rtc',
  's3-object-lock',
  's3-lifecycle',
] as const;
/** The mechanisms constructs know how to render. */
export type MechanismKind = (typeof MECHANISM_KINDS)[number];

export type Severity = 'error' | 'warning' | 'info';

/** A duration for programs (seconds) and people (`5m`, `35d`, `0s`). */
export interface PlanDuration {
  seconds: number;
  human: string;
}

/** Design figures from the mechanism catalogue: conservative estimates, later measured by verification. */
export interface DesignFigures {
  rpo: PlanDuration;
  rto: PlanDuration;
  estimate: true;
}

/** One mechanism chosen for a store, with what it is for and why. */
export interface PlannedMechanism {
  kind: MechanismKind;
  /** Region its resources live in (the DR region for cross-region replicas and copies). */
  region: string;
  /** Failure scopes it serves in this plan. */
  scopes: FailureScope[];
  design: DesignFigures;
  /** Why the planner chose it (objective arithmetic or an explicit request). */
  reason: string;
  /** Where the design figures come from (see catalogue.ts). */
  source: string;
}

/** The verdict for one failure scope of one store. */
export interface ScopePlan {
  scope: FailureScope;
  /** Objectives after merging defaults; null where the spec sets none. */
  objective: { rpo: PlanDuration | null; rto: PlanDuration | null };
  /** Design figures of the mechanisms serving this scope (the best of them); null when none serves it. */
  design: DesignFigures | null;
  mechanisms: MechanismKind[];
  /** True when the design figures meet every objective set for this scope (trivially true without objectives). */
  met: boolean;
  reason: string;
}

import type { AlarmPlan } from './alarms/types';

export type { AlarmPlan, AlarmStatistic, ComparisonOperator, TreatMissingData } from './alarms/types';

export interface Finding {
  severity: Severity;
  /** Stable code, e.g. `LB-S3-RPO-BELOW-RTC`; see FINDING_CODES in findings.ts. */
  code: string;
  /** Store id, or null for plan-wide findings. */
  store: string | null;
  scope: FailureScope | null;
  message: string;
  fix: string;
}

/** An AWS Backup rule (one per purpose) for a database. */
export interface BackupRulePlan {
  /** Stable rule name, e.g. `region-copy` or `long-term`. */
  name: string;
  /** EventBridge cron expression in UTC, e.g. `cron(0 5 * * ? *)`. */
  scheduleExpression: string;
  /** Hours between runs, for readers and the backup-age alarm. */
  intervalHours: number;
  /** Minutes within which the job must start / complete. */
  startWindowMinutes: number;
  completionWindowMinutes: number;
  /** Days recovery points are kept in the primary-region vault. */
  retentionDays: number;
  /** Copy each recovery point to the DR-region vault. */
  copyToDr: boolean;
  /** Days copies are kept in the DR vault (null when not copied). */
  drRetentionDays: number | null;
}

/** AWS Backup vault lock (applied to the vaults of both regions). */
export interface VaultLockPlan {
  mode: LockMode;
  /** Compliance mode grace time in days (>= 3); null in governance mode. */
  changeableForDays: number | null;
  /** Smallest / largest retention any rule writes into the vaults (the lock's bounds). */
  minRetentionDays: number;
  maxRetentionDays: number;
}

export interface AwsBackupPlan {
  rules: BackupRulePlan[];
  lock: VaultLockPlan | null;
}

export interface ReadReplicaPlan {
  /** 1-based index for same-region replicas (databaseNames().replica(n)); 0 for the DR replica (names.dr). */
  index: number;
  identifier: string;
  region: string;
  regionRole: RegionRole;
  instanceClass: string;
  /** Why it exists: requested in the spec, or added by the planner for an objective. */
  reason: string;
}

export interface GlobalDatabasePlan {
  globalClusterIdentifier: string;
  secondaryClusterIdentifier: string;
  secondaryRegion: string;
  /** `rds.global_db_rpo` in seconds (aurora-postgresql, >= 20) when the planner enforces the RPO; else null. */
  managedRpoSeconds: number | null;
  /** Reader instances in the secondary cluster (0 = headless). */
  secondaryInstances: number;
}

export interface VerificationPlan {
  /** EventBridge schedule expression. */
  scheduleExpression: string;
  /** Longest gap between runs (upper bound for cron). */
  interval: PlanDuration;
  region: string;
  regionRole: RegionRole;
  /** Instance class of the temporary restore. */
  restoreInstanceClass: string;
  checks: Check[];
  freshness: { table: string; column: string; maxLag: PlanDuration } | null;
  maxLifetime: PlanDuration;
  /** Prefix of temporary instance identifiers (naming.ts). */
  instancePrefix: string;
}

/**
 * Every physical name of a database store, decided once by the planner (src/aws/names.ts) and checked there for
 * AWS's limits and for uniqueness per region. Constructs, runbooks and the CLI read these; none recomputes them.
 * A name is null where the plan creates no such resource.
 */
export interface DatabaseNamesPlan {
  /** DB instance identifier (RDS) or DB cluster identifier (Aurora) in the primary region; for an adopted database its identifier. */
  primary: string;
  /** Cross-region read replica (RDS) or secondary cluster (Aurora) in the DR region. */
  dr: string;
  /** Final snapshot of the primary, taken if it is ever destroyed. */
  finalSnapshot: string;
  /** Aurora global cluster identifier. */
  globalCluster: string;
  /** Prefix of temporary verification-restore identifiers. */
  verificationPrefix: string;
  /** DB subnet group in the primary region; null for an adopted database. */
  subnetGroup: string | null;
  /** DB subnet group in the DR region; null without a DR replica or secondary cluster. */
  drSubnetGroup: string | null;
  /** Final snapshot of the DR replica or secondary cluster; null without one. */
  drFinalSnapshot: string | null;
  /** Aurora: the writer instance (it takes the cluster's name; instance and cluster names are separate namespaces); null otherwise. */
  writerInstance: string | null;
  /** Same-region read replicas (RDS) or reader instances (Aurora), in index order (`readReplicas[].identifier` for RDS). */
  replicas: string[];
  /** Final snapshots of the same-region read replicas (RDS; Aurora reader instances take none), in index order. */
  replicaFinalSnapshots: string[];
  /** Reader instances of the Aurora secondary cluster, in index order. */
  drReplicas: string[];
  /** Cluster parameter groups carrying `rds.global_db_rpo`; null when the plan does not enforce the RPO. */
  globalRpoParameterGroups: { primary: string; dr: string } | null;
  /** AWS Backup vault (the same name in both regions), plan, service role and selection; null without AWS Backup. */
  awsBackup: { vault: string; plan: string; role: string; selection: string } | null;
  /** Temporary verification restore: the restored instance or cluster, and (Aurora) its instance; null without verification. */
  verificationRestore: { restored: string; instance: string } | null;
}

/** Every physical name of a bucket store (see DatabaseNamesPlan). */
export interface BucketNamesPlan {
  /** Source bucket in the primary region. */
  source: string;
  /** Replica bucket in the DR region. */
  replica: string;
  /** IAM role S3 assumes to replicate. */
  replicationRole: string;
}

/** Why a function exists. */
export type FunctionPurpose = 'verification' | 'backup-age-probe' | 'replica-check';

/**
 * One Lambda function of the plan with its names. Large plans split a purpose's stores over several functions
 * (Lambda allows 4 KB of environment, IAM 10 KB of inline policy per role); the first keeps the plain names.
 */
export interface FunctionPlan {
  purpose: FunctionPurpose;
  /** Construct id within DisasterRecovery, e.g. `verification-eu-west-1` or `backup-age-probe-2`. */
  id: string;
  region: string;
  /** Prefix of the function's other names (`<name>` or `<name>-<n>`). */
  namePrefix: string;
  functionName: string;
  /** IAM role names are global, so the role carries the region. */
  roleName: string;
  logGroupName: string;
  /** EventBridge rules: `schedule` (probe, replica check), `schedule:<store id>`, `rds-events`, `tick` (verification). */
  ruleNames: Record<string, string>;
  /** Verification only: the restored instances' DB subnet group and the security groups; null for other purposes. */
  network: { subnetGroupName: string; functionSecurityGroupName: string; restoredSecurityGroupName: string; endpointSecurityGroupName: string } | null;
  /** Stores the function serves, in plan order. */
  storeIds: string[];
}

/** Names of what the stores share: alert topics, KMS keys, functions, the dashboard. */
export interface SharedNamesPlan {
  dashboardName: string;
  /** Alert topic and its key alias per region (a region with `alerts.topicArn` uses that topic instead). */
  alertTopics: { region: string; topicName: string; keyAlias: string }[];
  /** The stack's KMS keys (without `alias/`): `rds` for databases and their backups, `s3` for buckets. */
  keys: { purpose: 'rds' | 's3'; region: string; alias: string }[];
  functions: FunctionPlan[];
}

export interface DatabaseStorePlan {
  kind: 'database';
  id: string;
  engine: Engine;
  /** `instance` for RDS instances, `aurora` for Aurora clusters. */
  family: 'instance' | 'aurora';
  /**
   * Engine version as RDS is asked for it: a major version (`16`, `8.0`) while automatic minor upgrades are on, so
   * RDS picks a minor it offers and an upgrade never shows as a downgrade in `terraform plan`; a full version only
   * with `autoMinorVersionUpgrade: false`. Null for an adopted database.
   */
  engineVersion: string | null;
  /** RDS applies minor engine upgrades in the maintenance window. */
  autoMinorVersionUpgrade: boolean;
  instanceClass: string | null;
  storageGb: number | null;
  /** Adopted database: protect, do not create. */
  existing: { identifier: string } | null;
  names: DatabaseNamesPlan;
  scopes: Record<FailureScope, ScopePlan>;
  mechanisms: PlannedMechanism[];
  /** RDS automated backups (always on). */
  backup: { retentionDays: number; backupWindow: string; maintenanceWindow: string };
  /** Multi-AZ deployment; for Aurora, a reader instance in a second AZ. */
  multiAz: boolean;
  readReplicas: ReadReplicaPlan[];
  /** Cross-region automated backup replication (RDS instances). */
  crossRegionBackupReplication: { region: string; retentionDays: number } | null;
  globalDatabase: GlobalDatabasePlan | null;
  /** Aurora MySQL backtrack window. */
  backtrack: { windowSeconds: number; window: string } | null;
  awsBackup: AwsBackupPlan | null;
  alarms: AlarmPlan[];
  verification: VerificationPlan | null;
}

export interface BucketTransitionPlan {
  afterDays: number;
  storageClass: TransitionStorageClass;
}

export interface BucketStorePlan {
  kind: 'bucket';
  id: string;
  names: BucketNamesPlan;
  scopes: Record<FailureScope, ScopePlan>;
  mechanisms: PlannedMechanism[];
  /** Days overwritten/deleted (noncurrent) versions are kept. */
  retentionDays: number;
  transitions: BucketTransitionPlan[];
  objectLock: { mode: LockMode; days: number | null; years: number | null } | null;
  replication: {
    /** Replication rule id (the `RuleId` dimension of replication metrics). */
    ruleId: string;
    destinationRegion: string;
    /** S3 Replication Time Control (15-minute design target). */
    rtc: boolean;
    replicaStorageClass: ReplicaStorageClass;
  };
  alarms: AlarmPlan[];
}

export type StorePlan = DatabaseStorePlan | BucketStorePlan;

export interface BackupPlan {
  planVersion: typeof PLAN_VERSION;
  name: string;
  environment: string;
  regions: { primary: string; dr: string };
  alerts: { emails: string[]; httpsEndpoints: string[]; topicArn: string | null };
  tags: Record<string, string>;
  network: {
    primary: { vpcId: string; subnetIds: string[]; securityGroupIds: string[] };
    dr: { vpcId: string; subnetIds: string[]; securityGroupIds: string[] };
  };
  /** Reminder that design figures are estimates until verification measures them. */
  estimatesNote: string;
  /** Names of the resources the stores share. */
  shared: SharedNamesPlan;
  /** The evidence bucket (absent in plans written before it existed: `planEvidence` then gives the same decisions). */
  evidence?: EvidencePlan;
  /** Stores sorted by id. */
  stores: StorePlan[];
  /** Sorted: errors, warnings, infos; then by store, scope, code. */
  findings: Finding[];
  summary: { errors: number; warnings: number; infos: number };
}
