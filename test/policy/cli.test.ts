import 'cdktf/lib/testing/adapters/jest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { runCheck } from '../../src/cli/check';
import type { CommandOutput } from '../../src/cli/output';
import { InsecureStack } from './fixtures/insecure-stack';
import { CLEAN_FIXTURE, cleanDocument, resource } from './helpers';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function check(...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const output: CommandOutput = { out: (text) => void (stdout += text), err: (text) => void (stderr += text) };
  const code = await runCheck(argv, output);
  return { code, stdout, stderr };
}

interface JsonReport {
  summary: { findings: number; errors: number; warnings: number; suppressed: number };
  findings: Array<{ ruleId: string; address: string; stack: string; constructPath?: string; fix: string; message: string }>;
  suppressed: Array<{ ruleId: string; address: string; suppression: { reason: string; source: string } }>;
  unusedSuppressions: Array<{ rule: string; source: string }>;
}

const pairs = (report: JsonReport) => report.findings.map((found) => `${found.ruleId} ${found.address}`);

/** Every mistake written into InsecureStack, as `<rule> <address>`. */
const EXPECTED_INSECURE = [
  'cloudwatch-alarm-actions aws_cloudwatch_metric_alarm.cpu',
  'prevent-destroy aws_db_instance.db',
  'rds-backup-retention aws_db_instance.db',
  'rds-deletion-protection aws_db_instance.db',
  'rds-final-snapshot aws_db_instance.db',
  'rds-not-public aws_db_instance.db',
  'rds-retain-automated-backups aws_db_instance.db',
  'rds-storage-encrypted aws_db_instance.db',
  'iam-no-wildcard-admin aws_iam_role_policy.ops-admin',
  'iam-rds-destructive-conditioned aws_iam_role_policy.ops-rds',
  'kms-key-rotation aws_kms_key.key',
  'prevent-destroy aws_kms_key.key',
  's3-public-access-block aws_s3_bucket.scratch',
  's3-sse-kms aws_s3_bucket.scratch',
  's3-tls-only aws_s3_bucket.scratch',
  's3-versioning-enabled aws_s3_bucket.scratch',
  'no-force-destroy aws_s3_bucket.uploads',
  'prevent-destroy aws_s3_bucket.uploads',
  's3-public-access-block aws_s3_bucket.uploads',
  's3-replication-configured aws_s3_bucket.uploads',
  's3-sse-kms aws_s3_bucket.uploads',
  's3-tls-only aws_s3_bucket.uploads',
  's3-versioning-enabled aws_s3_bucket.uploads',
  'sg-no-public-ingress aws_security_group.db-sg',
];

