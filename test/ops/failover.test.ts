import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runFailover } from '../../src/cli/failover';
import type { CommandOutput } from '../../src/cli/output';
import type { BackupPlan } from '../../src/plan/types';
import { failTimes, FakeAws, rdsError, throttling } from '../support/fake-rds';
import { FakeIdentityAndSecrets } from '../support/fake-identity';
import { fixturePlan, planWithDrReplica } from '../runbook/helpers';

const NOW = new Date('2026-11-25T12:00:00Z');

let fake: FakeAws;
let identity: FakeIdentityAndSecrets;
const directories: string[] = [];

function planFile(plan: BackupPlan): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-failover-'));
  directories.push(directory);
  const file = path.join(directory, 'backup_plan.json');
  fs.writeFileSync(file, JSON.stringify(plan));
  return file;
}

beforeEach(() => {
  fake = new FakeAws({ start: NOW });
  identity = new FakeIdentityAndSecrets();
});
afterEach(() => {
  fake.restore();
  identity.restore();
});
afterAll(() => {
  for (const directory of directories) fs.rmSync(directory, { recursive: true, force: true });
});

async function failover(plan: BackupPlan, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const output: CommandOutput = { out: (text) => void (stdout += text), err: (text) => void (stderr += text) };
  const [store, ...rest] = argv;
  const code = await runFailover([store as string, '--plan', planFile(plan), ...rest], output, { sleep: fake.clock.sleep, now: () => fake.clock.now(), isTTY: false });
  return { code, stdout, stderr };
}

const accepted = (command: string) => fake.callsOf(command).filter((call) => !call.error);

describe('lifeboat failover: cross-region read replica', () => {
  beforeEach(() => {
    fake.addSourceInstance('shop-orders');
    fake.addReadReplica('shop-orders-dr', 'shop-orders');
  });

  it('dry run: measures the replica lag against the region RPO and changes nothing', async () => {
    fake.setRecentMetric('ReplicaLag', 'shop-orders-dr', 12);
    const result = await failover(planWithDrReplica(), 'orders');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Standby: shop-orders-dr (eu-central-1), cross-region read replica');
    expect(result.stdout).toContain('Region objective: RPO 5m');
    expect(result.stdout).toMatch(/Measured lag: 12s \(ReplicaLag at 2026-11-25T11:59:00.000Z\)/);
    expect(result.stdout).toContain('change db-instance shop-orders-dr (eu-central-1)');
    expect(result.stdout).toContain('Dry run: nothing was changed');
    expect(fake.callsOf('PromoteReadReplica')).toEqual([]);
  });

  it('promotes the replica (retrying throttling), makes it Multi-AZ as planned, reports the data-loss window and the fail-back steps', async () => {
    fake.setRecentMetric('ReplicaLag', 'shop-orders-dr', 12);
    fake.inject('PromoteReadReplica', failTimes(2, throttling));
    const result = await failover(planWithDrReplica(), 'orders', '--execute', '--yes');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(accepted('PromoteReadReplica').map((call) => call.input)).toEqual([{ DBInstanceIdentifier: 'shop-orders-dr', BackupRetentionPeriod: 14, PreferredBackupWindow: '03:00-04:00' }]);
    expect(fake.instanceState('shop-orders-dr')).toEqual({ status: 'available', replicaOf: null, multiAz: true });
    expect(result.stdout).toContain('shop-orders-dr is a standalone primary in eu-central-1');
    expect(result.stdout).toContain('Data-loss window: up to 12s');
    expect(result.stdout).toContain('To fail back later (nothing below has run)');
    expect(result.stdout).toContain('create-db-instance-read-replica');
    expect(fake.calls.filter((call) => /^Delete/.test(call.command))).toEqual([]);
    // Who acts is asked in the standby's region: in an outage the primary region's STS is down with the rest of it.
    expect(identity.callerRegions).toEqual(['eu-central-1']);
  });

  it('refuses when the lag exceeds the region RPO (exit 1), and goes ahead when --max-data-loss allows it', async () => {
    fake.setRecentMetric('ReplicaLag', 'shop-orders-dr', 420);
    const refused = await failover(planWithDrReplica(), 'orders', '--execute', '--yes');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('shop-orders-dr lags 7m, more than the region RPO 5m');
    expect(refused.stderr).toContain('--max-data-loss 420s');
    expect(fake.callsOf('PromoteReadReplica')).toEqual([]);
    const allowed = await failover(planWithDrReplica(), 'orders', '--execute', '--yes', '--max-data-loss', '10m');
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('Data-loss window: up to 7m');
    expect(accepted('PromoteReadReplica')).toHaveLength(1);
  });

  it('refuses an unknown lag (no datapoint) unless --max-data-loss accepts it', async () => {
    const refused = await failover(planWithDrReplica(), 'orders', '--execute', '--yes');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the lag of shop-orders-dr is unknown');
    const allowed = await failover(planWithDrReplica(), 'orders', '--execute', '--yes', '--max-data-loss', '30m');
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('Data-loss window: unknown (no lag measured; accepted with --max-data-loss 30m)');
  });

  it('a store without a region RPO accepts no data loss by default: a lagging replica needs --max-data-loss', async () => {
    const plan = planWithDrReplica();
    const orders = plan.stores.find((store) => store.id === 'orders') as Extract<BackupPlan['stores'][number], { kind: 'database' }>;
    orders.scopes.region.objective.rpo = null;
    fake.setRecentMetric('ReplicaLag', 'shop-orders-dr', 40);
    const refused = await failover(plan, 'orders', '--execute', '--yes');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('Region objective: RPO none set');
    expect(refused.stderr).toContain('shop-orders-dr lags 40s, more than no loss (the plan sets no region RPO)');
    expect(fake.callsOf('PromoteReadReplica')).toEqual([]);
    const allowed = await failover(plan, 'orders', '--execute', '--yes', '--max-data-loss', '1m');
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('Data-loss window: up to 40s');
  });

  it('--planned promotes only at no lag', async () => {
    fake.setRecentMetric('ReplicaLag', 'shop-orders-dr', 3);
    const refused = await failover(planWithDrReplica(), 'orders', '--planned');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('more than no loss (--planned)');
    fake.setRecentMetric('ReplicaLag', 'shop-orders-dr', 0);
    expect((await failover(planWithDrReplica(), 'orders', '--planned')).code).toBe(0);
  });

  it('an interrupted run resumes: the rerun finds the promotion and does not promote again', async () => {
    fake.setRecentMetric('ReplicaLag', 'shop-orders-dr', 12);
    fake.inject('DescribeDBInstances', failTimes(1, () => rdsError('InternalFailure', 'connection reset', 500), (_input, f) => f.callsOf('PromoteReadReplica').length > 0));
    const first = await failover(planWithDrReplica(), 'orders', '--execute', '--yes');
    expect(first.code).toBe(2);
    expect(first.stdout).toContain('Rerun the same command');
    const second = await failover(planWithDrReplica(), 'orders', '--execute', '--yes');
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/Found: shop-orders-dr is being promoted \(modifying\)/);
    expect(second.stdout).toContain('(done by an earlier run)');
    expect(accepted('PromoteReadReplica')).toHaveLength(1);
    expect(second.stdout).toContain('Data-loss window: measured by the earlier run that started it');
  });
});

