/** `lifeboat restore` from AWS Backup recovery points: window choice, --to <recovery point>, StartRestoreJob end to end. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CommandOutput } from '../../src/cli/output';
import { runRestore } from '../../src/cli/restore';
import { planBackups } from '../../src/plan';
import type { BackupPlan, DatabaseStorePlan } from '../../src/plan/types';
import { loadRequirements } from '../../src/spec/requirements';
import { FakeBackup } from '../support/fake-backup';
import { failTimes, FakeAws, rdsError, throttling } from '../support/fake-rds';
import { FakeIdentityAndSecrets } from '../support/fake-identity';

const NOW = new Date('2026-11-25T12:00:00Z');
const DAY = 86_400_000;
const ORDERS_ARN = 'arn:aws:rds:eu-west-1:123456789012:db:shop-orders';
const LEDGER_ARN = 'arn:aws:rds:eu-west-1:123456789012:cluster:shop-ledger';
/** What GetRecoveryPointRestoreMetadata records for an RDS instance: the primary's AZ, network and groups. */
const BACKED_UP = {
  DBInstanceIdentifier: 'shop-orders',
  Engine: 'postgres',
  EngineVersion: '16.4',
  AvailabilityZone: 'eu-west-1a',
  DBInstanceClass: 'db.t3.micro',
  DBSubnetGroupName: 'default',
  VpcSecurityGroupIds: '["sg-default"]',
  MultiAZ: 'true',
  Port: '5432',
  StorageType: 'gp3',
  DBParameterGroupName: 'shop-orders-params',
  OptionGroupName: 'default:postgres-16',
  KmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/primary',
  Encrypted: 'true',
};

let fake: FakeAws;
let backup: FakeBackup;
let identity: FakeIdentityAndSecrets;
let directory: string;
let planFile: string;

/** The example plan (planned now, so it names the vault and the AWS Backup role); orders and ledger get AWS Backup too. */
function examplePlan(): BackupPlan {
  const plan = planBackups(loadRequirements(path.join(__dirname, '../../examples/backup_requirements.json')));
  const billing = store(plan, 'billing');
  for (const id of ['orders', 'ledger']) {
    const target = store(plan, id);
    target.awsBackup = JSON.parse(JSON.stringify(billing.awsBackup));
    target.names.awsBackup = { vault: target.names.primary, plan: target.names.primary, role: `${target.names.primary}-backup`, selection: 'protected-resources' };
    target.verification = null;
  }
  return plan;
}

function store(plan: BackupPlan, id: string): DatabaseStorePlan {
  const found = plan.stores.find((candidate) => candidate.id === id);
  if (found?.kind !== 'database') throw new Error(`no database store ${id}`);
  return found;
}

function writePlan(plan: BackupPlan): void {
  fs.writeFileSync(planFile, JSON.stringify(plan));
}

beforeEach(() => {
  fake = new FakeAws({ start: NOW });
  backup = new FakeBackup(fake);
  identity = new FakeIdentityAndSecrets();
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-restore-backup-'));
  planFile = path.join(directory, 'backup_plan.json');
  writePlan(examplePlan());
  fake.addSourceInstance('shop-orders');
  for (const region of ['eu-west-1', 'eu-central-1']) backup.addVault(region, 'shop-orders');
  // Daily recovery points 20, 40 and 60 days old in the primary vault; their copies in the DR vault.
  for (const days of [20, 40, 60]) {
    backup.addRecoveryPoint('eu-west-1', 'shop-orders', { id: `job-${days}`, resourceArn: ORDERS_ARN, ageMs: days * DAY, metadata: BACKED_UP });
    backup.addRecoveryPoint('eu-central-1', 'shop-orders', { id: `copyjob-${days}`, resourceArn: ORDERS_ARN, ageMs: days * DAY - 3600_000, metadata: BACKED_UP });
  }
});
afterEach(() => {
  expect(backup.unsupported).toEqual([]);
  expect(fake.unsupported).toEqual([]);
  fake.restore();
  backup.restore();
  identity.restore();
  fs.rmSync(directory, { recursive: true, force: true });
});

