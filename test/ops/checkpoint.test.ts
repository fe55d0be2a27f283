import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCheckpoint } from '../../src/cli/checkpoint';
import type { CommandOutput } from '../../src/cli/output';
import { renderProcedure } from '../../src/ops/render';
import { checkpointProcedure } from '../../src/ops/procedures/checkpoint';
import { planBackups } from '../../src/plan';
import type { BackupPlan, DatabaseStorePlan } from '../../src/plan/types';
import { loadRequirements } from '../../src/spec/requirements';
import { failTimes, FakeAws, rdsError, throttling } from '../support/fake-rds';
import { FakeIdentityAndSecrets } from '../support/fake-identity';

const NOW = new Date('2026-11-25T12:00:00Z');
const ID = 'shop-orders-pre-migration-42-20261125t1200';

let fake: FakeAws;
let identity: FakeIdentityAndSecrets;
let plan: BackupPlan;
let planFile: string;
const directories: string[] = [];

beforeEach(() => {
  fake = new FakeAws({ start: NOW });
  identity = new FakeIdentityAndSecrets();
  plan = planBackups(loadRequirements('examples/backup_requirements.json'));
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-checkpoint-'));
  directories.push(directory);
  planFile = path.join(directory, 'backup_plan.json');
  fs.writeFileSync(planFile, JSON.stringify(plan));
  fake.addSourceInstance('shop-orders');
  fake.addSourceCluster('shop-ledger');
});
afterEach(() => {
  fake.restore();
  identity.restore();
});
afterAll(() => {
  for (const directory of directories) fs.rmSync(directory, { recursive: true, force: true });
});

async function checkpoint(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const output: CommandOutput = { out: (text) => void (stdout += text), err: (text) => void (stderr += text) };
  const [store, ...rest] = argv;
  const code = await runCheckpoint([store as string, '--plan', planFile, ...rest], output, { sleep: fake.clock.sleep, now: () => fake.clock.now(), isTTY: false });
  return { code, stdout, stderr };
}

const accepted = (command: string) => fake.callsOf(command).filter((call) => !call.error);

