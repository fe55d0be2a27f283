/**
 * The planner: requirements in, BackupPlan out. Pure and synchronous (no cdktf, no AWS SDK, no clock), so the same
 * requirements always give the same plan. For every store and failure scope it picks the cheapest option from the
 * catalogue whose design RPO and RTO meet the objective, and says why; where nothing AWS offers can, it picks the
 * closest option and records an error finding.
 */
import { formatDuration, formatSecondsOrZero } from '../spec/duration';
import {
  FAILURE_SCOPES,
  isAurora,
  type BucketRequirement,
  type DatabaseRequirement,
  type FailureScope,
  type Requirements,
} from '../spec/types';
import { CATALOGUE, ESTIMATES_NOTE, LIMITS, type CatalogueEntry } from './catalogue';
import { bucketAlarms, databaseAlarms } from './alarms';
import { FINDING_CODES, type FindingCode } from './findings';
import { databaseNames } from '../aws/names';
import { backupJobSpans, overlaps, parseBackupWindow, parseMaintenanceWindow, type WeekSpan } from '../aws/windows';
import { bucketStoreNames, databaseStoreNames, nameFindings, sharedNames } from './names';
import { planEvidence } from './evidence';
import {
  MECHANISM_KINDS,
  PLAN_VERSION,
  type AwsBackupPlan,
  type BackupPlan,
  type BackupRulePlan,
  type BucketStorePlan,
  type DatabaseStorePlan,
  type DesignFigures,
  type Finding,
  type MechanismKind,
  type PlanDuration,
  type PlannedMechanism,
  type ReadReplicaPlan,
  type ScopePlan,
  type StorePlan,
  type VerificationPlan,
} from './types';

const DAY = 86_400;
const HOUR = 3_600;

// Plans for thousands of stores repeat the same few durations: share frozen instances instead of allocating.
const durations = new Map<number, PlanDuration>();
const designs = new Map<string, DesignFigures>();

export function duration(seconds: number): PlanDuration {
  let value = durations.get(seconds);
  if (!value) {
    value = Object.freeze({ seconds, human: formatSecondsOrZero(seconds) });
    if (durations.size < 10_000) durations.set(seconds, value);
  }
  return value;
}

function design(rpoSeconds: number, rtoSeconds: number): DesignFigures {
  const key = `${rpoSeconds}/${rtoSeconds}`;
  let value = designs.get(key);
  if (!value) {
    value = Object.freeze({ rpo: duration(rpoSeconds), rto: duration(rtoSeconds), estimate: true as const });
    if (designs.size < 10_000) designs.set(key, value);
  }
  return value;
}

const human = (seconds: number) => formatSecondsOrZero(seconds);

/** Collects findings for one store. */
class FindingSink {
  constructor(
    private readonly out: Finding[],
    private readonly store: string | null,
  ) {}

  add(code: FindingCode, scope: FailureScope | null, message: string, fix: string): void {
    this.out.push({ severity: FINDING_CODES[code].severity, code, store: this.store, scope, message, fix });
  }
}

/** The mechanisms of one store, merged by kind and region so each appears once with every scope it serves. */
class MechanismSet {
  private readonly byKey = new Map<string, PlannedMechanism>();

  add(entry: CatalogueEntry, region: string, scope: FailureScope | null, reason: string, figures?: DesignFigures): void {
    const key = `${entry.kind}@${region}`;
    const existing = this.byKey.get(key);
    if (existing) {
      if (scope && !existing.scopes.includes(scope)) existing.scopes.push(scope);
      if (!existing.reason.includes(reason)) existing.reason = `${existing.reason}; ${reason}`;
      return;
    }
    this.byKey.set(key, {
      kind: entry.kind,
      region,
      scopes: scope ? [scope] : [],
      design: figures ?? design(entry.rpoSeconds, entry.rtoSeconds),
      reason,
      source: entry.source,
    });
  }

  has(kind: MechanismKind): boolean {
    return [...this.byKey.values()].some((m) => m.kind === kind);
  }

  list(): PlannedMechanism[] {
    const order = (kind: MechanismKind) => MECHANISM_KINDS.indexOf(kind);
    return [...this.byKey.values()]
      .map((m) => ({ ...m, scopes: FAILURE_SCOPES.filter((s) => m.scopes.includes(s)) }))
      .sort((a, b) => order(a.kind) - order(b.kind) || (a.region < b.region ? -1 : a.region > b.region ? 1 : 0));
  }
}

interface Objective {
  rpo: number | null;
  rto: number | null;
}

/** A candidate way of serving one scope. */
interface Option {
  kinds: MechanismKind[];
  rpo: number;
  rto: number;
}

function meets(option: { rpo: number; rto: number }, objective: Objective): boolean {
  return (objective.rpo === null || option.rpo <= objective.rpo) && (objective.rto === null || option.rto <= objective.rto);
}

function objectiveText(objective: Objective): string {
  const parts = [];
  if (objective.rpo !== null) parts.push(`RPO ${human(objective.rpo)}`);
  if (objective.rto !== null) parts.push(`RTO ${human(objective.rto)}`);
  return parts.join(', ');
}

function optionText(option: Option): string {
  return `${option.kinds.join(' + ')} (design RPO ${human(option.rpo)}, RTO ${human(option.rto)})`;
}