async function restore(storeId: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const output: CommandOutput = { out: (text) => void (stdout += text), err: (text) => void (stderr += text) };
  const code = await runRestore([storeId, '--plan', planFile, ...argv], output, { sleep: fake.clock.sleep, now: () => fake.clock.now(), isTTY: false });
  return { code, stdout, stderr };
}

const OLD = '2026-10-20T00:00:00Z';
const TARGET = 'shop-orders-restore-20261020t0000';
const POINT_40 = 'arn:aws:rds:eu-west-1:123456789012:snapshot:awsbackup:job-40';

describe('lifeboat restore from AWS Backup', () => {
  it('dry run: a time older than the PITR window takes the newest recovery point at or before it and says the lag', async () => {
    const result = await restore('orders', '--to', OLD);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Source: AWS Backup recovery point ${POINT_40} (vault shop-orders, eu-west-1), made 2026-10-16T12:00:00.000Z`);
    expect(result.stdout).toContain(`Restore point: 2026-10-16T12:00:00.000Z, 84h00m (302400s) before ${OLD}`);
    expect(result.stdout).toContain(`Target: ${TARGET} (eu-west-1), new`);
    // The plan's settings, not the backed-up ones: subnet group, security groups, class, Multi-AZ off, no AZ.
    expect(result.stdout).toMatch(/DBSubnetGroupName\s+shop-orders\n/);
    expect(result.stdout).toMatch(/VpcSecurityGroupIds\s+\["sg-0a1b2c3d4e5f60718"\]/);
    expect(result.stdout).toMatch(/MultiAZ\s+false/);
    expect(result.stdout).toMatch(/IamRoleArn\s+arn:aws:iam::123456789012:role\/shop-orders-backup/);
    expect(result.stdout).not.toContain('AvailabilityZone');
    expect(result.stdout).toContain('Start an AWS Backup restore job');
    // Three recovery points over pages of two: the listing followed NextToken.
    expect(backup.callsOf('ListRecoveryPointsByBackupVault').map((call) => [call.region, call.input.ByResourceArn, call.input.NextToken])).toEqual([
      ['eu-west-1', ORDERS_ARN, undefined],
      ['eu-west-1', ORDERS_ARN, '2'],
    ]);
    expect(backup.callsOf('StartRestoreJob')).toEqual([]);
  });

  it('a checkpoint closer to the time than any recovery point wins (the smaller restore-point lag), restored as a snapshot', async () => {
    fake.addSnapshot('shop-orders-pre-migration-41-20261018t1200', 'shop-orders', { type: 'manual', ageMs: 38 * DAY });
    const result = await restore('orders', '--to', OLD);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Source: snapshot shop-orders-pre-migration-41-20261018t1200 of shop-orders (eu-west-1, manual), made 2026-10-18T12:00:00.000Z');
    expect(result.stdout).toContain(`Restore point: 2026-10-18T12:00:00.000Z, 36h00m (129600s) before ${OLD}`);
    expect(result.stdout).toMatch(/DBSnapshotIdentifier\s+shop-orders-pre-migration-41-20261018t1200/);
    expect(backup.callsOf('GetRecoveryPointRestoreMetadata')).toEqual([]);
  });

  it('refuses a time older than every source, naming the oldest restorable time of each (exit 1)', async () => {
    const result = await restore('orders', '--to', '2026-01-01T00:00:00Z', '--execute', '--yes');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('2026-01-01T00:00:00Z is older than everything that can be restored in eu-west-1; oldest restorable time per source:');
    expect(result.stderr).toContain('instance shop-orders (eu-west-1): point in time from 2026-11-11T12:00:00.000Z');
    expect(result.stderr).toContain('AWS Backup vault shop-orders (eu-west-1): recovery points from 2026-09-26T12:00:00.000Z');
    expect(backup.callsOf('StartRestoreJob')).toEqual([]);
  });

  it('a time inside the PITR window still restores to the point in time, not from a recovery point', async () => {
    const result = await restore('orders', '--to', '2026-11-20T00:00:00Z');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Source: instance shop-orders (eu-west-1)');
    expect(backup.callsOf('ListRecoveryPointsByBackupVault')).toEqual([]);
  });

  it('--to <recovery point ARN> in the DR vault restores there, in the DR subnets; another database or a missing one is refused', async () => {
    const copy = 'arn:aws:rds:eu-central-1:123456789012:snapshot:awsbackup:copyjob-20';
    const result = await restore('orders', '--to', copy);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Source: AWS Backup recovery point ${copy} (vault shop-orders, eu-central-1)`);
    expect(result.stdout).toContain('Target: shop-orders-dr-restore-20261125t1200 (eu-central-1), new');
    expect(result.stdout).toMatch(/DBSubnetGroupName\s+shop-orders-dr\n/);
    expect(result.stdout).toMatch(/VpcSecurityGroupIds\s+\["sg-0f1e2d3c4b5a69788"\]/);
    // The primary's own parameter group does not exist in the DR region; the default option group does.
    expect(result.stdout).not.toContain('shop-orders-params');
    expect(result.stdout).toMatch(/OptionGroupName\s+default:postgres-16/);

    backup.addRecoveryPoint('eu-west-1', 'shop-orders', { id: 'job-billing', resourceArn: 'arn:aws:rds:eu-west-1:123456789012:db:shop-billing', ageMs: DAY });
    const other = await restore('orders', '--to', 'arn:aws:rds:eu-west-1:123456789012:snapshot:awsbackup:job-billing');
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('is a recovery point of arn:aws:rds:eu-west-1:123456789012:db:shop-billing, not of arn:aws:rds:eu-west-1:123456789012:db:shop-orders');
    const missing = await restore('orders', '--to', 'arn:aws:rds:eu-west-1:123456789012:snapshot:awsbackup:job-none');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no recovery point arn:aws:rds:eu-west-1:123456789012:snapshot:awsbackup:job-none in the AWS Backup vault shop-orders (eu-west-1)');
    const wrongRegion = await restore('orders', '--to', copy, '--region', 'primary');
    expect(wrongRegion.code).toBe(2);
    expect(wrongRegion.stderr).toContain('the recovery point is in eu-central-1, not the primary region');
  });

  it('--execute restores through StartRestoreJob, polls the job with progress, tags the result, then the secret and waits', async () => {
    const result = await restore('orders', '--to', OLD, '--execute', '--yes');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const starts = backup.callsOf('StartRestoreJob');
    expect(starts).toHaveLength(1);
    expect(starts[0]?.region).toBe('eu-west-1');
    expect(starts[0]?.input).toEqual({
      RecoveryPointArn: POINT_40,
      ResourceType: 'RDS',
      IamRoleArn: 'arn:aws:iam::123456789012:role/shop-orders-backup',
      IdempotencyToken: `lifeboat-${TARGET}`,
      Metadata: {
        DBInstanceIdentifier: TARGET,
        Engine: 'postgres',
        DBSubnetGroupName: 'shop-orders',
        VpcSecurityGroupIds: '["sg-0a1b2c3d4e5f60718"]',
        DBInstanceClass: 'db.r6g.large',
        MultiAZ: 'false',
        PubliclyAccessible: 'false',
        DeletionProtection: 'true',
        CopyTagsToSnapshot: 'true',
        Port: '5432',
        StorageType: 'gp3',
        DBParameterGroupName: 'shop-orders-params',
        OptionGroupName: 'default:postgres-16',
      },
    });
    expect(result.stdout).toMatch(/Wait until the AWS Backup restore job is COMPLETED: RUNNING \d0% \(\d+s\)/);
    expect(result.stdout).toMatch(/is COMPLETED: done after \d+s/);
    expect(fake.tagsOf(TARGET)).toMatchObject({ 'lifeboat:restore-of': 'shop-orders', 'lifeboat:restore-time': OLD, 'lifeboat:restore-source': POINT_40, 'lifeboat:created-by': 'jane' });
    expect(fake.callsOf('ModifyDBInstance').map((call) => call.input)).toEqual([
      { DBInstanceIdentifier: TARGET, ManageMasterUserPassword: true, MasterUserSecretKmsKeyId: 'alias/shop-rds-eu-west-1', ApplyImmediately: true },
    ]);
    expect(fake.calls.filter((call) => /^(Restore|Delete)/.test(call.command))).toEqual([]);
    expect(result.stdout).toContain(`Restored ${TARGET} in`);
    expect(result.stdout).toContain(`the restore point is 302400s before ${OLD}`);
  });

  it('a restore job that FAILS is reported with its status message and exit 1; nothing is deleted', async () => {
    backup.outcomes.set(TARGET, { status: 'FAILED', message: 'DB subnet group shop-orders does not cover 2 AZs' });
    const result = await restore('orders', '--to', OLD, '--execute', '--yes');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('ended FAILED: DB subnet group shop-orders does not cover 2 AZs');
    expect(result.stdout).toContain(`What exists: nothing under ${TARGET} in eu-west-1 (restore job restore-job-1); nothing was deleted.`);
    // A rerun does not start a second job: it says what the first one left.
    const again = await restore('orders', '--to', OLD, '--execute', '--yes');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`an earlier restore job restore-job-1 of ${POINT_40} into ${TARGET} ended FAILED: DB subnet group shop-orders does not cover 2 AZs`);
    expect(again.stderr).toContain(`What exists: nothing under ${TARGET} in eu-west-1`);
    expect(backup.callsOf('StartRestoreJob')).toHaveLength(1);
  });

  it('resumes after an interruption: the rerun finds its restore job and polls it instead of starting another', async () => {
    backup.inject('DescribeRestoreJob', failTimes(1, () => rdsError('InternalFailure', 'connection reset', 500)));
    const first = await restore('orders', '--to', OLD, '--execute', '--yes');
    expect(first.code).toBe(2);
    expect(fake.instanceState(TARGET)?.status).toBe('creating');
    const second = await restore('orders', '--to', OLD, '--execute', '--yes');
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`Resuming: ${TARGET} exists (creating), created by an earlier run of this restore (AWS Backup restore job restore-job-1, PENDING).`);
    expect(backup.callsOf('StartRestoreJob')).toHaveLength(1);
    expect(fake.tagsOf(TARGET)).toMatchObject({ 'lifeboat:restore-source': POINT_40 });
  });

  it('refuses a target id that exists and is not this restore (exit 1), starting no job', async () => {
    fake.addInstance(TARGET, { team: 'someone-else' });
    const result = await restore('orders', '--to', OLD, '--execute', '--yes');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${TARGET} already exists in eu-west-1 and is not a restore of shop-orders`);
    expect(backup.callsOf('StartRestoreJob')).toEqual([]);
  });

  it('a plan without the store vault or role refuses a recovery point, naming what is missing (exit 2)', async () => {
    const plan = examplePlan();
    store(plan, 'orders').names.awsBackup = null;
    writePlan(plan);
    const result = await restore('orders', '--to', POINT_40);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the plan names no AWS Backup vault and service role for orders (stores[].names.awsBackup.vault and .role');
    store(plan, 'orders').awsBackup = null;
    writePlan(plan);
    // Without AWS Backup in the plan an awsbackup: snapshot is still an RDS snapshot; a Backup recovery point ARN is not.
    const none = await restore('orders', '--to', 'arn:aws:backup:eu-west-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('orders has no AWS Backup in the plan (stores[].awsBackup)');
    expect(backup.calls).toEqual([]);
  });

  it('Aurora in the DR region: a copy in the DR vault restores there with the DR subnets, key and parameter group; throttling is retried', async () => {
    fake.addSourceCluster('shop-ledger');
    backup.addVault('eu-central-1', 'shop-ledger');
    const copy = backup.addRecoveryPoint('eu-central-1', 'shop-ledger', { id: 'copyjob-ledger', resourceArn: LEDGER_ARN, ageMs: 30 * DAY, metadata: { Engine: 'aurora-postgresql', DBClusterParameterGroupName: 'shop-ledger-global-rpo' } });
    backup.inject('StartRestoreJob', failTimes(2, throttling));
    backup.inject('DescribeRecoveryPoint', failTimes(1, throttling));
    const result = await restore('ledger', '--to', copy, '--execute', '--yes');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const target = 'shop-ledger-dr-restore-20261125t1200';
    const accepted = backup.callsOf('StartRestoreJob').filter((call) => !call.error);
    expect(accepted.map((call) => call.region)).toEqual(['eu-central-1']);
    expect(accepted[0]?.input.Metadata).toEqual({
      Engine: 'aurora-postgresql',
      DBClusterIdentifier: target,
      DBSubnetGroupName: 'shop-ledger-dr',
      VpcSecurityGroupIds: '["sg-0f1e2d3c4b5a69788"]',
      KmsKeyId: 'alias/shop-rds-eu-central-1',
      // The primary's parameter group is regional: the DR one Terraform sets on the secondary replaces it.
      DBClusterParameterGroupName: 'shop-ledger-dr-global-rpo',
      DeletionProtection: 'true',
      CopyTagsToSnapshot: 'true',
    });
    expect(fake.callsOf('CreateDBSubnetGroup').map((call) => [call.region, call.input.DBSubnetGroupName])).toEqual([['eu-central-1', 'shop-ledger-dr']]);
    expect(fake.callsOf('CreateDBInstance').map((call) => [call.region, call.input.DBInstanceIdentifier])).toEqual([['eu-central-1', `${target}-1`]]);
    expect(fake.callsOf('ModifyDBCluster').map((call) => call.input.MasterUserSecretKmsKeyId)).toEqual(['alias/shop-rds-eu-central-1']);
  });

  it('Aurora: AWS Backup restores the cluster with the plan key and parameter group, then the cluster instance is created', async () => {
    fake.addSourceCluster('shop-ledger');
    backup.addVault('eu-west-1', 'shop-ledger');
    const point = backup.addRecoveryPoint('eu-west-1', 'shop-ledger', {
      id: 'job-ledger',
      resourceArn: LEDGER_ARN,
      ageMs: 30 * DAY,
      metadata: { DBClusterIdentifier: 'shop-ledger', Engine: 'aurora-postgresql', EngineVersion: '16.4', AvailabilityZones: '["eu-west-1a","eu-west-1b"]', Port: '5432', KmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/old' },
    });
    const result = await restore('ledger', '--to', point, '--execute', '--yes');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const target = 'shop-ledger-restore-20261125t1200';
    expect(backup.callsOf('StartRestoreJob')[0]?.input).toMatchObject({
      ResourceType: 'Aurora',
      IamRoleArn: 'arn:aws:iam::123456789012:role/shop-ledger-backup',
      Metadata: {
        DBClusterIdentifier: target,
        Engine: 'aurora-postgresql',
        EngineVersion: '16.4',
        KmsKeyId: 'alias/shop-rds-eu-west-1',
        DBClusterParameterGroupName: 'shop-ledger-global-rpo',
        DBSubnetGroupName: 'shop-ledger',
        DeletionProtection: 'true',
      },
    });
    expect(backup.callsOf('StartRestoreJob')[0]?.input.Metadata).not.toHaveProperty('AvailabilityZones');
    expect(fake.callsOf('CreateDBInstance').map((call) => call.input)).toEqual([expect.objectContaining({ DBInstanceIdentifier: `${target}-1`, DBClusterIdentifier: target, Engine: 'aurora-postgresql' })]);
    expect(fake.callsOf('ModifyDBCluster').map((call) => call.input.MasterUserSecretKmsKeyId)).toEqual(['alias/shop-rds-eu-west-1']);
  });
});