describe('lifeboat checkpoint', () => {
  it('dry run names the snapshot and its tags first and changes nothing', async () => {
    const result = await checkpoint('orders', '--label', 'pre-migration-42', '--copy-to-dr');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`create db-snapshot ${ID} (eu-west-1)`);
    expect(result.stdout).toContain(`create db-snapshot ${ID} (eu-central-1)`);
    expect(result.stdout).toMatch(/lifeboat:created-by\s+jane/);
    expect(result.stdout).toMatch(/lifeboat:label\s+pre-migration-42/);
    expect(result.stdout).toContain('Dry run: nothing was changed');
    expect(fake.calls.filter((call) => /^(Create|Copy)/.test(call.command))).toEqual([]);
  });

  it('takes a tagged snapshot, waits with progress, and prints its id', async () => {
    fake.inject('CreateDBSnapshot', failTimes(2, throttling));
    const result = await checkpoint('orders', '--label', 'pre-migration-42', '--wait', '--execute', '--yes');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(accepted('CreateDBSnapshot')).toHaveLength(1);
    expect(accepted('CreateDBSnapshot')[0]?.input).toMatchObject({ DBSnapshotIdentifier: ID, DBInstanceIdentifier: 'shop-orders' });
    const state = fake.snapshotState(ID);
    expect(state?.status).toBe('available');
    expect(state?.tags).toEqual({
      'lifeboat:checkpoint': 'true',
      'lifeboat:created-at': '2026-11-25T12:00:00.000Z',
      'lifeboat:created-by': 'jane',
      'lifeboat:label': 'pre-migration-42',
      'lifeboat:snapshot-of': 'shop-orders',
      'lifeboat:stack': 'shop',
      'lifeboat:store': 'orders',
    });
    expect(result.stdout).toMatch(/Wait until .* is available: creating \d+%/);
    expect(result.stdout).toContain(`Checkpoint ${ID} (eu-west-1) is available.`);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(ID);
  });

  it("asks STS who runs it in the plan's primary region (other partitions have no us-east-1)", async () => {
    const china = { ...plan, regions: { primary: 'cn-north-1', dr: 'cn-northwest-1' } };
    fs.writeFileSync(planFile, JSON.stringify(china));
    const result = await checkpoint('orders', '--label', 'pre-migration-42');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/lifeboat:created-by\s+jane/);
    expect(identity.callerRegions).toEqual(['cn-north-1']);
    // The copy names its source by an ARN of the partition the regions are in.
    const copied = await checkpoint('orders', '--label', 'pre-migration-42', '--copy-to-dr', '--wait', '--execute', '--yes');
    expect(copied.stderr).toBe('');
    expect(copied.code).toBe(0);
    expect(accepted('CopyDBSnapshot').map((call) => [call.region, call.input.SourceDBSnapshotIdentifier])).toEqual([['cn-northwest-1', `arn:aws-cn:rds:cn-north-1:123456789012:snapshot:${ID}`]]);
  });

  it('--format json names the snapshot, its tags and steps; the table is not printed', async () => {
    const result = await checkpoint('orders', '--label', 'pre-migration-42', '--copy-to-dr', '--format', 'json');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({
      store: 'orders',
      execute: false,
      label: 'pre-migration-42',
      snapshotId: ID,
      region: 'eu-west-1',
      tags: { 'lifeboat:created-by': 'jane', 'lifeboat:label': 'pre-migration-42', 'lifeboat:store': 'orders' },
    });
    expect(json.resources.map((touched: { resource: { identifier: string; region: string } }) => `${touched.resource.identifier} ${touched.resource.region}`)).toEqual([`${ID} eu-west-1`, `${ID} eu-central-1`]);
    expect(fake.calls.filter((call) => /^(Create|Copy)/.test(call.command))).toEqual([]);
  });

  it('copies it to the DR region with the DR key once the snapshot is available', async () => {
    const result = await checkpoint('orders', '--label', 'pre-migration-42', '--copy-to-dr', '--wait', '--execute', '--yes');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const copy = accepted('CopyDBSnapshot');
    expect(copy.map((call) => [call.region, call.input])).toEqual([
      [
        'eu-central-1',
        expect.objectContaining({
          SourceDBSnapshotIdentifier: `arn:aws:rds:eu-west-1:123456789012:snapshot:${ID}`,
          TargetDBSnapshotIdentifier: ID,
          KmsKeyId: 'alias/shop-rds-eu-central-1',
          SourceRegion: 'eu-west-1',
        }),
      ],
    ]);
    expect(fake.snapshotState(ID, 'eu-central-1')).toMatchObject({ status: 'available', kmsKeyId: 'alias/shop-rds-eu-central-1', tags: expect.objectContaining({ 'lifeboat:copy-of': `eu-west-1/${ID}` }) });
    expect(result.stdout).toContain(`its copy in eu-central-1 is available`);
  });

  it('an Aurora store takes a cluster snapshot', async () => {
    const result = await checkpoint('ledger', '--execute', '--yes');
    expect(result.code).toBe(0);
    expect(accepted('CreateDBClusterSnapshot')[0]?.input).toMatchObject({ DBClusterSnapshotIdentifier: 'shop-ledger-manual-20261125t1200', DBClusterIdentifier: 'shop-ledger' });
    expect(result.stdout).toContain('is being taken');
  });

  it('an Aurora checkpoint copied to the DR region names the cluster snapshot by its ARN and uses the DR key', async () => {
    const result = await checkpoint('ledger', '--label', 'pre-migration-42', '--copy-to-dr', '--wait', '--execute', '--yes');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const id = 'shop-ledger-pre-migration-42-20261125t1200';
    expect(accepted('CopyDBClusterSnapshot').map((call) => [call.region, call.input])).toEqual([
      [
        'eu-central-1',
        expect.objectContaining({
          SourceDBClusterSnapshotIdentifier: `arn:aws:rds:eu-west-1:123456789012:cluster-snapshot:${id}`,
          TargetDBClusterSnapshotIdentifier: id,
          KmsKeyId: 'alias/shop-rds-eu-central-1',
          SourceRegion: 'eu-west-1',
        }),
      ],
    ]);
    expect(fake.snapshotState(id, 'eu-central-1')).toMatchObject({ kind: 'cluster', status: 'available', tags: expect.objectContaining({ 'lifeboat:store': 'ledger', 'lifeboat:label': 'pre-migration-42' }) });
  });

  it('an interrupted copy resumes with --snapshot-id: no second snapshot, the copy is made', async () => {
    fake.inject('CopyDBSnapshot', failTimes(1, () => rdsError('InternalFailure', 'connection reset', 500)));
    const first = await checkpoint('orders', '--label', 'pre-migration-42', '--copy-to-dr', '--execute', '--yes');
    expect(first.code).toBe(2);
    expect(first.stdout).toContain(`Rerun with --snapshot-id ${ID} to resume`);
    fake.clock.advance(5 * 60_000);
    const second = await checkpoint('orders', '--label', 'pre-migration-42', '--copy-to-dr', '--snapshot-id', ID, '--execute', '--yes');
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`Resuming: ${ID} exists in eu-west-1 (available), taken by an earlier run.`);
    expect(accepted('CreateDBSnapshot')).toHaveLength(1);
    expect(accepted('CopyDBSnapshot')).toHaveLength(1);
  });

  it('a source that is not available is an error before anything is created (exit 2)', async () => {
    fake.addInstance('shop-orders', {}, 'modifying');
    const result = await checkpoint('orders', '--execute', '--yes');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('shop-orders is modifying: RDS takes a snapshot only of an available instance (nothing was changed)');
    expect(fake.calls.filter((call) => /^(Create|Copy)/.test(call.command))).toEqual([]);
  });

  it('refuses a snapshot id that exists and is not this checkpoint (exit 1)', async () => {
    fake.addSnapshot('shop-orders-before-upgrade', 'shop-orders', { type: 'manual' });
    const result = await checkpoint('orders', '--snapshot-id', 'shop-orders-before-upgrade', '--execute', '--yes');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('a snapshot shop-orders-before-upgrade already exists in eu-west-1 and is not a "manual" checkpoint of orders');
    expect(accepted('CreateDBSnapshot')).toEqual([]);
  });

  it('input errors are reported together; a bucket and a missing source are errors (exit 2)', async () => {
    const usage = await checkpoint('orders', '--label', 'Pre Migration', '--snapshot-id', '1abc', '--format', 'xml');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--label must be lowercase letters');
    expect(usage.stderr).toContain('--snapshot-id must start with a letter');
    expect(usage.stderr).toContain('--format must be table or json');
    const bucket = await checkpoint('documents');
    expect(bucket.code).toBe(2);
    expect(bucket.stderr).toContain('documents is a bucket');
    const missing = await checkpoint('billing', '--execute', '--yes');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('source not found');
    expect(fake.calls.filter((call) => /^(Create|Copy)/.test(call.command))).toEqual([]);
  });

  it('the runbook renders the same procedure as commands, waiting on the snapshot status', () => {
    const store = plan.stores.find((candidate) => candidate.id === 'orders') as DatabaseStorePlan;
    const markdown = renderProcedure(checkpointProcedure(plan, store, { snapshotId: ID, label: 'x', createdBy: 'jane', createdAt: NOW.toISOString(), copyToDr: true, wait: true }), '## Checkpoint');
    expect(markdown).toContain('aws rds create-db-snapshot');
    expect(markdown).toContain('aws rds copy-db-snapshot');
    expect(markdown).toContain('--source-region eu-west-1');
    expect(markdown).toContain(`describe-db-snapshots --db-snapshot-identifier ${ID} --query 'DBSnapshots[0].Status'`);
  });
});
