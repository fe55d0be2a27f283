/** `lifeboat restore --execute` from an AWS Backup recovery point end to end: the checks run against a real PostgreSQL. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import type { CommandOutput } from '../../src/cli/output';
import { runRestore } from '../../src/cli/restore';
import { planBackups } from '../../src/plan';
import { loadRequirements } from '../../src/spec/requirements';
import { createPostgresDatabase, postgresCaPem, type TestDatabase } from '../support/databases';
import { FakeBackup } from '../support/fake-backup';
import { FakeIdentityAndSecrets } from '../support/fake-identity';
import { FakeAws } from '../support/fake-rds';

const NOW = new Date('2026-11-25T12:00:00Z');
const DAY = 86_400_000;
const OLD = '2026-10-20T00:00:00Z';
const TARGET = 'shop-orders-restore-20261020t0000';

let db: TestDatabase;
let directory: string;

beforeAll(async () => {
  db = await createPostgresDatabase('ops_restore_backup');
  const client = new Client({ connectionString: db.url });
  await client.connect();
  // The data as the recovery point (made 2026-10-16T12:00Z) holds it: the newest order ten minutes before.
  await client.query(`create table public.orders (id int primary key, created_at timestamptz not null);
    create table public.order_lines (id int primary key, order_id int not null);
    insert into public.orders values (1, '2026-10-16T09:00:00Z'), (2, '2026-10-16T11:50:00Z');
    insert into public.order_lines values (1, 1), (2, 2);`);
  await client.end();
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-restore-backup-db-'));
  fs.writeFileSync(path.join(directory, 'ca.pem'), postgresCaPem());
  const plan = planBackups(loadRequirements(path.join(__dirname, '../../examples/backup_requirements.json')));
  const billing = plan.stores.find((store) => store.id === 'billing');
  const orders = plan.stores.find((store) => store.id === 'orders');
  if (billing?.kind !== 'database' || orders?.kind !== 'database') throw new Error('example plan changed');
  orders.awsBackup = JSON.parse(JSON.stringify(billing.awsBackup));
  orders.names.awsBackup = { vault: 'shop-orders', plan: 'shop-orders', role: 'shop-orders-backup', selection: 'protected-resources' };
  fs.writeFileSync(path.join(directory, 'backup_plan.json'), JSON.stringify(plan));
});
afterAll(async () => {
  await db?.drop();
  fs.rmSync(directory, { recursive: true, force: true });
});

it('restores a recovery point through AWS Backup, then runs the plan checks and freshness against it and reports the lags', async () => {
  const fake = new FakeAws({ start: NOW, endpoint: { host: 'localhost', port: db.port } });
  const backup = new FakeBackup(fake);
  const identity = new FakeIdentityAndSecrets();
  identity.useCredentials(db.user, db.password);
  try {
    fake.addSourceInstance('shop-orders');
    backup.addVault('eu-west-1', 'shop-orders');
    backup.addRecoveryPoint('eu-west-1', 'shop-orders', { id: 'job-40', resourceArn: 'arn:aws:rds:eu-west-1:123456789012:db:shop-orders', ageMs: 40 * DAY, metadata: { Engine: 'postgres', Port: '5432' } });
    let stdout = '';
    let stderr = '';
    const output: CommandOutput = { out: (text) => void (stdout += text), err: (text) => void (stderr += text) };
    const code = await runRestore(
      ['orders', '--to', OLD, '--plan', path.join(directory, 'backup_plan.json'), '--database', db.name, '--ca-bundle', path.join(directory, 'ca.pem'), '--execute', '--yes'],
      output,
      { sleep: fake.clock.sleep, now: () => fake.clock.now(), isTTY: false },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(backup.callsOf('StartRestoreJob')).toHaveLength(1);
    expect(stdout).toContain('ok   tableExists:public.orders');
    expect(stdout).toMatch(/ok {3}freshness:public\.orders\.created_at/);
    // Freshness is measured against the recovery point's time, not the requested one.
    expect(stdout).toContain('newest restored row 600s before the restore point; the restore point is 302400s before 2026-10-20T00:00:00Z');
    expect(stdout).not.toContain(db.password);
    expect(identity.secretReads).toEqual([`arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-${TARGET}`]);
  } finally {
    fake.restore();
    backup.restore();
    identity.restore();
  }
});
