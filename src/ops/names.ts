/**
 * The physical names the operator procedures need, read from the plan. Every name Terraform creates is decided by
 * the planner (`plan.stores[].names`, `plan.shared.keys`); this module only reads them, so a runbook, the `lifeboat`
 * operator commands and the synthesized stack agree.
 */
import type { BackupPlan, BucketStorePlan, DatabaseStorePlan } from '../plan/types';

export interface OperatorDatabaseNames {
  /** DB instance (RDS) or DB cluster (Aurora) identifier in the primary region. */
  primary: string;
  /** Cross-region read replica or Aurora secondary cluster in the DR region. */
  dr: string;
  /** DB subnet group of the primary in the primary region. */
  subnetGroup: string;
  /**
   * DB subnet group for restores in the DR region: the plan's (Aurora secondaries, DR replicas), else the group a DR
   * restore creates itself, named after the DR identifier.
   */
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

/** Names a plan written before the planner recorded them lacks (older backup_plan.json files). */
type OlderNames = Partial<Pick<DatabaseStorePlan['names'], 'subnetGroup' | 'drSubnetGroup' | 'writerInstance' | 'replicas' | 'drReplicas' | 'globalRpoParameterGroups'>>;

function rdsKeyAlias(plan: BackupPlan, region: string): string {
  const key = (plan.shared as BackupPlan['shared'] | undefined)?.keys.find((candidate) => candidate.purpose === 'rds' && candidate.region === region);
  // A plan without `shared` predates it; the planner's rule then gives the same alias.
  return `alias/${key?.alias ?? `${plan.name}-rds-${region}`}`;
}

export function operatorDatabaseNames(plan: BackupPlan, store: DatabaseStorePlan): OperatorDatabaseNames {
  const names = store.names as DatabaseStorePlan['names'] & OlderNames;
  const aurora = store.family === 'aurora';
  const recorded = names.writerInstance !== undefined;
  // Older plans: the constructs' rules at the time (writer `<primary>`, readers `<primary>-<n>`, `-global-rpo` groups).
  const clusterInstances = !aurora
    ? []
    : recorded
      ? [names.writerInstance ?? names.primary, ...(names.replicas ?? [])]
      : [names.primary, ...(store.multiAz ? [`${names.primary}-1`] : [])];
  const secondaryInstances = names.drReplicas ?? Array.from({ length: store.globalDatabase?.secondaryInstances ?? 0 }, (_, index) => `${names.dr}-${index + 1}`);
  const globalRpoParameterGroup =
    names.globalRpoParameterGroups !== undefined
      ? names.globalRpoParameterGroups
      : store.globalDatabase?.managedRpoSeconds != null
        ? { primary: `${names.primary}-global-rpo`, dr: `${names.dr}-global-rpo` }
        : null;
  return {
    primary: names.primary,
    dr: store.globalDatabase?.secondaryClusterIdentifier ?? names.dr,
    subnetGroup: names.subnetGroup ?? names.primary,
    drSubnetGroup: names.drSubnetGroup ?? names.dr,
    clusterInstances,
    secondaryInstances,
    globalRpoParameterGroup,
    kmsKey: { primary: rdsKeyAlias(plan, plan.regions.primary), dr: rdsKeyAlias(plan, plan.regions.dr) },
  };
}

export function operatorBucketNames(store: BucketStorePlan): { source: string; replica: string } {
  return { source: store.names.source, replica: store.names.replica };
}

/**
 * The ARN partition of a region (`arn:<partition>:rds:...`): `aws-cn` in China, `aws-us-gov` in GovCloud, the ISO
 * partitions by their region prefixes, else `aws`. ARNs the procedures build (a snapshot to copy across regions, a
 * replica's source) must carry it: `arn:aws:` is refused outside the commercial partition.
 */
export function arnPartition(region: string): string {
  const prefixes: [string, string][] = [
    ['cn-', 'aws-cn'],
    ['us-gov-', 'aws-us-gov'],
    ['us-isob-', 'aws-iso-b'],
    ['us-isof-', 'aws-iso-f'],
    ['us-iso-', 'aws-iso'],
    ['eu-isoe-', 'aws-iso-e'],
    ['eusc-', 'aws-eusc'],
  ];
  return prefixes.find(([prefix]) => region.startsWith(prefix))?.[1] ?? 'aws';
}
