/**
 * The physical names a database construct renders. With a plan they are the plan's (`DatabaseStorePlan.names`,
 * passed as the `names` prop) and are used as they are; a construct used alone gets them from the planner's own
 * naming step (`databaseResourceNames`), fed with what its props ask for, so both paths name resources alike.
 */
import { databaseResourceNames } from '../../src/plan/names';
import type { DatabaseNamesPlan } from '../../src/plan/types';
import type { ProtectedAuroraClusterProps } from '../protected-aurora-cluster';
import type { ProtectedDatabaseProps } from '../protected-database';

/** A count the props ask for, or 0 when it is not a usable count (validation reports it). */
function count(value: number): number {
  return Number.isInteger(value) && value >= 0 && value <= 15 ? value : 0;
}

/** The names of a `ProtectedDatabase`: its `names` prop, or what the planner names for these props. */
export function protectedDatabaseNames(props: ProtectedDatabaseProps): DatabaseNamesPlan {
  if (props.names) return props.names;
  const replicas = props.readReplicas ?? [];
  const drReplicas = replicas.filter((replica) => replica.region !== props.region).length;
  return databaseResourceNames(props.stackName, props.databaseId, props.existing ? props.existing.identifier : null, {
    aurora: false,
    readers: replicas.length - drReplicas,
    drStandby: drReplicas > 0,
    secondaryInstances: 0,
    globalRpo: false,
    awsBackup: props.longTermBackup !== undefined,
    verification: false,
  });
}

/** The names of a `ProtectedAuroraCluster`: its `names` prop, or what the planner names for these props. */
export function protectedAuroraClusterNames(props: ProtectedAuroraClusterProps): DatabaseNamesPlan {
  if (props.names) return props.names;
  return databaseResourceNames(props.stackName, props.databaseId, props.existing ? props.existing.identifier : null, {
    aurora: true,
    readers: props.existing ? 0 : count(props.readerCount ?? 1),
    drStandby: props.globalDatabase !== undefined,
    secondaryInstances: props.globalDatabase ? count(props.globalDatabase.readerCount ?? 0) : 0,
    globalRpo: props.globalDatabase?.managedRpoSeconds !== undefined,
    awsBackup: props.longTermBackup !== undefined,
    verification: false,
  });
}

/** What a database construct is about to create, to check that `names` names each of it. */
export interface NamedResources {
  /** Lifeboat creates the primary (not `existing`). */
  readonly created: boolean;
  /** Same-region read replicas (RDS) or reader instances (Aurora). */
  readonly replicas: number;
  /** A DR replica or Aurora secondary cluster. */
  readonly drStandby: boolean;
  /** Reader instances of the Aurora secondary cluster. */
  readonly drReplicas: number;
  /** Cluster parameter groups carrying rds.global_db_rpo. */
  readonly globalRpo: boolean;
  /** An AWS Backup vault, plan and selection. */
  readonly awsBackup: boolean;
  /** Aurora (the writer instance is named; same-region readers take no final snapshot). */
  readonly aurora: boolean;
}

/** Problems with a `names` prop that leaves a resource the props create unnamed (a plan edited by hand, say). */
export function missingNameProblems(names: DatabaseNamesPlan, resources: NamedResources): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, field: string, what: string) => {
    if (!ok) problems.push(`names.${field}: no name for the ${what} the props create; give it one (or leave names unset to name it from stackName and databaseId)`);
  };
  if (resources.created) {
    need(names.subnetGroup !== null, 'subnetGroup', 'DB subnet group');
    if (resources.aurora) need(names.writerInstance !== null, 'writerInstance', 'writer instance');
  }
  need(names.replicas.length >= resources.replicas, 'replicas', `${resources.replicas} same-region replica(s) or reader(s)`);
  if (!resources.aurora) need(names.replicaFinalSnapshots.length >= resources.replicas, 'replicaFinalSnapshots', `final snapshots of ${resources.replicas} same-region replica(s)`);
  if (resources.drStandby) {
    need(names.drSubnetGroup !== null, 'drSubnetGroup', 'DR subnet group');
    need(names.drFinalSnapshot !== null, 'drFinalSnapshot', 'final snapshot of the DR replica or secondary cluster');
  }
  need(names.drReplicas.length >= resources.drReplicas, 'drReplicas', `${resources.drReplicas} reader(s) of the secondary cluster`);
  if (resources.globalRpo) need(names.globalRpoParameterGroups !== null, 'globalRpoParameterGroups', 'rds.global_db_rpo parameter groups');
  if (resources.awsBackup) need(names.awsBackup !== null, 'awsBackup', 'AWS Backup vault, plan and selection');
  return problems;
}
