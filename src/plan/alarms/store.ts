/**
 * The alarms of a store, as the planner decides them: which objective each alarm guards, from the requirement and
 * the mechanisms the plan chose. The definitions themselves (metric, dimensions, period, datapoints, missing data)
 * are the ones the constructs use alone (rds.ts, probes.ts, verification.ts, buckets.ts).
 */
import { FAILURE_SCOPES, type BucketRequirement, type DatabaseRequirement, type Requirements } from '../../spec/types';
import { CATALOGUE, LIMITS } from '../catalogue';
import type { DatabaseStorePlan } from '../types';
import { alarmNamePrefix } from './names';
import { probeAlarms, type ProbeBound } from './probes';
import { auroraClusterAlarms, backupVaultAlarms, rdsInstanceAlarms } from './rds';
import { bucketReplicationAlarms, missingReplicasAlarm } from './buckets';
import type { AlarmPlan } from './types';
import { verificationAlarms } from './verification';

const HOUR = 3_600;

type PlanContext = Pick<Requirements, 'name' | 'regions'>;

/** Every alarm of a database store: the database's own, its vault's, the probe's and the verification's. */
export function databaseAlarms(req: PlanContext, db: Pick<DatabaseRequirement, 'id' | 'rpo' | 'rto'>, plan: DatabaseStorePlan): AlarmPlan[] {
  const prefix = alarmNamePrefix(req.name, db.id);
  const { primary, dr } = req.regions;
  const sameRegion = plan.readReplicas.filter((r) => r.regionRole === 'primary').sort((a, b) => a.index - b.index);
  const drReplica = plan.readReplicas.find((r) => r.regionRole === 'dr') ?? null;
  const alarms: AlarmPlan[] = [];

  if (plan.family === 'instance') {
    alarms.push(
      ...rdsInstanceAlarms({
        prefix,
        region: primary,
        identifier: plan.names.primary,
        allocatedStorageGb: plan.storageGb,
        sameRegionReplicas: sameRegion.map((r) => r.identifier),
        drReplica: drReplica ? { identifier: drReplica.identifier, region: drReplica.region } : null,
        azRpoSeconds: db.rpo.az,
        regionRpoSeconds: db.rpo.region,
      }),
    );
  } else {
    // The cluster's reader instances as the plan names them (none for an adopted cluster: its instances are not Lifeboat's).
    const global = plan.globalDatabase;
    alarms.push(
      ...auroraClusterAlarms({
        prefix,
        region: primary,
        readers: plan.names.replicas,
        global: global
          ? { region: global.secondaryRegion, secondaryClusterIdentifier: global.secondaryClusterIdentifier, readers: plan.names.drReplicas }
          : null,
        azRpoSeconds: db.rpo.az,
        regionRpoSeconds: db.rpo.region,
      }),
    );
  }

  const copyRules = plan.awsBackup?.rules.filter((r) => r.copyToDr) ?? [];
  const vault = plan.names.awsBackup?.vault;
  if (plan.awsBackup && vault) {
    alarms.push(...backupVaultAlarms({ prefix, region: primary, vaultName: vault, copyRegion: copyRules.length > 0 ? dr : null }));
  }

  alarms.push(
    ...probeAlarms({
      prefix,
      storeId: db.id,
      region: primary,
      drRegion: dr,
      restorableLag: pitrBound(db, plan),
      drRestorableLag: plan.crossRegionBackupReplication ? drRestorableBound(db, plan) : null,
      drBackupAge: copyRules.length > 0 ? drBackupAgeBound(db, plan, copyRules) : null,
    }),
  );

  const v = plan.verification;
  if (v) {
    const rto = v.regionRole === 'dr' ? db.rto.region : (db.rto.corruption ?? db.rto.az);
    const rtoScope = v.regionRole === 'dr' ? 'region' : db.rto.corruption !== null ? 'corruption' : 'az';
    alarms.push(
      ...verificationAlarms({
        prefix,
        storeId: db.id,
        region: v.region,
        intervalSeconds: v.interval.seconds,
        restoreTime: rto === null ? null : { rtoSeconds: rto, scope: rtoScope },
        dataLag: v.freshness ? { maxLagSeconds: v.freshness.maxLag.seconds, what: `${v.freshness.table}.${v.freshness.column}` } : null,
      }),
    );
  }
  return alarms;
}

/** Restorable lag in the primary region: the smallest RPO point-in-time recovery serves. */
function pitrBound(db: Pick<DatabaseRequirement, 'rpo'>, plan: DatabaseStorePlan): ProbeBound {
  let best: ProbeBound | null = null;
  for (const scope of FAILURE_SCOPES) {
    const rpo = db.rpo[scope];
    if (rpo !== null && plan.scopes[scope].mechanisms.includes('rds-pitr') && (best === null || rpo < best.seconds)) {
      best = { seconds: rpo, reason: `the ${scope} RPO it serves` };
    }
  }
  return best ?? { seconds: LIMITS.pitrFallbackLagSeconds, reason: 'no objective relies on it: three missed log uploads' };
}

function drRestorableBound(db: Pick<DatabaseRequirement, 'rpo'>, plan: DatabaseStorePlan): ProbeBound {
  const servesRegion = plan.scopes.region.mechanisms.includes('cross-region-backup-replication');
  return servesRegion && db.rpo.region !== null
    ? { seconds: db.rpo.region, reason: 'the region RPO' }
    : { seconds: HOUR, reason: 'they serve no region objective' };
}

function drBackupAgeBound(
  db: Pick<DatabaseRequirement, 'rpo'>,
  plan: DatabaseStorePlan,
  copyRules: NonNullable<DatabaseStorePlan['awsBackup']>['rules'],
): ProbeBound {
  const servesRegion = plan.scopes.region.mechanisms.includes('aws-backup');
  if (servesRegion && db.rpo.region !== null) return { seconds: db.rpo.region, reason: 'the region RPO' };
  const seconds = Math.min(
    ...copyRules.map((r) => r.intervalHours * HOUR + CATALOGUE.awsBackupCopy.rpoSeconds + r.completionWindowMinutes * 60),
  );
  return { seconds, reason: 'schedule + copy + completion window' };
}

/** Every alarm of a bucket store: S3's replication metrics and the replica check. */
export function bucketAlarms(
  req: PlanContext,
  bucket: Pick<BucketRequirement, 'id' | 'rpoSeconds'>,
  names: { readonly source: string; readonly replica: string },
  ruleId: string,
): AlarmPlan[] {
  const prefix = alarmNamePrefix(req.name, bucket.id);
  return [
    ...bucketReplicationAlarms({
      prefix,
      sourceRegion: req.regions.primary,
      sourceBucket: names.source,
      replicaBucket: names.replica,
      replicaRegion: req.regions.dr,
      ruleId,
      rpoSeconds: bucket.rpoSeconds,
    }),
    missingReplicasAlarm({ prefix, storeId: bucket.id, sourceBucket: names.source, replicaBucket: names.replica, replicaRegion: req.regions.dr }),
  ];
}
