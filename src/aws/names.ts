/**
 * Physical AWS names, derived from the stack name, a store's stable id and a region. The planner calls these
 * functions once and records every name in the plan (`BackupPlan.stores[].names`, `BackupPlan.shared`); constructs,
 * runbooks and the CLI read the plan. Constructs used alone (without a plan) call the same functions, so both paths
 * name resources alike. Names depend only on (stack name, store id, region, share index): reordering or adding
 * stores never renames another store. A leaf module: it imports nothing from the rest of Lifeboat.
 */

/** Physical names of one database store's resources. */
export interface DatabaseNames {
  /** DB instance identifier (RDS) or DB cluster identifier (Aurora) in the primary region. */
  primary: string;
  /** Identifier of the cross-region read replica or Aurora secondary cluster in the DR region. */
  dr: string;
  /** Identifier of the n-th (1-based) same-region read replica, or Aurora reader instance. */
  replica: (n: number) => string;
  /** Identifier of the n-th (1-based) reader instance of the Aurora secondary cluster in the DR region. */
  drReplica: (n: number) => string;
  /** Deterministic final snapshot identifier of the primary, taken if the database is ever destroyed. */
  finalSnapshot: string;
  /** Final snapshot identifier of a resource named `identifier` (replicas, the secondary cluster). */
  finalSnapshotOf: (identifier: string) => string;
  /** Aurora global cluster identifier. */
  globalCluster: string;
  /** Prefix of temporary verification-restore instances (never a prefix of the names above). */
  verificationPrefix: string;
  /** The temporary restored instance (RDS) or cluster (Aurora) of a verification run. */
  verificationRestored: string;
  /** The instance of a temporary restored Aurora cluster. */
  verificationClusterInstance: string;
  /** DB subnet group of the primary region. */
  subnetGroup: string;
  /** DB subnet group of the DR region (DR replica or secondary cluster). */
  drSubnetGroup: string;
  /** Cluster parameter group carrying rds.global_db_rpo, primary region. */
  globalRpoParameterGroup: string;
  /** Cluster parameter group carrying rds.global_db_rpo, DR region. */
  drGlobalRpoParameterGroup: string;
  /** AWS Backup vault (same name in both regions), plan and the service role of its selection. */
  backupVault: string;
  backupPlan: string;
  backupRole: string;
  /** AWS Backup selection name (per plan, so a fixed name never collides). */
  backupSelection: string;
}

/** Suffixes the verification handler appends to the prefix (lambda/verify-restore/config.ts uses the same). */
export const VERIFICATION_RESTORED_SUFFIX = '-run';
export const VERIFICATION_CLUSTER_INSTANCE_SUFFIX = '-run-1';

export function databaseNames(stackName: string, storeId: string): DatabaseNames {
  const base = `${stackName}-${storeId}`;
  // Methods rather than arrow-function properties: the planner calls this for every store, and the TypeScript
  // loader (tsx, keepNames) names each arrow function it creates at run time, at a cost per call.
  return {
    primary: base,
    dr: `${base}-dr`,
    replica(n: number) {
      return `${base}-${n}`;
    },
    drReplica(n: number) {
      return `${base}-dr-${n}`;
    },
    finalSnapshot: `${base}-final`,
    finalSnapshotOf(identifier: string) {
      return `${identifier}-final`;
    },
    globalCluster: `${base}-global`,
    verificationPrefix: `lbv-${base}`,
    verificationRestored: `lbv-${base}${VERIFICATION_RESTORED_SUFFIX}`,
    verificationClusterInstance: `lbv-${base}${VERIFICATION_CLUSTER_INSTANCE_SUFFIX}`,
    subnetGroup: base,
    drSubnetGroup: `${base}-dr`,
    globalRpoParameterGroup: `${base}-global-rpo`,
    drGlobalRpoParameterGroup: `${base}-dr-global-rpo`,
    backupVault: base,
    backupPlan: base,
    backupRole: backupRoleName(base),
    backupSelection: 'protected-resources',
  };
}

/** The AWS Backup service role of a vault (IAM names are global; the vault name already carries the stack and store). */
export function backupRoleName(vaultName: string): string {
  return `${vaultName}-backup`;
}

/** Physical names of one bucket store's resources. */
export interface BucketNames {
  /** Source bucket in the primary region. */
  source: string;
  /** Replica bucket in the DR region. */
  replica: string;
  /** IAM role S3 assumes to replicate. */
  replicationRole: string;
}

