import { FINDING_CODES } from '../../src/plan/findings';
import type { BackupPlan, FailureScope, MechanismKind } from '../../src/plan/types';
import { planBackups } from '../../src/plan/planner';
import { parseRequirements } from '../../src/spec/requirements';
import { baseSpec } from '../spec/fixtures';
import { aurora, bucket, codes, database, db, planWith } from './helpers';

const hit = new Set<string>();
function plan(mutate: (doc: Record<string, any>) => void): BackupPlan {
  const result = planWith(mutate);
  for (const code of codes(result)) hit.add(code);
  return result;
}

interface ScopeCase {
  name: string;
  mutate: (doc: Record<string, any>) => void;
  store?: string;
  scope: FailureScope;
  mechanisms: MechanismKind[];
  met: boolean;
  /** Codes expected among the findings for this scope (or the store when the finding has no scope). */
  findings: string[];
}

// Base spec: postgres `orders` with defaults az 5m/1h, region 1h/4h, corruption 5m/4h; bucket `documents` 1h/1h.
const databaseCases: ScopeCase[] = [
  // az
  { name: 'az RPO exactly 5m and RTO 1h: PITR', mutate: db({}), scope: 'az', mechanisms: ['rds-pitr'], met: true, findings: [] },
  { name: 'az RPO 5m - 1s: Multi-AZ', mutate: db({ rpo: { az: '299s' } }), scope: 'az', mechanisms: ['multi-az'], met: true, findings: [] },
  { name: 'az RTO 1h - 1s: Multi-AZ', mutate: db({ rto: { az: '3599s' } }), scope: 'az', mechanisms: ['multi-az'], met: true, findings: [] },
  { name: 'az RTO exactly 2m: Multi-AZ', mutate: db({ rto: { az: '2m' } }), scope: 'az', mechanisms: ['multi-az'], met: true, findings: [] },
  { name: 'az RTO 2m - 1s: below failover', mutate: db({ rto: { az: '119s' } }), scope: 'az', mechanisms: ['multi-az'], met: false, findings: ['LB-DB-AZ-RTO-BELOW-FAILOVER'] },
  { name: 'multiAz true: Multi-AZ though PITR would do', mutate: db({ multiAz: true }), scope: 'az', mechanisms: ['multi-az'], met: true, findings: [] },
  { name: 'multiAz false refuses a needed standby', mutate: db({ multiAz: false, rpo: { az: '1m' } }), scope: 'az', mechanisms: ['rds-pitr'], met: false, findings: ['LB-DB-MULTI-AZ-REFUSED'] },
  { name: 'multiAz false with a PITR-sized objective is fine', mutate: db({ multiAz: false }), scope: 'az', mechanisms: ['rds-pitr'], met: true, findings: [] },
  { name: 'aurora az RPO 1m: reader in a second AZ', mutate: aurora('aurora-postgresql', { rpo: { az: '1m' } }), scope: 'az', mechanisms: ['multi-az'], met: true, findings: [] },
  // corruption
  { name: 'corruption RPO exactly 5m: PITR', mutate: db({}), scope: 'corruption', mechanisms: ['rds-pitr'], met: true, findings: [] },
  { name: 'corruption RPO 5m - 1s: impossible on postgres', mutate: db({ rpo: { corruption: '299s' } }), scope: 'corruption', mechanisms: ['rds-pitr'], met: false, findings: ['LB-DB-CORRUPTION-RPO-BELOW-PITR'] },
  { name: 'corruption RTO exactly 1h: PITR', mutate: db({ rto: { corruption: '1h' } }), scope: 'corruption', mechanisms: ['rds-pitr'], met: true, findings: [] },
  { name: 'corruption RTO 1h - 1s: restore too slow', mutate: db({ rto: { corruption: '3599s' } }), scope: 'corruption', mechanisms: ['rds-pitr'], met: false, findings: ['LB-DB-CORRUPTION-RTO-BELOW-RESTORE'] },
  { name: 'aurora-mysql corruption RPO 1m: backtrack', mutate: aurora('aurora-mysql', { rpo: { corruption: '1m', region: '1d' } }), scope: 'corruption', mechanisms: ['aurora-backtrack'], met: true, findings: [] },
  { name: 'aurora-mysql corruption RTO exactly 5m: backtrack', mutate: aurora('aurora-mysql', { rpo: { region: '1d' }, rto: { corruption: '5m' } }), scope: 'corruption', mechanisms: ['aurora-backtrack'], met: true, findings: [] },
  { name: 'aurora-mysql corruption RTO 5m - 1s: backtrack too slow', mutate: aurora('aurora-mysql', { rpo: { region: '1d' }, rto: { corruption: '299s' } }), scope: 'corruption', mechanisms: ['aurora-backtrack'], met: false, findings: ['LB-DB-CORRUPTION-RTO-BELOW-BACKTRACK'] },
  { name: 'aurora-postgresql corruption RPO 1m: impossible', mutate: aurora('aurora-postgresql', { rpo: { corruption: '1m' } }), scope: 'corruption', mechanisms: ['rds-pitr'], met: false, findings: ['LB-DB-CORRUPTION-RPO-BELOW-PITR'] },
  { name: 'explicit backtrack window', mutate: aurora('aurora-mysql', { backtrack: '72h', rpo: { region: '1d' } }), scope: 'corruption', mechanisms: ['aurora-backtrack'], met: true, findings: [] },
  // region, RDS instances
  { name: 'region RPO exactly 5m, RTO 1h: backup replication', mutate: db({ rpo: { region: '5m' }, rto: { region: '1h' } }), scope: 'region', mechanisms: ['cross-region-backup-replication'], met: true, findings: [] },
  { name: 'region RPO 5m - 1s: cross-region read replica', mutate: db({ rpo: { region: '299s' } }), scope: 'region', mechanisms: ['read-replica'], met: true, findings: ['LB-DB-REGION-STANDBY-ADDED'] },
  { name: 'region RTO 1h - 1s: cross-region read replica', mutate: db({ rto: { region: '3599s' } }), scope: 'region', mechanisms: ['read-replica'], met: true, findings: ['LB-DB-REGION-STANDBY-ADDED'] },
  { name: 'region RPO exactly 20s: read replica', mutate: db({ rpo: { region: '20s' } }), scope: 'region', mechanisms: ['read-replica'], met: true, findings: ['LB-DB-REGION-STANDBY-ADDED'] },
  { name: 'region RPO 20s - 1s: needs Aurora global database', mutate: db({ rpo: { region: '19s' } }), scope: 'region', mechanisms: ['read-replica'], met: false, findings: ['LB-DB-REGION-RPO-NEEDS-AURORA-GLOBAL', 'LB-DB-REGION-STANDBY-ADDED'] },
  { name: 'region RTO exactly 10m: read replica', mutate: db({ rto: { region: '10m' } }), scope: 'region', mechanisms: ['read-replica'], met: true, findings: ['LB-DB-REGION-STANDBY-ADDED'] },
  { name: 'region RTO 15m: a standby, never a backup restore', mutate: db({ rto: { region: '15m' } }), scope: 'region', mechanisms: ['read-replica'], met: true, findings: ['LB-DB-REGION-STANDBY-ADDED'] },
  { name: 'region RTO 10m - 1s: promotion too slow', mutate: db({ rto: { region: '599s' } }), scope: 'region', mechanisms: ['read-replica'], met: false, findings: ['LB-DB-REGION-RTO-BELOW-PROMOTION', 'LB-DB-REGION-STANDBY-ADDED'] },
  { name: 'requested DR replica serves the region', mutate: db({ readReplicas: [{ region: 'dr' }] }), scope: 'region', mechanisms: ['read-replica'], met: true, findings: [] },
  // region, Aurora
  { name: 'aurora region RPO exactly 4h: AWS Backup copies every 2h', mutate: aurora('aurora-postgresql', { rpo: { region: '4h' }, rto: { region: '1h' } }), scope: 'region', mechanisms: ['aws-backup'], met: true, findings: [] },
  { name: 'aurora region RPO 4h - 1s: global database', mutate: aurora('aurora-postgresql', { rpo: { region: '14399s' } }), scope: 'region', mechanisms: ['aurora-global-database'], met: true, findings: ['LB-DB-GLOBAL-RPO-ENFORCED', 'LB-DB-REGION-STANDBY-ADDED'] },
  { name: 'aurora region RTO 1h - 1s: global database', mutate: aurora('aurora-postgresql', { rpo: { region: '1d' }, rto: { region: '3599s' } }), scope: 'region', mechanisms: ['aurora-global-database'], met: true, findings: ['LB-DB-GLOBAL-RPO-ENFORCED', 'LB-DB-REGION-STANDBY-ADDED'] },
  { name: 'aurora-postgresql region RPO exactly 20s: enforced', mutate: aurora('aurora-postgresql', { rpo: { region: '20s' } }), scope: 'region', mechanisms: ['aurora-global-database'], met: true, findings: ['LB-DB-GLOBAL-RPO-ENFORCED', 'LB-DB-REGION-STANDBY-ADDED'] },
  { name: 'aurora-postgresql region RPO 20s - 1s: not enforceable', mutate: aurora('aurora-postgresql', { rpo: { region: '19s' } }), scope: 'region', mechanisms: ['aurora-global-database'], met: true, findings: ['LB-DB-GLOBAL-RPO-NOT-ENFORCEABLE', 'LB-DB-REGION-STANDBY-ADDED'] },
  { name: 'aurora-mysql global RPO is never enforced', mutate: aurora('aurora-mysql', { rpo: { region: '30s' } }), scope: 'region', mechanisms: ['aurora-global-database'], met: true, findings: ['LB-DB-GLOBAL-RPO-NOT-ENFORCEABLE', 'LB-DB-REGION-STANDBY-ADDED'] },
  { name: 'aurora region RPO 1s: typical global lag', mutate: aurora('aurora-postgresql', { rpo: { region: '1s' } }), scope: 'region', mechanisms: ['aurora-global-database'], met: true, findings: ['LB-DB-GLOBAL-RPO-NOT-ENFORCEABLE', 'LB-DB-REGION-STANDBY-ADDED'] },
  { name: 'aurora region RTO exactly 2m: global failover', mutate: aurora('aurora-postgresql', { rto: { region: '2m' } }), scope: 'region', mechanisms: ['aurora-global-database'], met: true, findings: ['LB-DB-GLOBAL-RPO-ENFORCED', 'LB-DB-REGION-STANDBY-ADDED'] },
  { name: 'aurora region RTO 2m - 1s: failover too slow', mutate: aurora('aurora-postgresql', { rto: { region: '119s' } }), scope: 'region', mechanisms: ['aurora-global-database'], met: false, findings: ['LB-DB-GLOBAL-RPO-ENFORCED', 'LB-DB-REGION-RTO-BELOW-FAILOVER', 'LB-DB-REGION-STANDBY-ADDED'] },
  { name: 'aurora DR reader request: global database', mutate: aurora('aurora-postgresql', { readReplicas: [{ region: 'dr' }] }), scope: 'region', mechanisms: ['aurora-global-database'], met: true, findings: ['LB-DB-GLOBAL-RPO-ENFORCED'] },
];

