/**
 * The runbook problems found by checking every step against the AWS documentation and the synthesized Terraform,
 * each pinned on the rendered runbook (what a person pastes). test/ops/procedures.test.ts pins the same on the model.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stackAddresses } from '../../src/ops/terraform';
import { renderRunbooks } from '../../src/runbook';
import { awsCommands, fixturePlan, planWithDrReplica } from './helpers';

const TIME = '2026-11-25T09:41:00Z';
const STAMP = '20261125t0941';
const addresses = stackAddresses(JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'cdk.tf.json'), 'utf8')), 'cdktf.out/stacks/shop');

function runbook(id: string, options: Parameters<typeof renderRunbooks>[1] = { restoreTime: TIME, addresses }, plan = fixturePlan()): string {
  const file = renderRunbooks(plan, options).find((candidate) => candidate.path === `${id}.md`);
  if (!file) throw new Error(`no runbook for ${id}`);
  return file.content;
}

/** The shell code blocks of a Markdown document. */
function blocks(markdown: string): string[] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)\n```/g)].map((match) => match[1] as string);
}

/** The Markdown from a heading that starts with `title` to the next heading of the same or a higher level. */
function section(markdown: string, title: string): string {
  const lines = markdown.split('\n');
  const level = (/^#+/.exec(title) as RegExpExecArray)[0].length;
  const start = lines.findIndex((line) => line.startsWith(title));
  if (start === -1) throw new Error(`no section ${title}`);
  let fenced = false;
  let end = lines.length;
  for (let index = start + 1; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.startsWith('```')) fenced = !fenced;
    const heading = /^(#+) /.exec(line);
    if (!fenced && heading && (heading[1] as string).length <= level) {
      end = index;
      break;
    }
  }
  return lines.slice(start, end).join('\n');
}

function flags(block: string, operation: string): string[][] {
  return awsCommands(block).filter((words) => words[2] === operation);
}

const MUTATING = /^(restore|modify|promote|failover|switchover|create|start|reset|remove|copy|delete)-/;