describe('lifeboat failover: Aurora global database', () => {
  beforeEach(() => {
    fake.addGlobalCluster('shop-ledger-global', 'shop-ledger', 'shop-ledger-dr');
  });

  it('planned (the default): switches over, waits until FailoverState clears, loses nothing', async () => {
    fake.setRecentMetric('AuroraGlobalDBReplicationLag', 'shop-ledger-dr', 800);
    const dry = await failover(fixturePlan(), 'ledger');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Mode: planned (switchover');
    expect(dry.stdout).toContain('Measured lag: 0.8s (AuroraGlobalDBReplicationLag');
    expect(fake.callsOf('SwitchoverGlobalCluster')).toEqual([]);
    const result = await failover(fixturePlan(), 'ledger', '--execute', '--yes');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(accepted('SwitchoverGlobalCluster').map((call) => call.input)).toEqual([
      { GlobalClusterIdentifier: 'shop-ledger-global', TargetDbClusterIdentifier: 'arn:aws:rds:eu-west-1:123456789012:cluster:shop-ledger-dr' },
    ]);
    expect(fake.callsOf('FailoverGlobalCluster')).toEqual([]);
    // It returned only once the switchover was over, not when the clusters answered "available".
    expect(fake.globalCluster('shop-ledger-global')).toEqual({ writer: 'shop-ledger-dr', failover: null });
    expect(result.stdout).toMatch(/failing-over \(\d+s\)/);
    expect(result.stdout).toContain('Data-loss window: none: the switchover waited until the secondary was in sync');
    expect(result.stdout).toContain('switchover-global-cluster');
  });

  it('unplanned: fails over allowing data loss when the lag is within the RPO, and reports it', async () => {
    fake.setRecentMetric('AuroraGlobalDBReplicationLag', 'shop-ledger-dr', 2000);
    const result = await failover(fixturePlan(), 'ledger', '--unplanned', '--execute', '--yes');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(accepted('FailoverGlobalCluster').map((call) => call.input)).toEqual([
      { GlobalClusterIdentifier: 'shop-ledger-global', TargetDbClusterIdentifier: 'arn:aws:rds:eu-west-1:123456789012:cluster:shop-ledger-dr', AllowDataLoss: true },
    ]);
    expect(fake.globalCluster('shop-ledger-global')).toEqual({ writer: 'shop-ledger-dr', failover: null });
    expect(result.stdout).toContain('Data-loss window: up to 2s');
    expect(result.stdout).toContain('rejoins shop-ledger to shop-ledger-global as a secondary');
  });

  it('unplanned: refuses a lag above the 30s RPO unless --max-data-loss allows it', async () => {
    fake.setRecentMetric('AuroraGlobalDBReplicationLag', 'shop-ledger-dr', 95_000);
    const refused = await failover(fixturePlan(), 'ledger', '--unplanned', '--execute', '--yes');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('shop-ledger-dr lags 95s, more than the region RPO 30s');
    expect(fake.callsOf('FailoverGlobalCluster')).toEqual([]);
    const allowed = await failover(fixturePlan(), 'ledger', '--unplanned', '--max-data-loss', '2m', '--execute', '--yes');
    expect(allowed.code).toBe(0);
    expect(accepted('FailoverGlobalCluster')).toHaveLength(1);
  });

  it('an interrupted failover resumes: the rerun waits for the one in progress instead of starting another', async () => {
    fake.setRecentMetric('AuroraGlobalDBReplicationLag', 'shop-ledger-dr', 2000);
    fake.inject('DescribeGlobalClusters', failTimes(1, () => rdsError('InternalFailure', 'connection reset', 500), (_input, f) => f.callsOf('FailoverGlobalCluster').length > 0));
    const first = await failover(fixturePlan(), 'ledger', '--unplanned', '--execute', '--yes');
    expect(first.code).toBe(2);
    expect(fake.globalCluster('shop-ledger-global')?.failover).not.toBeNull();
    const second = await failover(fixturePlan(), 'ledger', '--unplanned', '--execute', '--yes');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/Found: a failover to shop-ledger-dr is (pending|failing-over)/);
    expect(accepted('FailoverGlobalCluster')).toHaveLength(1);
    expect(fake.globalCluster('shop-ledger-global')).toEqual({ writer: 'shop-ledger-dr', failover: null });
  });

  it('a rerun after it finished changes nothing and says so', async () => {
    fake.setRecentMetric('AuroraGlobalDBReplicationLag', 'shop-ledger-dr', 500);
    expect((await failover(fixturePlan(), 'ledger', '--execute', '--yes')).code).toBe(0);
    const again = await failover(fixturePlan(), 'ledger', '--execute', '--yes');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Found: shop-ledger-dr already writes for shop-ledger-global');
    expect(accepted('SwitchoverGlobalCluster')).toHaveLength(1);
  });
});

