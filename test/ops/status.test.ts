import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CommandOutput } from '../../src/cli/output';
import { runStatus } from '../../src/cli/status';
import { planBackups } from '../../src/plan';
import type { BackupPlan } from '../../src/plan/types';
import { loadRequirements } from '../../src/spec/requirements';
import { failTimes, FakeAws, throttling } from '../support/fake-rds';
import { FakeS3AndBackup } from '../support/fake-s3-backup';

const NOW = new Date('2026-11-25T12:00:00Z');
const EVIDENCE = 'shop-evidence-eu-central-1';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let fake: FakeAws;
let s3: FakeS3AndBackup;
let plan: BackupPlan;
let planFile: string;
const directories: string[] = [];

/** Verified stores and the region their verification restores into. */
const VERIFIED = { orders: 'eu-central-1', billing: 'eu-west-1', ledger: 'eu-west-1' } as const;

/** An empty evidence bucket, then the replica check's summaries of yesterday for both buckets (all found). */
function resetEvidence(): void {
  s3.evidence.delete(EVIDENCE);
  s3.addEvidenceBucket(EVIDENCE, 'eu-central-1');
  for (const store of ['documents', 'audit-logs']) s3.addReplicaCheckDay(EVIDENCE, { store, region: 'eu-central-1', day: '2026-11-24' });
}

/**
 * A verification run of `store` that ended `agoMs` before NOW, as the handler leaves it: its evidence record and the
 * metrics it published (`published: false`: the record only). The fake keeps only the newest datapoint per metric.
 */
function verificationRun(
  store: keyof typeof VERIFIED,
  agoMs: number,
  run: { outcome?: 'succeeded' | 'failed' | 'swept'; restore?: number | null; lag?: number | null; published?: boolean; reason?: string } = {},
) {
  const outcome = run.outcome ?? 'succeeded';
  const restore = run.restore === undefined ? 1200 : run.restore;
  const lag = run.lag === undefined ? 30 : run.lag;
  if (run.published !== false) {
    fake.setRecentMetric('VerificationSucceeded', store, outcome === 'succeeded' ? 1 : 0, agoMs);
    if (restore !== null) fake.setRecentMetric('RestoreSeconds', store, restore, agoMs);
    if (lag !== null) fake.setRecentMetric('DataLagSeconds', store, lag, agoMs);
  }
  return s3.addVerificationRun(EVIDENCE, { store, region: VERIFIED[store], source: `shop-${store}`, endedAt: new Date(NOW.getTime() - agoMs), outcome, restoreSeconds: restore, dataLagSeconds: lag, reason: run.reason });
}

/** Days the plan keeps a store's replicated automated backups in the DR region. */
function replicationRetention(id: string): number {
  const store = plan.stores.find((candidate) => candidate.id === id) as Extract<BackupPlan['stores'][number], { kind: 'database' }>;
  return store.crossRegionBackupReplication?.retentionDays as number;
}

