import type { CommandOutput } from '../../src/cli/output';
import { runRestore } from '../../src/cli/restore';
import type { BackupPlan } from '../../src/plan/types';
import { failTimes, FakeAws, rdsError, throttling } from '../support/fake-rds';
import { FakeIdentityAndSecrets } from '../support/fake-identity';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { databaseStore, fixturePlan } from '../runbook/helpers';

const NOW = new Date('2026-11-25T12:00:00Z');
const TIME = '2026-11-25T09:41:00Z';
const TARGET = 'shop-orders-restore-20261125t0941';

let fake: FakeAws;
let identity: FakeIdentityAndSecrets;
let planFile: string;
const directories: string[] = [];

/** The example plan without verification checks, so these runs stop short of connecting (the db test connects). */
function writePlan(change: (plan: BackupPlan) => void = () => undefined): string {
  const plan = fixturePlan();
  databaseStore(plan, 'orders').verification = null;
  change(plan);
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-restore-'));
  directories.push(directory);
  const file = path.join(directory, 'backup_plan.json');
  fs.writeFileSync(file, JSON.stringify(plan));
  return file;
}

beforeEach(() => {
  fake = new FakeAws({ start: NOW });
  identity = new FakeIdentityAndSecrets();
  planFile = writePlan();
});
afterEach(() => {
  fake.restore();
  identity.restore();
});
afterAll(() => {
  for (const directory of directories) fs.rmSync(directory, { recursive: true, force: true });
});

async function restore(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const output: CommandOutput = { out: (text) => void (stdout += text), err: (text) => void (stderr += text) };
  const code = await runRestore(['orders', '--plan', planFile, ...argv], output, { sleep: fake.clock.sleep, now: () => fake.clock.now(), isTTY: false });
  return { code, stdout, stderr };
}

