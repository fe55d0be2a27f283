/**
 * Fault table of the verification-restore handler: a stateful RDS fake (aws-sdk-client-mock) whose restored
 * instances answer on the REAL test PostgreSQL, so the data checks really run. After every scenario: no temporary
 * resource left, no write to an untagged resource or a source, exactly the expected metrics, no password in the logs.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { parseVerifyConfig, type VerifyConfig, type VerifyStoreConfig } from '../../lambda/verify-restore/config';
import { verifyRestorePolicyStatements } from '../../lambda/verify-restore/iam';
import type { CheckSpec } from '../../src/checks/types';
import { parseEvidenceJson, parseEvidenceKey, type VerificationRunRecord } from '../../src/evidence/record';
import { createPostgresDatabase, postgresCaPem, type TestDatabase } from '../support/databases';
import { failTimes, FAKE_ACCOUNT, FAKE_REGION, FakeAws, rdsError, throttling, type RecordedCall } from '../support/fake-rds';
import { createHarness, EVIDENCE, restoreEvidenceFakes, type Harness } from './verify-restore-harness';
import { policyAllows } from './verify-restore-policy-eval';

const T0 = new Date('2026-01-01T00:00:00.000Z');
/** Newest order: 23:57:00. Target time = latest restorable (T0 - 60 s) - 1 s = 23:58:59, so the lag is 119 s. */
const NEWEST_ROW = '2025-12-31T23:57:00Z';
const EXPECTED_LAG = 119;
const INSTANCE_RESTORE_SECONDS = 20 * 60;

const CHECKS: CheckSpec[] = [
  { type: 'tableExists', table: 'public.orders' },
  { type: 'rowCount', table: 'orders', min: 3 },
  { type: 'freshness', table: 'orders', column: 'created_at', maxLagSeconds: 3600 },
  { type: 'sql', name: 'no negative totals', sql: 'select count(*) from orders where total < 0', expect: 0 },
];

let db: TestDatabase;
let admin: Client;
const role = `lbv_master_${process.pid}`;
const allCalls: RecordedCall[] = [];
const allConfigs: VerifyConfig[] = [];

beforeAll(async () => {
  db = await createPostgresDatabase('verify_scenarios');
  admin = new Client({ connectionString: db.url });
  await admin.connect();
  await admin.query(`CREATE ROLE "${role}" LOGIN PASSWORD 'not-the-restored-password'`);
  await admin.query(`GRANT CONNECT ON DATABASE "${db.name}" TO "${role}"`);
  await admin.query('CREATE TABLE orders (id int PRIMARY KEY, total numeric NOT NULL, created_at timestamptz NOT NULL)');
  await admin.query(
    `INSERT INTO orders VALUES (1, 10, timestamptz '${NEWEST_ROW}' - interval '2 hours'), (2, 20, timestamptz '${NEWEST_ROW}' - interval '1 hour'), (3, 30, timestamptz '${NEWEST_ROW}')`,
  );
  await admin.query(`GRANT SELECT ON orders TO "${role}"`);
});

afterAll(async () => {
  await admin?.end();
  if (db) {
    await db.drop();
    const cleanup = new Client({ connectionString: db.url.replace(`/${db.name}`, '/postgres') });
    await cleanup.connect();
    await cleanup.query(`DROP ROLE IF EXISTS "${role}"`);
    await cleanup.end();
  }
});

function instanceStore(overrides: Partial<VerifyStoreConfig> = {}): Record<string, unknown> {
  return {
    storeId: 'orders',
    kind: 'instance',
    engine: 'postgres',
    sourceIdentifier: 'app-orders',
    restoreRegion: FAKE_REGION,
    instanceClass: 'db.t4g.medium',
    subnetGroupName: 'app-verification',
    securityGroupIds: ['sg-0123456789abcdef0'],
    databaseName: db.name,
    checks: CHECKS,
    maxLifetimeSeconds: 4 * 3600,
    identifierPrefix: 'lbv-app-orders',
    ...overrides,
  };
}