export function bucketNames(stackName: string, storeId: string, primaryRegion: string, drRegion: string): BucketNames {
  return {
    source: `${stackName}-${storeId}-${primaryRegion}`,
    replica: `${stackName}-${storeId}-${drRegion}`,
    replicationRole: `${stackName}-${storeId}-s3-replication`,
  };
}

/** The evidence bucket (DR region) and its replica (primary region); the replication role follows the bucket. */
export function evidenceBucketNames(stackName: string, primaryRegion: string, drRegion: string): { bucket: string; replica: string; replicationRole: string } {
  const bucket = `${stackName}-evidence-${drRegion}`;
  return { bucket, replica: `${stackName}-evidence-${primaryRegion}`, replicationRole: standaloneReplicationRoleName(bucket) };
}

/** The IAM role of a bucket pair used alone: named after its source bucket. */
export function standaloneReplicationRoleName(sourceBucketName: string): string {
  return `${sourceBucketName}-replication`;
}

/** Alarm names: `<stack>-<store id>-<alarm id>`. */
export function alarmName(stackName: string, storeId: string, alarmId: string): string {
  return `${stackName}-${storeId}-${alarmId}`;
}

/** Stack-wide names: alert topics, the shared KMS keys, the dashboard. */
export const stackNames = {
  alertTopic: (stackName: string, region: string) => `${stackName}-alerts-${region}`,
  alertKeyAlias: (stackName: string, region: string) => `${stackName}-alerts-${region}`,
  /** What every alarm name of the stack starts with (`alarmName` puts the stack name first). */
  alarmPrefix: (stackName: string) => `${stackName}-`,
  databaseKeyAlias: (stackName: string, region: string) => `${stackName}-rds-${region}`,
  bucketKeyAlias: (stackName: string, region: string) => `${stackName}-s3-${region}`,
  dashboard: (stackName: string) => `${stackName}-recovery`,
  /** The n-th (0-based) page of a dashboard too large for one (CloudWatch caps widgets per dashboard). */
  dashboardPage: (dashboardName: string, index: number) => (index === 0 ? dashboardName : `${dashboardName}-${index + 1}`),
};

/**
 * Prefix of the names of the n-th (0-based) function of one purpose: the first keeps the stack name, later ones
 * (large plans split stores over several functions) append `-2`, `-3`, ...
 */
export function sharePrefix(stackName: string, index: number): string {
  return index === 0 ? stackName : `${stackName}-${index + 1}`;
}

/** Names around one Lambda function: the role (IAM names are global, so it carries the region) and the log group. */
export function functionNames(functionName: string, region: string): { functionName: string; roleName: string; logGroupName: string } {
  return { functionName, roleName: `${functionName}-${region}`, logGroupName: `/aws/lambda/${functionName}` };
}

/** Names of a verification-restore function with prefix `prefix` (see `sharePrefix`). */
export function verificationNames(prefix: string, region: string) {
  const { functionName, roleName, logGroupName } = functionNames(`${prefix}-verify-restore`, region);
  return {
    functionName,
    roleName,
    logGroupName,
    /** DB subnet group of the restored instances (lowercase, as RDS stores it). */
    subnetGroupName: `${prefix}-verify`,
    functionSecurityGroupName: `${prefix}-verify-function`,
    restoredSecurityGroupName: `${prefix}-verify-restored`,
    endpointSecurityGroupName: `${prefix}-verify-endpoints`,
    scheduleRuleName(storeId: string) {
      return `${prefix}-verify-${storeId}`;
    },
    eventsRuleName: `${prefix}-verify-rds-events`,
    tickRuleName: `${prefix}-verify-tick`,
  };
}

/** Names of a backup-age probe function with prefix `prefix`. */
export function probeNames(prefix: string, region: string) {
  const { functionName, roleName, logGroupName } = functionNames(`${prefix}-backup-age-probe`, region);
  return { functionName, roleName, logGroupName, ruleName: `${prefix}-backup-age-probe` };
}

/** Names of a replica-check function with prefix `prefix`. */
export function replicaCheckNames(prefix: string, region: string) {
  const { functionName, roleName, logGroupName } = functionNames(`${prefix}-replica-check`, region);
  return { functionName, roleName, logGroupName, ruleName: `${prefix}-replica-check` };
}