describe('planner: one row per rule, with boundaries', () => {
  it.each(databaseCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = plan(c.mutate);
    const scope = database(result, c.store).scopes[c.scope];
    expect(scope.mechanisms).toEqual(c.mechanisms);
    expect(scope.met).toBe(c.met);
    expect(scope.design?.estimate).toBe(true);
    const scoped = result.findings.filter((f) => f.store === (c.store ?? 'orders') && (f.scope === c.scope || f.scope === null));
    const relevant = scoped.map((f) => f.code).filter((code) => !['LB-VERIFY-NO-FRESHNESS', 'LB-OBJECTIVE-MISSING'].includes(code));
    expect(relevant.sort()).toEqual([...c.findings].sort());
    expect(result.summary.errors).toBe(c.met ? 0 : result.findings.filter((f) => f.severity === 'error').length);
    if (!c.met) expect(result.summary.errors).toBeGreaterThan(0);
  });
});

describe('planner: what each decision renders', () => {
  it('a cross-region read replica gets the DR name, the database class and a ReplicaLag alarm at the RPO', () => {
    const store = database(plan(db({ rpo: { region: '1m' } })));
    expect(store.readReplicas).toEqual([
      { index: 0, identifier: 'shop-orders-dr', region: 'eu-central-1', regionRole: 'dr', instanceClass: 'db.r6g.large', reason: 'region objective RPO 1m, RTO 4h' },
    ]);
    expect(store.crossRegionBackupReplication).toBeNull();
    expect(store.alarms.find((a) => a.id === 'replica-lag')).toEqual({
      id: 'replica-lag',
      alarmName: 'shop-orders-replica-lag',
      region: 'eu-central-1',
      namespace: 'AWS/RDS',
      metricName: 'ReplicaLag',
      dimensions: { DBInstanceIdentifier: 'shop-orders-dr' },
      statistic: 'Maximum',
      threshold: 60,
      thresholdOfAllocatedStorage: null,
      unit: 'Seconds',
      comparisonOperator: 'GreaterThanThreshold',
      periodSeconds: 60,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: 'breaching',
      description: expect.stringContaining('region RPO (1m)'),
    });
  });

  it('backup replication keeps the PITR retention in the DR region and alarms on its lag', () => {
    const store = database(plan(db({})));
    expect(store.crossRegionBackupReplication).toEqual({ region: 'eu-central-1', retentionDays: 7 });
    expect(store.backup).toEqual({ retentionDays: 7, backupWindow: '03:00-04:00', maintenanceWindow: 'sun:01:00-sun:02:00' });
    const lag = store.alarms.find((a) => a.id === 'dr-restorable-lag');
    // The region RPO plus one 5-minute log upload interval of tolerance (src/plan/alarms/probes.ts).
    expect(lag).toMatchObject({ region: 'eu-central-1', threshold: 3_600 + 300, treatMissingData: 'breaching', dimensions: { StoreId: 'orders', Region: 'eu-central-1' } });
    expect(store.alarms.find((a) => a.id === 'restorable-lag')).toMatchObject({ region: 'eu-west-1', threshold: 300 + 300, treatMissingData: 'breaching' });
  });

  it('a global database enforces rds.global_db_rpo and alarms on AuroraGlobalDBReplicationLag in the secondary region', () => {
    const store = database(plan(aurora('aurora-postgresql', { rpo: { region: '30s' } })));
    expect(store.family).toBe('aurora');
    expect(store.globalDatabase).toEqual({
      globalClusterIdentifier: 'shop-orders-global',
      secondaryClusterIdentifier: 'shop-orders-dr',
      secondaryRegion: 'eu-central-1',
      managedRpoSeconds: 30,
      secondaryInstances: 1,
    });
    expect(store.alarms.find((a) => a.id === 'global-replication-lag')).toMatchObject({
      region: 'eu-central-1',
      metricName: 'AuroraGlobalDBReplicationLag',
      dimensions: { DBClusterIdentifier: 'shop-orders-dr' },
      threshold: 30_000,
      unit: 'Milliseconds',
    });
  });

  it.each([
    ['4h', 2, 'cron(0 0/2 * * ? *)'],
    // From 00:00 the 03:00 start window meets the RDS backup window 03:00-04:00; from 01:00 Sunday's maintenance.
    ['5h', 3, 'cron(0 2/3 * * ? *)'],
    ['1d', 12, 'cron(0 0/12 * * ? *)'],
    ['26h', 24, 'cron(0 5 * * ? *)'],
  ])('aurora region RPO %s: AWS Backup every %ih copied to the DR vault', (rpo, hours, cron) => {
    const store = database(plan(aurora('aurora-postgresql', { rpo: { region: rpo } })));
    expect(store.awsBackup?.rules).toEqual([
      expect.objectContaining({ name: 'region-copy', intervalHours: hours, scheduleExpression: cron, copyToDr: true, retentionDays: 7, drRetentionDays: 7 }),
    ]);
    const mechanism = store.mechanisms.find((m) => m.kind === 'aws-backup');
    expect(mechanism?.design.rpo.seconds).toBe(hours * 3_600 + 7_200);
  });

  it('backtrack gets the default 24h window when the planner adds it', () => {
    expect(database(plan(aurora('aurora-mysql', { rpo: { corruption: '1m', region: '1d' } }))).backtrack).toEqual({ windowSeconds: 86_400, window: '1d' });
  });

  it('backtrack and a global database together are an error', () => {
    const result = plan(aurora('aurora-mysql', { rpo: { corruption: '1m', region: '1m' } }));
    expect(codes(result)).toContain('LB-DB-BACKTRACK-WITH-GLOBAL');
  });

  it.each([
    ['35d', false],
    ['36d', true],
  ])('longTerm %s: daily AWS Backup copies, finding only past 35 days', (longTerm, finding) => {
    const result = plan(db({ retention: { pointInTime: '7d', longTerm } }));
    const days = Number(longTerm.slice(0, -1));
    expect(database(result).awsBackup?.rules).toEqual([
      {
        name: 'long-term',
        scheduleExpression: 'cron(0 5 * * ? *)',
        intervalHours: 24,
        startWindowMinutes: 60,
        completionWindowMinutes: 720,
        retentionDays: days,
        copyToDr: true,
        drRetentionDays: days,
      },
    ]);
    expect(codes(result).includes('LB-DB-LONG-TERM-AWS-BACKUP')).toBe(finding);
  });

  it('a compliance vault lock gets the 3-day grace time and retention bounds', () => {
    const result = plan(db({ retention: { pointInTime: '7d', longTerm: '7y', lock: { mode: 'compliance' } } }));
    expect(database(result).awsBackup?.lock).toEqual({ mode: 'compliance', changeableForDays: 3, minRetentionDays: 2_555, maxRetentionDays: 2_555 });
    expect(codes(result)).toContain('LB-DB-VAULT-LOCK-COMPLIANCE');
  });

  it('a governance vault lock has no grace time and no finding', () => {
    const result = plan(db({ retention: { pointInTime: '7d', longTerm: '1y', lock: { mode: 'governance' } } }));
    expect(database(result).awsBackup?.lock).toMatchObject({ mode: 'governance', changeableForDays: null });
    expect(codes(result)).not.toContain('LB-DB-VAULT-LOCK-COMPLIANCE');
  });

  it('an existing database keeps its identifier and warns about what cannot be enforced', () => {
    const result = plan(db({ existing: { identifier: 'legacy-orders' }, multiAz: true }));
    expect(database(result).names.primary).toBe('legacy-orders');
    const finding = result.findings.find((f) => f.code === 'LB-DB-EXISTING-CANNOT-ENFORCE');
    expect(finding?.severity).toBe('warning');
    expect(finding?.message).toContain('Multi-AZ');
  });

  it('an existing database without an instance class cannot get a planner-added replica', () => {
    const result = plan((doc) => {
      doc.databases[0] = { id: 'orders', engine: 'postgres', existing: { identifier: 'legacy' }, rpo: { region: '1m' }, retention: { pointInTime: '7d' } };
    });
    expect(codes(result)).toContain('LB-DB-INSTANCE-CLASS-UNKNOWN');
    expect(result.summary.errors).toBeGreaterThan(0);
  });

  it('no verification is a warning', () => {
    expect(codes(plan(db({ verification: undefined })))).toContain('LB-DB-NO-VERIFICATION');
  });

  it('verification without checks or freshness is a warning and an info', () => {
    const result = plan(db({ verification: { schedule: '1d' } }));
    expect(codes(result)).toEqual(expect.arrayContaining(['LB-VERIFY-NO-CHECKS', 'LB-VERIFY-NO-FRESHNESS']));
  });

  it('a freshness check among the checks measures the data lag too: data-lag alarm at its maxLag, no NO-FRESHNESS', () => {
    const result = plan(db({ verification: { schedule: '1d', checks: [{ type: 'freshness', table: 'invoices', column: 'issued_at', maxLag: '1d' }] } }));
    expect(codes(result)).not.toContain('LB-VERIFY-NO-FRESHNESS');
    const store = database(result);
    expect(store.verification?.freshness).toEqual({ table: 'invoices', column: 'issued_at', maxLag: { seconds: 86_400, human: '1d' } });
    expect(store.alarms.find((a) => a.id === 'data-lag')).toMatchObject({ metricName: 'DataLagSeconds', threshold: 86_400 });
  });

  it('verification in the DR region adds backup replication when only a replica is there', () => {
    const result = plan(db({ rpo: { region: '1m' }, verification: { schedule: '1d', region: 'dr', checks: [{ type: 'tableExists', table: 'orders' }] } }));
    expect(database(result).crossRegionBackupReplication).toEqual({ region: 'eu-central-1', retentionDays: 7 });
    expect(codes(result)).toContain('LB-VERIFY-DR-BACKUPS-ADDED');
  });

  it('verification in the DR region of an Aurora global database has nothing to restore', () => {
    const result = plan(aurora('aurora-postgresql', { rpo: { region: '1m' }, verification: { schedule: '1d', region: 'dr' } }));
    expect(codes(result)).toContain('LB-VERIFY-NO-BACKUPS-IN-REGION');
  });

  it('verification in the DR region of an Aurora cluster with AWS Backup copies there is refused: the restore is point in time, from backups that stay in the primary region', () => {
    const result = plan(
      aurora('aurora-postgresql', {
        rpo: { az: '5m', region: '1d', corruption: '5m' },
        rto: { az: '15m', region: '1d', corruption: '4h' },
        retention: { pointInTime: '35d', longTerm: '1y' },
        verification: { schedule: '1d', region: 'dr', checks: [{ type: 'tableExists', table: 'orders' }] },
      }),
    );
    const store = database(result);
    expect(store.globalDatabase).toBeNull();
    expect(store.awsBackup?.rules.some((rule) => rule.copyToDr)).toBe(true);
    expect(result.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'LB-VERIFY-NO-BACKUPS-IN-REGION', severity: 'error', fix: 'set verification.region to "primary"' })]),
    );
  });

  it('verification alarms: stale after two intervals (missing data breaching), failed, restore time, data lag', () => {
    const store = database(plan(db({ verification: { schedule: '12h', checks: [], freshness: { table: 'orders', column: 'created_at', maxLag: '15m' } } })));
    expect(store.verification).toMatchObject({ scheduleExpression: 'rate(12 hours)', region: 'eu-west-1', restoreInstanceClass: 'db.t4g.medium', instancePrefix: 'lbv-shop-orders', maxLifetime: { seconds: 21_600, human: '6h' } });
    const byId = Object.fromEntries(store.alarms.map((a) => [a.id, a]));
    expect(byId['verification-stale']).toMatchObject({ periodSeconds: 43_200, evaluationPeriods: 2, treatMissingData: 'breaching', comparisonOperator: 'LessThanThreshold', threshold: 1 });
    expect(byId['verification-failed']).toMatchObject({ statistic: 'Minimum', treatMissingData: 'notBreaching' });
    expect(byId['restore-time']).toMatchObject({ metricName: 'RestoreSeconds', threshold: 14_400 });
    expect(byId['data-lag']).toMatchObject({ metricName: 'DataLagSeconds', threshold: 900 });
  });

  it('missing objectives are reported', () => {
    const result = plan((doc) => {
      delete doc.defaults;
      doc.buckets[0].rto = undefined;
    });
    expect(result.findings.filter((f) => f.code === 'LB-OBJECTIVE-MISSING').map((f) => f.store)).toEqual(['documents', 'orders']);
  });
});

