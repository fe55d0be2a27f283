/**
 * The resolved requirements: what `parseRequirements` returns after validation, defaults merging and duration
 * parsing. Every duration is in whole seconds; absent optional values are `null` so the shape never varies.
 */

export const ENGINES = ['postgres', 'mysql', 'mariadb', 'aurora-postgresql', 'aurora-mysql'] as const;
export type Engine = (typeof ENGINES)[number];
export const AURORA_ENGINES: readonly Engine[] = ['aurora-postgresql', 'aurora-mysql'];
export function isAurora(engine: Engine): boolean {
  return AURORA_ENGINES.includes(engine);
}

/** Failure scopes: an AZ outage, a region outage, and logical damage or human error (which replicas copy). */
export const FAILURE_SCOPES = ['az', 'region', 'corruption'] as const;
export type FailureScope = (typeof FAILURE_SCOPES)[number];

export const REGION_ROLES = ['primary', 'dr'] as const;
export type RegionRole = (typeof REGION_ROLES)[number];

export const LOCK_MODES = ['governance', 'compliance'] as const;
export type LockMode = (typeof LOCK_MODES)[number];

/** Storage classes S3 lifecycle rules can transition objects to, coldest last (the order S3 allows transitions). */
export const TRANSITION_STORAGE_CLASSES = [
  'STANDARD_IA',
  'INTELLIGENT_TIERING',
  'ONEZONE_IA',
  'GLACIER_IR',
  'GLACIER',
  'DEEP_ARCHIVE',
] as const;
export type TransitionStorageClass = (typeof TRANSITION_STORAGE_CLASSES)[number];

/**
 * Lifecycle transitions S3 supports from each storage class (the S3 lifecycle "waterfall"; S3 User Guide,
 * lifecycle-transition-general-considerations). Shared by the spec rules and ReplicatedBucket so a spec that
 * validates never fails at synth.
 */
export const S3_SUPPORTED_TRANSITIONS: Readonly<Record<string, readonly TransitionStorageClass[]>> = {
  STANDARD: ['STANDARD_IA', 'INTELLIGENT_TIERING', 'ONEZONE_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'],
  STANDARD_IA: ['INTELLIGENT_TIERING', 'ONEZONE_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'],
  INTELLIGENT_TIERING: ['ONEZONE_IA', 'GLACIER', 'DEEP_ARCHIVE'],
  ONEZONE_IA: ['GLACIER', 'DEEP_ARCHIVE'],
  GLACIER_IR: ['GLACIER', 'DEEP_ARCHIVE'],
  GLACIER: ['DEEP_ARCHIVE'],
  DEEP_ARCHIVE: [],
};

/** Storage classes a replication rule can write replicas in. */
export const REPLICA_STORAGE_CLASSES = [
  'STANDARD',
  'STANDARD_IA',
  'INTELLIGENT_TIERING',
  'ONEZONE_IA',
  'GLACIER_IR',
  'GLACIER',
  'DEEP_ARCHIVE',
] as const;
export type ReplicaStorageClass = (typeof REPLICA_STORAGE_CLASSES)[number];

/** Objective per failure scope, in seconds; null when neither the store nor `defaults` sets one. */
export interface ScopeSeconds {
  az: number | null;
  region: number | null;
  corruption: number | null;
}

/** What a `sql` check expects from its query. */
export type SqlExpectation =
  | { type: 'noRows' }
  | { type: 'someRows' }
  | { type: 'value'; value: string | number | boolean | null };

/** A data check run against a restored database. Serialisable; table names are plain SQL identifiers. */
export type Check =
  | { type: 'tableExists'; table: string }
  | { type: 'rowCount'; table: string; min: number | null; max: number | null }
  | { type: 'freshness'; table: string; column: string; maxLagSeconds: number | null }
  | { type: 'sql'; name: string; sql: string; expect: SqlExpectation };