function clusterStore(overrides: Partial<VerifyStoreConfig> = {}): Record<string, unknown> {
  return instanceStore({
    storeId: 'ledger',
    kind: 'cluster',
    engine: 'aurora-postgresql',
    sourceIdentifier: 'app-ledger',
    identifierPrefix: 'lbv-app-ledger',
    ...overrides,
  });
}

function config(...stores: Record<string, unknown>[]): VerifyConfig {
  const parsed = parseVerifyConfig(JSON.stringify({ namespace: 'Lifeboat', caBundlePem: postgresCaPem(), evidence: EVIDENCE, stores }));
  allConfigs.push(parsed);
  return parsed;
}

let fake: FakeAws | undefined;
afterEach(() => {
  restoreEvidenceFakes();
  if (fake) {
    allCalls.push(...fake.calls);
    fake.restore();
    fake = undefined;
  }
});

function newFake(timings: ConstructorParameters<typeof FakeAws>[0]['timings'] = {}): FakeAws {
  fake = new FakeAws({
    start: T0,
    timings,
    endpoint: { host: 'localhost', port: db.port },
    masterUsername: role,
    onPasswordChange: async (user, password) => {
      // Letters and digits only (asserted below), so inlining is safe; ALTER ROLE takes no bind parameters.
      expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
      await admin.query(`ALTER ROLE "${user}" PASSWORD '${password}'`);
    },
  });
  fake.addSourceInstance('app-orders');
  fake.addSourceCluster('app-ledger');
  return fake;
}

function metricsOf(target: FakeAws): string[] {
  return target.metrics.map((metric) => `${metric.dimensions.StoreId} ${metric.name}=${metric.value}`);
}

function success(storeId: string, restoreSeconds: number): string[] {
  return [
    `${storeId} ChecksFailed=0`,
    `${storeId} DataLagSeconds=${EXPECTED_LAG}`,
    `${storeId} RestoreSeconds=${restoreSeconds}`,
    `${storeId} VerificationSucceeded=1`,
  ];
}

/** The evidence records the handler wrote, parsed (every one must be a valid record under its own key). */
function recordsOf(harness: Harness): VerificationRunRecord[] {
  return Object.entries(harness.evidence.contents())
    .filter(([key]) => parseEvidenceKey(key) !== undefined)
    .map(([key, text]) => {
      const parsed = parseEvidenceJson(text);
      if (!parsed.ok) throw new Error(`${key}: ${parsed.problems.join('; ')}`);
      const record = parsed.record as VerificationRunRecord;
      expect(record.kind).toBe('verification-run');
      expect(key).toBe(`verify-restore/${record.store}/${record.startedAt.slice(0, 4)}/${record.startedAt.slice(5, 7)}/${record.startedAt.slice(8, 10)}/${record.runId}.json`);
      return record;
    });
}

/**
 * Exactly one record per run: every restore the handler started has one, no run id has two, and each store has as
 * many records as `VerificationSucceeded` datapoints, with the same results (the metrics are derived from them).
 * Nothing is written outside the handler's prefix, nothing is written twice.
 */
function expectOneRecordPerRun(harness: Harness): VerificationRunRecord[] {
  const { fake: target, evidence } = harness;
  expect(evidence.violations).toEqual([]);
  expect(evidence.overwritten()).toEqual([]);
  const records = recordsOf(harness);
  const runIds = records.map((record) => `${record.store}/${record.runId}`);
  expect(new Set(runIds).size).toBe(runIds.length);
  const restored = [...target.callsOf('RestoreDBInstanceToPointInTime'), ...target.callsOf('RestoreDBClusterToPointInTime')]
    .filter((call) => !call.error)
    .map((call) => {
      const tags = Object.fromEntries(call.input.Tags.map((tag: { Key: string; Value: string }) => [tag.Key, tag.Value]));
      return `${tags['lifeboat:store']}/${tags['lifeboat:run-id']}`;
    });
  for (const run of restored) expect(runIds).toContain(run);
  const stores = [...new Set([...records.map((record) => record.store), ...target.metrics.map((metric) => metric.dimensions.StoreId)])].sort();
  for (const store of stores) {
    const published = target.metrics.filter((metric) => metric.dimensions.StoreId === store && metric.name === 'VerificationSucceeded').map((metric) => metric.value);
    const recorded = records.filter((record) => record.store === store).map((record) => (record.outcome === 'succeeded' ? 1 : 0));
    expect(recorded.sort()).toEqual(published.sort());
  }
  // Never credentials: no password the handler set appears in any record.
  const passwords = [...target.callsOf('ModifyDBInstance'), ...target.callsOf('ModifyDBCluster')].map((call) => call.input.MasterUserPassword as string);
  const text = Object.values(evidence.contents()).join('\n');
  for (const password of passwords) expect(text).not.toContain(password);
  return records;
}