interface BucketCase {
  name: string;
  fields: Record<string, unknown>;
  mechanisms: MechanismKind[];
  met: boolean;
  findings: string[];
}

const bucketCases: BucketCase[] = [
  { name: 'RPO exactly 1h: plain replication', fields: {}, mechanisms: ['s3-replication'], met: true, findings: [] },
  { name: 'RPO 1h - 1s: RTC', fields: { rpo: '3599s' }, mechanisms: ['s3-replication-rtc'], met: true, findings: [] },
  { name: 'RPO exactly 15m: RTC', fields: { rpo: '15m' }, mechanisms: ['s3-replication-rtc'], met: true, findings: [] },
  { name: 'RPO 15m - 1s: below RTC', fields: { rpo: '899s' }, mechanisms: ['s3-replication-rtc'], met: false, findings: ['LB-S3-RPO-BELOW-RTC'] },
  { name: 'RTO exactly 5m: read the replica', fields: { rto: '5m' }, mechanisms: ['s3-replication'], met: true, findings: [] },
  { name: 'RTO 5m - 1s: below switching time', fields: { rto: '299s' }, mechanisms: ['s3-replication-rtc'], met: false, findings: ['LB-S3-RTO-BELOW-SWITCH'] },
  { name: 'GLACIER replicas with RTO 1h', fields: { replicaStorageClass: 'GLACIER' }, mechanisms: ['s3-replication-rtc'], met: false, findings: ['LB-S3-RTO-REPLICA-ARCHIVED'] },
  { name: 'DEEP_ARCHIVE replicas with RTO 13h', fields: { rto: '13h', replicaStorageClass: 'DEEP_ARCHIVE' }, mechanisms: ['s3-replication'], met: true, findings: [] },
];

