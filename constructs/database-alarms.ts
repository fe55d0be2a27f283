import { alarmOwner, alarmsOwnedBy } from '../src/plan/alarms';
import type { StoreAlarm } from './alarm';

export { FREE_STORAGE_ALARM_FRACTION } from '../src/plan/alarms';

/** An alarm the plan specifies (a `BackupPlan` `AlarmPlan` fits): everything but where it notifies. */
export type PlannedAlarm = StoreAlarm;

/**
 * The planned alarms a database construct renders itself (AWS/RDS) and those it hands to its backup vault
 * (AWS/Backup); the Lifeboat-namespace ones belong to the verification and probe constructs.
 */
export function databaseAlarmShares(planned: readonly PlannedAlarm[]): { database: PlannedAlarm[]; backupVault: PlannedAlarm[] } {
  return { database: alarmsOwnedBy('database', planned), backupVault: alarmsOwnedBy('backup-vault', planned) };
}

/**
 * Planned alarms no database construct could satisfy: an AWS/RDS alarm on an instance or cluster this construct does
 * not create or adopt, or one in a namespace nothing in Lifeboat renders. Either would leave an objective unwatched
 * (an alarm on a metric that is never published), so the construct refuses them.
 */
export function plannedAlarmProblems(planned: readonly PlannedAlarm[], watched: { instances: readonly string[]; clusters: readonly string[] }): string[] {
  const problems: string[] = [];
  for (const alarm of planned) {
    const owner = alarmOwner(alarm);
    const instance = alarm.dimensions.DBInstanceIdentifier;
    const cluster = alarm.dimensions.DBClusterIdentifier;
    const known =
      owner === null
        ? false
        : owner !== 'database' || (instance !== undefined ? watched.instances.includes(instance) : cluster !== undefined && watched.clusters.includes(cluster));
    if (!known) {
      problems.push(
        `plannedAlarms: ${alarm.alarmName} (${alarm.namespace} ${alarm.metricName} ${JSON.stringify(alarm.dimensions)} in ${alarm.region}) matches no metric this database construct watches`,
      );
    }
  }
  return problems;
}
