/**
 * Physical AWS names derived from the stack name and a store's stable id. Every layer (constructs, runbooks,
 * verification, policy) uses these functions so that the names a runbook prints are the names Terraform created.
 * Names depend only on (name, store id, region): reordering or adding stores never renames another store.
 */

/** RDS identifiers: 1-63 letters, digits or hyphens, starting with a letter, no trailing or double hyphen. */
export const RDS_IDENTIFIER_MAX = 63;
/** S3 bucket names: 3-63 lowercase letters, digits, hyphens. */
export const BUCKET_NAME_MAX = 63;

export interface DatabaseNames {
  /** DB instance identifier (RDS) or DB cluster identifier (Aurora) in the primary region. */
  primary: string;
  /** Identifier of the cross-region read replica or Aurora secondary cluster in the DR region. */
  dr: string;
  /** Identifier of the n-th (1-based) same-region read replica, or Aurora cluster instance. */
  replica: (n: number) => string;
  /** Deterministic final snapshot identifier, taken if the database is ever destroyed. */
  finalSnapshot: string;
  /** Aurora global cluster identifier. */
  globalCluster: string;
  /** Prefix of temporary verification-restore instances (never a prefix of the names above). */
  verificationPrefix: string;
}

export function databaseNames(stackName: string, storeId: string): DatabaseNames {
  const base = `${stackName}-${storeId}`;
  return {
    primary: base,
    dr: `${base}-dr`,
    replica: (n: number) => `${base}-${n}`,
    finalSnapshot: `${base}-final`,
    globalCluster: `${base}-global`,
    verificationPrefix: `lbv-${base}`,
  };
}

export interface BucketNames {
  /** Source bucket in the primary region. */
  source: string;
  /** Replica bucket in the DR region. */
  replica: string;
}

export function bucketNames(stackName: string, storeId: string, primaryRegion: string, drRegion: string): BucketNames {
  return {
    source: `${stackName}-${storeId}-${primaryRegion}`,
    replica: `${stackName}-${storeId}-${drRegion}`,
  };
}

/** Longest suffix the functions above add to `${stackName}-${storeId}`, used by the spec to bound name lengths. */
export const LONGEST_DATABASE_SUFFIX = '-global'.length + 'lbv-'.length;
export const LONGEST_BUCKET_SUFFIX = '-ap-southeast-3'.length;