describe('planner: buckets', () => {
  it.each(bucketCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = plan((doc) => Object.assign(doc.buckets[0], c.fields));
    const store = bucket(result);
    expect(store.scopes.region.mechanisms).toEqual(c.mechanisms);
    expect(store.scopes.region.met).toBe(c.met);
    expect(store.replication.rtc).toBe(c.mechanisms.includes('s3-replication-rtc'));
    expect(result.findings.filter((f) => f.store === 'documents').map((f) => f.code)).toEqual(c.findings);
  });

  it('corruption is served by versions (and Object Lock), with the compliance finding', () => {
    const result = plan((doc) => Object.assign(doc.buckets[0], { objectLock: { mode: 'compliance', days: 30 } }));
    const store = bucket(result);
    expect(store.scopes.corruption.mechanisms).toEqual(['s3-versioning', 's3-lifecycle', 's3-object-lock']);
    expect(store.objectLock).toEqual({ mode: 'compliance', days: 30, years: null });
    expect(codes(result)).toContain('LB-S3-OBJECT-LOCK-COMPLIANCE');
  });

  it('One Zone-IA is a warning', () => {
    const result = plan((doc) => Object.assign(doc.buckets[0], { transitions: [{ after: '30d', storageClass: 'ONEZONE_IA' }] }));
    expect(codes(result)).toContain('LB-S3-ONEZONE-IA');
    expect(bucket(result).transitions).toEqual([{ afterDays: 30, storageClass: 'ONEZONE_IA' }]);
  });

  it('replication alarms use the real S3 dimensions and the RPO', () => {
    const store = bucket(plan((doc) => Object.assign(doc.buckets[0], { rpo: '15m' })));
    expect(store.names).toEqual({ source: 'shop-documents-eu-west-1', replica: 'shop-documents-eu-central-1', replicationRole: 'shop-documents-s3-replication' });
    const dimensions = { SourceBucket: 'shop-documents-eu-west-1', DestinationBucket: 'shop-documents-eu-central-1', RuleId: 'lifeboat-dr' };
    expect(store.alarms.map((a) => [a.id, a.metricName, a.threshold, a.region])).toEqual([
      ['replication-latency', 'ReplicationLatency', 900, 'eu-west-1'],
      ['replication-failed', 'OperationsFailedReplication', 0, 'eu-west-1'],
      ['missing-replicas', 'MissingReplicas', 0, 'eu-central-1'],
    ]);
    for (const a of store.alarms.filter((alarm) => alarm.namespace === 'AWS/S3')) expect(a.dimensions).toEqual(dimensions);
  });
});

