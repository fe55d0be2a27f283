import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CommandOutput } from '../../src/cli/output';
import { runRestore } from '../../src/cli/restore';
import { databaseStore, fixturePlan } from '../runbook/helpers';
import { FakeAws } from '../support/fake-rds';
import { FakeIdentityAndSecrets } from '../support/fake-identity';

const NOW = new Date('2026-11-25T12:00:00Z');
const SNAPSHOT = 'shop-orders-pre-migration-42-20261125t0900';

let fake: FakeAws;
let identity: FakeIdentityAndSecrets;
let planFile: string;
let directory: string;

beforeEach(() => {
  fake = new FakeAws({ start: NOW });
  identity = new FakeIdentityAndSecrets();
  const plan = fixturePlan();
  databaseStore(plan, 'orders').verification = null;
  databaseStore(plan, 'ledger').verification = null;
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-restore-snapshot-'));
  planFile = path.join(directory, 'backup_plan.json');
  fs.writeFileSync(planFile, JSON.stringify(plan));
  fake.addSourceInstance('shop-orders');
});
afterEach(() => {
  fake.restore();
  identity.restore();
  fs.rmSync(directory, { recursive: true, force: true });
});

async function restore(store: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const output: CommandOutput = { out: (text) => void (stdout += text), err: (text) => void (stderr += text) };
  const code = await runRestore([store, '--plan', planFile, ...argv], output, { sleep: fake.clock.sleep, now: () => fake.clock.now(), isTTY: false });
  return { code, stdout, stderr };
}

const accepted = (command: string) => fake.callsOf(command).filter((call) => !call.error);

describe('lifeboat restore --to <snapshot-id>', () => {
  it('dry run checks the snapshot (exists, available, of this database) and shows it as the restore point', async () => {
    fake.addSnapshot(SNAPSHOT, 'shop-orders', { type: 'manual', ageMs: 3 * 3600_000 });
    const result = await restore('orders', '--to', SNAPSHOT);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Source: snapshot ${SNAPSHOT} of shop-orders (eu-west-1, manual)`);
    expect(result.stdout).toContain('Restorable: 2026-11-25T09:00:00.000Z .. 2026-11-25T09:00:00.000Z');
    expect(result.stdout).toMatch(/DBSnapshotIdentifier\s+shop-orders-pre-migration-42-20261125t0900/);
    expect(result.stdout).toContain('create db-instance shop-orders-restore-20261125t1200 (eu-west-1)');
    expect(fake.calls.filter((call) => /^Restore/.test(call.command))).toEqual([]);
  });

  it('restores the snapshot into a new instance with the plan settings and its own secret', async () => {
    fake.addSnapshot(SNAPSHOT, 'shop-orders', { type: 'manual', ageMs: 3 * 3600_000 });
    const result = await restore('orders', '--to', SNAPSHOT, '--execute', '--yes');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(accepted('RestoreDBInstanceFromDBSnapshot').map((call) => call.input)).toEqual([
      expect.objectContaining({ DBSnapshotIdentifier: SNAPSHOT, DBInstanceIdentifier: 'shop-orders-restore-20261125t1200', DBSubnetGroupName: 'shop-orders', MultiAZ: false, DeletionProtection: true, BackupRetentionPeriod: 14 }),
    ]);
    expect(accepted('RestoreDBInstanceFromDBSnapshot')[0]?.input).not.toHaveProperty('RestoreTime');
    expect(accepted('RestoreDBInstanceToPointInTime')).toEqual([]);
    expect(fake.callsOf('ModifyDBInstance').map((call) => call.input.MasterUserSecretKmsKeyId)).toEqual(['alias/shop-rds-eu-west-1']);
  });

  it('restores a checkpoint copied to the DR region there, in the DR subnets', async () => {
    fake.addSnapshot(SNAPSHOT, 'shop-orders', { type: 'manual', ageMs: 3 * 3600_000, region: 'eu-central-1' });
    const result = await restore('orders', '--to', SNAPSHOT, '--region', 'dr', '--execute', '--yes');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const call = accepted('RestoreDBInstanceFromDBSnapshot')[0];
    expect(call?.region).toBe('eu-central-1');
    expect(call?.input).toMatchObject({ DBSnapshotIdentifier: SNAPSHOT, DBSubnetGroupName: 'shop-orders-dr' });
    expect(fake.callsOf('DescribeDBInstanceAutomatedBackups')).toEqual([]);
  });

  it('an Aurora store restores a cluster snapshot, then creates the cluster instance', async () => {
    fake.addSourceCluster('shop-ledger');
    fake.addSnapshot('shop-ledger-manual-20261125t0900', 'shop-ledger', { kind: 'cluster', type: 'manual', ageMs: 3600_000 });
    const result = await restore('ledger', '--to', 'shop-ledger-manual-20261125t0900', '--execute', '--yes');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(accepted('RestoreDBClusterFromSnapshot')[0]?.input).toMatchObject({ SnapshotIdentifier: 'shop-ledger-manual-20261125t0900', Engine: 'aurora-postgresql', DBClusterParameterGroupName: 'shop-ledger-global-rpo' });
    expect(accepted('CreateDBInstance')).toHaveLength(1);
  });

  it('refuses a snapshot of another database or one not yet available (exit 1); a missing one is an error (exit 2)', async () => {
    fake.addSourceInstance('shop-billing', { engine: 'mysql' });
    fake.addSnapshot('billing-snap', 'shop-billing', { type: 'manual' });
    const other = await restore('orders', '--to', 'billing-snap', '--execute', '--yes');
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('billing-snap is a snapshot of shop-billing, not of shop-orders');
    const missing = await restore('orders', '--to', 'no-such-snapshot');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('source not found');
    const bad = await restore('orders', '--to', 'snap shot');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--to must be a UTC time (2026-11-25T09:41:00Z), latest, or a snapshot identifier or ARN');
    expect(fake.calls.filter((call) => /^Restore/.test(call.command))).toEqual([]);
  });
});