/** The invariants every scenario ends with. */
function expectCleanEnd(harness: Harness): void {
  const { fake: target } = harness;
  expectOneRecordPerRun(harness);
  expect(target.temporaryResources()).toEqual([]);
  expect(target.violations).toEqual([]);
  expect(target.unsupported).toEqual([]);
  for (const call of target.calls) {
    if (['ModifyDBInstance', 'DeleteDBInstance', 'ModifyDBCluster', 'DeleteDBCluster'].includes(call.command)) {
      expect(JSON.stringify(call.input)).not.toMatch(/app-orders"|app-ledger"/);
    }
  }
  const passwords = [...target.callsOf('ModifyDBInstance'), ...target.callsOf('ModifyDBCluster')].map((call) => call.input.MasterUserPassword as string);
  for (const password of passwords) expect(harness.logs.join('\n')).not.toContain(password);
  for (const line of harness.logs) expect(() => JSON.parse(line)).not.toThrow();
}

function outcomeTags(target: FakeAws): unknown[] {
  return target
    .callsOf('AddTagsToResource')
    .map((call) => call.input.Tags)
    .filter((tags: { Key: string }[]) => tags.some((tag) => tag.Key === 'lifeboat:outcome'));
}

function logEvents(harness: Harness): string[] {
  return harness.logs.map((line) => (JSON.parse(line) as { event: string }).event);
}