describe('planner: names', () => {
  const messages = (result: BackupPlan, code: string) => result.findings.filter((f) => f.code === code).map((f) => f.message);

  it('a same-region replica of orders and a store orders-1 would both be shop-orders-1: a collision error naming the field', () => {
    const result = plan((doc) => {
      doc.databases[0].readReplicas = [{ region: 'primary' }];
      doc.databases.push({ ...JSON.parse(JSON.stringify(doc.databases[0])), id: 'orders-1', readReplicas: [] });
    });
    expect(messages(result, 'LB-NAME-COLLISION')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^databases\.\d\.id: "shop-orders-1" in eu-west-1 is both .* and .*\(databases\.\d\.id\)$/)]),
    );
    expect(result.summary.errors).toBeGreaterThan(0);
  });

  it('two names each taken twice: one collision error per later use, naming both uses and their fields', () => {
    const result = plan((doc) => {
      doc.databases[0].readReplicas = [{ region: 'primary' }, { region: 'primary' }];
      for (const id of ['orders-1', 'orders-2']) doc.databases.push({ ...JSON.parse(JSON.stringify(doc.databases[0])), id, readReplicas: [] });
    });
    const fix = 'rename one of the stores: ids become part of physical names, and AWS allows each name once per region';
    expect(result.findings.filter((f) => f.code === 'LB-NAME-COLLISION').map((f) => [f.store, f.message, f.fix])).toEqual([
      ['orders-1', 'databases.1.id: "shop-orders-1" in eu-west-1 is both the instance of orders-1 and read replica 1 of orders (databases.0.id)', fix],
      ['orders-1', 'databases.1.id: "shop-orders-1-final" in eu-west-1 is both the final snapshot of orders-1 and the final snapshot of read replica 1 of orders (databases.0.id)', fix],
      ['orders-2', 'databases.2.id: "shop-orders-2" in eu-west-1 is both the instance of orders-2 and read replica 2 of orders (databases.0.id)', fix],
      ['orders-2', 'databases.2.id: "shop-orders-2-final" in eu-west-1 is both the final snapshot of orders-2 and the final snapshot of read replica 2 of orders (databases.0.id)', fix],
    ]);
  });

  it('a store id that makes only its verification restore identifier too long: that one error, with the field and the fix', () => {
    // Past the spec's own bound (ids of at most 32 characters), as a plan built from requirements in code can be.
    const req = parseRequirements(baseSpec());
    const id = 'o'.repeat(51);
    const result = planBackups({ ...req, databases: req.databases.map((d, i) => (i === 0 ? { ...d, id } : d)) });
    expect(result.findings.filter((f) => f.code.startsWith('LB-NAME-')).map((f) => [f.code, f.store, f.message, f.fix])).toEqual([
      [
        'LB-NAME-INVALID',
        id,
        `databases.0.id: RDS identifier "lbv-shop-${id}-run" is 64 characters; AWS allows at most 63 (the verification restore)`,
        'shorten or change name or databases.0.id (physical names are built from them)',
      ],
    ]);
  });

  it('a store id that is also a verification rule name is a collision', () => {
    const result = plan((doc) => {
      doc.databases.push({ ...JSON.parse(JSON.stringify(doc.databases[0])), id: 'verify' });
    });
    // The verification subnet group is `shop-verify`, like the DB subnet group of store `verify`.
    expect(messages(result, 'LB-NAME-COLLISION').join('\n')).toContain('"shop-verify" in eu-west-1');
  });

  it('a bucket store named evidence would take the evidence bucket names: a collision', () => {
    const result = plan((doc) => {
      doc.buckets[0].id = 'evidence';
    });
    expect(messages(result, 'LB-NAME-COLLISION').join('\n')).toContain('buckets.0.id: "shop-evidence-eu-west-1" is both the source bucket of evidence and the evidence replica bucket');
  });

  it('a 51-character name and id with longTerm: the vault name exceeds AWS Backup\'s 50 characters', () => {
    const result = plan((doc) => {
      doc.name = 'a-long-stack-name-of-24c';
      doc.databases[0].id = 'x'.repeat(51 - doc.name.length - 1);
      doc.databases[0].retention.longTerm = '1y';
    });
    expect(messages(result, 'LB-NAME-INVALID')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^databases\.0\.id: AWS Backup vault name ".{51}" is 51 characters; AWS allows 2 to 50 \(the AWS Backup vault\)$/)]),
    );
  });

  it('the same 51-character name and id without longTerm plans without name errors', () => {
    const result = plan((doc) => {
      doc.name = 'a-long-stack-name-of-24c';
      doc.databases[0].id = 'x'.repeat(51 - doc.name.length - 1);
    });
    expect(codes(result).filter((code) => code.startsWith('LB-NAME-'))).toEqual([]);
  });

  it('a DR standby in a DR network without security groups is an error', () => {
    const result = plan((doc) => {
      delete doc.network.dr.securityGroupIds;
      doc.databases[0].rpo = { region: '1m' };
    });
    expect(codes(result)).toContain('LB-NETWORK-NO-SECURITY-GROUPS');
  });

  it('an empty spec is a warning, not a clean plan', () => {
    const result = plan((doc) => {
      delete doc.databases;
      delete doc.buckets;
    });
    expect(result.findings.map((f) => [f.severity, f.code])).toEqual([['warning', 'LB-PLAN-EMPTY']]);
  });

  it('records every name in the plan: stores, functions, topics, keys, dashboard', () => {
    const result = plan(db({ retention: { pointInTime: '7d', longTerm: '1y' } }));
    const orders = database(result);
    expect(orders.names).toMatchObject({
      subnetGroup: 'shop-orders',
      awsBackup: { vault: 'shop-orders', plan: 'shop-orders', role: 'shop-orders-backup', selection: 'protected-resources' },
      verificationRestore: { restored: 'lbv-shop-orders-run', instance: 'lbv-shop-orders-run' },
    });
    expect(result.shared.dashboardName).toBe('shop-recovery');
    expect(result.shared.functions.map((f) => [f.id, f.functionName, f.roleName])).toEqual([
      ['verification-eu-west-1', 'shop-verify-restore', 'shop-verify-restore-eu-west-1'],
      ['backup-age-probe', 'shop-backup-age-probe', 'shop-backup-age-probe-eu-west-1'],
      ['replication-check', 'shop-replica-check', 'shop-replica-check-eu-west-1'],
    ]);
    expect(result.shared.functions[0].ruleNames).toEqual({ 'rds-events': 'shop-verify-rds-events', tick: 'shop-verify-tick', 'schedule:orders': 'shop-verify-orders' });
  });
});

describe('planner: coverage', () => {
  it('every finding code is produced by some row above', () => {
    expect([...hit].sort()).toEqual(Object.keys(FINDING_CODES).sort());
  });
});
