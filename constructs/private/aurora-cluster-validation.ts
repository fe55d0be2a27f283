/** Validation of ProtectedAuroraCluster props: every problem at once, each naming the prop and the limit. */
import type { DatabaseNamesPlan } from '../../src/plan/types';
import { plannedAlarmProblems } from '../database-alarms';
import type { AuroraEngine, ProtectedAuroraClusterProps } from '../protected-aurora-cluster';
import { commonDatabaseProblems, identifierProblems } from './database-validation';
import { missingNameProblems } from './database-names';

/** Aurora engines `ProtectedAuroraCluster` creates. */
export const AURORA_ENGINES: readonly AuroraEngine[] = ['aurora-postgresql', 'aurora-mysql'];

/** Aurora MySQL backtrack reaches at most 72 hours back. */
export const MAX_BACKTRACK_WINDOW_SECONDS = 259_200;

/** `rds.global_db_rpo` accepts no value below 20 seconds. */
export const MIN_MANAGED_RPO_SECONDS = 20;

/** Every problem with ProtectedAuroraCluster props, each naming the prop and the limit. */
export function protectedAuroraClusterProblems(props: ProtectedAuroraClusterProps, names: DatabaseNamesPlan): string[] {
  const problems = commonDatabaseProblems({ ...props, vaultName: names.awsBackup?.vault ?? names.primary });
  if (!AURORA_ENGINES.includes(props.engine)) {
    problems.push(`engine: must be one of ${AURORA_ENGINES.join(', ')} (RDS instance engines use ProtectedDatabase), got '${props.engine}'`);
  }
  const readers = props.readerCount ?? 1;
  const secondaryReaders = props.globalDatabase?.readerCount ?? 0;
  const countsValid = [readers, secondaryReaders].every((n) => Number.isInteger(n) && n >= 0 && n <= 15);
  const nameProblems = countsValid
    ? missingNameProblems(names, {
        created: !props.existing,
        replicas: props.existing ? 0 : readers,
        drStandby: props.globalDatabase !== undefined,
        drReplicas: props.globalDatabase ? secondaryReaders : 0,
        globalRpo: props.globalDatabase?.managedRpoSeconds !== undefined,
        awsBackup: props.longTermBackup !== undefined,
        aurora: true,
      })
    : [];
  // Without a name for each resource nothing below can be checked or created.
  if (nameProblems.length > 0) return [...problems, ...nameProblems];
  /** The n-th (1-based) name of a list, or the name the planner gives it when the count itself is invalid (reported below). */
  const nth = (list: string[], n: number, fallback: string) => list[n - 1] ?? `${fallback}-${n}`;
  if (props.existing) {
    if (props.readerCount !== undefined) problems.push('readerCount: cannot be set on an existing cluster Lifeboat does not manage');
    if (props.performanceInsights) problems.push('performanceInsights: cannot be changed on an existing cluster Lifeboat does not manage');
    if (props.backtrackWindowSeconds) problems.push('backtrackWindowSeconds: backtrack can only be enabled when the cluster is created');
  } else {
    problems.push(...identifierProblems('databaseId', names.primary), ...identifierProblems('readerCount', nth(names.replicas, Math.max(readers, 1), names.primary)));
    if (!props.engineVersion) problems.push('engineVersion: required when creating a cluster');
    if (!props.instanceClass?.startsWith('db.')) problems.push(`instanceClass: required when creating a cluster and must start with 'db.', got '${props.instanceClass ?? ''}'`);
    if (!Number.isInteger(readers) || readers < 0 || readers > 15) problems.push(`readerCount: must be a whole number from 0 to 15 (Aurora limit), got ${readers}`);
    if ((props.subnetIds?.length ?? 0) < 2) problems.push('subnetIds: at least two private subnets in different AZs are required when creating a cluster');
    if ((props.securityGroupIds?.length ?? 0) < 1) problems.push('securityGroupIds: at least one security group is required when creating a cluster');
  }
  const backtrack = props.backtrackWindowSeconds ?? 0;
  if (backtrack !== 0) {
    if (props.engine !== 'aurora-mysql') problems.push(`backtrackWindowSeconds: backtrack exists only for aurora-mysql, got engine ${props.engine}`);
    if (!Number.isInteger(backtrack) || backtrack < 0 || backtrack > MAX_BACKTRACK_WINDOW_SECONDS) {
      problems.push(`backtrackWindowSeconds: must be a whole number from 0 to ${MAX_BACKTRACK_WINDOW_SECONDS} seconds (72 hours, Aurora limit), got ${backtrack}`);
    }
    if (props.globalDatabase) problems.push('backtrackWindowSeconds: Aurora global databases do not support backtrack; choose one');
  }
  if (props.globalDatabase) {
    if (!props.dr) {
      problems.push('globalDatabase: needs dr (the secondary region, its key, subnets and security groups)');
    } else if ((props.dr.subnetIds?.length ?? 0) < 2 || (props.dr.securityGroupIds?.length ?? 0) < 1) {
      problems.push(`dr.subnetIds / dr.securityGroupIds: the global secondary needs two or more private subnets and a security group in ${props.dr.region}`);
    }
    if (!Number.isInteger(secondaryReaders) || secondaryReaders < 0 || secondaryReaders > 15) {
      problems.push(`globalDatabase.readerCount: must be a whole number from 0 to 15 (Aurora limit), got ${secondaryReaders}`);
    }
    if (secondaryReaders > 0 && !props.globalDatabase.instanceClass && !props.instanceClass) {
      problems.push('globalDatabase.instanceClass: required when the primary is existing and the secondary has readers');
    }
    const managedRpo = props.globalDatabase.managedRpoSeconds;
    if (managedRpo !== undefined) {
      if (props.engine !== 'aurora-postgresql') problems.push(`globalDatabase.managedRpoSeconds: rds.global_db_rpo exists only for aurora-postgresql, got engine ${props.engine}`);
      if (!Number.isInteger(managedRpo) || managedRpo < MIN_MANAGED_RPO_SECONDS) {
        problems.push(`globalDatabase.managedRpoSeconds: must be a whole number of seconds >= ${MIN_MANAGED_RPO_SECONDS} (rds.global_db_rpo limit), got ${managedRpo}`);
      }
      if (props.existing) problems.push('globalDatabase.managedRpoSeconds: needs the cluster parameter group Lifeboat sets on clusters it creates, not on an existing cluster');
      if (props.clusterParameterGroupName) problems.push('globalDatabase.managedRpoSeconds: Lifeboat creates the cluster parameter group; do not also set clusterParameterGroupName');
    }
    problems.push(...identifierProblems('globalDatabase', names.globalCluster), ...identifierProblems('globalDatabase', nth(names.drReplicas, Math.max(secondaryReaders, 1), names.dr)));
  }
  if (props.plannedAlarms) {
    const instances = props.existing ? [] : names.replicas.slice(0, readers);
    if (props.globalDatabase) instances.push(...names.drReplicas.slice(0, secondaryReaders));
    problems.push(...plannedAlarmProblems(props.plannedAlarms, { instances, clusters: props.globalDatabase ? [names.dr] : [] }));
  }
  return problems;
}
