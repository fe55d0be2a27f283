/**
 * The plan of one database store: the deciders in order (az, corruption, region, replicas, retention, verification),
 * then the cross-concern steps that read several decisions (DR backups for a DR verification, conflicts, what an
 * adopted database cannot enforce), then names and alarms from the decisions.
 */
import { databaseNames } from '../../aws/names';
import { formatDuration } from '../../spec/duration';
import { FAILURE_SCOPES, isAurora, type DatabaseRequirement, type Requirements } from '../../spec/types';
import { databaseAlarms } from '../alarms';
import { CATALOGUE, LIMITS } from '../catalogue';
import { DAY, DecisionRecord, type Decision, type StoreDecisions } from '../decide';
import { databaseStoreNames } from '../names';
import type { DatabaseStorePlan } from '../types';
import { decideAz } from './az';
import { decideCorruption } from './corruption';
import { decideRegion } from './region';
import { decideReplicas } from './replicas';
import { decideRetention } from './retention';
import { decideVerification, drBackupsForVerification } from './verification';

export function planDatabase(req: Requirements, db: DatabaseRequirement, decisions: StoreDecisions): DatabaseStorePlan {
  const { primary, dr } = req.regions;
  const aurora = isAurora(db.engine);
  const names = databaseNames(req.name, db.id);
  const retentionDays = db.retention.pointInTimeSeconds / DAY;

  decisions.apply(baseline(db, primary, retentionDays));
  const az = decisions.apply(decideAz(db, aurora, primary));
  const corruption = decisions.apply(decideCorruption(db, primary));
  const region = decisions.apply(decideRegion({ db, names, dr, retentionDays }, aurora));
  const readReplicas = decisions.apply(decideReplicas({ db, aurora, names, primary, dr, drReplica: region.drReplica, requestedDrReplica: region.requestedDrReplica }));
  const awsBackup = decisions.apply(decideRetention(db, dr, region.copyRule));
  const verification = decisions.apply(decideVerification(db, names, req.regions));
  const crossRegionBackupReplication = decisions.apply(
    drBackupsForVerification({ verification, aurora, dr, retentionDays, crossRegionBackupReplication: region.crossRegionBackupReplication }),
  );
  const globalDatabase = region.globalDatabase;
  decisions.apply(conflicts(req, { aurora, drStandby: region.drReplica || globalDatabase !== null, global: globalDatabase !== null, backtrack: corruption.backtrackSeconds !== null }));
  decisions.apply(adopted(db, aurora, retentionDays, [...az.cannotEnforce, ...corruption.cannotEnforce]));

  const sameRegionReaders = readReplicas.filter((r) => r.regionRole === 'primary').length;
  const backtrackSeconds = corruption.backtrackSeconds;
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
    names: databaseStoreNames(db, names, {
      aurora,
      // Aurora: the requested readers, or one in a second AZ for Multi-AZ; an adopted cluster keeps its own.
      readers: aurora ? (db.existing ? 0 : Math.max(sameRegionReaders, az.multiAz ? 1 : 0)) : sameRegionReaders,
      drStandby: region.drReplica || globalDatabase !== null,
      secondaryInstances: globalDatabase?.secondaryInstances ?? 0,
      globalRpo: globalDatabase?.managedRpoSeconds != null,
      awsBackup: awsBackup !== null,
      verification: verification !== null,
    }),
    scopes: { az: az.scope, region: region.scope, corruption: corruption.scope },
    mechanisms: decisions.mechanisms.list(),
    backup: { retentionDays, backupWindow: LIMITS.backupWindow, maintenanceWindow: LIMITS.maintenanceWindow },
    multiAz: az.multiAz,
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

/** What every database has: automated backups with PITR, and a warning for scopes without objectives. */
function baseline(db: DatabaseRequirement, primary: string, retentionDays: number): Decision<null> {
  const record = new DecisionRecord();
  const missing = FAILURE_SCOPES.filter((scope) => db.rpo[scope] === null || db.rto[scope] === null);
  if (missing.length > 0) {
    record.finding(
      'LB-OBJECTIVE-MISSING',
      null,
      `no ${missing.map((s) => `${s} RPO/RTO`).join(', ')}: the plan cannot tell whether those failures are survivable in time`,
      `set databases.<i>.rpo / rto for ${missing.join(', ')} (or defaults.rpo / defaults.rto)`,
    );
  }
  record.mechanism(CATALOGUE.pitr, primary, null, `automated backups with point-in-time recovery for ${retentionDays}d (always on)`);
  return record.done(null);
}

/** Decisions that cannot stand together, or that the spec's network cannot host. */
function conflicts(req: Requirements, chosen: { aurora: boolean; drStandby: boolean; global: boolean; backtrack: boolean }): Decision<null> {
  const record = new DecisionRecord();
  if (chosen.global && chosen.backtrack) {
    record.finding(
      'LB-DB-BACKTRACK-WITH-GLOBAL',
      null,
      'Aurora backtrack is not supported on clusters in a global database, and both are needed here',
      'relax the region objective so AWS Backup copies suffice, or relax the corruption objective so point-in-time recovery suffices',
    );
  }
  if (chosen.drStandby && req.network.dr.securityGroupIds.length === 0) {
    record.finding(
      'LB-NETWORK-NO-SECURITY-GROUPS',
      'region',
      `the ${chosen.aurora ? 'global database secondary cluster' : 'cross-region read replica'} of this database lives in network.dr (${req.regions.dr}), which has no securityGroupIds`,
      'add network.dr.securityGroupIds: the security group(s) that may reach the DR standby',
    );
  }
  return record.done(null);
}

/** What Lifeboat cannot enforce on a database it adopts instead of creating. */
function adopted(db: DatabaseRequirement, aurora: boolean, retentionDays: number, cannotEnforce: string[]): Decision<null> {
  const record = new DecisionRecord();
  if (db.existing) {
    record.finding(
      'LB-DB-EXISTING-CANNOT-ENFORCE',
      null,
      `${db.existing.identifier} is adopted, not managed: Lifeboat cannot enforce its backup retention (${retentionDays}d), backup window, deletion protection, encryption${cannotEnforce.length > 0 ? ` or ${cannotEnforce.join(', ')}` : ''}`,
      `check them on ${db.existing.identifier} (aws rds describe-db-${aurora ? 'clusters' : 'instances'}) or let Terraform manage it (terraform import)`,
    );
  }
  return record.done(null);
}