function scopePlan(scope: FailureScope, objective: Objective, chosen: Option | null, met: boolean, reason: string): ScopePlan {
  return {
    scope,
    objective: {
      rpo: objective.rpo === null ? null : duration(objective.rpo),
      rto: objective.rto === null ? null : duration(objective.rto),
    },
    design: chosen ? design(chosen.rpo, chosen.rto) : null,
    mechanisms: chosen ? [...chosen.kinds] : [],
    met,
    reason,
  };
}

/** Picks the first (cheapest) option meeting the objective; null when none does. */
function cheapest(options: Option[], objective: Objective): Option | null {
  return options.find((option) => meets(option, objective)) ?? null;
}

function chooseReason(chosen: Option, objective: Objective, cheaper: Option[]): string {
  if (objective.rpo === null && objective.rto === null) return `no objective set; ${optionText(chosen)} is always on`;
  const rejected = cheaper.filter((o) => o !== chosen && !meets(o, objective));
  const why = rejected.length > 0 ? `; cheaper ${rejected.map(optionText).join(', ')} would not meet it` : '';
  return `${optionText(chosen)} meets ${objectiveText(objective)}${why}`;
}

const opt = (entry: CatalogueEntry): Option => ({ kinds: [entry.kind], rpo: entry.rpoSeconds, rto: entry.rtoSeconds });