const temporaryDirectories: string[] = [];
function temporaryDirectory(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-policy-'));
  temporaryDirectories.push(directory);
  return directory;
}
function writeJson(directory: string, name: string, value: unknown): string {
  const file = path.join(directory, name);
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

/** A Testing.app() whose outdir (a cdktf.outdir.* folder in the temp dir) is removed after the tests. */
function trackedApp() {
  const app = Testing.app();
  temporaryDirectories.push(app.outdir);
  return app;
}

let cdktfOut: string;
beforeAll(() => {
  // fullSynth writes what `cdktf synth` writes (cdktf.out with manifest.json and construct metadata).
  cdktfOut = Testing.fullSynth(new InsecureStack(trackedApp(), 'insecure'));
  temporaryDirectories.push(cdktfOut);
});
afterAll(() => {
  for (const directory of temporaryDirectories) fs.rmSync(directory, { recursive: true, force: true });
});

describe('lifeboat check on a hand-written insecure cdktf stack', () => {
  it('reports every planted mistake, lists the suppressed one, and exits 1', async () => {
    const run = await check(cdktfOut, '--format', 'json');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(pairs(report)).toEqual(EXPECTED_INSECURE);
    expect(report.findings.every((found) => found.stack === 'insecure')).toBe(true);
    expect(report.findings.find((found) => found.address === 'aws_db_instance.db')?.constructPath).toBe('insecure/db');
    expect(report.suppressed).toEqual([
      expect.objectContaining({
        ruleId: 's3-replication-configured',
        address: 'aws_s3_bucket.scratch',
        suppression: { reason: 'Scratch space for CI; rebuilt from source on loss.', source: 'insecure: aws_s3_bucket.scratch "//".lifeboat.suppress[0]' },
      }),
    ]);
    expect(report.summary).toEqual({ findings: 24, errors: 24, warnings: 0, suppressed: 1 });
  });

  it('reads a single synthesized cdk.tf.json too (Testing.synth drops the // metadata, so the suppression is gone)', async () => {
    const synthesized = Testing.synth(new InsecureStack(trackedApp(), 'insecure'));
    const file = writeJson(temporaryDirectory(), 'cdk.tf.json', synthesized);
    const run = await check(file, '--format', 'json');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(pairs(report)).toEqual([...EXPECTED_INSECURE, 's3-replication-configured aws_s3_bucket.scratch'].sort(byAddressThenRule));
    expect(report.suppressed).toEqual([]);
  });

  it('prints a table naming the rule, the resource, its construct and the fix', async () => {
    const run = await check(cdktfOut);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('error       rds-final-snapshot               aws_db_instance.db\n    construct: insecure/db\n');
    expect(run.stdout).toContain('    fix: Set skip_final_snapshot = false and a deterministic final_snapshot_identifier');
    expect(run.stdout).toContain('suppressed  s3-replication-configured        aws_s3_bucket.scratch');
    expect(run.stdout).toContain('    suppressed: Scratch space for CI; rebuilt from source on loss.');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('24 finding(s) (24 error(s), 0 warning(s)), 1 suppressed, 24 rule(s) run.');
  });

  it('runs only the requested packs', async () => {
    const run = await check(cdktfOut, '--format', 'json', '--pack', 'network,iam');
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(pairs(report)).toEqual([
      'rds-not-public aws_db_instance.db',
      'iam-no-wildcard-admin aws_iam_role_policy.ops-admin',
      'iam-rds-destructive-conditioned aws_iam_role_policy.ops-rds',
      's3-public-access-block aws_s3_bucket.scratch',
      's3-public-access-block aws_s3_bucket.uploads',
      'sg-no-public-ingress aws_security_group.db-sg',
    ]);
  });

  it('applies a suppressions file, lists what it suppressed and reports entries that matched nothing', async () => {
    const file = writeJson(temporaryDirectory(), 'lifeboat-policy.json', {
      version: 1,
      suppressions: [
        { rule: 'sg-no-public-ingress', address: 'aws_security_group.db-sg', reason: 'Demo database behind a VPN appliance.' },
        { rule: 'prevent-destroy', constructPath: 'insecure/*', reason: 'Throw-away sandbox account.' },
        { rule: 'kms-key-rotation', address: 'aws_kms_key.renamed', reason: 'Stale entry.' },
      ],
    });
    const run = await check(cdktfOut, '--format', 'json', '--suppressions', file);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    const suppressedPairs = report.suppressed.map((found) => `${found.ruleId} ${found.address}`);
    expect(suppressedPairs).toEqual([
      'prevent-destroy aws_db_instance.db',
      'prevent-destroy aws_kms_key.key',
      's3-replication-configured aws_s3_bucket.scratch',
      'prevent-destroy aws_s3_bucket.uploads',
      'sg-no-public-ingress aws_security_group.db-sg',
    ]);
    expect(pairs(report)).not.toContain('sg-no-public-ingress aws_security_group.db-sg');
    expect(report.unusedSuppressions.map((unused) => unused.source)).toEqual([`${file}: suppressions[2]`]);
  });

  it('exits 0 once every finding is suppressed', async () => {
    const file = writeJson(temporaryDirectory(), 'lifeboat-policy.json', {
      version: 1,
      suppressions: [...new Set(EXPECTED_INSECURE.map((pair) => pair.split(' ')[0]))].map((rule) => ({
        rule,
        address: '*',
        reason: 'Fixture for the exit-code test.',
      })),
    });
    const run = await check(cdktfOut, '--suppressions', file);
    expect(run.code).toBe(0);
  });
});

describe('lifeboat check input handling', () => {
  it('exits 0 on the clean fixture', async () => {
    const run = await check(CLEAN_FIXTURE);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('0 finding(s) (0 error(s), 0 warning(s)), 0 suppressed, 24 rule(s) run.\n');
  });

  it('rejects a suppression without a reason (exit 2), naming where it is', async () => {
    const file = writeJson(temporaryDirectory(), 'lifeboat-policy.json', {
      version: 1,
      suppressions: [{ rule: 'rds-not-public', address: 'aws_db_instance.db', reason: '   ' }, { rule: 'no-such-rule', address: '*', reason: 'x' }],
    });
    const run = await check(cdktfOut, '--suppressions', file);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `lifeboat check: ${file}: suppressions[0]: reason is required: say why this finding is acceptable\n` +
        `lifeboat check: ${file}: suppressions[1]: unknown rule "no-such-rule" (run "lifeboat check --list-rules")\n`,
    );
  });

  it('rejects a resource-level suppression without a reason (exit 2)', async () => {
    const doc = cleanDocument();
    const meta = resource(doc, 'aws_db_instance', 'orders')['//'] as Record<string, unknown>;
    meta.lifeboat = { suppress: [{ rule: 'rds-not-public' }] };
    const file = writeJson(temporaryDirectory(), 'cdk.tf.json', doc);
    const run = await check(file);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'lifeboat check: lifeboat: aws_db_instance.orders "//".lifeboat.suppress[0]: reason is required: say why this finding is acceptable\n',
    );
  });

  it('reports unreadable input with exit 2', async () => {
    const directory = temporaryDirectory();
    const broken = writeJson(directory, 'broken.json', '{ "resource": ');
    expect((await check(broken)).code).toBe(2);
    expect((await check(broken)).stderr).toMatch(/^lifeboat check: .*broken\.json: invalid JSON: /);
    expect((await check(path.join(directory, 'missing.json'))).stderr).toContain('missing.json: no such file or directory');
    const empty = temporaryDirectory();
    expect((await check(empty)).stderr).toContain('no synthesized stacks found');
  });

  it('refuses JSON that is not synthesized Terraform (exit 2), saying what it expected', async () => {
    const root = path.join(__dirname, '..', '..');
    const packageJson = await check(path.join(root, 'package.json'));
    expect(packageJson.code).toBe(2);
    expect(packageJson.stdout).toBe('');
    expect(packageJson.stderr).toContain('package.json: not synthesized Terraform JSON: unexpected top-level keys "name", "version"');
    expect(packageJson.stderr).toContain('expected a cdk.tf.json file or a cdktf.out directory written by "cdktf synth"');
    const requirements = await check(path.join(root, 'examples', 'backup_requirements.json'));
    expect(requirements.code).toBe(2);
    expect(requirements.stderr).toContain('this looks like backup requirements: run "lifeboat validate" or "lifeboat plan" on it, or synthesize it first');
    const directory = temporaryDirectory();
    const cases: Array<[unknown, string]> = [
      [{}, 'it has no Terraform blocks'],
      [[{ resource: {} }], 'the file holds an array, not an object of Terraform blocks'],
      [{ resource: { aws_s3_bucket: 'docs' } }, '"resource.aws_s3_bucket" must be an object of named blocks'],
      [{ data: { aws_iam_policy_document: { admin: ['statement'] } } }, '"data.aws_iam_policy_document.admin" must be an object of arguments'],
    ];
    for (const [index, [content, message]] of cases.entries()) {
      const run = await check(writeJson(directory, `case-${index}.json`, content));
      expect([run.code, run.stderr]).toEqual([2, expect.stringContaining(message)]);
    }
    // A valid stack beside an invalid one: still exit 2, and no report that could pass for a clean result.
    const mixed = await check(CLEAN_FIXTURE, path.join(root, 'package.json'));
    expect([mixed.code, mixed.stdout]).toEqual([2, '']);
  });

  it('rejects bad usage with exit 2 and prints help on --help', async () => {
    expect((await check()).code).toBe(2);
    const badFormat = await check(CLEAN_FIXTURE, '--format', 'yaml');
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('--format must be table or json, not "yaml"');
    const badPack = await check(CLEAN_FIXTURE, '--pack', 'cost');
    expect(badPack.stderr).toContain('unknown pack cost (known: data-protection, encryption, network, iam)');
    expect((await check(CLEAN_FIXTURE, '--frobnicate')).code).toBe(2);
    const help = await check('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: lifeboat check');
  });

  it('lists every rule with its pack', async () => {
    const run = await check('--list-rules');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^rds-final-snapshot +data-protection +error\n {4}Destroying an aws_db_instance/m);
    expect(run.stdout.match(/^\S/gm)).toHaveLength(24);
  });
});

function byAddressThenRule(a: string, b: string): number {
  const [ruleA, addressA] = a.split(' ') as [string, string];
  const [ruleB, addressB] = b.split(' ') as [string, string];
  return addressA < addressB ? -1 : addressA > addressB ? 1 : ruleA < ruleB ? -1 : ruleA > ruleB ? 1 : 0;
}
