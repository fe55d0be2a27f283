/**
 * Region scope of a database. RDS instances: replicated automated backups, or a cross-region read replica. Aurora:
 * AWS Backup copies on a schedule, or a global database (which can enforce the RPO on aurora-postgresql).
 */
import type { DatabaseNames } from '../../aws/names';
import { backupJobSpans, overlaps, parseBackupWindow, parseMaintenanceWindow, type WeekSpan } from '../../aws/windows';
import type { DatabaseRequirement, ReadReplicaRequirement } from '../../spec/types';
import { CATALOGUE, LIMITS } from '../catalogue';
import { cheapest, chooseReason, DecisionRecord, design, HOUR, human, meets, objectiveOf, objectiveText, opt, optionText, scopePlan, type Decision, type Option } from '../decide';
import type { BackupRulePlan, DatabaseStorePlan, ScopePlan } from '../types';

export interface RegionDecision {
  scope: ScopePlan;
  /** A cross-region read replica stands by in the DR region (RDS instances). */
  drReplica: boolean;
  /** The DR read replica the spec asked for, if any. */
  requestedDrReplica: ReadReplicaRequirement | null;
  crossRegionBackupReplication: DatabaseStorePlan['crossRegionBackupReplication'];
  globalDatabase: DatabaseStorePlan['globalDatabase'];
  /** The AWS Backup rule copying recovery points to the DR region for this scope (Aurora), or null. */
  copyRule: BackupRulePlan | null;
}

export interface RegionInput {
  db: DatabaseRequirement;
  names: DatabaseNames;
  dr: string;
  retentionDays: number;
}

export function decideRegion(input: RegionInput, aurora: boolean): Decision<RegionDecision> {
  return aurora ? decideAuroraRegion(input) : decideInstanceRegion(input);
}

function decideInstanceRegion({ db, dr, retentionDays }: RegionInput): Decision<RegionDecision> {
  const record = new DecisionRecord();
  const objective = objectiveOf(db, 'region');
  const requestedDrReplica = db.readReplicas.find((r) => r.regionRole === 'dr') ?? null;
  const backupReplication = opt(CATALOGUE.crossRegionBackupReplication);
  const replica = opt(CATALOGUE.crossRegionReadReplica);
  const options = [backupReplication, replica];
  const found = cheapest(options, objective);
  let scope: ScopePlan;
  if (requestedDrReplica) {
    scope = scopePlan('region', objective, replica, meets(replica, objective), `cross-region read replica requested: ${optionText(replica)}`);
  } else if (found) {
    scope = scopePlan('region', objective, found, true, chooseReason(found, objective, options));
  } else {
    scope = scopePlan('region', objective, replica, false, `${optionText(replica)} does not meet ${objectiveText(objective)}`);
  }
  const drReplica = scope.mechanisms[0] === 'read-replica';
  let crossRegionBackupReplication: RegionDecision['crossRegionBackupReplication'] = null;
  if (drReplica) {
    if (!requestedDrReplica) {
      record.finding(
        'LB-DB-REGION-STANDBY-ADDED',
        'region',
        `region objective ${objectiveText(objective)} needs a standby: added a cross-region read replica in ${dr} (backups restore in ${human(CATALOGUE.crossRegionBackupReplication.rtoSeconds)}, lose up to ${human(CATALOGUE.crossRegionBackupReplication.rpoSeconds)})`,
        'none needed; the ReplicaLag alarm holds the RPO',
      );
    }
  } else {
    crossRegionBackupReplication = { region: dr, retentionDays };
    record.mechanism(CATALOGUE.crossRegionBackupReplication, dr, 'region', objective.rpo === null && objective.rto === null ? 'no region objective; cheapest copy outside the primary region' : `region objective ${objectiveText(objective)}`);
  }
  if (!scope.met && objective.rpo !== null && objective.rpo < CATALOGUE.crossRegionReadReplica.rpoSeconds) {
    record.finding(
      'LB-DB-REGION-RPO-NEEDS-AURORA-GLOBAL',
      'region',
      `region RPO ${human(objective.rpo)} is below the ${human(CATALOGUE.crossRegionReadReplica.rpoSeconds)} design lag of a cross-region read replica; ${db.engine} cannot deliver it`,
      `move to ${db.engine === 'postgres' ? 'aurora-postgresql' : 'aurora-mysql'} (global database, ~${human(CATALOGUE.auroraGlobalDatabase.rpoSeconds)}), or relax the region RPO to at least ${human(CATALOGUE.crossRegionReadReplica.rpoSeconds)}`,
    );
  }
  if (!scope.met && objective.rto !== null && objective.rto < CATALOGUE.crossRegionReadReplica.rtoSeconds) {
    record.finding(
      'LB-DB-REGION-RTO-BELOW-PROMOTION',
      'region',
      `region RTO ${human(objective.rto)} is below the ${human(CATALOGUE.crossRegionReadReplica.rtoSeconds)} design time to promote a cross-region read replica`,
      `relax the region RTO to at least ${human(CATALOGUE.crossRegionReadReplica.rtoSeconds)}, or use Aurora with a global database (managed failover ~${human(CATALOGUE.auroraGlobalDatabase.rtoSeconds)})`,
    );
  }
  return record.done({ scope, drReplica, requestedDrReplica, crossRegionBackupReplication, globalDatabase: null, copyRule: null });
}