/** Every store of the example plan deployed as planned and healthy: recent backups, small lags, a fresh verification. */
function healthyWorld(): void {
  fake.addSourceInstance('shop-orders', { restorableLagMs: MINUTE });
  fake.setSettings('shop-orders', { BackupRetentionPeriod: 14, MultiAZ: true, DeletionProtection: true });
  // Found by its ARN's region, whatever region the answer's Region field names.
  fake.addAutomatedBackups('arn:aws:rds:eu-central-1:123456789012:auto-backup:ab-orders', 'shop-orders', 'replicating', 3 * MINUTE, { region: 'eu-west-1', retentionDays: replicationRetention('orders') });
  fake.addSnapshot('rds:shop-orders-2026-11-25-03-05', 'shop-orders', { ageMs: 9 * HOUR });
  fake.addSourceInstance('shop-billing', { engine: 'mysql', restorableLagMs: 2 * MINUTE });
  fake.setSettings('shop-billing', { BackupRetentionPeriod: 35, MultiAZ: true, DeletionProtection: true });
  fake.addAutomatedBackups('arn:aws:rds:eu-central-1:123456789012:auto-backup:ab-billing', 'shop-billing', 'replicating', 6 * MINUTE, { retentionDays: replicationRetention('billing') });
  fake.addSnapshot('rds:shop-billing-2026-11-25-03-05', 'shop-billing', { ageMs: 9 * HOUR });
  fake.addGlobalCluster('shop-ledger-global', 'shop-ledger', 'shop-ledger-dr', 'aurora-postgresql', { deletionProtection: true });
  fake.setSettings('shop-ledger', { BackupRetentionPeriod: 35, DeletionProtection: true });
  fake.setSettings('shop-ledger-dr', { BackupRetentionPeriod: 35, DeletionProtection: true });
  fake.addClusterInstance('shop-ledger', 'shop-ledger');
  fake.addClusterInstance('shop-ledger-1', 'shop-ledger');
  fake.addSnapshot('rds:shop-ledger-2026-11-25-03-05', 'shop-ledger', { kind: 'cluster', ageMs: 9 * HOUR });
  fake.setRecentMetric('AuroraGlobalDBReplicationLag', 'shop-ledger-dr', 900);
  resetEvidence();
  for (const [store, restore, lag] of [['orders', 1250, 40], ['billing', 1900, 70], ['ledger', 1100, 20]] as const) verificationRun(store, 5 * HOUR, { restore, lag });
  for (const region of ['eu-west-1', 'eu-central-1']) {
    s3.addVault(region, 'shop-billing', { locked: true, minRetentionDays: 2555, maxRetentionDays: 2555, recoveryPoints: [{ arn: `arn:aws:backup:${region}:123456789012:recovery-point:rp-1`, createdAt: new Date(NOW.getTime() - 7 * HOUR), status: 'COMPLETED' }] });
  }
  const billing = plan.stores.find((store) => store.id === 'billing') as Extract<BackupPlan['stores'][number], { kind: 'database' }>;
  s3.addBackupPlan('eu-west-1', 'another-teams-plan', [{ name: 'daily' }]);
  s3.addBackupPlan('eu-west-1', billing.names.awsBackup?.plan as string, (billing.awsBackup?.rules ?? []).map((rule) => ({ name: rule.name, ...(rule.copyToDr ? { copyTo: { region: 'eu-central-1', vault: 'shop-billing' } } : {}) })));
  const retention = (id: string) => (plan.stores.find((store) => store.id === id) as Extract<BackupPlan['stores'][number], { kind: 'bucket' }>).retentionDays;
  s3.addReplicatedBuckets('shop-audit-logs-eu-west-1', 'shop-audit-logs-eu-central-1', { objectLock: { mode: 'COMPLIANCE', years: 7 }, noncurrentDays: retention('audit-logs') });
  s3.addReplicatedBuckets('shop-documents-eu-west-1', 'shop-documents-eu-central-1', { rtc: true, noncurrentDays: retention('documents') });
  fake.setRecentMetric('ReplicationLatency', 'shop-documents-eu-west-1', 35);
  fake.setRecentMetric('MissingReplicas', 'documents', 0, 3 * HOUR);
  fake.setRecentMetric('MissingReplicas', 'audit-logs', 0, 3 * HOUR);
  for (const store of plan.stores) for (const alarm of store.alarms) fake.alarmStates.set(alarm.alarmName, 'OK');
}

beforeEach(() => {
  fake = new FakeAws({ start: NOW });
  s3 = new FakeS3AndBackup();
  plan = planBackups(loadRequirements('examples/backup_requirements.json'));
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-status-'));
  directories.push(directory);
  planFile = path.join(directory, 'backup_plan.json');
  fs.writeFileSync(planFile, JSON.stringify(plan));
  healthyWorld();
});
afterEach(() => {
  fake.restore();
  s3.restore();
});
afterAll(() => {
  for (const directory of directories) fs.rmSync(directory, { recursive: true, force: true });
});

async function status(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const output: CommandOutput = { out: (text) => void (stdout += text), err: (text) => void (stderr += text) };
  const code = await runStatus(['--plan', planFile, ...argv], output, { sleep: fake.clock.sleep, now: () => fake.clock.now() });
  return { code, stdout, stderr };
}

