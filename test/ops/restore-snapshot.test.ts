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

  it('an Aurora cluster snapshot copied to the DR region restores there: DR subnets, DR key, DR parameter group, then its instance', async () => {
    fake.addSourceCluster('shop-ledger');
    const copy = 'shop-ledger-pre-migration-20261125t0900';
    fake.addSnapshot(copy, 'shop-ledger', { kind: 'cluster', type: 'manual', ageMs: 3600_000, region: 'eu-central-1' });
    const result = await restore('ledger', '--to', copy, '--region', 'dr', '--execute', '--yes');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const target = 'shop-ledger-dr-restore-20261125t1200';
    const call = accepted('RestoreDBClusterFromSnapshot')[0];
    expect(call?.region).toBe('eu-central-1');
    expect(call?.input).toMatchObject({
      SnapshotIdentifier: copy,
      DBClusterIdentifier: target,
      Engine: 'aurora-postgresql',
      DBSubnetGroupName: 'shop-ledger-dr',
      VpcSecurityGroupIds: ['sg-0f1e2d3c4b5a69788'],
      KmsKeyId: 'alias/shop-rds-eu-central-1',
      DBClusterParameterGroupName: 'shop-ledger-dr-global-rpo',
      DeletionProtection: true,
    });
    expect(accepted('CreateDBSubnetGroup').map((created) => [created.region, created.input.DBSubnetGroupName, created.input.SubnetIds])).toEqual([
      ['eu-central-1', 'shop-ledger-dr', ['subnet-0f1e2d3c4b5a60001', 'subnet-0f1e2d3c4b5a60002', 'subnet-0f1e2d3c4b5a60003']],
    ]);
    expect(accepted('CreateDBInstance').map((created) => [created.region, created.input.DBInstanceIdentifier, created.input.DBClusterIdentifier])).toEqual([['eu-central-1', `${target}-1`, target]]);
    expect(fake.callsOf('ModifyDBCluster').map((modify) => [modify.region, modify.input.MasterUserSecretKmsKeyId])).toEqual([['eu-central-1', 'alias/shop-rds-eu-central-1']]);
    expect(result.stdout).toContain(`Next: point applications at ${target} in eu-central-1.`);
  });

  it('an Aurora DR restore without DR subnets in the plan is refused, naming what is missing (exit 2)', async () => {
    const plan = fixturePlan();
    plan.network.dr.subnetIds = [];
    fs.writeFileSync(planFile, JSON.stringify(plan));
    const result = await restore('ledger', '--to', 'shop-ledger-copy', '--region', 'dr', '--execute', '--yes');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the plan has no DR subnets (network.dr.subnetIds): a restore in eu-central-1 needs them for its DB subnet group');
    expect(fake.calls).toEqual([]);
  });

  it('a time maps to the newest snapshot made at or before it where the PITR window does not reach (Aurora in the DR region), with the lag', async () => {
    fake.addSourceCluster('shop-ledger');
    fake.addSnapshot('shop-ledger-early-20261124t0900', 'shop-ledger', { kind: 'cluster', type: 'manual', ageMs: 27 * 3600_000, region: 'eu-central-1' });
    fake.addSnapshot('shop-ledger-pre-migration-20261125t0900', 'shop-ledger', { kind: 'cluster', type: 'manual', ageMs: 3 * 3600_000, region: 'eu-central-1' });
    fake.addSnapshot('shop-ledger-late-20261125t1100', 'shop-ledger', { kind: 'cluster', type: 'manual', ageMs: 3600_000, region: 'eu-central-1' });
    const result = await restore('ledger', '--to', '2026-11-25T10:00:00Z', '--region', 'dr');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Source: snapshot shop-ledger-pre-migration-20261125t0900 of shop-ledger (eu-central-1, manual), made 2026-11-25T09:00:00.000Z');
    expect(result.stdout).toContain('Restore point: 2026-11-25T09:00:00.000Z, 1h00m (3600s) before 2026-11-25T10:00:00Z');
    expect(result.stdout).toMatch(/SnapshotIdentifier\s+shop-ledger-pre-migration-20261125t0900/);
    expect(result.stdout).toContain('create db-cluster shop-ledger-dr-restore-20261125t1000 (eu-central-1)');
    // Three snapshots over pages of two: the listing followed the Marker.
    expect(fake.callsOf('DescribeDBClusterSnapshots').map((call) => [call.region, call.input.Marker])).toEqual([['eu-central-1', undefined], ['eu-central-1', '2']]);

    const early = await restore('ledger', '--to', '2026-11-20T00:00:00Z', '--region', 'dr');
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('oldest restorable time per source: snapshots of shop-ledger (eu-central-1): from 2026-11-24T09:00:00.000Z');
  });

  it('nothing to restore in the DR region for Aurora says so and points at failover and checkpoint copies (exit 1)', async () => {
    fake.addSourceCluster('shop-ledger');
    const time = await restore('ledger', '--to', 'latest', '--region', 'dr');
    expect(time.code).toBe(1);
    expect(time.stderr).toContain('nothing of shop-ledger can be restored in eu-central-1: no point-in-time window, AWS Backup copies or snapshots there (an Aurora global database fails over instead: lifeboat failover ledger; lifeboat checkpoint ledger --copy-to-dr puts a snapshot there)');
    expect(fake.calls.filter((call) => /^Restore/.test(call.command))).toEqual([]);
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