describe('lifeboat failover: refusals and input', () => {
  it('a store without a standby is refused clearly, pointing at the restore that serves it (exit 2)', async () => {
    fake.addSourceInstance('shop-orders');
    const result = await failover(fixturePlan(), 'orders', '--execute', '--yes');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('orders has no standby in eu-central-1');
    expect(result.stderr).toContain('lifeboat restore orders --region dr --to latest');
    expect(fake.calls).toEqual([]);
  });

  it('a missing standby is an error, and a bucket has nothing to fail over (exit 2)', async () => {
    const missing = await failover(planWithDrReplica(), 'orders');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('standby not found');
    const bucket = await failover(fixturePlan(), 'documents');
    expect(bucket.code).toBe(2);
    expect(bucket.stderr).toContain('its replica shop-documents-eu-central-1 is readable now');
  });

  it('usage errors are reported together (exit 2) and --execute needs --yes without a terminal', async () => {
    const usage = await failover(fixturePlan(), 'ledger', '--planned', '--unplanned', '--max-data-loss', 'soon');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--planned and --unplanned exclude each other');
    expect(usage.stderr).toContain('--max-data-loss: invalid duration "soon"');
    const noYes = await failover(fixturePlan(), 'ledger', '--execute');
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('--execute without a terminal needs --yes');
    expect(fake.calls).toEqual([]);
  });

  it('JSON output carries the lag, the decision and the steps', async () => {
    fake.addGlobalCluster('shop-ledger-global', 'shop-ledger', 'shop-ledger-dr');
    fake.setRecentMetric('AuroraGlobalDBReplicationLag', 'shop-ledger-dr', 95_000);
    const result = await failover(fixturePlan(), 'ledger', '--unplanned', '--format', 'json');
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ store: 'ledger', mode: 'unplanned', lag: { seconds: 95, metric: 'AuroraGlobalDBReplicationLag' }, allowedDataLossSeconds: 30 });
    expect(json.refused).toContain('lags 95s');
  });
});
