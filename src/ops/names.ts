/**
 * The physical names the operator procedures need, read from the plan. Every name Terraform creates is decided by
 * the planner; this module only reads them, so a runbook, `lifeboat restore` and the synthesized stack agree.
 */
import type { BackupPlan, BucketStorePlan, DatabaseStorePlan } from '../plan/types';

export interface OperatorDatabaseNames {
  /** DB instance (RDS) or DB cluster (Aurora) identifier in the primary region. */
  primary: string;
  /** Cross-region read replica or Aurora secondary cluster in the DR region. */
  dr: string;
  /** DB subnet group of the primary in the primary region. */
  subnetGroup: string;
  /** DB subnet group for restores in the DR region (Terraform creates it only for Aurora secondaries). */
  drSubnetGroup: string;
  /** Aurora cluster instances Terraform manages in the primary region: the writer first, then the readers. */
  clusterInstances: string[];
  /** Aurora secondary-cluster instances in the DR region. */
  secondaryInstances: string[];
  /** DB cluster parameter group that sets `rds.global_db_rpo` (primary and DR), when the plan enforces it. */
  globalRpoParameterGroup: { primary: string; dr: string } | null;
  /** KMS key (alias) of the store's data and its master-user secret, per region. */
  kmsKey: { primary: string; dr: string };
}

/**
 * ---- DERIVED NAMES: replace with the plan's own fields once the planner records every physical name. ----
 * Until then, the names the planner does not record yet are derived here, once, exactly as the constructs name them
 * today (checked against the synthesized example stack): subnet groups `<primary>` / `<dr>`, cluster instances
 * `<primary>` (writer) and `<primary>-<n>` (readers), `<primary>-global-rpo` parameter groups, and the stack's RDS key
 * aliases `alias/<name>-rds-<region>`.
 */
function derivedDatabaseNames(plan: BackupPlan, store: DatabaseStorePlan): OperatorDatabaseNames {
  const names = store.names as DatabaseStorePlan['names'] & Partial<Record<string, unknown>>;
  const readers = Math.max(store.multiAz ? 1 : 0, 0);
  const aurora = store.family === 'aurora';
  const secondaryCount = store.globalDatabase?.secondaryInstances ?? 0;
  return {
    primary: names.primary,
    dr: store.globalDatabase?.secondaryClusterIdentifier ?? names.dr,
    subnetGroup: typeof names.subnetGroup === 'string' ? names.subnetGroup : names.primary,
    drSubnetGroup: typeof names.drSubnetGroup === 'string' ? names.drSubnetGroup : names.dr,
    clusterInstances: aurora ? [names.primary, ...Array.from({ length: readers }, (_, index) => `${names.primary}-${index + 1}`)] : [],
    secondaryInstances: Array.from({ length: secondaryCount }, (_, index) => `${names.dr}-${index + 1}`),
    globalRpoParameterGroup:
      store.globalDatabase?.managedRpoSeconds != null ? { primary: `${names.primary}-global-rpo`, dr: `${names.dr}-global-rpo` } : null,
    kmsKey: { primary: `alias/${plan.name}-rds-${plan.regions.primary}`, dr: `alias/${plan.name}-rds-${plan.regions.dr}` },
  };
}
// ---- end of derived names ----

export function operatorDatabaseNames(plan: BackupPlan, store: DatabaseStorePlan): OperatorDatabaseNames {
  return derivedDatabaseNames(plan, store);
}

export function operatorBucketNames(store: BucketStorePlan): { source: string; replica: string } {
  return { source: store.names.source, replica: store.names.replica };
}