describe('lifeboat restore', () => {
  it('dry run: checks the window, names the target, lists settings and the measured estimate, changes nothing', async () => {
    fake.addSourceInstance('shop-orders', { restorableLagMs: 5 * 60_000 });
    planFile = writePlan((plan) => {
      databaseStore(plan, 'orders').verification = databaseStore(fixturePlan(), 'orders').verification;
    });
    fake.metricHistory.set('RestoreSeconds/orders', [1100, 1500, 1200]);
    const result = await restore('--to', TIME);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Target: ${TARGET} (eu-west-1), new`);
    expect(result.stdout).toContain('Estimated duration: median 20m, worst 25m (last 3 verification restores)');
    expect(result.stdout).toMatch(/DBSubnetGroupName\s+shop-orders/);
    expect(result.stdout).toMatch(/MultiAZ\s+false/);
    expect(result.stdout).toContain(`create db-instance ${TARGET} (eu-west-1)`);
    expect(result.stdout).toContain('Dry run: nothing was changed');
    expect(fake.callsOf('RestoreDBInstanceToPointInTime')).toEqual([]);
  });

  it('says when there is no measured restore yet', async () => {
    fake.addSourceInstance('shop-orders');
    const result = await restore('--to', 'latest');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Estimated duration: no measured restore yet');
  });

  it('refuses a time outside the restorable window (exit 1) and changes nothing', async () => {
    fake.addSourceInstance('shop-orders', { restorableLagMs: 5 * 60_000 });
    const early = await restore('--to', '2026-11-01T00:00:00Z', '--execute', '--yes');
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('is outside what can be restored');
    const late = await restore('--to', '2026-11-25T11:58:00Z', '--execute', '--yes');
    expect(late.code).toBe(1);
    expect(fake.callsOf('RestoreDBInstanceToPointInTime')).toEqual([]);
  });

  it('refuses a target id that exists and is not this restore (exit 1)', async () => {
    fake.addSourceInstance('shop-orders');
    fake.addInstance(TARGET, { team: 'someone-else' });
    const result = await restore('--to', TIME, '--execute', '--yes');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${TARGET} already exists in eu-west-1 and is not a restore of shop-orders`);
    expect(fake.callsOf('RestoreDBInstanceToPointInTime')).toEqual([]);
  });

  it('reports a missing source as an error (exit 2)', async () => {
    const result = await restore('--to', TIME);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('source not found');
  });

  it('needs --yes to execute without a terminal', async () => {
    fake.addSourceInstance('shop-orders');
    const result = await restore('--to', TIME, '--execute');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--execute without a terminal needs --yes');
    expect(fake.calls).toEqual([]);
  });

  it('restores into a new tagged instance with the plan settings, retrying throttling, then makes its secret with the store key', async () => {
    fake.addSourceInstance('shop-orders');
    fake.inject('RestoreDBInstanceToPointInTime', failTimes(3, throttling));
    const result = await restore('--to', TIME, '--execute', '--yes');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const accepted = fake.callsOf('RestoreDBInstanceToPointInTime').filter((call) => !call.error);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]?.input).toMatchObject({
      SourceDBInstanceIdentifier: 'shop-orders',
      TargetDBInstanceIdentifier: TARGET,
      RestoreTime: new Date(TIME),
      DBSubnetGroupName: 'shop-orders',
      VpcSecurityGroupIds: ['sg-0a1b2c3d4e5f60718'],
      MultiAZ: false,
      PubliclyAccessible: false,
      DeletionProtection: true,
    });
    expect(accepted[0]?.input).not.toHaveProperty('ManageMasterUserPassword');
    expect(accepted[0]?.input.Tags).toEqual(expect.arrayContaining([{ Key: 'lifeboat:created-by', Value: 'jane' }, { Key: 'lifeboat:store', Value: 'orders' }]));
    expect(fake.callsOf('ModifyDBInstance').map((call) => call.input)).toEqual([
      { DBInstanceIdentifier: TARGET, ManageMasterUserPassword: true, MasterUserSecretKmsKeyId: 'alias/shop-rds-eu-west-1', ApplyImmediately: true },
    ]);
    expect(fake.calls.filter((call) => /^Delete/.test(call.command))).toEqual([]);
    expect(result.stdout).toContain(`Restored ${TARGET} in 20m`);
    expect(result.stdout).toContain('Next, to switch traffic (nothing below has run)');
    expect(result.stdout).toContain('start-db-instance-automated-backups-replication');
  });

  it('stops on a restore that fails, keeps what exists and says so (exit 2)', async () => {
    fake.addSourceInstance('shop-orders');
    fake.restoreOutcomes.set(TARGET, 'incompatible-restore');
    const result = await restore('--to', TIME, '--execute', '--yes');
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('ended in status incompatible-restore');
    expect(result.stdout).toContain(`What exists: ${TARGET} in eu-west-1 (kept; nothing was deleted)`);
    expect(fake.calls.filter((call) => /^Delete/.test(call.command))).toEqual([]);
  });

  it('gives up on a restore that stalls after the wait limit, far above the 30 minutes of aws rds wait', async () => {
    fake.addSourceInstance('shop-orders');
    fake.restoreOutcomes.set(TARGET, 'creating');
    const result = await restore('--to', TIME, '--execute', '--yes');
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/still creating after (\d+)s \(limit 21600s/);
    expect(fake.clock.now().getTime() - NOW.getTime()).toBeGreaterThanOrEqual(6 * 3600_000);
  });

  it('resumes an interrupted run: the rerun finds its own restore and carries on from there', async () => {
    fake.addSourceInstance('shop-orders');
    fake.inject('ModifyDBInstance', failTimes(1, () => rdsError('InternalFailure', 'connection reset', 500)));
    const first = await restore('--to', TIME, '--execute', '--yes');
    expect(first.code).toBe(2);
    const second = await restore('--to', TIME, '--execute', '--yes');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`Resuming: ${TARGET} exists (available), created by an earlier run of this restore.`);
    expect(fake.callsOf('RestoreDBInstanceToPointInTime').filter((call) => !call.error)).toHaveLength(1);
    expect(identity.secretReads).toEqual([]);
  });
});
