/**
 * docs/operations.md is generated here: an incident walked through with the four operator commands, each run
 * against the stateful fakes (RDS, CloudWatch, S3, AWS Backup, STS, Secrets Manager) and, for the restore's checks,
 * the real test PostgreSQL. The test fails when the document no longer matches what the commands print; rewrite it
 * with `LIFEBOAT_WRITE_DOCS=1 npx jest test/ops/operations-doc.db.test.ts`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { runCheckpoint } from '../../src/cli/checkpoint';
import { runFailover } from '../../src/cli/failover';
import type { CommandOutput } from '../../src/cli/output';
import { runRestore } from '../../src/cli/restore';
import { runStatus } from '../../src/cli/status';
import { planBackups } from '../../src/plan';
import type { DatabaseStorePlan } from '../../src/plan/types';
import { loadRequirements } from '../../src/spec/requirements';
import { createPostgresDatabase, postgresCaPem, type TestDatabase } from '../support/databases';
import { FakeBackup } from '../support/fake-backup';
import { FakeIdentityAndSecrets } from '../support/fake-identity';
import { FakeAws } from '../support/fake-rds';
import { FakeS3AndBackup } from '../support/fake-s3-backup';

const DOC = path.join(__dirname, '..', '..', 'docs', 'operations.md');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let db: TestDatabase;
let directory: string;

beforeAll(async () => {
  db = await createPostgresDatabase('ops_operations_doc');
  const client = new Client({ connectionString: db.url });
  await client.connect();
  await client.query(`create table public.orders (id int primary key, created_at timestamptz not null);
    create table public.order_lines (id int primary key, order_id int not null);
    insert into public.orders values (1, '2026-11-25T09:30:00Z'), (2, '2026-11-25T09:38:00Z');
    insert into public.order_lines values (1, 1), (2, 2);`);
  await client.end();
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-operations-doc-'));
  fs.writeFileSync(path.join(directory, 'ca.pem'), postgresCaPem());
  fs.writeFileSync(path.join(directory, 'backup_plan.json'), JSON.stringify(planBackups(loadRequirements('examples/backup_requirements.json'))));
});
afterAll(async () => {
  await db?.drop();
  fs.rmSync(directory, { recursive: true, force: true });
});

type Runner = (argv: string[], output: CommandOutput, environment: Record<string, unknown>) => Promise<number>;

it('docs/operations.md shows what the commands really print', async () => {
  const fake = new FakeAws({ start: new Date('2026-11-25T09:00:00Z'), endpoint: { host: 'localhost', port: db.port } });
  const identity = new FakeIdentityAndSecrets();
  const s3 = new FakeS3AndBackup();
  let backup: FakeBackup | undefined;
  identity.useCredentials(db.user, db.password);
  const environment = { sleep: fake.clock.sleep, now: () => fake.clock.now(), isTTY: false };
  const planArgs = ['--plan', path.join(directory, 'backup_plan.json')];
  /** Runs a command as a person types it (shown), with the test-only plan and TLS arguments appended (not shown). */
  const run = async (runner: Runner, shown: string, hidden: string[] = []): Promise<string> => {
    let text = '';
    const output: CommandOutput = { out: (chunk) => void (text += chunk), err: (chunk) => void (text += chunk) };
    const words = shown.split(' ').slice(2);
    const code = await runner([...words, ...planArgs, ...hidden], output, environment);
    expect(text).not.toContain(db.password);
    expect(text).not.toContain(String(db.port));
    // Four backticks: the output holds the runbook's own three-backtick blocks.
    return ['````console', `$ ${shown}`, text.trimEnd(), `$ echo $?`, String(code), '````'].join('\n');
  };
  try {
    fake.addSourceInstance('shop-orders', { restorableLagMs: MINUTE });
    fake.setSettings('shop-orders', { BackupRetentionPeriod: 14, MultiAZ: true, DeletionProtection: true });
    const orders = planBackups(loadRequirements('examples/backup_requirements.json')).stores.find((store) => store.id === 'orders') as DatabaseStorePlan;
    fake.addAutomatedBackups('arn:aws:rds:eu-central-1:123456789012:auto-backup:ab-orders', 'shop-orders', 'replicating', 3 * MINUTE, { retentionDays: orders.crossRegionBackupReplication?.retentionDays });
    fake.addSnapshot('rds:shop-orders-2026-11-25-03-05', 'shop-orders', { ageMs: 6 * HOUR });
    fake.metricHistory.set('RestoreSeconds/orders', [1180, 1420, 1260, 1310]);
    // The verification runs' evidence records, in the evidence bucket, and the metrics they published.
    s3.addEvidenceBucket('shop-evidence-eu-central-1', 'eu-central-1');
    s3.addVerificationRun('shop-evidence-eu-central-1', { store: 'orders', region: 'eu-central-1', source: 'shop-orders', endedAt: new Date('2026-11-25T02:00:00Z'), restoreSeconds: 1310, dataLagSeconds: 42 });
    fake.setRecentMetric('VerificationSucceeded', 'orders', 1, 7 * HOUR);
    fake.setRecentMetric('RestoreSeconds', 'orders', 1310, 7 * HOUR);
    fake.setRecentMetric('DataLagSeconds', 'orders', 42, 7 * HOUR);
    fake.addGlobalCluster('shop-ledger-global', 'shop-ledger', 'shop-ledger-dr', 'aurora-postgresql', { deletionProtection: true });
    fake.setSettings('shop-ledger', { BackupRetentionPeriod: 35, DeletionProtection: true });
    fake.setSettings('shop-ledger-dr', { BackupRetentionPeriod: 35, DeletionProtection: true });
    fake.addClusterInstance('shop-ledger', 'shop-ledger');
    fake.addClusterInstance('shop-ledger-1', 'shop-ledger');
    fake.addSnapshot('rds:shop-ledger-2026-11-25-03-10', 'shop-ledger', { kind: 'cluster', ageMs: 6 * HOUR });
    s3.addVerificationRun('shop-evidence-eu-central-1', { store: 'ledger', region: 'eu-west-1', source: 'shop-ledger', endedAt: new Date('2026-11-25T08:30:00Z'), restoreSeconds: 1080, dataLagSeconds: 12 });
    fake.setRecentMetric('VerificationSucceeded', 'ledger', 1, 3 * HOUR);
    fake.setRecentMetric('RestoreSeconds', 'ledger', 1080, 3 * HOUR);
    fake.setRecentMetric('DataLagSeconds', 'ledger', 12, 3 * HOUR);
    fake.setRecentMetric('AuroraGlobalDBReplicationLag', 'shop-ledger-dr', 850);
    const plan = JSON.parse(fs.readFileSync(path.join(directory, 'backup_plan.json'), 'utf8')) as { stores: { alarms: { alarmName: string }[] }[] };
    for (const store of plan.stores) for (const alarm of store.alarms) fake.alarmStates.set(alarm.alarmName, 'OK');

    const statusBefore = await run(runStatus as Runner, 'lifeboat status --store orders');
    const checkpoint = await run(runCheckpoint as Runner, 'lifeboat checkpoint orders --label pre-migration-42 --copy-to-dr --wait --execute --yes');
    fake.clock.advance(HOUR + 5 * MINUTE - (fake.clock.now().getTime() - new Date('2026-11-25T09:00:00Z').getTime()));
    const restoreDry = await run(runRestore as Runner, 'lifeboat restore orders --to 2026-11-25T09:41:00Z', ['--database', db.name, '--ca-bundle', path.join(directory, 'ca.pem')]);
    const restore = await run(runRestore as Runner, 'lifeboat restore orders --to 2026-11-25T09:41:00Z --execute --yes', ['--database', db.name, '--ca-bundle', path.join(directory, 'ca.pem')]);

    // 11:30: eu-west-1 is down. The secondary stops receiving, the lag metric goes silent, its alarm (missing data is
    // breaching) fires.
    fake.clock.advance(11.5 * HOUR - (fake.clock.now().getTime() - new Date('2026-11-25T00:00:00Z').getTime()));
    fake.setRecentMetric('AuroraGlobalDBReplicationLag', 'shop-ledger-dr', 850, 25 * MINUTE);
    fake.alarmStates.set('shop-ledger-global-replication-lag', 'ALARM');
    const statusOutage = await run(runStatus as Runner, 'lifeboat status --store ledger');
    const failoverRefused = await run(runFailover as Runner, 'lifeboat failover ledger --unplanned');
    const failover = await run(runFailover as Runner, 'lifeboat failover ledger --unplanned --max-data-loss 1m --execute --yes');

    // Weeks later: data from before the point-in-time window, in the AWS Backup vault. (The status fake's AWS Backup
    // mock steps aside for the restore fake's recovery points and restore jobs.)
    s3.backup.restore();
    backup = new FakeBackup(fake);
    fake.addSourceInstance('shop-billing', { engine: 'mysql' });
    backup.addVault('eu-west-1', 'shop-billing');
    for (const day of ['2026-10-12', '2026-10-19', '2026-10-26']) {
      backup.addRecoveryPoint('eu-west-1', 'shop-billing', {
        id: `job-${day}`,
        resourceArn: 'arn:aws:rds:eu-west-1:123456789012:db:shop-billing',
        ageMs: fake.clock.now().getTime() - new Date(`${day}T05:00:00Z`).getTime(),
        metadata: { DBInstanceIdentifier: 'shop-billing', Engine: 'mysql', AvailabilityZone: 'eu-west-1b', Port: '3306', StorageType: 'gp3', DBParameterGroupName: 'default.mysql8.0' },
      });
    }
    const restoreBackup = await run(runRestore as Runner, 'lifeboat restore billing --to 2026-10-20T18:00:00Z');

    const doc = [
      '# Operating Lifeboat: an incident with the four commands',
      '',
      '<!-- Generated by test/ops/operations-doc.db.test.ts from real runs of the commands against the test fakes',
      '     (RDS, CloudWatch, S3, AWS Backup) and a real PostgreSQL; the test fails when this file is stale. -->',
      '',
      'Lifeboat knows every identifier, window, key and objective of your stores from `backup_plan.json`, so in an',
      'incident it runs the procedure itself: it checks first, names what it will create or change, acts only with',
      '`--execute` (and `--yes` where there is no terminal), tags what it creates, never deletes, and says what it did.',
      'Every command reads the plan (`--plan`, default `backup_plan.json`, or a requirements file planned on the fly),',
      'uses the standard AWS credential chain, prints a table on a terminal or JSON with `--format json`, and exits',
      '0 (done), 1 (refused, or an objective or check failed) or 2 (error). The same steps are in `lifeboat runbook` as',
      '`aws` and `terraform` commands, for when Lifeboat itself cannot run.',
      '',
      'The example stack below is `examples/backup_requirements.json`: `orders` (RDS PostgreSQL, Multi-AZ, automated',
      'backups replicated to eu-central-1) and `ledger` (Aurora PostgreSQL global database, RPO 30 s in the region scope).',
      '',
      '## 09:00: before a risky migration',
      '',
      'The pipeline asks whether `orders` is recoverable right now. `lifeboat status` shows, per failure scope, the',
      'objective, the design figure and what AWS measures now, the last verification run, alarms in ALARM, and every',
      'live setting that drifted from the plan; it exits 1 when any of them fails, so a pipeline can stop here. The',
      'last verification comes from its evidence record in the evidence bucket, compared with the CloudWatch metrics',
      'the alarms watch: a record that cannot be read, was changed, or disagrees with CloudWatch fails the status too.',
      '',
      statusBefore,
      '',
      'Then it takes a checkpoint: a manual snapshot tagged with the store, the label, who (the STS caller) and when,',
      'copied to the DR region with the DR-region key. `--wait` shows progress until both are available.',
      '',
      checkpoint,
      '',
      '## 10:05: the migration deleted the wrong rows',
      '',
      'The damage started at 09:42. A dry run checks that 09:41 lies inside the restore window, names the new',
      'instance, lists the settings it takes from the plan and estimates the time from the measured verification',
      'restores. Nothing changes:',
      '',
      restoreDry,
      '',
      'With `--execute` it restores into the new instance (never over the source), waits, gives it a master-user',
      'secret encrypted with the store key, runs the store\'s verification checks over TLS against it, and reports',
      'the time it took and the restore point\'s data lag. It then prints how to switch traffic: those steps rename',
      'databases and reconcile Terraform state, so a person runs them.',
      '',
      restore,
      '',
      '## 11:30: eu-west-1 is down',
      '',
      'The global database\'s lag metric has gone silent and its alarm fires (missing data counts as breaching):',
      '',
      statusOutage,
      '',
      'An unplanned failover loses what had not replicated. Lifeboat measures the lag first and refuses when it is',
      'above the region RPO, or, as here, unknown:',
      '',
      failoverRefused,
      '',
      'The engineer accepts up to a minute of lost writes. The failover runs, waits until the global cluster\'s',
      '`FailoverState` clears (the clusters report `available` long before), reports the data-loss window, and prints',
      'the steps to fail back once eu-west-1 is healthy:',
      '',
      failover,
      '',
      '## Weeks later: the data as of 20 October',
      '',
      'An auditor needs `billing` as it was on 2026-10-20 at 18:00, long before the 35-day point-in-time window.',
      'Its long-term copies are AWS Backup recovery points (the vault `shop-billing`, copied to eu-central-1). Lifeboat',
      'takes the newest recovery point (or snapshot) made at or before the time and says how much earlier it is; a time older than',
      'every source is refused with the oldest restorable time of each. With `--execute` it restores through AWS',
      'Backup (`StartRestoreJob` with the plan\'s settings and the plan\'s AWS Backup role), polls the restore job',
      'until it is COMPLETED (a FAILED job exits 1 with its message), tags the new instance and carries on as above;',
      'a rerun finds the job it started and waits for it instead of starting another. `--to <recovery point ARN>`',
      'restores one recovery point, `--region dr` the copies in the DR vault.',
      '',
      restoreBackup,
      '',
    ].join('\n');
    if (process.env.LIFEBOAT_WRITE_DOCS === '1') fs.writeFileSync(DOC, doc);
    expect(fs.readFileSync(DOC, 'utf8')).toBe(doc);
  } finally {
    fake.restore();
    identity.restore();
    if (backup) backup.restore();
    else s3.restore();
    if (backup) s3.s3.restore();
  }
});