describe('verify-restore fault table', () => {
  it('1. instance happy path: restore, password, checks, metrics, delete', async () => {
    const harness = createHarness(newFake(), config(instanceStore()));
    const started = await harness.invoke({ action: 'start', storeId: 'orders' });
    expect(started?.results).toEqual([{ storeId: 'orders', step: 'started', runId: 'orders-20260101T000000Z' }]);
    const restore = harness.fake.callsOf('RestoreDBInstanceToPointInTime')[0].input;
    expect(restore).toMatchObject({
      SourceDBInstanceIdentifier: 'app-orders',
      TargetDBInstanceIdentifier: 'lbv-app-orders-run',
      RestoreTime: new Date('2025-12-31T23:58:59.000Z'),
      DBInstanceClass: 'db.t4g.medium',
      DBSubnetGroupName: 'app-verification',
      VpcSecurityGroupIds: ['sg-0123456789abcdef0'],
      MultiAZ: false,
      PubliclyAccessible: false,
      DeletionProtection: false,
      CopyTagsToSnapshot: false,
      BackupRetentionPeriod: 0,
    });
    expect(restore.UseLatestRestorableTime).toBeUndefined();
    expect(Object.fromEntries(restore.Tags.map((t: { Key: string; Value: string }) => [t.Key, t.Value]))).toEqual({
      'lifeboat:verification': 'true',
      'lifeboat:run-id': 'orders-20260101T000000Z',
      'lifeboat:source': 'app-orders',
      'lifeboat:store': 'orders',
      'lifeboat:target-time': '2025-12-31T23:58:59.000Z',
      'lifeboat:started-at': '2026-01-01T00:00:00.000Z',
    });
    await harness.drive();
    expect(metricsOf(harness.fake)).toEqual(success('orders', INSTANCE_RESTORE_SECONDS));
    expect(harness.fake.callsOf('ModifyDBInstance')).toHaveLength(1);
    expect(harness.fake.callsOf('DeleteDBInstance').map((call) => call.input)).toEqual([
      { DBInstanceIdentifier: 'lbv-app-orders-run', SkipFinalSnapshot: true, DeleteAutomatedBackups: true },
    ]);
    expect(harness.fake.metrics.every((metric) => metric.namespace === 'Lifeboat')).toBe(true);
    expect(harness.fake.instanceIds()).toEqual(['app-orders']);
    expectCleanEnd(harness);
    const [record] = recordsOf(harness);
    expect(record).toMatchObject({
      store: 'orders',
      region: FAKE_REGION,
      runId: 'orders-20260101T000000Z',
      source: { identifier: 'app-orders', kind: 'instance', automatedBackupsArn: null },
      targetTime: '2025-12-31T23:58:59.000Z',
      startedAt: '2026-01-01T00:00:00.000Z',
      restoreSeconds: INSTANCE_RESTORE_SECONDS,
      dataLagSeconds: EXPECTED_LAG,
      connected: true,
      outcome: 'succeeded',
      reason: null,
      handlerVersion: expect.stringMatching(/^lifeboat@\d+\.\d+\.\d+/),
    });
    // The restore step ends at the RDS event the RestoreSeconds metric uses.
    expect(record.steps.restore).toEqual({ startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:20:00.000Z' });
    expect(record.steps.checks.startedAt).not.toBeNull();
    expect(record.checks.map((check) => [check.name, check.result, check.observed])).toEqual([
      ['tableExists:public.orders', 'passed', true],
      ['rowCount:orders', 'passed', 3],
      ['freshness:orders.created_at', 'passed', { newestRowTime: '2025-12-31T23:57:00.000Z', lagSeconds: EXPECTED_LAG }],
      ['no negative totals', 'passed', 0],
    ]);
  });

  it('2. Aurora cluster: full-copy restore, one instance, password on the cluster, instance then cluster deleted', async () => {
    const harness = createHarness(newFake(), config(clusterStore()));
    await harness.invoke({ action: 'start', storeId: 'ledger' });
    await harness.drive();
    const restore = harness.fake.callsOf('RestoreDBClusterToPointInTime')[0].input;
    expect(restore).toMatchObject({ RestoreType: 'full-copy', SourceDBClusterIdentifier: 'app-ledger', DBClusterIdentifier: 'lbv-app-ledger-run', DeletionProtection: false });
    const create = harness.fake.callsOf('CreateDBInstance');
    expect(create).toHaveLength(1);
    expect(create[0].input).toMatchObject({ DBInstanceIdentifier: 'lbv-app-ledger-run-1', DBClusterIdentifier: 'lbv-app-ledger-run', Engine: 'aurora-postgresql', PubliclyAccessible: false });
    // The restored cluster inherited Secrets Manager management: turned off on the temporary cluster only.
    expect(harness.fake.callsOf('ModifyDBCluster').map((call) => call.input.ManageMasterUserPassword)).toEqual([false]);
    expect(harness.fake.callsOf('ModifyDBInstance')).toEqual([]);
    const createdEventAt = create[0].time.getTime() + 8 * 60_000;
    expect(metricsOf(harness.fake)).toEqual(success('ledger', (createdEventAt - T0.getTime()) / 1000));
    expect(harness.fake.callsOf('DeleteDBCluster').map((call) => call.input)).toEqual([
      { DBClusterIdentifier: 'lbv-app-ledger-run', SkipFinalSnapshot: true, DeleteAutomatedBackups: true },
    ]);
    // The cluster is deleted only after its instance is gone.
    const deleteInstanceAt = harness.fake.callsOf('DeleteDBInstance')[0].time.getTime();
    expect(harness.fake.callsOf('DeleteDBCluster')[0].time.getTime()).toBeGreaterThan(deleteInstanceAt);
    expectCleanEnd(harness);
  });

  it('3. throttling on restore, describes and PutMetricData is retried with backoff', async () => {
    const target = newFake();
    target.inject('RestoreDBInstanceToPointInTime', failTimes(2, throttling));
    target.inject('DescribeDBInstances', failTimes(3, throttling, (_input, f) => f.clock.now().getTime() > T0.getTime() + 20 * 60_000));
    target.inject('PutMetricData', failTimes(2, () => Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } })));
    const harness = createHarness(target, config(instanceStore()));
    await harness.invoke({ action: 'start', storeId: 'orders' });
    await harness.drive();
    // Backoff (jitter fixed at 0.5): 100 ms + 200 ms before the restore call went through.
    expect(metricsOf(target)).toEqual(success('orders', INSTANCE_RESTORE_SECONDS));
    expect(target.callsOf('RestoreDBInstanceToPointInTime').map((call) => call.error)).toEqual(['Throttling', 'Throttling', undefined]);
    expect(harness.outcomes.filter((outcome) => outcome.error)).toEqual([]);
    expect(logEvents(harness).filter((event) => event === 'throttled')).toHaveLength(7);
    expectCleanEnd(harness);
  });

  it('4. restore ends in incompatible-restore: failed and deleted', async () => {
    const target = newFake();
    target.restoreOutcomes.set('lbv-app-orders-run', 'incompatible-restore');
    const harness = createHarness(target, config(instanceStore()));
    await harness.invoke({ action: 'start', storeId: 'orders' });
    await harness.drive();
    expect(metricsOf(target)).toEqual(['orders VerificationSucceeded=0']);
    expect(target.callsOf('ModifyDBInstance')).toEqual([]);
    expect(outcomeTags(target)).toEqual([[{ Key: 'lifeboat:outcome', Value: 'failed' }]]);
    expect(target.callsOf('DeleteDBInstance')).toHaveLength(1);
    expectCleanEnd(harness);
  });

  it('5. restore refused by RDS (no capacity): failure published, nothing created', async () => {
    const target = newFake();
    target.inject('RestoreDBInstanceToPointInTime', failTimes(1, () => rdsError('InsufficientDBInstanceCapacity', 'no capacity')));
    const harness = createHarness(target, config(instanceStore()));
    const result = await harness.invoke({ action: 'start', storeId: 'orders' });
    expect(result?.results[0]).toMatchObject({ step: 'failed', detail: expect.stringContaining('InsufficientDBInstanceCapacity') });
    await harness.drive();
    expect(metricsOf(target)).toEqual(['orders VerificationSucceeded=0']);
    expect(target.instanceIds()).toEqual(['app-orders']);
    expectCleanEnd(harness);
  });

  it('6. instance stuck in creating past its maximum lifetime: failed by the sweep and deleted', async () => {
    const target = newFake();
    target.restoreOutcomes.set('lbv-app-orders-run', 'creating');
    const harness = createHarness(target, config(instanceStore({ maxLifetimeSeconds: 3600 })));
    await harness.invoke({ action: 'start', storeId: 'orders' });
    const rounds = await harness.drive();
    expect(metricsOf(target)).toEqual(['orders VerificationSucceeded=0']);
    const deleted = target.callsOf('DeleteDBInstance');
    expect(deleted).toHaveLength(1);
    // Failed on the first tick past one hour, not before.
    expect(deleted[0].time.getTime() - T0.getTime()).toBe(61 * 60_000);
    expect(rounds).toBeLessThan(70);
    expectCleanEnd(harness);
    expect(recordsOf(harness)).toEqual([
      expect.objectContaining({ outcome: 'swept', reason: 'no result within 3600s (status creating)', connected: false, restoreSeconds: null }),
    ]);
    expect(recordsOf(harness)[0].checks.every((check) => check.result === 'not-run')).toBe(true);
  });

  it('7. crash between password reset and checks: the next tick resets again and finishes once', async () => {
    const target = newFake();
    // A network failure on the first read after the password change kills that invocation.
    target.inject(
      'DescribeDBInstances',
      failTimes(1, () => Object.assign(new Error('socket hang up'), { name: 'TimeoutError', $metadata: {} }), (_input, f) => f.callsOf('ModifyDBInstance').length === 1),
    );
    const harness = createHarness(target, config(instanceStore()));
    await harness.invoke({ action: 'start', storeId: 'orders' });
    await harness.drive();
    // The invocation that was advancing the run (an RDS event or a tick) failed; nothing else did.
    const failures = [
      ...harness.outcomes.flatMap((outcome) => (outcome.error ? [outcome.error] : [])),
      ...harness.outcomes.flatMap((outcome) => outcome.result?.errors ?? []).map((error) => error.message),
    ];
    expect(failures).toEqual(['TimeoutError: socket hang up']);
    expect(target.callsOf('ModifyDBInstance')).toHaveLength(2);
    expect(metricsOf(target)).toEqual(success('orders', INSTANCE_RESTORE_SECONDS));
    expectCleanEnd(harness);
  });

  it('8. two concurrent starts create one run; a later start while it runs is refused', async () => {
    const target = newFake();
    const harness = createHarness(target, config(instanceStore()));
    const [first, second] = await Promise.all([harness.invoke({ action: 'start', storeId: 'orders' }), harness.invoke({ action: 'start', storeId: 'orders' })]);
    expect([first?.results[0].step, second?.results[0].step].sort()).toEqual(['already-running', 'started']);
    target.clock.advance(5 * 60_000);
    const third = await harness.invoke({ action: 'start', storeId: 'orders' });
    expect(third?.results[0]).toMatchObject({ step: 'already-running', runId: 'orders-20260101T000000Z' });
    await harness.drive();
    expect(target.callsOf('RestoreDBInstanceToPointInTime').filter((call) => !call.error)).toHaveLength(1);
    expect(metricsOf(target)).toEqual(success('orders', INSTANCE_RESTORE_SECONDS));
    expectCleanEnd(harness);
  });

  it('9. delete refused once (instance busy): the outcome tag makes the next tick only delete', async () => {
    const target = newFake();
    target.inject('DeleteDBInstance', failTimes(1, () => rdsError('InvalidDBInstanceStateFault', 'instance is being modified')));
    const harness = createHarness(target, config(instanceStore()));
    await harness.invoke({ action: 'start', storeId: 'orders' });
    await harness.drive();
    expect(target.callsOf('DeleteDBInstance').map((call) => call.error)).toEqual(['InvalidDBInstanceStateFault', undefined]);
    expect(target.callsOf('ModifyDBInstance')).toHaveLength(1);
    expect(metricsOf(target)).toEqual(success('orders', INSTANCE_RESTORE_SECONDS));
    expect(logEvents(harness)).toContain('delete-refused');
    expectCleanEnd(harness);
  });

  it('10. source missing: failure published, nothing restored', async () => {
    const target = newFake();
    target.removeInstance('app-orders');
    const harness = createHarness(target, config(instanceStore()));
    const result = await harness.invoke({ action: 'start', storeId: 'orders' });
    expect(result?.results[0]).toEqual({ storeId: 'orders', step: 'failed', detail: 'source-missing' });
    await harness.drive();
    expect(target.callsOf('RestoreDBInstanceToPointInTime')).toEqual([]);
    expect(metricsOf(target)).toEqual(['orders VerificationSucceeded=0']);
    expectCleanEnd(harness);
  });

  it('11. untagged instances under the prefix are never touched: one blocks the run name, one is only reported', async () => {
    const target = newFake();
    target.addInstance('lbv-app-orders-run', { owner: 'someone' });
    target.addInstance('lbv-app-orders-manual', {});
    const harness = createHarness(target, config(instanceStore()));
    const result = await harness.invoke({ action: 'start', storeId: 'orders' });
    expect(result?.results[0]).toEqual({ storeId: 'orders', step: 'blocked', detail: 'lbv-app-orders-run' });
    await harness.drive({ maxRounds: 5 });
    expect(target.callsOf('RestoreDBInstanceToPointInTime')).toEqual([]);
    expect(target.instanceIds()).toEqual(['app-orders', 'lbv-app-orders-manual', 'lbv-app-orders-run']);
    expect(metricsOf(target)).toEqual(['orders VerificationSucceeded=0']);
    const ticks = harness.outcomes.filter((outcome) => outcome.event === 'tick');
    expect(ticks.at(-1)?.result?.strays).toEqual(['lbv-app-orders-manual', 'lbv-app-orders-run']);
    expect(logEvents(harness)).toEqual(expect.arrayContaining(['blocked-by-foreign-resource', 'foreign-resource-ignored', 'untagged-resource-ignored']));
    expectCleanEnd(harness);
  });

  it('12. checks failing (missing table): ChecksFailed counts it, verification fails, instance deleted', async () => {
    const target = newFake();
    const harness = createHarness(target, config(instanceStore({ checks: [...CHECKS, { type: 'tableExists', table: 'invoices' }] })));
    await harness.invoke({ action: 'start', storeId: 'orders' });
    await harness.drive();
    expect(metricsOf(target)).toEqual([
      'orders ChecksFailed=1',
      `orders DataLagSeconds=${EXPECTED_LAG}`,
      `orders RestoreSeconds=${INSTANCE_RESTORE_SECONDS}`,
      'orders VerificationSucceeded=0',
    ]);
    expect(outcomeTags(target)).toEqual([[{ Key: 'lifeboat:outcome', Value: 'failed' }]]);
    expectCleanEnd(harness);
    const [record] = recordsOf(harness);
    expect(record).toMatchObject({ outcome: 'failed', reason: '1 check(s) failed: tableExists:invoices', connected: true });
    expect(record.checks.at(-1)).toMatchObject({ name: 'tableExists:invoices', result: 'failed', observed: false, message: expect.stringContaining('does not exist') });
  });

  it('13. restored data older than the freshness bound: lag measured and published, verification fails', async () => {
    const target = newFake();
    const checks: CheckSpec[] = [{ type: 'freshness', table: 'orders', column: 'created_at', maxLagSeconds: 60 }];
    const harness = createHarness(target, config(instanceStore({ checks })));
    await harness.invoke({ action: 'start', storeId: 'orders' });
    await harness.drive();
    expect(metricsOf(target)).toEqual([
      'orders ChecksFailed=1',
      `orders DataLagSeconds=${EXPECTED_LAG}`,
      `orders RestoreSeconds=${INSTANCE_RESTORE_SECONDS}`,
      'orders VerificationSucceeded=0',
    ]);
    expectCleanEnd(harness);
  });

  it('14. modify refused once (instance busy): the next tick sets a new password and finishes', async () => {
    const target = newFake();
    target.inject('ModifyDBInstance', failTimes(1, () => rdsError('InvalidDBInstanceStateFault', 'instance is backing up')));
    const harness = createHarness(target, config(instanceStore()));
    await harness.invoke({ action: 'start', storeId: 'orders' });
    await harness.drive();
    expect(target.callsOf('ModifyDBInstance').map((call) => call.error)).toEqual(['InvalidDBInstanceStateFault', undefined]);
    expect(metricsOf(target)).toEqual(success('orders', INSTANCE_RESTORE_SECONDS));
    expectCleanEnd(harness);
  });

  it('15. DR region: restore from replicated automated backups by ARN', async () => {
    const target = newFake();
    const arn = `arn:aws:rds:${FAKE_REGION}:${FAKE_ACCOUNT}:auto-backup:ab-orders123`;
    target.addAutomatedBackups(arn, 'app-orders');
    target.removeInstance('app-orders'); // the source lives in the primary region, not here
    const harness = createHarness(target, config(instanceStore({ sourceAutomatedBackupsArn: arn })));
    await harness.invoke({ action: 'start', storeId: 'orders' });
    const restore = target.callsOf('RestoreDBInstanceToPointInTime')[0].input;
    expect(restore.SourceDBInstanceAutomatedBackupsArn).toBe(arn);
    expect(restore.SourceDBInstanceIdentifier).toBeUndefined();
    // Replicated backups lag 10 minutes in the fake: target 23:49:59, newest row 23:57:00 -> rows newer than target.
    expect(restore.RestoreTime).toEqual(new Date('2025-12-31T23:49:59.000Z'));
    await harness.drive();
    expect(metricsOf(target)).toEqual([
      'orders ChecksFailed=0',
      'orders DataLagSeconds=-421',
      `orders RestoreSeconds=${INSTANCE_RESTORE_SECONDS}`,
      'orders VerificationSucceeded=1',
    ]);
    expectCleanEnd(harness);
  });

  it('16. two stores in one tick: one failing store does not stop the other', async () => {
    const target = newFake();
    target.restoreOutcomes.set('lbv-app-orders-run', 'incompatible-network');
    const harness = createHarness(target, config(instanceStore(), clusterStore()));
    await harness.invoke({ action: 'start', storeId: 'orders' });
    await harness.invoke({ action: 'start', storeId: 'ledger' });
    await harness.drive();
    const metrics = metricsOf(target);
    expect(metrics.filter((line) => line.startsWith('orders'))).toEqual(['orders VerificationSucceeded=0']);
    expect(metrics.filter((line) => line.startsWith('ledger')).map((line) => line.replace(/RestoreSeconds=\d+/, 'RestoreSeconds=n'))).toEqual([
      'ledger ChecksFailed=0',
      `ledger DataLagSeconds=${EXPECTED_LAG}`,
      'ledger RestoreSeconds=n',
      'ledger VerificationSucceeded=1',
    ]);
    expectCleanEnd(harness);
  });

  it('17. TLS: a CA that did not sign the server certificate fails the run (no fallback to plain text)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-other-ca-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
      const otherCa = fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8');
      const target = newFake();
      const parsed = parseVerifyConfig(JSON.stringify({ namespace: 'Lifeboat', caBundlePem: otherCa, evidence: EVIDENCE, stores: [instanceStore()] }));
      allConfigs.push(parsed);
      const harness = createHarness(target, parsed);
      await harness.invoke({ action: 'start', storeId: 'orders' });
      await harness.drive();
      expect(metricsOf(target)).toEqual([`orders ChecksFailed=${CHECKS.length}`, `orders RestoreSeconds=${INSTANCE_RESTORE_SECONDS}`, 'orders VerificationSucceeded=0']);
      const finished = harness.logs.map((line) => JSON.parse(line)).find((line) => line.event === 'verification-finished');
      expect(finished).toMatchObject({ connected: false, error: expect.stringMatching(/certificate/i) });
      expectCleanEnd(harness);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('18. an RDS event and a tick racing on the available instance: one claims the run, the other defers', async () => {
    const target = newFake();
    const harness = createHarness(target, config(instanceStore()));
    await harness.invoke({ action: 'start', storeId: 'orders' });
    target.clock.advance(20 * 60_000);
    await target.settle();
    const [restored] = target.takeBridgeEvents();
    const [fromEvent, fromTick] = await Promise.all([harness.invoke(restored as never), harness.invoke({ action: 'tick' })]);
    expect([fromEvent?.results[0].step, fromTick?.results[0].step].sort()).toEqual(['deferred', 'verified']);
    await harness.drive();
    expect(target.callsOf('ModifyDBInstance')).toHaveLength(1);
    expect(metricsOf(target)).toEqual(success('orders', INSTANCE_RESTORE_SECONDS));
    expect(logEvents(harness)).toEqual(expect.arrayContaining(['run-claimed', 'verify-deferred']));
    expectCleanEnd(harness);
  });

  it('IAM policy allows every RDS call the scenarios made (action, resource ARN and tag conditions)', () => {
    expect(allCalls.length).toBeGreaterThan(100);
    const stores = allConfigs.flatMap((parsed) => parsed.stores);
    const distinct = new Map(stores.map((store) => [`${store.storeId}|${store.sourceAutomatedBackupsArn ?? ''}`, store]));
    const statements = verifyRestorePolicyStatements({ partition: 'aws', accountId: FAKE_ACCOUNT, region: FAKE_REGION, stores: [...distinct.values()] });
    const denied = allCalls.filter((call) => !policyAllows(statements, call)).map((call) => `${call.command} ${JSON.stringify(call.input).slice(0, 160)}`);
    expect(denied).toEqual([]);
    const commands = new Set(allCalls.map((call) => call.command));
    expect([...commands].sort()).toEqual([
      'AddTagsToResource',
      'CreateDBInstance',
      'DeleteDBCluster',
      'DeleteDBInstance',
      'DescribeDBClusters',
      'DescribeDBInstanceAutomatedBackups',
      'DescribeDBInstances',
      'DescribeEvents',
      'ModifyDBCluster',
      'ModifyDBInstance',
      'PutMetricData',
      'RestoreDBClusterToPointInTime',
      'RestoreDBInstanceToPointInTime',
    ]);
  });
});