describe('the runbook problems, fixed', () => {
  it('Aurora restore: the cluster instances move in Terraform state too, so no deploy replaces the damaged cluster instances', () => {
    const switchSection = section(runbook('ledger'), '## 4. Switch traffic');
    expect(switchSection).toContain('terraform state rm aws_rds_cluster.lifeboat_stores_ledger_cluster_6DC0905C');
    expect(switchSection).toContain('terraform state rm aws_rds_cluster_instance.lifeboat_stores_ledger_writer_305E391A');
    expect(switchSection).toContain('terraform state rm aws_rds_cluster_instance.lifeboat_stores_ledger_reader-1_40DF464C');
    expect(switchSection).toContain('terraform import -input=false aws_rds_cluster_instance.lifeboat_stores_ledger_writer_305E391A shop-ledger');
    // The restored cluster's instance takes the writer's name, after the damaged writer has moved out of the way.
    const renames = flags(switchSection, 'modify-db-instance').map((words) => words[words.indexOf('--new-db-instance-identifier') + 1]);
    expect(renames).toEqual([`shop-ledger-damaged-${STAMP}`, `shop-ledger-1-damaged-${STAMP}`, 'shop-ledger']);
  });

  it('RDS restore: backup replication to the DR region starts for the restored instance and Terraform adopts it', () => {
    const switchSection = section(runbook('orders'), '## 4. Switch traffic');
    const [start] = flags(switchSection, 'start-db-instance-automated-backups-replication');
    expect(start).toEqual(expect.arrayContaining(['--source-db-instance-arn', 'arn:aws:rds:eu-west-1:${ACCOUNT_ID}:db:shop-orders', '--kms-key-id', 'alias/shop-rds-eu-central-1', '--backup-retention-period', '14']));
    expect(start?.slice(-2)).toEqual(['--region', 'eu-central-1']);
    expect(switchSection).toContain(
      'terraform import -input=false aws_db_instance_automated_backups_replication.lifeboat_stores_orders_backup-replication_C14DAA7B "${REPLICATED_BACKUPS_ARN}"',
    );
  });

  it('global database: switchover and failover --allow-data-loss never share a block, and the failover waits for FailoverState to clear', () => {
    const ledger = runbook('ledger');
    for (const block of blocks(ledger)) {
      expect(block.includes('switchover-global-cluster') && block.includes('failover-global-cluster')).toBe(false);
    }
    const failover = blocks(ledger).find((block) => block.includes('failover-global-cluster')) as string;
    expect(failover).toContain("GlobalClusters[0].[FailoverState.Status,GlobalClusterMembers[?IsWriter].DBClusterArn|[0]]");
    expect(failover).toContain("wait_for shop-ledger-global 'None *:cluster:shop-ledger-dr'");
    expect(ledger).not.toContain('wait db-cluster-available');
  });

  it('ledger: the restore takes the rds.global_db_rpo parameter group, and "DR region down" resets that parameter', () => {
    const ledger = runbook('ledger');
    const [restore] = flags(ledger, 'restore-db-cluster-to-point-in-time');
    expect(restore).toEqual(expect.arrayContaining(['--db-cluster-parameter-group-name', 'shop-ledger-global-rpo']));
    const down = section(ledger, '### 5c. DR region down: every commit on the primary blocks');
    const [reset] = flags(down, 'reset-db-cluster-parameter-group');
    expect(reset).toEqual([
      'aws', 'rds', 'reset-db-cluster-parameter-group',
      '--db-cluster-parameter-group-name', 'shop-ledger-global-rpo',
      '--parameters', 'ParameterName=rds.global_db_rpo,ApplyMethod=immediate',
      '--region', 'eu-west-1',
    ]);
  });

  it('instance restores do not pass --manage-master-user-password (RDS for Oracle only); the secret follows with the store key', () => {
    for (const id of ['orders', 'billing']) {
      const markdown = runbook(id);
      for (const operation of ['restore-db-instance-to-point-in-time', 'restore-db-instance-from-db-snapshot']) {
        for (const words of flags(markdown, operation)) expect(words).not.toContain('--manage-master-user-password');
      }
      const secrets = flags(markdown, 'modify-db-instance').filter((words) => words.includes('--manage-master-user-password'));
      expect(secrets.length).toBeGreaterThan(0);
      for (const words of secrets) expect(words[words.indexOf('--master-user-secret-kms-key-id') + 1]).toMatch(/^alias\/shop-rds-eu-(west|central)-1$/);
    }
  });

  it('renames are waited for under the new name tolerating "not found"; no block lacks set -e; no wait gives up at 30 minutes', () => {
    for (const plan of [fixturePlan(), planWithDrReplica()]) {
      for (const file of renderRunbooks(plan, { restoreTime: TIME, addresses })) {
        expect(file.content).not.toMatch(/aws rds wait /);
        for (const block of blocks(file.content)) {
          const mutating = awsCommands(block).some((words) => MUTATING.test(words[2] ?? ''));
          if (mutating) expect(block.startsWith("bash -euo pipefail <<'STEPS'\n")).toBe(true);
          for (const words of awsCommands(block).filter((candidate) => candidate[2] === 'modify-db-instance' || candidate[2] === 'modify-db-cluster')) {
            const renamed = words[words.findIndex((word) => word.startsWith('--new-db-')) + 1];
            if (words.some((word) => word.startsWith('--new-db-'))) expect(block).toMatch(new RegExp(`wait_for "?${(renamed as string).replace(/[$]/g, '\\$')}"? `));
          }
          for (const timeout of block.matchAll(/^wait_for \S+ ('[^']*'|\S+) (\d+) /gm)) expect(Number(timeout[2])).toBeGreaterThanOrEqual(6 * 3600);
        }
      }
    }
    expect(runbook('orders')).toContain('*NotFound*) ;;');
  });

  it('every script block is valid shell', () => {
    for (const file of renderRunbooks(planWithDrReplica(), { addresses: null })) {
      for (const block of blocks(file.content)) {
        expect(() => execFileSync('bash', ['-n'], { input: block, stdio: ['pipe', 'pipe', 'pipe'] })).not.toThrow();
      }
    }
  });

  it('verify runs the freshness check, checks MySQL tables by schema and name, and compares over verified TLS', () => {
    const orders = section(runbook('orders'), '## 3. Verify the restored database');
    expect(orders).toContain('{"type":"freshness","table":"public.orders","column":"created_at","maxLagSeconds":900}');
    expect(orders).toContain('lifeboat verify-data --url');
    expect(orders).toMatch(/--source "postgres:\/\/.*\?sslmode=verify-full&sslrootcert=global-bundle.pem"/);
    expect(orders).toMatch(/--target "postgres:\/\/.*\?sslmode=verify-full&sslrootcert=global-bundle.pem"/);
    const billing = section(runbook('billing'), '## 3. Verify the restored database');
    expect(billing).toContain("where table_schema = 'billing' and table_name = 'invoices'");
    expect(billing).not.toContain("table_name = 'billing.invoices'");
  });

  it('S3 prefix restore: classifies keys from the history (delete markers, already current, archived) and runs one Batch Operations job', () => {
    const documents = section(runbook('audit-logs'), '### Every object under a prefix');
    expect(documents).toContain('aws s3control create-job');
    expect(documents).toContain('S3InitiateRestoreObject');
    expect(documents).not.toMatch(/while .*read/);
    expect(documents).toContain('7 years under the compliance lock: copy nothing twice');
    const program = /jq -r --arg t "[^"]+" '\n([\s\S]*?)' versions.json/.exec(documents)?.[1] as string;
    const versions = {
      Versions: [
        { Key: 'a', VersionId: 'a2', IsLatest: true, LastModified: '2026-11-25T10:00:00+00:00', StorageClass: 'STANDARD' },
        { Key: 'a', VersionId: 'a1', IsLatest: false, LastModified: '2026-11-25T09:00:00+00:00', StorageClass: 'STANDARD' },
        { Key: 'b', VersionId: 'b1', IsLatest: true, LastModified: '2026-11-20T09:00:00+00:00', StorageClass: 'STANDARD' },
        { Key: 'c', VersionId: 'c1', IsLatest: false, LastModified: '2026-11-20T09:00:00+00:00', StorageClass: 'DEEP_ARCHIVE' },
        { Key: 'd', VersionId: 'd1', IsLatest: true, LastModified: '2026-11-25T11:00:00+00:00', StorageClass: 'STANDARD' },
        { Key: 'e', VersionId: 'e1', IsLatest: false, LastModified: '2026-11-20T09:00:00+00:00', StorageClass: 'STANDARD' },
      ],
      DeleteMarkers: [
        { Key: 'c', VersionId: 'cdm', IsLatest: true, LastModified: '2026-11-25T10:00:00+00:00' },
        { Key: 'e', VersionId: 'edm', IsLatest: true, LastModified: '2026-11-24T10:00:00+00:00' },
      ],
    };
    const out = execFileSync('jq', ['-r', '--arg', 't', TIME, program], { input: JSON.stringify(versions) }).toString();
    expect(out.trim().split('\n')).toEqual(['copy\ta\ta1', 'already-current\tb\tb1', 'archived\tc\tc1', 'created-after\td\t', 'deleted-at-time\te\tedm']);
  });

  it('Terraform steps run terraform init first and name the exact addresses from cdk.tf.json', () => {
    for (const id of ['orders', 'ledger']) {
      const markdown = runbook(id);
      expect(markdown).not.toMatch(/ADDRESS_OF|state list/);
      for (const block of blocks(markdown).filter((candidate) => candidate.includes('terraform state'))) {
        expect(block.indexOf('terraform init')).toBeGreaterThan(-1);
        expect(block.indexOf('terraform init')).toBeLessThan(block.indexOf('terraform state'));
        expect(block).toContain('terraform plan -input=false -out=reconcile.tfplan');
        expect(block).toContain('index("delete")');
        for (const match of block.matchAll(/terraform (?:state rm|import -input=false) (\S+)/g)) expect(match[1]).toMatch(/^aws_[a-z_]+\.lifeboat_stores_[\w-]+$/);
      }
    }
    // Without cdk.tf.json the same rule runs at step time, in the stack directory.
    const generic = runbook('orders', { addresses: null });
    expect(generic).toContain('terraform state rm "$(tf_address aws_db_instance identifier shop-orders)"');
  });
});