export interface FreshnessRequirement {
  /** Table whose newest row dates the restored data. */
  table: string;
  /** Timestamp column compared with the restore target time. */
  column: string;
  /** Largest acceptable data lag (measured RPO); null lets the planner derive it from the objectives. */
  maxLagSeconds: number | null;
}

export interface VerificationRequirement {
  /** EventBridge schedule expression (`rate(...)` or `cron(...)`); durations in the spec are converted to rate(). */
  schedule: string;
  /** Longest gap between two scheduled runs (exact for rate(), a conservative upper bound for cron()). */
  intervalSeconds: number;
  /** Region the verification restore runs in. */
  region: RegionRole;
  checks: Check[];
  freshness: FreshnessRequirement | null;
  /** A verification instance older than this is reported as failed and deleted. */
  maxLifetimeSeconds: number;
  /** Instance class of the temporary restored instance; null lets the planner choose a small one. */
  instanceClass: string | null;
}

export interface RetentionRequirement {
  /** Point-in-time recovery window (RDS automated backups), 1-35 days. */
  pointInTimeSeconds: number;
  /** Long-term retention of AWS Backup recovery points; null when no long-term copies are wanted. */
  longTermSeconds: number | null;
  /** AWS Backup vault lock on the long-term copies. */
  lock: { mode: LockMode; changeableForSeconds: number | null } | null;
}

export interface ReadReplicaRequirement {
  /** AWS region code (resolved from `primary` / `dr`). */
  region: string;
  /** Which of the two regions that is. */
  regionRole: RegionRole;
  instanceClass: string | null;
}

export interface DatabaseRequirement {
  id: string;
  engine: Engine;
  /** A major version (`16`, `8.0`) with automatic minor upgrades; a full version only with them off. */
  engineVersion: string | null;
  /** RDS applies minor engine upgrades in the maintenance window (default true). */
  autoMinorVersionUpgrade: boolean;
  instanceClass: string | null;
  storageGb: number | null;
  existing: { identifier: string } | null;
  rpo: ScopeSeconds;
  rto: ScopeSeconds;
  retention: RetentionRequirement;
  readReplicas: ReadReplicaRequirement[];
  /** Explicit request: true forces Multi-AZ, false forbids it, null lets the planner decide. */
  multiAz: boolean | null;
  /** Aurora MySQL backtrack window requested explicitly. */
  backtrackSeconds: number | null;
  verification: VerificationRequirement | null;
}

export interface ObjectLockRequirement {
  mode: LockMode;
  /** Default retention in days or years (exactly one is set, as S3 requires). */
  days: number | null;
  years: number | null;
}

export interface TransitionRequirement {
  afterSeconds: number;
  storageClass: TransitionStorageClass;
}

export interface BucketRequirement {
  id: string;
  /** Region-scope RPO (replication), seconds. */
  rpoSeconds: number;
  /** Region-scope RTO, seconds; null when neither the bucket nor `defaults.rto.region` sets one. */
  rtoSeconds: number | null;
  /** How long overwritten or deleted object versions are kept. */
  retentionSeconds: number;
  objectLock: ObjectLockRequirement | null;
  transitions: TransitionRequirement[];
  replicaStorageClass: ReplicaStorageClass | null;
}

export interface RegionNetwork {
  vpcId: string;
  subnetIds: string[];
  securityGroupIds: string[];
}

export interface Requirements {
  version: 1;
  name: string;
  environment: string;
  tags: Record<string, string>;
  regions: { primary: string; dr: string };
  alerts: { emails: string[]; httpsEndpoints: string[]; topicArn: string | null };
  network: { primary: RegionNetwork; dr: RegionNetwork };
  defaults: { rpo: ScopeSeconds; rto: ScopeSeconds };
  databases: DatabaseRequirement[];
  buckets: BucketRequirement[];
  /** The evidence bucket's Object Lock; absent fields take the planner's defaults (src/plan/evidence.ts). */
  evidence: { lock: { mode?: LockMode; days?: number } };
}