export function planBackups(req: Requirements): BackupPlan {
  const findings: Finding[] = [];
  const stores: StorePlan[] = [
    ...req.databases.map((db) => planDatabase(req, db, new FindingSink(findings, db.id))),
    ...req.buckets.map((bucket) => planBucket(req, bucket, new FindingSink(findings, bucket.id))),
  ].sort((a, b) => compare(a.id, b.id));
  const shared = sharedNames(req, stores);
  const evidence = planEvidence(req);
  findings.push(...nameFindings(req, stores, shared, evidence));
  if (stores.length === 0) {
    findings.push({
      severity: FINDING_CODES['LB-PLAN-EMPTY'].severity,
      code: 'LB-PLAN-EMPTY',
      store: null,
      scope: null,
      message: 'the spec has no databases and no buckets: nothing is protected',
      fix: 'add databases or buckets to the spec',
    });
  }
  findings.sort(compareFindings);
  return {
    planVersion: PLAN_VERSION,
    name: req.name,
    environment: req.environment,
    regions: { ...req.regions },
    alerts: { emails: [...req.alerts.emails], httpsEndpoints: [...req.alerts.httpsEndpoints], topicArn: req.alerts.topicArn },
    tags: { ...req.tags },
    network: {
      primary: { ...req.network.primary, subnetIds: [...req.network.primary.subnetIds], securityGroupIds: [...req.network.primary.securityGroupIds] },
      dr: { ...req.network.dr, subnetIds: [...req.network.dr.subnetIds], securityGroupIds: [...req.network.dr.securityGroupIds] },
    },
    estimatesNote: ESTIMATES_NOTE,
    shared,
    evidence,
    stores,
    findings,
    summary: {
      errors: findings.filter((f) => f.severity === 'error').length,
      warnings: findings.filter((f) => f.severity === 'warning').length,
      infos: findings.filter((f) => f.severity === 'info').length,
    },
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;
function compareFindings(a: Finding, b: Finding): number {
  const scopeIndex = (s: FailureScope | null) => (s === null ? -1 : FAILURE_SCOPES.indexOf(s));
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    compare(a.store ?? '', b.store ?? '') ||
    scopeIndex(a.scope) - scopeIndex(b.scope) ||
    compare(a.code, b.code) ||
    compare(a.message, b.message)
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Databases
// ---------------------------------------------------------------------------------------------------------------

function objectiveOf(db: { rpo: Record<FailureScope, number | null>; rto: Record<FailureScope, number | null> }, scope: FailureScope): Objective {
  return { rpo: db.rpo[scope], rto: db.rto[scope] };
}

function planDatabase(req: Requirements, db: DatabaseRequirement, findings: FindingSink): DatabaseStorePlan {
  const { primary, dr } = req.regions;
  const aurora = isAurora(db.engine);
  const names = databaseNames(req.name, db.id);
  const mechanisms = new MechanismSet();
  const retentionDays = db.retention.pointInTimeSeconds / DAY;
  const cannotEnforce: string[] = [];

  const missing = FAILURE_SCOPES.filter((scope) => db.rpo[scope] === null || db.rto[scope] === null);
  if (missing.length > 0) {
    findings.add(
      'LB-OBJECTIVE-MISSING',
      null,
      `no ${missing.map((s) => `${s} RPO/RTO`).join(', ')}: the plan cannot tell whether those failures are survivable in time`,
      `set databases.<i>.rpo / rto for ${missing.join(', ')} (or defaults.rpo / defaults.rto)`,
    );
  }

  mechanisms.add(CATALOGUE.pitr, primary, null, `automated backups with point-in-time recovery for ${retentionDays}d (always on)`);

  // --- az ------------------------------------------------------------------------------------------------------
  const azObjective = objectiveOf(db, 'az');
  const azOptions = [opt(CATALOGUE.pitr), opt(CATALOGUE.multiAz)];
  let multiAz = db.multiAz === true;
  let az: ScopePlan;
  {
    const found = cheapest(azOptions, azObjective);
    const standbyWord = aurora ? 'a reader instance in a second AZ' : 'Multi-AZ';
    if (db.multiAz === true) {
      const chosen = opt(CATALOGUE.multiAz);
      const met = meets(chosen, azObjective);
      az = scopePlan('az', azObjective, chosen, met, `multiAz requested (${standbyWord}): ${optionText(chosen)}`);
      if (!met) azBelowFailover(findings, azObjective, standbyWord);
    } else if (found && found.kinds[0] === 'rds-pitr') {
      az = scopePlan('az', azObjective, found, true, chooseReason(found, azObjective, azOptions));
    } else if (db.multiAz === false) {
      const chosen = opt(CATALOGUE.pitr);
      az = scopePlan('az', azObjective, chosen, false, `multiAz: false, and ${optionText(chosen)} does not meet ${objectiveText(azObjective)}`);
      findings.add(
        'LB-DB-MULTI-AZ-REFUSED',
        'az',
        `the AZ objective (${objectiveText(azObjective)}) needs ${standbyWord}, but the spec sets multiAz: false`,
        `remove multiAz: false, or relax the az objective to RPO >= ${human(CATALOGUE.pitr.rpoSeconds)} and RTO >= ${human(CATALOGUE.pitr.rtoSeconds)}`,
      );
    } else {
      const chosen = found ?? opt(CATALOGUE.multiAz);
      multiAz = true;
      az = scopePlan('az', azObjective, chosen, found !== null, chooseReason(chosen, azObjective, azOptions));
      if (!found) azBelowFailover(findings, azObjective, standbyWord);
    }
    if (multiAz) {
      mechanisms.add(CATALOGUE.multiAz, primary, 'az', db.multiAz === true ? 'requested (multiAz: true)' : `az objective ${objectiveText(azObjective)}`);
      if (db.existing) cannotEnforce.push(aurora ? 'a reader instance in a second AZ' : 'Multi-AZ');
    } else {
      mechanisms.add(CATALOGUE.pitr, primary, 'az', 'restore into another AZ');
    }
  }

  // --- corruption ----------------------------------------------------------------------------------------------
  const corruptionObjective = objectiveOf(db, 'corruption');
  let backtrackSeconds: number | null = db.backtrackSeconds;
  let corruption: ScopePlan;
  {
    const pitr = opt(CATALOGUE.pitr);
    const backtrack = opt(CATALOGUE.auroraBacktrack);
    const options = db.engine === 'aurora-mysql' ? [pitr, backtrack] : [pitr];
    const found = cheapest(options, corruptionObjective);
    const tail = 'replicas, Multi-AZ and global databases copy corruption faithfully, so only backups serve this scope';
    if (db.backtrackSeconds !== null) {
      corruption = scopePlan('corruption', corruptionObjective, backtrack, meets(backtrack, corruptionObjective), `backtrack requested (${human(db.backtrackSeconds)} window): ${optionText(backtrack)}`);
    } else if (found) {
      corruption = scopePlan('corruption', corruptionObjective, found, true, `${chooseReason(found, corruptionObjective, options)}; ${tail}`);
      if (found === backtrack) backtrackSeconds = LIMITS.backtrackDefaultWindowSeconds;
    } else {
      const best = options[options.length - 1];
      corruption = scopePlan('corruption', corruptionObjective, best, false, `${optionText(best)} does not meet ${objectiveText(corruptionObjective)}; ${tail}`);
      if (best === backtrack) backtrackSeconds = LIMITS.backtrackDefaultWindowSeconds;
    }
    if (!corruption.met) {
      const rpo = corruptionObjective.rpo;
      const rto = corruptionObjective.rto;
      const usesBacktrack = corruption.mechanisms.includes('aurora-backtrack');
      if (rpo !== null && rpo < (usesBacktrack ? CATALOGUE.auroraBacktrack.rpoSeconds : CATALOGUE.pitr.rpoSeconds)) {
        findings.add(
          'LB-DB-CORRUPTION-RPO-BELOW-PITR',
          'corruption',
          `corruption RPO ${human(rpo)} is below the ${human(CATALOGUE.pitr.rpoSeconds)} design RPO of point-in-time recovery (transaction logs are uploaded every 5 minutes)`,
          `relax the corruption RPO to at least ${human(CATALOGUE.pitr.rpoSeconds)}, or use aurora-mysql (backtrack rewinds to the second)`,
        );
      }
      if (rto !== null && usesBacktrack && rto < CATALOGUE.auroraBacktrack.rtoSeconds) {
        findings.add(
          'LB-DB-CORRUPTION-RTO-BELOW-BACKTRACK',
          'corruption',
          `corruption RTO ${human(rto)} is below the ${human(CATALOGUE.auroraBacktrack.rtoSeconds)} design time of an Aurora backtrack`,
          `relax the corruption RTO to at least ${human(CATALOGUE.auroraBacktrack.rtoSeconds)}`,
        );
      } else if (rto !== null && !usesBacktrack && rto < CATALOGUE.pitr.rtoSeconds) {
        findings.add(
          'LB-DB-CORRUPTION-RTO-BELOW-RESTORE',
          'corruption',
          `corruption RTO ${human(rto)} is below the ${human(CATALOGUE.pitr.rtoSeconds)} design time of restoring a new instance from backups`,
          `relax the corruption RTO to at least ${human(CATALOGUE.pitr.rtoSeconds)}, or use aurora-mysql with backtrack (${human(CATALOGUE.auroraBacktrack.rtoSeconds)})`,
        );
      }
    }
    if (backtrackSeconds !== null) {
      mechanisms.add(
        CATALOGUE.auroraBacktrack,
        primary,
        'corruption',
        db.backtrackSeconds !== null ? `requested: ${human(backtrackSeconds)} window` : `corruption objective ${objectiveText(corruptionObjective)}; ${human(backtrackSeconds)} window`,
      );
      if (db.existing) cannotEnforce.push('backtrack (it can only be enabled when a cluster is created)');
    } else {
      mechanisms.add(CATALOGUE.pitr, primary, 'corruption', 'restore to the moment before the damage');
    }
  }

  // --- region --------------------------------------------------------------------------------------------------
  const regionObjective = objectiveOf(db, 'region');
  const rules: BackupRulePlan[] = [];
  const readReplicas: ReadReplicaPlan[] = [];
  let crossRegionBackupReplication: DatabaseStorePlan['crossRegionBackupReplication'] = null;
  let globalDatabase: DatabaseStorePlan['globalDatabase'] = null;
  let drReplica = false;
  let region: ScopePlan;
  const requestedDrReplica = db.readReplicas.find((r) => r.regionRole === 'dr') ?? null;
  if (!aurora) {
    const backupReplication = opt(CATALOGUE.crossRegionBackupReplication);
    const replica = opt(CATALOGUE.crossRegionReadReplica);
    const options = [backupReplication, replica];
    const found = cheapest(options, regionObjective);
    if (requestedDrReplica) {
      region = scopePlan('region', regionObjective, replica, meets(replica, regionObjective), `cross-region read replica requested: ${optionText(replica)}`);
    } else if (found) {
      region = scopePlan('region', regionObjective, found, true, chooseReason(found, regionObjective, options));
    } else {
      region = scopePlan('region', regionObjective, replica, false, `${optionText(replica)} does not meet ${objectiveText(regionObjective)}`);
    }
    const chosen = region.mechanisms[0];
    if (chosen === 'read-replica') {
      drReplica = true;
      if (!requestedDrReplica) {
        findings.add(
          'LB-DB-REGION-STANDBY-ADDED',
          'region',
          `region objective ${objectiveText(regionObjective)} needs a standby: added a cross-region read replica in ${dr} (backups restore in ${human(CATALOGUE.crossRegionBackupReplication.rtoSeconds)}, lose up to ${human(CATALOGUE.crossRegionBackupReplication.rpoSeconds)})`,
          'none needed; the ReplicaLag alarm holds the RPO',
        );
      }
    } else {
      crossRegionBackupReplication = { region: dr, retentionDays };
      mechanisms.add(CATALOGUE.crossRegionBackupReplication, dr, 'region', regionObjective.rpo === null && regionObjective.rto === null ? 'no region objective; cheapest copy outside the primary region' : `region objective ${objectiveText(regionObjective)}`);
    }
    const rpo = regionObjective.rpo;
    const rto = regionObjective.rto;
    if (!region.met) {
      if (rpo !== null && rpo < CATALOGUE.crossRegionReadReplica.rpoSeconds) {
        findings.add(
          'LB-DB-REGION-RPO-NEEDS-AURORA-GLOBAL',
          'region',
          `region RPO ${human(rpo)} is below the ${human(CATALOGUE.crossRegionReadReplica.rpoSeconds)} design lag of a cross-region read replica; ${db.engine} cannot deliver it`,
          `move to ${db.engine === 'postgres' ? 'aurora-postgresql' : 'aurora-mysql'} (global database, ~${human(CATALOGUE.auroraGlobalDatabase.rpoSeconds)}), or relax the region RPO to at least ${human(CATALOGUE.crossRegionReadReplica.rpoSeconds)}`,
        );
      }
      if (rto !== null && rto < CATALOGUE.crossRegionReadReplica.rtoSeconds) {
        findings.add(
          'LB-DB-REGION-RTO-BELOW-PROMOTION',
          'region',
          `region RTO ${human(rto)} is below the ${human(CATALOGUE.crossRegionReadReplica.rtoSeconds)} design time to promote a cross-region read replica`,
          `relax the region RTO to at least ${human(CATALOGUE.crossRegionReadReplica.rtoSeconds)}, or use Aurora with a global database (managed failover ~${human(CATALOGUE.auroraGlobalDatabase.rtoSeconds)})`,
        );
      }
    }
  } else {
    const backupCopy = awsBackupRegionOption(regionObjective.rpo);
    const global = opt(CATALOGUE.auroraGlobalDatabase);
    const options = backupCopy ? [backupCopy.option, global] : [global];
    const found = cheapest(options, regionObjective);
    if (requestedDrReplica) {
      region = scopePlan('region', regionObjective, global, meets(global, regionObjective), `DR reader requested: global database secondary cluster in ${dr}: ${optionText(global)}`);
    } else if (found) {
      region = scopePlan('region', regionObjective, found, true, chooseReason(found, regionObjective, options));
    } else {
      region = scopePlan('region', regionObjective, global, false, `${optionText(global)} does not meet ${objectiveText(regionObjective)}`);
    }
    if (region.mechanisms[0] === 'aurora-global-database') {
      const rpo = regionObjective.rpo;
      let managedRpoSeconds: number | null = null;
      // rds.global_db_rpo lives in a cluster parameter group Lifeboat creates with the cluster, so an adopted
      // cluster cannot get it.
      if (rpo !== null && db.engine === 'aurora-postgresql' && rpo >= LIMITS.globalDbManagedRpoMinSeconds && !db.existing) {
        managedRpoSeconds = rpo;
        findings.add(
          'LB-DB-GLOBAL-RPO-ENFORCED',
          'region',
          `rds.global_db_rpo = ${rpo} enforces the region RPO: when every secondary lags more than ${human(rpo)}, commits on the primary wait`,
          'none needed; relax the region RPO if write availability matters more than the RPO',
        );
      } else if (rpo !== null) {
        findings.add(
          'LB-DB-GLOBAL-RPO-NOT-ENFORCEABLE',
          'region',
          db.engine === 'aurora-postgresql' && db.existing
            ? `region RPO ${human(rpo)} is met by the typical global database lag (~${human(CATALOGUE.auroraGlobalDatabase.rpoSeconds)}) but rds.global_db_rpo needs the cluster parameter group Lifeboat sets only on clusters it creates, and ${db.existing.identifier} is adopted`
            : db.engine === 'aurora-postgresql'
            ? `region RPO ${human(rpo)} is met by the typical global database lag (~${human(CATALOGUE.auroraGlobalDatabase.rpoSeconds)}) but rds.global_db_rpo cannot enforce less than ${LIMITS.globalDbManagedRpoMinSeconds}s`
            : `region RPO ${human(rpo)} is met by the typical global database lag (~${human(CATALOGUE.auroraGlobalDatabase.rpoSeconds)}) but aurora-mysql has no managed RPO; only the lag alarm holds it`,
          db.engine === 'aurora-postgresql' && db.existing
            ? `accept it (the AuroraGlobalDBReplicationLag alarm reports breaches), or set rds.global_db_rpo = ${rpo} in ${db.existing.identifier}'s cluster parameter group yourself`
            : db.engine === 'aurora-postgresql'
            ? `accept it, or set the region RPO to at least ${LIMITS.globalDbManagedRpoMinSeconds}s to have AWS enforce it`
            : 'accept it; the AuroraGlobalDBReplicationLag alarm reports breaches',
        );
      }
      globalDatabase = {
        globalClusterIdentifier: names.globalCluster,
        secondaryClusterIdentifier: names.dr,
        secondaryRegion: dr,
        managedRpoSeconds,
        secondaryInstances: 1,
      };
      mechanisms.add(CATALOGUE.auroraGlobalDatabase, dr, 'region', requestedDrReplica ? 'DR reader requested' : `region objective ${objectiveText(regionObjective)}`);
      if (!requestedDrReplica) {
        findings.add(
          'LB-DB-REGION-STANDBY-ADDED',
          'region',
          `region objective ${objectiveText(regionObjective)} needs a standby: added an Aurora global database with a secondary cluster in ${dr}`,
          'none needed; the AuroraGlobalDBReplicationLag alarm holds the RPO',
        );
      }
    } else if (backupCopy) {
      rules.push(backupCopy.rule(retentionDays));
      mechanisms.add(CATALOGUE.awsBackupCopy, dr, 'region', `region objective ${objectiveText(regionObjective)}: backups every ${backupCopy.intervalHours}h copied to ${dr}`, design(backupCopy.option.rpo, backupCopy.option.rto));
    }
    if (!region.met) {
      // Durations are whole seconds and the global database's design RPO is 1 s, so only the RTO can fail here.
      const rto = regionObjective.rto;
      if (rto !== null && rto < CATALOGUE.auroraGlobalDatabase.rtoSeconds) {
        findings.add(
          'LB-DB-REGION-RTO-BELOW-FAILOVER',
          'region',
          `region RTO ${human(rto)} is below the ${human(CATALOGUE.auroraGlobalDatabase.rtoSeconds)} design time of a global database failover`,
          `relax the region RTO to at least ${human(CATALOGUE.auroraGlobalDatabase.rtoSeconds)}`,
        );
      }
    }
    if (globalDatabase && backtrackSeconds !== null) {
      findings.add(
        'LB-DB-BACKTRACK-WITH-GLOBAL',
        null,
        'Aurora backtrack is not supported on clusters in a global database, and both are needed here',
        'relax the region objective so AWS Backup copies suffice, or relax the corruption objective so point-in-time recovery suffices',
      );
    }
  }

  // --- read replicas ---------------------------------------------------------------------------------------------
  let sameRegionIndex = 0;
  for (const requested of db.readReplicas) {
    if (requested.regionRole === 'dr') continue;
    sameRegionIndex += 1;
    const instanceClass = requested.instanceClass ?? db.instanceClass;
    readReplicas.push({
      index: sameRegionIndex,
      identifier: names.replica(sameRegionIndex),
      region: primary,
      regionRole: 'primary',
      instanceClass: instanceClass ?? '',
      reason: aurora ? 'requested: reader instance in the cluster' : 'requested: same-region read replica',
    });
    if (instanceClass === null) classUnknown(findings, `read replica ${sameRegionIndex}`);
  }
  if (drReplica) {
    const instanceClass = requestedDrReplica?.instanceClass ?? db.instanceClass;
    readReplicas.push({
      index: 0,
      identifier: names.dr,
      region: dr,
      regionRole: 'dr',
      instanceClass: instanceClass ?? '',
      reason: requestedDrReplica ? 'requested: cross-region read replica' : `region objective ${objectiveText(regionObjective)}`,
    });
    if (instanceClass === null) classUnknown(findings, 'the cross-region read replica');
    mechanisms.add(CATALOGUE.crossRegionReadReplica, dr, 'region', requestedDrReplica ? 'requested' : `region objective ${objectiveText(regionObjective)}`);
  }

  // --- long-term retention ---------------------------------------------------------------------------------------
  if (db.retention.longTermSeconds !== null) {
    const days = db.retention.longTermSeconds / DAY;
    rules.push({
      name: 'long-term',
      scheduleExpression: `cron(0 ${LIMITS.awsBackupDailyHourUtc} * * ? *)`,
      intervalHours: 24,
      startWindowMinutes: LIMITS.awsBackupStartWindowMinutes,
      completionWindowMinutes: LIMITS.awsBackupDailyCompletionWindowMinutes,
      retentionDays: days,
      copyToDr: true,
      drRetentionDays: days,
    });
    mechanisms.add(CATALOGUE.awsBackupCopy, dr, null, `retention.longTerm ${human(db.retention.longTermSeconds)}: daily recovery points kept ${days} days in both regions`, design(24 * HOUR + CATALOGUE.awsBackupCopy.rpoSeconds, CATALOGUE.awsBackupCopy.rtoSeconds));
    if (db.retention.longTermSeconds > 35 * DAY) {
      findings.add(
        'LB-DB-LONG-TERM-AWS-BACKUP',
        null,
        `RDS keeps automated backups at most 35 days; the ${human(db.retention.longTermSeconds)} retention comes from daily AWS Backup recovery points (not point-in-time)`,
        'none needed',
      );
    }
  }
  let awsBackup: AwsBackupPlan | null = null;
  if (rules.length > 0) {
    const lock = db.retention.lock;
    const retentions = rules.flatMap((r) => [r.retentionDays, ...(r.drRetentionDays === null ? [] : [r.drRetentionDays])]);
    awsBackup = {
      rules,
      lock: lock
        ? {
            mode: lock.mode,
            changeableForDays:
              lock.mode === 'compliance'
                ? lock.changeableForSeconds === null
                  ? LIMITS.vaultLockDefaultChangeableForDays
                  : lock.changeableForSeconds / DAY
                : null,
            minRetentionDays: Math.min(...retentions),
            maxRetentionDays: Math.max(...retentions),
          }
        : null,
    };
    if (lock?.mode === 'compliance') {
      findings.add(
        'LB-DB-VAULT-LOCK-COMPLIANCE',
        null,
        `compliance vault lock: after ${awsBackup.lock?.changeableForDays}d nobody (not even the root user or AWS) can delete recovery points early or remove the lock`,
        'none needed; this is what compliance mode is for',
      );
    }
  }

  // --- verification ----------------------------------------------------------------------------------------------
  let verification: VerificationPlan | null = null;
  if (db.verification === null) {
    findings.add(
      'LB-DB-NO-VERIFICATION',
      null,
      'no verification: nothing proves the backups restore, or measures the real RTO and data lag',
      'add databases.<i>.verification with a schedule, checks and freshness',
    );
  } else {
    const v = db.verification;
    const region = v.region === 'primary' ? primary : dr;
    // An RDS instance is restored in the DR region from its replicated automated backups (AWS Backup copies do not
    // serve the verification restore); an Aurora cluster from what AWS Backup copied there.
    if (v.region === 'dr' && !crossRegionBackupReplication && (!aurora || !rules.some((r) => r.copyToDr))) {
      if (!aurora) {
        crossRegionBackupReplication = { region: dr, retentionDays };
        mechanisms.add(CATALOGUE.crossRegionBackupReplication, dr, null, 'verification restores run in the DR region');
        findings.add(
          'LB-VERIFY-DR-BACKUPS-ADDED',
          null,
          `verification runs in ${dr}: added cross-region automated backup replication so there is something to restore there`,
          'none needed',
        );
      } else {
        findings.add(
          'LB-VERIFY-NO-BACKUPS-IN-REGION',
          null,
          `verification runs in ${dr} but no backups of this Aurora cluster are copied there`,
          'set verification.region to "primary", or add retention.longTerm so AWS Backup copies recovery points to the DR region',
        );
      }
    }
    if (v.checks.length === 0 && v.freshness === null) {
      findings.add(
        'LB-VERIFY-NO-CHECKS',
        null,
        'verification restores the database but checks no data, so it cannot tell an empty or damaged restore from a good one',
        'add verification.checks (tableExists, rowCount, sql) and verification.freshness',
      );
    }
    // A freshness check in the list measures the data lag just as verification.freshness does.
    const freshnessCheck = v.checks.find((check) => check.type === 'freshness');
    const freshnessSource =
      v.freshness ?? (freshnessCheck ? { table: freshnessCheck.table, column: freshnessCheck.column, maxLagSeconds: freshnessCheck.maxLagSeconds } : null);
    if (freshnessSource === null) {
      findings.add(
        'LB-VERIFY-NO-FRESHNESS',
        null,
        'no verification.freshness: the real RPO (age of the newest restored row) is not measured',
        'add verification.freshness with a table and its timestamp column',
      );
    }
    const restoreRpo = v.region === 'dr' ? regionObjective.rpo : (corruptionObjective.rpo ?? azObjective.rpo);
    verification = {
      scheduleExpression: v.schedule,
      interval: duration(v.intervalSeconds),
      region,
      regionRole: v.region,
      restoreInstanceClass: v.instanceClass ?? LIMITS.verificationInstanceClass,
      checks: v.checks.map((c) => ({ ...c })),
      freshness: freshnessSource
        ? { table: freshnessSource.table, column: freshnessSource.column, maxLag: duration(freshnessSource.maxLagSeconds ?? restoreRpo ?? HOUR) }
        : null,
      maxLifetime: duration(v.maxLifetimeSeconds),
      instancePrefix: names.verificationPrefix,
    };
  }

  if (db.existing) {
    findings.add(
      'LB-DB-EXISTING-CANNOT-ENFORCE',
      null,
      `${db.existing.identifier} is adopted, not managed: Lifeboat cannot enforce its backup retention (${retentionDays}d), backup window, deletion protection, encryption${cannotEnforce.length > 0 ? ` or ${cannotEnforce.join(', ')}` : ''}`,
      `check them on ${db.existing.identifier} (aws rds describe-db-${aurora ? 'clusters' : 'instances'}) or let Terraform manage it (terraform import)`,
    );
  }

  if ((drReplica || globalDatabase !== null) && req.network.dr.securityGroupIds.length === 0) {
    findings.add(
      'LB-NETWORK-NO-SECURITY-GROUPS',
      'region',
      `the ${aurora ? 'global database secondary cluster' : 'cross-region read replica'} of this database lives in network.dr (${dr}), which has no securityGroupIds`,
      'add network.dr.securityGroupIds: the security group(s) that may reach the DR standby',
    );
  }

  const scopes = { az, region, corruption };
  const plan: DatabaseStorePlan = {
    kind: 'database',
    id: db.id,
    engine: db.engine,
    family: aurora ? 'aurora' : 'instance',
    engineVersion: db.engineVersion,
    autoMinorVersionUpgrade: db.autoMinorVersionUpgrade,
    instanceClass: db.instanceClass,
    storageGb: db.storageGb,
    existing: db.existing ? { identifier: db.existing.identifier } : null,
    names: databaseStoreNames(req, db, {
      aurora,
      readers: aurora
        ? db.existing
          ? 0
          : Math.max(readReplicas.filter((r) => r.regionRole === 'primary').length, multiAz ? 1 : 0)
        : readReplicas.filter((r) => r.regionRole === 'primary').length,
      drStandby: drReplica || globalDatabase !== null,
      secondaryInstances: globalDatabase?.secondaryInstances ?? 0,
      globalRpo: globalDatabase?.managedRpoSeconds != null,
      awsBackup: awsBackup !== null,
      verification: verification !== null,
    }),
    scopes,
    mechanisms: mechanisms.list(),
    backup: { retentionDays, backupWindow: LIMITS.backupWindow, maintenanceWindow: LIMITS.maintenanceWindow },
    multiAz,
    readReplicas,
    crossRegionBackupReplication,
    globalDatabase,
    backtrack: backtrackSeconds === null ? null : { windowSeconds: backtrackSeconds, window: formatDuration(backtrackSeconds) },
    awsBackup,
    alarms: [],
    verification,
  };
  plan.alarms = databaseAlarms(req, db, plan);
  return plan;
}

function azBelowFailover(findings: FindingSink, objective: Objective, standbyWord: string): void {
  findings.add(
    'LB-DB-AZ-RTO-BELOW-FAILOVER',
    'az',
    `az RTO ${human(objective.rto ?? 0)} is below the ${human(CATALOGUE.multiAz.rtoSeconds)} design failover time of ${standbyWord}`,
    `relax the az RTO to at least ${human(CATALOGUE.multiAz.rtoSeconds)}`,
  );
}

function classUnknown(findings: FindingSink, what: string): void {
  findings.add(
    'LB-DB-INSTANCE-CLASS-UNKNOWN',
    null,
    `${what} needs an instance class and neither the replica nor the database sets one`,
    'set databases.<i>.instanceClass or readReplicas.<j>.instanceClass',
  );
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

// ---------------------------------------------------------------------------------------------------------------
// Buckets
// ---------------------------------------------------------------------------------------------------------------

function planBucket(req: Requirements, bucket: BucketRequirement, findings: FindingSink): BucketStorePlan {
  const { primary, dr } = req.regions;
  const names = bucketStoreNames(req, bucket);
  const mechanisms = new MechanismSet();
  const retentionDays = bucket.retentionSeconds / DAY;
  const replicaStorageClass = bucket.replicaStorageClass ?? 'STANDARD';

  const az = scopePlan('az', { rpo: null, rto: null }, null, true, 'S3 stores objects across at least three AZs in the region (except One Zone-IA)');
  if (bucket.transitions.some((t) => t.storageClass === 'ONEZONE_IA') || replicaStorageClass === 'ONEZONE_IA') {
    findings.add(
      'LB-S3-ONEZONE-IA',
      'az',
      'One Zone-IA keeps objects in a single AZ: an AZ loss destroys that copy',
      'prefer STANDARD_IA (or INTELLIGENT_TIERING) unless the other region holds the only copy you rely on',
    );
  }

  const corruptionKinds: MechanismKind[] = ['s3-versioning', 's3-lifecycle'];
  mechanisms.add(CATALOGUE.s3Versioning, primary, 'corruption', 'overwrites and deletes keep the previous version');
  mechanisms.add(CATALOGUE.s3Lifecycle, primary, 'corruption', `noncurrent versions kept ${retentionDays} days${bucket.transitions.length > 0 ? `; transitions ${bucket.transitions.map((t) => `${t.afterSeconds / DAY}d ${t.storageClass}`).join(', ')}` : ''}`);
  if (bucket.objectLock) {
    corruptionKinds.push('s3-object-lock');
    const lockText = bucket.objectLock.days !== null ? `${bucket.objectLock.days} days` : `${bucket.objectLock.years} years`;
    mechanisms.add(CATALOGUE.s3ObjectLock, primary, 'corruption', `${bucket.objectLock.mode} mode, ${lockText}: versions cannot be deleted or overwritten, even with stolen credentials`);
    if (bucket.objectLock.mode === 'compliance') {
      findings.add(
        'LB-S3-OBJECT-LOCK-COMPLIANCE',
        'corruption',
        `compliance-mode Object Lock: nobody, including the root user, can delete a locked version before ${lockText} have passed`,
        'none needed; use governance mode if privileged users must be able to delete early',
      );
    }
  }
  const corruption = scopePlan(
    'corruption',
    { rpo: null, rto: null },
    { kinds: corruptionKinds, rpo: CATALOGUE.s3Versioning.rpoSeconds, rto: CATALOGUE.s3Versioning.rtoSeconds },
    true,
    `previous versions are kept ${retentionDays} days${bucket.objectLock ? ' and locked versions cannot be removed' : ''}; replication copies deletes, so versions serve this scope`,
  );

  const objective: Objective = { rpo: bucket.rpoSeconds, rto: bucket.rtoSeconds };
  const archiveRestore = LIMITS.s3ArchiveRestoreSeconds[replicaStorageClass] ?? 0;
  const withReplicaRto = (entry: CatalogueEntry): Option => ({ kinds: [entry.kind], rpo: entry.rpoSeconds, rto: entry.rtoSeconds + archiveRestore });
  const plain = withReplicaRto(CATALOGUE.s3Replication);
  const rtc = withReplicaRto(CATALOGUE.s3ReplicationRtc);
  const options = [plain, rtc];
  const found = cheapest(options, objective);
  const chosen = found ?? rtc;
  const region = scopePlan('region', objective, chosen, found !== null, found ? chooseReason(found, objective, options) : `${optionText(rtc)} does not meet ${objectiveText(objective)}`);
  const useRtc = chosen === rtc;
  mechanisms.add(useRtc ? CATALOGUE.s3ReplicationRtc : CATALOGUE.s3Replication, dr, 'region', `region objective ${objectiveText(objective)}; replicas in ${replicaStorageClass}`, design(chosen.rpo, chosen.rto));
  if (bucket.rpoSeconds < CATALOGUE.s3ReplicationRtc.rpoSeconds) {
    findings.add(
      'LB-S3-RPO-BELOW-RTC',
      'region',
      `region RPO ${human(bucket.rpoSeconds)} is below ${human(CATALOGUE.s3ReplicationRtc.rpoSeconds)}, the only time bound S3 replication offers (Replication Time Control)`,
      `relax the bucket RPO to at least ${human(CATALOGUE.s3ReplicationRtc.rpoSeconds)}`,
    );
  }
  if (bucket.rtoSeconds !== null && bucket.rtoSeconds < chosen.rto) {
    if (archiveRestore > 0) {
      findings.add(
        'LB-S3-RTO-REPLICA-ARCHIVED',
        'region',
        `region RTO ${human(bucket.rtoSeconds)} is below the ${human(chosen.rto)} it takes to restore ${replicaStorageClass} replicas before they can be read`,
        'use a replica storage class readable at once (STANDARD, STANDARD_IA, INTELLIGENT_TIERING, GLACIER_IR), or relax the RTO',
      );
    } else {
      findings.add(
        'LB-S3-RTO-BELOW-SWITCH',
        'region',
        `region RTO ${human(bucket.rtoSeconds)} is below the ${human(chosen.rto)} design time to point clients at the replica bucket`,
        `relax the bucket RTO to at least ${human(chosen.rto)}`,
      );
    }
  }
  if (bucket.rtoSeconds === null) {
    findings.add(
      'LB-OBJECTIVE-MISSING',
      'region',
      'no region RTO: the plan cannot tell whether reading the replica is fast enough',
      'set buckets.<i>.rto (or defaults.rto.region)',
    );
  }

  const alarms = bucketAlarms(req, bucket, names, LIMITS.s3ReplicationRuleId);

  return {
    kind: 'bucket',
    id: bucket.id,
    names,
    scopes: { az, region, corruption },
    mechanisms: mechanisms.list(),
    retentionDays,
    transitions: bucket.transitions.map((t) => ({ afterDays: t.afterSeconds / DAY, storageClass: t.storageClass })),
    objectLock: bucket.objectLock ? { ...bucket.objectLock } : null,
    replication: { ruleId: LIMITS.s3ReplicationRuleId, destinationRegion: dr, rtc: useRtc, replicaStorageClass },
    alarms,
  };
}