describe('lifeboat status', () => {
  it('everything as planned and measured within the objectives: exit 0, per store and scope, reading only', async () => {
    const result = await status();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('orders  postgres instance shop-orders  OK');
    expect(result.stdout).toMatch(/ {2}region +5m +5m +3m +2h +60m +ok\n/);
    expect(result.stdout).toContain('replicated backups: now - latest restorable time [eu-central-1]: 3m');
    expect(result.stdout).toContain('global replication lag of shop-ledger-dr [eu-central-1]: 0.9s');
    expect(result.stdout).toContain('Evidence: s3://shop-evidence-eu-central-1 (eu-central-1)');
    expect(result.stdout).toContain('last verification [eu-central-1]: 2026-11-25T07:00:00.000Z succeeded, restore 21m, data lag 40s (region scope)');
    expect(result.stdout).toMatch(/source: evidence record verify-restore\/orders\/2026\/11\/25\/orders-20261125T\d{6}Z\.json; CloudWatch \(hour of 2026-11-25T07:00:00.000Z\): VerificationSucceeded 1/);
    expect(result.stdout).toContain('replica check (evidence): 2026-11-24: 240 sampled, 0 missing, 0 mismatched');
    expect(result.stdout).toContain('newest recovery point in vault shop-billing [eu-central-1]: 7h');
    expect(result.stdout).toContain('newest snapshot [eu-west-1]: 9h');
    expect(result.stdout).toContain('S3 replication latency (max, last hour) [eu-west-1]: 35s');
    expect(result.stdout).toContain('All 5 stores hold their objectives');
    const writes = [...fake.calls.map((call) => call.command), ...s3.calls.map((call) => call.command)].filter((command) => !/^(Describe|Get|List)/.test(command));
    expect(writes).toEqual([]);
    expect(fake.unsupported).toEqual([]);
  });

  it('lists snapshot copies in the DR region when there are any (a checkpoint copied there), and no line when there are none', async () => {
    const before = await status('--store', 'orders');
    expect(before.stdout).not.toContain('newest snapshot copy');
    fake.addSnapshot('lifeboat-orders-before-migration', 'shop-orders', { type: 'manual', ageMs: 2 * HOUR, region: 'eu-central-1' });
    fake.addSnapshot('lifeboat-orders-older', 'shop-orders', { type: 'manual', ageMs: 30 * HOUR, region: 'eu-central-1' });
    const after = await status('--store', 'orders');
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('newest snapshot copy [eu-central-1]: 2h');
    expect(after.stdout).toContain('newest snapshot [eu-west-1]: 9h');
  });

  it('reports drift of live settings from the plan (exit 1)', async () => {
    fake.setSettings('shop-orders', { BackupRetentionPeriod: 7, DeletionProtection: false });
    fake.addAutomatedBackups('arn:aws:rds:eu-central-1:123456789012:auto-backup:ab-orders', 'shop-orders', 'replicating', 3 * MINUTE, { retentionDays: 3 });
    s3.addVault('eu-central-1', 'shop-billing', { locked: false, recoveryPoints: [] });
    (s3.buckets.get('shop-documents-eu-west-1')?.replicationRules[0]?.Destination as { ReplicationTime?: unknown }).ReplicationTime = undefined;
    (s3.buckets.get('shop-audit-logs-eu-central-1') as { versioning: string }).versioning = 'Suspended';
    (s3.buckets.get('shop-audit-logs-eu-central-1') as { objectLock: unknown }).objectLock = { mode: 'GOVERNANCE', years: 7 };
    fake.removeInstance('shop-ledger-1');
    fake.setGlobalDeletionProtection('shop-ledger-global', false);
    fake.setSettings('shop-ledger-dr', { BackupRetentionPeriod: 1, DeletionProtection: false });
    // Someone added a rule that expires overwritten versions after a day: the corruption window is a day now.
    s3.buckets.get('shop-documents-eu-central-1')?.lifecycleRules.push({ ID: 'cleanup', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, NoncurrentVersionExpiration: { NoncurrentDays: 1 } });
    // A destination named by an ARN of another partition is the same bucket: no drift.
    const auditRule = s3.buckets.get('shop-audit-logs-eu-west-1')?.replicationRules[0]?.Destination as { Bucket: string };
    auditRule.Bucket = 'arn:aws-cn:s3:::shop-audit-logs-eu-central-1';
    const result = await status();
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('instance shop-orders: backup retention (days) is 7, the plan says 14');
    expect(result.stdout).toContain('instance shop-orders: deletion protection is false, the plan says true');
    expect(result.stdout).toContain(`instance shop-orders: replicated backups retention in eu-central-1 (days) is 3, the plan says ${replicationRetention('orders')}`);
    expect(result.stdout).toContain('vault shop-billing (eu-central-1): vault lock is false, the plan says true');
    expect(result.stdout).toContain('bucket shop-documents-eu-west-1 replication rule lifeboat-dr: Replication Time Control is off, the plan says Enabled');
    expect(result.stdout).toContain('bucket shop-audit-logs-eu-central-1: versioning is Suspended, the plan says Enabled');
    expect(result.stdout).toContain(`bucket shop-documents-eu-central-1: noncurrent versions kept (days) is 1 (lifecycle rule cleanup), the plan says ${(plan.stores.find((store) => store.id === 'documents') as { retentionDays: number }).retentionDays}`);
    expect(result.stdout).toContain('bucket shop-audit-logs-eu-central-1: Object Lock default retention is GOVERNANCE 7y, the plan says COMPLIANCE 7y');
    expect(result.stdout).toContain('cluster shop-ledger: instance shop-ledger-1 is absent, the plan says member');
    expect(result.stdout).toContain('global cluster shop-ledger-global: deletion protection is false, the plan says true');
    expect(result.stdout).toContain('cluster shop-ledger-dr (eu-central-1): deletion protection is false, the plan says true');
    expect(result.stdout).toContain('cluster shop-ledger-dr (eu-central-1): backup retention (days) is 1, the plan says 35');
    expect(result.stdout).not.toMatch(/replication rule lifeboat-dr: destination/);
    expect(result.stdout).toContain('5 of 5 stores are NOT OK: audit-logs, billing, documents, ledger, orders');
  });

  it('a missing AWS Backup vault is drift even without a vault lock; a replica without deletion protection is drift', async () => {
    const billing = plan.stores.find((store) => store.id === 'billing') as Extract<BackupPlan['stores'][number], { kind: 'database' }>;
    (billing.awsBackup as { lock: unknown }).lock = null;
    const orders = plan.stores.find((store) => store.id === 'orders') as Extract<BackupPlan['stores'][number], { kind: 'database' }>;
    orders.readReplicas = [{ index: 0, identifier: 'shop-orders-dr', region: 'eu-central-1', regionRole: 'dr', instanceClass: 'db.r6g.large', reason: 'region RPO' }];
    fs.writeFileSync(planFile, JSON.stringify(plan));
    s3.vaults.delete('eu-central-1/shop-billing');
    const backupPlan = s3.backupPlans.get(`eu-west-1/${billing.names.awsBackup?.plan}`);
    const copying = backupPlan?.rules.find((rule) => rule.copyTo);
    delete copying?.copyTo;
    fake.addReadReplica('shop-orders-dr', 'shop-orders');
    fake.setRecentMetric('ReplicaLag', 'shop-orders-dr', 4);
    const result = await status('--store', 'billing');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('vault shop-billing (eu-central-1): exists is not found, the plan says yes');
    expect(result.stdout).toContain(`backup plan ${billing.names.awsBackup?.plan} (eu-west-1): rule ${copying?.name} copy to eu-central-1 is absent, the plan says vault shop-billing`);
    s3.backupPlans.delete(`eu-west-1/${billing.names.awsBackup?.plan}`);
    expect((await status('--store', 'billing')).stdout).toContain(`backup plan ${billing.names.awsBackup?.plan} (eu-west-1): exists is not found, the plan says yes`);
    const replica = await status('--store', 'orders');
    expect(replica.code).toBe(1);
    expect(replica.stdout).toContain('replica shop-orders-dr: deletion protection is absent, the plan says true');
  });

  it('a failed-over global database and a backup replication that does not replicate are drift too', async () => {
    fake.addAutomatedBackups('arn:aws:rds:eu-central-1:123456789012:auto-backup:ab-orders', 'shop-orders', 'pending', 3 * MINUTE, { retentionDays: replicationRetention('orders') });
    // After `lifeboat failover ledger`: the writer is in the DR region, which the plan does not describe.
    const { runFailover } = await import('../../src/cli/failover');
    const quiet: CommandOutput = { out: () => undefined, err: () => undefined };
    expect(await runFailover(['ledger', '--plan', planFile, '--execute', '--yes'], quiet, { sleep: fake.clock.sleep, now: () => fake.clock.now(), isTTY: false })).toBe(0);
    const result = await status('--store', 'ledger');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('global cluster shop-ledger-global: writer is shop-ledger-dr, the plan says shop-ledger');
    const orders = await status('--store', 'orders');
    expect(orders.stdout).toContain('automated backup replication to eu-central-1 is pending, the plan says replicating');
  });

  it('objectives breached now: lag above the RPO, an alarm in ALARM, a stale or failed verification, missing replicas (exit 1)', async () => {
    fake.addAutomatedBackups('arn:aws:rds:eu-central-1:123456789012:auto-backup:ab-orders', 'shop-orders', 'replicating', 20 * MINUTE, { retentionDays: replicationRetention('orders') });
    fake.alarmStates.set('shop-orders-dr-restorable-lag', 'ALARM');
    resetEvidence();
    // ledger verifies every 12h and may go 24h without a success: its last one is 30h old.
    verificationRun('ledger', 30 * HOUR);
    // billing's last restore succeeded but took 5h, over its 4h objective.
    verificationRun('billing', 2 * HOUR, { restore: 5 * 3600 });
    // orders' last run failed; the one before succeeded.
    verificationRun('orders', 26 * HOUR);
    verificationRun('orders', HOUR, { outcome: 'failed', restore: 1300, lag: null, reason: 'checks failed: rowCount:orders' });
    fake.setRecentMetric('MissingReplicas', 'documents', 3, HOUR);
    fake.setRecentMetric('ReplicationLatency', 'shop-documents-eu-west-1', 1500);
    const result = await status();
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('region: 20m of data at risk, above the 5m RPO');
    expect(result.stdout).toContain('alarm shop-orders-dr-restorable-lag (eu-central-1) is in ALARM');
    expect(result.stdout).toContain('verification: no successful verification for 1d 06h (allowed 1d)');
    expect(result.stdout).toContain('verification: the last run failed (2026-11-25 11:00Z: checks failed: rowCount:orders)');
    expect(result.stdout).toContain('last verification [eu-central-1]: 2026-11-25T11:00:00.000Z FAILED (checks failed: rowCount:orders), restore 22m, data lag - (region scope)');
    expect(result.stdout).toContain('last success: 2026-11-24T10:00:00.000Z');
    expect(result.stdout).toContain('verification: the last restore took 5h, over the 4h objective');
    expect(result.stdout).toContain('region: 25m of data at risk, above the 15m RPO');
    expect(result.stdout).toContain('region: the replica check found 3 missing objects');
    expect(result.stdout).not.toContain('audit-logs  bucket shop-audit-logs-eu-west-1 -> shop-audit-logs-eu-central-1  NOT OK');
  });

  it('a region measurement that is missing while an RPO is set counts as breached', async () => {
    fake.setRecentMetric('AuroraGlobalDBReplicationLag', 'shop-ledger-dr', 900, 2 * HOUR);
    const result = await status('--store', 'ledger');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('region: nothing measures the 30s RPO now');
  });

  it('--store and --format json give one store, the same figures; throttling is retried', async () => {
    fake.inject('DescribeDBInstances', failTimes(3, throttling));
    const result = await status('--store', 'orders', '--format', 'json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.stores.map((store: { id: string }) => store.id)).toEqual(['orders']);
    expect(json.stores[0]).toMatchObject({ ok: true, drift: [], alarms: [], verification: { succeeded: true, restoreSeconds: 1250, dataLagSeconds: 40, scope: 'region' } });
    expect(json.stores[0].scopes.find((scope: { scope: string }) => scope.scope === 'region')).toMatchObject({ objective: { rpoSeconds: 300 }, rpoNowSeconds: 180, status: 'ok' });
  });

  it('a cross-region read replica: its ReplicaLag measures the region scope; a promoted replica is drift', async () => {
    const orders = plan.stores.find((store) => store.id === 'orders') as Extract<BackupPlan['stores'][number], { kind: 'database' }>;
    orders.crossRegionBackupReplication = null;
    orders.readReplicas = [{ index: 0, identifier: 'shop-orders-dr', region: 'eu-central-1', regionRole: 'dr', instanceClass: 'db.r6g.large', reason: 'region RPO' }];
    fs.writeFileSync(planFile, JSON.stringify(plan));
    fake.addReadReplica('shop-orders-dr', 'shop-orders');
    fake.setSettings('shop-orders-dr', { DeletionProtection: true });
    fake.setRecentMetric('ReplicaLag', 'shop-orders-dr', 4);
    const healthy = await status('--store', 'orders');
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toContain('replica lag of shop-orders-dr [eu-central-1]: 4s');
    const { runFailover } = await import('../../src/cli/failover');
    const quiet: CommandOutput = { out: () => undefined, err: () => undefined };
    expect(await runFailover(['orders', '--plan', planFile, '--execute', '--yes'], quiet, { sleep: fake.clock.sleep, now: () => fake.clock.now(), isTTY: false })).toBe(0);
    const promoted = await status('--store', 'orders');
    expect(promoted.code).toBe(1);
    expect(promoted.stdout).toContain('replica shop-orders-dr: read replica is standalone (promoted?), the plan says of shop-orders');
    expect(promoted.stdout).toContain('region: nothing measures the 5m RPO now');
  });

  it('unreadable evidence is never fine: every verified store and bucket is NOT OK, and says it knows CloudWatch alone', async () => {
    const bucket = s3.evidence.get(EVIDENCE)?.bucket;
    (bucket as { failWith?: string }).failWith = 'AccessDenied';
    const result = await status();
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Evidence: UNREADABLE: s3://shop-evidence-eu-central-1 (eu-central-1): AccessDenied: AccessDenied (fake); s3://shop-evidence-eu-west-1 (eu-west-1): NoSuchBucket');
    expect(result.stdout).toContain('verification: the evidence bucket cannot be read (');
    expect(result.stdout).toContain('): the last verification is known from CloudWatch alone, without its record');
    expect(result.stdout).toContain('source: CloudWatch metrics alone (no evidence record of this run)');
    expect(result.stdout).toContain("replica check: the evidence bucket cannot be read (");
    expect(result.stdout).toContain('5 of 5 stores are NOT OK');
  });

  it('when the evidence bucket cannot be read, its replica in the primary region is, and that is said', async () => {
    const replica = s3.addEvidenceBucket('shop-evidence-eu-west-1', 'eu-west-1');
    for (const [key, text] of Object.entries(s3.evidence.get(EVIDENCE)?.bucket.currentTexts() ?? {})) replica.put(key, text);
    (s3.evidence.get(EVIDENCE)?.bucket as { failWith?: string }).failWith = 'ServiceUnavailable';
    const result = await status('--store', 'orders', '--format', 'json');
    const json = JSON.parse(result.stdout);
    expect(json.evidence).toMatchObject({ bucket: 'shop-evidence-eu-west-1', region: 'eu-west-1', read: 'replica' });
    expect(json.stores[0].verification).toMatchObject({ source: 'evidence', succeeded: true, restoreSeconds: 1250 });
    expect(json.stores[0].problems).toEqual([
      'verification: the evidence bucket cannot be read (s3://shop-evidence-eu-central-1 (eu-central-1): ServiceUnavailable: ServiceUnavailable (fake)); its replica s3://shop-evidence-eu-west-1 (eu-west-1) was read instead',
    ]);
    expect(result.code).toBe(1);
  });

  it("the evidence bucket's own replication alarm in ALARM fails the status: records may not reach the primary region", async () => {
    fake.alarmStates.set('shop-evidence-replication-failed', 'ALARM');
    const result = await status('--store', 'orders');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('evidence alarms in ALARM: shop-evidence-replication-failed (eu-central-1)');
    expect(result.stdout).toContain("The evidence bucket's alarms are in ALARM: its records may not reach eu-west-1.");
    expect(JSON.parse((await status('--store', 'orders', '--format', 'json')).stdout)).toMatchObject({ ok: false, evidence: { alarms: [{ name: 'shop-evidence-replication-failed', state: 'ALARM' }] } });
  });

  it('a record that cannot be parsed, or that was overwritten after it was written, fails the status', async () => {
    const record = verificationRun('billing', 3 * HOUR);
    s3.putRecord(EVIDENCE, 'verify-restore/billing/2026/11/25/billing-20261125T080000Z.json', '{"formatVersion": 1, "kind": "verification-run", "store": "billing"');
    s3.putRecord(EVIDENCE, `verify-restore/billing/${record.startedAt.slice(0, 10).replace(/-/g, '/')}/${record.runId}.json`, JSON.stringify({ ...record, outcome: 'succeeded', restoreSeconds: 60 }));
    const result = await status('--store', 'billing');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('verification: evidence record verify-restore/billing/2026/11/25/billing-20261125T080000Z.json cannot be used: (record): not valid JSON');
    expect(result.stdout).toMatch(/verification: evidence record verify-restore\/billing\/2026\/11\/25\/billing-\d{8}T\d{6}Z\.json was changed after it was written \(2 versions; the original is used\)/);
    // The original, first-written version is what status shows.
    expect(result.stdout).toContain('succeeded, restore 20m');
  });

  it('evidence and CloudWatch that disagree are said loudly: a run CloudWatch calls failed, a run with no record', async () => {
    const record = verificationRun('orders', 3 * HOUR, { restore: 1250, lag: 40, published: false });
    fake.setRecentMetric('VerificationSucceeded', 'orders', 0, 3 * HOUR);
    fake.setRecentMetric('RestoreSeconds', 'orders', 1250, 3 * HOUR);
    const disagree = await status('--store', 'orders');
    expect(disagree.code).toBe(1);
    expect(disagree.stdout).toContain(`verification: the evidence and CloudWatch disagree about the last run ${record.runId} (ended 2026-11-25 09:00Z): its record says succeeded, VerificationSucceeded was 0 in the hour of 2026-11-25 09:00Z`);
    // A newer run that published metrics but left no record: CloudWatch alone knows it.
    fake.setRecentMetric('VerificationSucceeded', 'orders', 1, HOUR);
    const unrecorded = await status('--store', 'orders');
    expect(unrecorded.code).toBe(1);
    expect(unrecorded.stdout).toContain('last verification [eu-central-1]: 2026-11-25T11:00:00.000Z succeeded');
    expect(unrecorded.stdout).toContain('source: CloudWatch metrics alone (no evidence record of this run)');
    expect(unrecorded.stdout).toContain('verification: 1 run in the last 4d is known only from CloudWatch: no readable evidence record of it');
  });

  it("a bucket's replica-check evidence: missing replicas on the last day, or no summary for two days, fail it", async () => {
    s3.addReplicaCheckDay(EVIDENCE, { store: 'documents', region: 'eu-central-1', day: '2026-11-25', sampled: 200, missing: 2, mismatched: 1 });
    const missing = await status('--store', 'documents');
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('replica check (evidence): 2026-11-25: 200 sampled, 2 missing, 1 mismatched');
    expect(missing.stdout).toContain('replica check: the last day (2026-11-25) found 2 missing replicas and 1 mismatched object');
    s3.evidence.delete(EVIDENCE);
    s3.addEvidenceBucket(EVIDENCE, 'eu-central-1');
    s3.addReplicaCheckDay(EVIDENCE, { store: 'audit-logs', region: 'eu-central-1', day: '2026-11-21' });
    const stale = await status('--store', 'audit-logs');
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain('replica check: no replica-check summary since 2026-11-22 00:00Z');
    const none = await status('--store', 'documents');
    expect(none.stdout).toContain('replica check: no replica-check evidence since 2026-11-21 12:00Z');
  });

  it("a bucket whose replica check could not read the buckets all of its last day fails: nothing was compared", async () => {
    s3.addReplicaCheckDay(EVIDENCE, { store: 'documents', region: 'eu-central-1', day: '2026-11-25', sampled: 0, failedRuns: 24 });
    const unchecked = await status('--store', 'documents');
    expect(unchecked.code).toBe(1);
    expect(unchecked.stdout).toContain('replica check: the last day (2026-11-25) checked nothing: all 24 check runs could not read the bucket');
  });

  it('reads a requirements file as the plan (planned on the fly); a missing plan file is an error (exit 2)', async () => {
    let stdout = '';
    const output: CommandOutput = { out: (text) => void (stdout += text), err: () => undefined };
    const code = await runStatus(['--plan', 'examples/backup_requirements.json', '--store', 'orders'], output, { sleep: fake.clock.sleep, now: () => fake.clock.now() });
    expect(code).toBe(0);
    expect(stdout).toContain('orders holds its objectives');
    const missing = await runStatus(['--plan', path.join(os.tmpdir(), 'no-such-plan.json')], { out: () => undefined, err: (text) => void (stdout += text) }, {});
    expect(missing).toBe(2);
    expect(stdout).toContain('no such file');
  });

  it('an unknown store is an error (exit 2)', async () => {
    const result = await status('--store', 'nope');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no store "nope" in the plan (stores: audit-logs, billing, documents, ledger, orders)');
  });
});