function decideAuroraRegion({ db, names, dr, retentionDays }: RegionInput): Decision<RegionDecision> {
  const record = new DecisionRecord();
  const objective = objectiveOf(db, 'region');
  const requestedDrReplica = db.readReplicas.find((r) => r.regionRole === 'dr') ?? null;
  const backupCopy = awsBackupRegionOption(objective.rpo);
  const global = opt(CATALOGUE.auroraGlobalDatabase);
  const options = backupCopy ? [backupCopy.option, global] : [global];
  const found = cheapest(options, objective);
  let scope: ScopePlan;
  if (requestedDrReplica) {
    scope = scopePlan('region', objective, global, meets(global, objective), `DR reader requested: global database secondary cluster in ${dr}: ${optionText(global)}`);
  } else if (found) {
    scope = scopePlan('region', objective, found, true, chooseReason(found, objective, options));
  } else {
    scope = scopePlan('region', objective, global, false, `${optionText(global)} does not meet ${objectiveText(objective)}`);
  }
  let globalDatabase: RegionDecision['globalDatabase'] = null;
  let copyRule: BackupRulePlan | null = null;
  if (scope.mechanisms[0] === 'aurora-global-database') {
    globalDatabase = {
      globalClusterIdentifier: names.globalCluster,
      secondaryClusterIdentifier: names.dr,
      secondaryRegion: dr,
      managedRpoSeconds: managedRpo(record, db),
      secondaryInstances: 1,
    };
    record.mechanism(CATALOGUE.auroraGlobalDatabase, dr, 'region', requestedDrReplica ? 'DR reader requested' : `region objective ${objectiveText(objective)}`);
    if (!requestedDrReplica) {
      record.finding(
        'LB-DB-REGION-STANDBY-ADDED',
        'region',
        `region objective ${objectiveText(objective)} needs a standby: added an Aurora global database with a secondary cluster in ${dr}`,
        'none needed; the AuroraGlobalDBReplicationLag alarm holds the RPO',
      );
    }
  } else if (backupCopy) {
    copyRule = backupCopy.rule(retentionDays);
    record.mechanism(CATALOGUE.awsBackupCopy, dr, 'region', `region objective ${objectiveText(objective)}: backups every ${backupCopy.intervalHours}h copied to ${dr}`, design(backupCopy.option.rpo, backupCopy.option.rto));
  }
  // Durations are whole seconds and the global database's design RPO is 1 s, so only the RTO can fail here.
  if (!scope.met && objective.rto !== null && objective.rto < CATALOGUE.auroraGlobalDatabase.rtoSeconds) {
    record.finding(
      'LB-DB-REGION-RTO-BELOW-FAILOVER',
      'region',
      `region RTO ${human(objective.rto)} is below the ${human(CATALOGUE.auroraGlobalDatabase.rtoSeconds)} design time of a global database failover`,
      `relax the region RTO to at least ${human(CATALOGUE.auroraGlobalDatabase.rtoSeconds)}`,
    );
  }
  return record.done({ scope, drReplica: false, requestedDrReplica, crossRegionBackupReplication: null, globalDatabase, copyRule });
}

/**
 * `rds.global_db_rpo` for a global database: the region RPO on aurora-postgresql when it is at least 20 s and
 * Lifeboat creates the cluster (the setting lives in a cluster parameter group Lifeboat creates with it); else null,
 * with a finding saying why the RPO is not enforced.
 */
