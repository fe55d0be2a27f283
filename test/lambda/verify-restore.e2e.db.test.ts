/**
 * End to end: schedule start -> RDS events -> advance -> fresh password -> data checks over TLS against the REAL test
 * PostgreSQL (the fake RDS reports it as the restored endpoint and applies the handler's new master password to a
 * real role with ALTER ROLE) -> metrics -> cleanup.
 */
import { Client } from 'pg';
import { parseVerifyConfig } from '../../lambda/verify-restore/config';
import { createPostgresDatabase, postgresCaPem, type TestDatabase } from '../support/databases';
import { FAKE_REGION, FakeAws } from '../support/fake-rds';
import { createHarness, EVIDENCE, restoreEvidenceFakes } from './verify-restore-harness';

const T0 = new Date('2026-03-01T06:00:00.000Z');

let db: TestDatabase;
let admin: Client;
let fake: FakeAws | undefined;
const role = `lbv_e2e_${process.pid}`;
const initialPassword = 'initial-password-not-used-by-the-handler';

beforeAll(async () => {
  db = await createPostgresDatabase('verify_e2e');
  admin = new Client({ connectionString: db.url });
  await admin.connect();
  await admin.query(`CREATE ROLE "${role}" LOGIN PASSWORD '${initialPassword}'`);
  await admin.query(`GRANT CONNECT ON DATABASE "${db.name}" TO "${role}"`);
  await admin.query('CREATE SCHEMA app');
  await admin.query(`GRANT USAGE ON SCHEMA app TO "${role}"`);
  await admin.query('CREATE TABLE app.payments (id bigint PRIMARY KEY, amount_cents bigint NOT NULL, paid_at timestamptz NOT NULL)');
  // Newest payment 5 minutes before the restore target (T0 - 60 s - 1 s): DataLagSeconds = 239.
  await admin.query(
    `INSERT INTO app.payments SELECT g, g * 100, timestamptz '2026-03-01T05:55:00Z' - (g - 1) * interval '1 minute' FROM generate_series(1, 50) g`,
  );
  await admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA app TO "${role}"`);
});

afterAll(async () => {
  fake?.restore();
  restoreEvidenceFakes();
  await admin?.end();
  if (db) {
    await db.drop();
    const cleanup = new Client({ connectionString: db.url.replace(`/${db.name}`, '/postgres') });
    await cleanup.connect();
    await cleanup.query(`DROP ROLE IF EXISTS "${role}"`);
    await cleanup.end();
  }
});

async function canLogIn(password: string): Promise<boolean> {
  const client = new Client({ host: 'localhost', port: db.port, user: role, password, database: db.name, ssl: { ca: postgresCaPem(), servername: 'localhost' } });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

it('start -> advance -> checks against the real PostgreSQL -> metrics -> cleanup', async () => {
  fake = new FakeAws({
    start: T0,
    endpoint: { host: 'localhost', port: db.port },
    masterUsername: role,
    onPasswordChange: async (user, password) => {
      await admin.query(`ALTER ROLE "${user}" PASSWORD '${password}'`);
    },
  });
  fake.addSourceInstance('shop-payments', { managedSecret: true });
  const config = parseVerifyConfig(
    JSON.stringify({
      namespace: 'Lifeboat',
      caBundlePem: postgresCaPem(),
      evidence: EVIDENCE,
      stores: [
        {
          storeId: 'payments',
          kind: 'instance',
          engine: 'postgres',
          sourceIdentifier: 'shop-payments',
          restoreRegion: FAKE_REGION,
          instanceClass: 'db.t4g.small',
          subnetGroupName: 'shop-verification',
          securityGroupIds: ['sg-0a1b2c3d4e5f60718'],
          databaseName: db.name,
          checks: [
            { type: 'tableExists', table: 'app.payments' },
            { type: 'rowCount', table: 'app.payments', min: 50, max: 50 },
            { type: 'freshness', table: 'app.payments', column: 'paid_at', maxLagSeconds: 900 },
            { type: 'sql', name: 'amounts positive', sql: 'select min(amount_cents) > 0 from app.payments', expect: true },
          ],
          maxLifetimeSeconds: 6 * 3600,
          identifierPrefix: 'lbv-shop-payments',
        },
      ],
    }),
  );
  const harness = createHarness(fake, config);

  // 1. The schedule starts a run: one tagged restore of the source.
  const started = await harness.invoke({ action: 'start', storeId: 'payments' });
  expect(started?.results).toEqual([{ storeId: 'payments', step: 'started', runId: 'payments-20260301T060000Z' }]);
  expect(fake.temporaryResources()).toEqual(['instance:lbv-shop-payments-run:creating']);

  // 2. While restoring, ticks only wait.
  fake.clock.advance(10 * 60_000);
  const waiting = await harness.invoke({ action: 'tick' });
  expect(waiting?.results).toEqual([{ storeId: 'payments', step: 'waiting', runId: 'payments-20260301T060000Z', detail: 'creating' }]);

  // 3. The restore finishes; RDS's "restored" event arrives and advances the run to the end in one invocation.
  fake.clock.advance(10 * 60_000);
  await fake.settle();
  const events = fake.takeBridgeEvents();
  expect(events.map((event) => [event['detail-type'], event.detail.SourceIdentifier, event.detail.Message])).toEqual([
    ['RDS DB Instance Event', 'lbv-shop-payments-run', 'Restored from DB instance shop-payments to lbv-shop-payments-run'],
  ]);
  const advanced = await harness.invoke(events[0] as never);
  expect(advanced?.action).toBe('event');
  expect(advanced?.results[0]).toMatchObject({ storeId: 'payments', step: 'verified', runId: 'payments-20260301T060000Z' });

  // The handler's password really authenticated: it is now the role's password, and the old one no longer is.
  const modify = fake.callsOf('ModifyDBInstance');
  expect(modify).toHaveLength(1);
  expect(modify[0].input).toMatchObject({ DBInstanceIdentifier: 'lbv-shop-payments-run', ApplyImmediately: true, ManageMasterUserPassword: false });
  expect(await canLogIn(modify[0].input.MasterUserPassword)).toBe(true);
  expect(await canLogIn(initialPassword)).toBe(false);

  // 4. Metrics: restore took exactly the 20 minutes between the restore call and RDS's "restored" event.
  expect(fake.metrics).toEqual([
    { namespace: 'Lifeboat', name: 'ChecksFailed', value: 0, unit: 'Count', dimensions: { StoreId: 'payments' } },
    { namespace: 'Lifeboat', name: 'DataLagSeconds', value: 239, unit: 'Seconds', dimensions: { StoreId: 'payments' } },
    { namespace: 'Lifeboat', name: 'RestoreSeconds', value: 1200, unit: 'Seconds', dimensions: { StoreId: 'payments' } },
    { namespace: 'Lifeboat', name: 'VerificationSucceeded', value: 1, unit: 'Count', dimensions: { StoreId: 'payments' } },
  ]);
  const finished = harness.logs.map((line) => JSON.parse(line)).find((line) => line.event === 'verification-finished');
  expect(finished.results.map((result: { name: string; ok: boolean }) => `${result.name}:${result.ok}`)).toEqual([
    'tableExists:app.payments:true',
    'rowCount:app.payments:true',
    'freshness:app.payments.paid_at:true',
    'amounts positive:true',
  ]);

  // 5. Cleanup: deleted without final snapshot or retained backups; the source untouched.
  expect(fake.temporaryResources()).toEqual(['instance:lbv-shop-payments-run:deleting']);
  await harness.drive();
  expect(fake.temporaryResources()).toEqual([]);
  expect(fake.instanceIds()).toEqual(['shop-payments']);
  expect(fake.violations).toEqual([]);
  expect(harness.logs.join('\n')).not.toContain(modify[0].input.MasterUserPassword);
  // 6. Evidence: one record of the run, never the password.
  const records = harness.evidence.keys('verify-restore/payments/2026/');
  expect(records).toHaveLength(1);
  expect(harness.evidence.violations).toEqual([]);
  expect(Object.values(harness.evidence.contents()).join('\n')).not.toContain(modify[0].input.MasterUserPassword);
});
