/** `lifeboat restore --execute` end to end: RDS faked, the restored database a real PostgreSQL reached over TLS. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import type { CommandOutput } from '../../src/cli/output';
import { runRestore } from '../../src/cli/restore';
import { createPostgresDatabase, postgresCaPem, type TestDatabase } from '../support/databases';
import { FakeIdentityAndSecrets } from '../support/fake-identity';
import { FakeAws } from '../support/fake-rds';
import { fixturePlan } from '../runbook/helpers';

const NOW = new Date('2026-11-25T12:00:00Z');
const TIME = '2026-11-25T09:41:00Z';

let db: TestDatabase;
let directory: string;

beforeAll(async () => {
  db = await createPostgresDatabase('ops_restore');
  const client = new Client({ connectionString: db.url });
  await client.connect();
  await client.query(`create table public.orders (id int primary key, created_at timestamptz not null);
    create table public.order_lines (id int primary key, order_id int not null);
    insert into public.orders values (1, '2026-11-25T09:30:00Z'), (2, '2026-11-25T09:38:00Z');
    insert into public.order_lines values (1, 1), (2, 2);`);
  await client.end();
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-restore-db-'));
  fs.writeFileSync(path.join(directory, 'ca.pem'), postgresCaPem());
  fs.writeFileSync(path.join(directory, 'backup_plan.json'), JSON.stringify(fixturePlan()));
});
afterAll(async () => {
  await db?.drop();
  fs.rmSync(directory, { recursive: true, force: true });
});

it('restores, then runs the plan checks and freshness against the restored database and reports the data lag', async () => {
  const fake = new FakeAws({ start: NOW, endpoint: { host: 'localhost', port: db.port } });
  const identity = new FakeIdentityAndSecrets();
  identity.useCredentials(db.user, db.password);
  try {
    fake.addSourceInstance('shop-orders');
    let stdout = '';
    let stderr = '';
    const output: CommandOutput = { out: (text) => void (stdout += text), err: (text) => void (stderr += text) };
    const code = await runRestore(
      ['orders', '--to', TIME, '--plan', path.join(directory, 'backup_plan.json'), '--database', db.name, '--ca-bundle', path.join(directory, 'ca.pem'), '--execute', '--yes'],
      output,
      { sleep: fake.clock.sleep, now: () => fake.clock.now(), isTTY: false },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('ok   tableExists:public.orders');
    expect(stdout).toContain('ok   no-orphan-lines');
    expect(stdout).toMatch(/ok {3}freshness:public\.orders\.created_at/);
    expect(stdout).toContain('newest restored row 180s before the restore point');
    expect(stdout).not.toContain(db.password);
    expect(identity.secretReads).toEqual([`arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-shop-orders-restore-20261125t0941`]);
  } finally {
    fake.restore();
    identity.restore();
  }
});