function managedRpo(record: DecisionRecord, db: DatabaseRequirement): number | null {
  const rpo = db.rpo.region;
  if (rpo === null) return null;
  const typical = `region RPO ${human(rpo)} is met by the typical global database lag (~${human(CATALOGUE.auroraGlobalDatabase.rpoSeconds)})`;
  if (db.engine === 'aurora-postgresql' && rpo >= LIMITS.globalDbManagedRpoMinSeconds && !db.existing) {
    record.finding(
      'LB-DB-GLOBAL-RPO-ENFORCED',
      'region',
      `rds.global_db_rpo = ${rpo} enforces the region RPO: when every secondary lags more than ${human(rpo)}, commits on the primary wait`,
      'none needed; relax the region RPO if write availability matters more than the RPO',
    );
    return rpo;
  }
  if (db.engine === 'aurora-postgresql' && db.existing) {
    record.finding(
      'LB-DB-GLOBAL-RPO-NOT-ENFORCEABLE',
      'region',
      `${typical} but rds.global_db_rpo needs the cluster parameter group Lifeboat sets only on clusters it creates, and ${db.existing.identifier} is adopted`,
      `accept it (the AuroraGlobalDBReplicationLag alarm reports breaches), or set rds.global_db_rpo = ${rpo} in ${db.existing.identifier}'s cluster parameter group yourself`,
    );
  } else if (db.engine === 'aurora-postgresql') {
    record.finding(
      'LB-DB-GLOBAL-RPO-NOT-ENFORCEABLE',
      'region',
      `${typical} but rds.global_db_rpo cannot enforce less than ${LIMITS.globalDbManagedRpoMinSeconds}s`,
      `accept it, or set the region RPO to at least ${LIMITS.globalDbManagedRpoMinSeconds}s to have AWS enforce it`,
    );
  } else {
    record.finding(
      'LB-DB-GLOBAL-RPO-NOT-ENFORCEABLE',
      'region',
      `${typical} but aurora-mysql has no managed RPO; only the lag alarm holds it`,
      'accept it; the AuroraGlobalDBReplicationLag alarm reports breaches',
    );
  }
  return null;
}

/**
 * `cron(0 o/h * * ? *)` for a rule every `h` hours, with the first offset `o` whose start windows (scheduled time +
 * the start window) miss the RDS backup window and the maintenance window on every day of the week.
 */
function subDailySchedule(intervalHours: number): string {
  const rds = [...(parseBackupWindow(LIMITS.backupWindow) as WeekSpan[]), parseMaintenanceWindow(LIMITS.maintenanceWindow) as WeekSpan];
  for (let offset = 0; offset < intervalHours; offset++) {
    const expression = `cron(0 ${offset}/${intervalHours} * * ? *)`;
    const jobs = backupJobSpans(expression, LIMITS.awsBackupStartWindowMinutes, 0, false) as WeekSpan[];
    if (!overlaps(rds, jobs)) return expression;
  }
  throw new RangeError(`no ${intervalHours}-hourly AWS Backup schedule misses the RDS windows; change LIMITS`);
}

/** The cheapest AWS Backup schedule whose interval plus copy time meets the region RPO, or null if none does. */
function awsBackupRegionOption(rpo: number | null): { option: Option; intervalHours: number; rule: (retentionDays: number) => BackupRulePlan } | null {
  const copy = CATALOGUE.awsBackupCopy.rpoSeconds;
  const fits = LIMITS.awsBackupIntervalsHours.filter((h) => rpo === null || h * HOUR + copy <= rpo);
  if (fits.length === 0) return null;
  const intervalHours = fits[fits.length - 1];
  return {
    option: { kinds: ['aws-backup'], rpo: intervalHours * HOUR + copy, rto: CATALOGUE.awsBackupCopy.rtoSeconds },
    intervalHours,
    rule: (retentionDays) => ({
      name: 'region-copy',
      scheduleExpression: intervalHours === 24 ? `cron(0 ${LIMITS.awsBackupDailyHourUtc} * * ? *)` : subDailySchedule(intervalHours),
      intervalHours,
      startWindowMinutes: LIMITS.awsBackupStartWindowMinutes,
      completionWindowMinutes: Math.max(LIMITS.awsBackupStartWindowMinutes + 60, Math.min(intervalHours * 60, LIMITS.awsBackupDailyCompletionWindowMinutes)),
      retentionDays,
      copyToDr: true,
      drRetentionDays: retentionDays,
    }),
  };
}
