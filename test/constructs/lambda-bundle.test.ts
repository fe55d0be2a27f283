import 'cdktf/lib/testing/adapters/jest';
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BundledFunction } from '../../constructs/lambda-bundle';
import { bundleHandler, handlerEntry } from '../../scripts/bundle';
import { zipFiles } from '../../scripts/zip';
import { readZip } from '../support/zip';
import { cleanupTestApps, onlyResource, resourcesOfType, synthStack } from '../support/synth';

afterAll(cleanupTestApps);

/** Reads a zip the way the format specifies (end record -> central directory -> local headers), inflating each entry. */
describe('zipFiles', () => {
  it('writes a standard zip with fixed timestamps and permissions, the same bytes every time', () => {
    const files = [{ name: 'index.js', data: Buffer.from('hello world') }];
    const zip = zipFiles(files);
    expect(zipFiles(files).equals(zip)).toBe(true);
    const [entry] = readZip(zip);
    expect(entry.name).toBe('index.js');
    expect(entry.data.toString()).toBe('hello world');
    // CRC-32 of "hello world" (IEEE 802.3), the check value every unzip tool verifies.
    expect(entry.crc).toBe(0x0d4a1185);
    expect({ date: entry.date, time: entry.time }).toEqual({ date: 0x21, time: 0 });
    expect(entry.mode).toBe(0o100644);
  });
});

describe('bundleHandler', () => {
  it.each(['backup-age-probe', 'verify-replication', 'verify-restore'] as const)('bundles %s once per process into a zip whose code loads alone in a fresh Node.js process', (name) => {
    const first = bundleHandler({ entry: handlerEntry(name) });
    expect(bundleHandler({ entry: handlerEntry(name) })).toBe(first);
    const zip = fs.readFileSync(first.zipPath);
    expect(zip.length).toBe(first.zipBytes);
    expect(crypto.createHash('sha256').update(zip).digest('base64')).toBe(first.sourceCodeHash);
    const [entry] = readZip(zip);
    expect(entry.name).toBe('index.js');
    expect(entry.data.length).toBe(first.codeBytes);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-bundle-test-'));
    try {
      fs.writeFileSync(path.join(dir, 'index.js'), entry.data);
      const exported = execFileSync(process.execPath, ['-e', `process.stdout.write(typeof require(${JSON.stringify(path.join(dir, 'index.js'))}).handler)`], {
        encoding: 'utf8',
        // The bundle must not reach back into the repository's node_modules.
        cwd: dir,
        env: { PATH: process.env.PATH ?? '' },
      });
      expect(exported).toBe('function');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the same source_code_hash in a fresh process (no timestamps, paths or randomness in the zip)', () => {
    const here = bundleHandler({ entry: handlerEntry('backup-age-probe') });
    const script = `const { bundleHandler, handlerEntry } = require(${JSON.stringify(path.resolve(__dirname, '../../scripts/bundle'))});
process.stdout.write(bundleHandler({ entry: handlerEntry('backup-age-probe') }).sourceCodeHash);`;
    const elsewhere = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', cwd: path.resolve(__dirname, '../..') });
    expect(elsewhere).toBe(here.sourceCodeHash);
  });

  it('keeps the AWS SDK out of the bundle only when asked', () => {
    const bundled = bundleHandler({ entry: handlerEntry('verify-replication') });
    const external = bundleHandler({ entry: handlerEntry('verify-replication'), external: ['@aws-sdk/*'] });
    expect(external.codeBytes).toBeLessThan(bundled.codeBytes / 4);
    expect(external.sourceCodeHash).not.toBe(bundled.sourceCodeHash);
  });
});

describe('BundledFunction', () => {
  const base = {
    region: 'eu-west-1',
    functionName: 'shop-backup-age-probe',
    description: 'probe',
    handler: 'backup-age-probe' as const,
    policyStatements: [{ Sid: 'Describe', Effect: 'Allow' as const, Action: ['rds:DescribeDBInstances'], Resource: ['*'] }],
  };

  it('deploys nodejs22.x on arm64 with the bundle hash, after its log group and policy, writing only its own logs', () => {
    let fn: BundledFunction | undefined;
    const out = synthStack((stack) => {
      fn = new BundledFunction(stack, 'probe', { ...base, environment: { A: 'b' }, logRetentionDays: 90 });
    });
    const lambda = onlyResource(out, 'aws_lambda_function');
    expect(lambda).toMatchObject({
      region: 'eu-west-1',
      function_name: 'shop-backup-age-probe',
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      source_code_hash: fn!.bundle.sourceCodeHash,
      memory_size: 256,
      timeout: 60,
      environment: { variables: { A: 'b' } },
    });
    // The asset's folder is the MD5 of the zip's bytes (as cdktf names assets), so new code gets a new path.
    const md5 = crypto.createHash('md5').update(fs.readFileSync(fn!.bundle.zipPath)).digest('hex').toUpperCase();
    expect(lambda.filename).toMatch(new RegExp(`^assets/[^/]+/${md5}/backup-age-probe\\.zip$`));
    expect(lambda.vpc_config).toBeUndefined();
    expect(lambda.reserved_concurrent_executions).toBeUndefined();
    const logGroupName = Object.keys(resourcesOfType(out, 'aws_cloudwatch_log_group'))[0];
    const policyName = Object.keys(resourcesOfType(out, 'aws_iam_role_policy'))[0];
    expect(lambda.depends_on).toEqual([`aws_cloudwatch_log_group.${logGroupName}`, `aws_iam_role_policy.${policyName}`]);
    expect(onlyResource(out, 'aws_cloudwatch_log_group')).toMatchObject({ name: '/aws/lambda/shop-backup-age-probe', retention_in_days: 90 });
    const policy = JSON.parse(onlyResource(out, 'aws_iam_role_policy').policy);
    expect(policy.Statement[0]).toEqual({
      Sid: 'WriteOwnLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [
        'arn:${data.aws_partition.lifeboat-partition.partition}:logs:eu-west-1:${data.aws_caller_identity.lifeboat-account.account_id}:log-group:/aws/lambda/shop-backup-age-probe:*',
      ],
    });
    expect(policy.Statement.map((s: any) => s.Sid)).toEqual(['WriteOwnLogs', 'Describe']);
    const trust = JSON.parse(onlyResource(out, 'aws_iam_role').assume_role_policy);
    expect(trust.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.lifeboat-account.account_id}' } },
      },
    ]);
  });

  it('adds network-interface permissions and VPC placement only inside a VPC', () => {
    const out = synthStack((stack) => {
      new BundledFunction(stack, 'probe', { ...base, reservedConcurrency: 1, vpc: { subnetIds: ['subnet-a', 'subnet-b'], securityGroupIds: ['sg-1'] } });
    });
    const lambda = onlyResource(out, 'aws_lambda_function');
    expect(lambda.vpc_config).toEqual({ subnet_ids: ['subnet-a', 'subnet-b'], security_group_ids: ['sg-1'] });
    expect(lambda.reserved_concurrent_executions).toBe(1);
    const policy = JSON.parse(onlyResource(out, 'aws_iam_role_policy').policy);
    expect(policy.Statement.find((s: any) => s.Sid === 'ManageVpcNetworkInterfaces').Action).toContain('ec2:CreateNetworkInterface');
  });

  it('sends events of invocations that failed every retry to a dead-letter topic it may publish to', () => {
    const topic = 'arn:aws:sns:eu-west-1:111122223333:lifeboat-failures';
    const out = synthStack((stack) => {
      new BundledFunction(stack, 'probe', { ...base, deadLetterTargetArn: topic });
    });
    expect(onlyResource(out, 'aws_lambda_function').dead_letter_config).toEqual({ target_arn: topic });
    const policy = JSON.parse(onlyResource(out, 'aws_iam_role_policy').policy);
    expect(policy.Statement.find((s: any) => s.Sid === 'SendFailedEvents')).toEqual({
      Sid: 'SendFailedEvents',
      Effect: 'Allow',
      Action: ['sns:Publish'],
      Resource: [topic],
    });
  });

  it('wires a schedule to the function with an invoke permission limited to that rule', () => {
    const out = synthStack((stack) => {
      const fn = new BundledFunction(stack, 'probe', base);
      fn.addTrigger('schedule', { ruleName: 'shop-probe', description: 'x', scheduleExpression: 'rate(5 minutes)', input: { action: 'tick' } });
    });
    const ruleKey = Object.keys(resourcesOfType(out, 'aws_cloudwatch_event_rule'))[0];
    expect(onlyResource(out, 'aws_cloudwatch_event_rule')).toMatchObject({ name: 'shop-probe', schedule_expression: 'rate(5 minutes)', region: 'eu-west-1' });
    expect(onlyResource(out, 'aws_cloudwatch_event_target')).toMatchObject({ input: '{"action":"tick"}', rule: `\${aws_cloudwatch_event_rule.${ruleKey}.name}` });
    expect(onlyResource(out, 'aws_lambda_permission')).toMatchObject({
      principal: 'events.amazonaws.com',
      action: 'lambda:InvokeFunction',
      source_arn: `\${aws_cloudwatch_event_rule.${ruleKey}.arn}`,
    });
  });

  it('reports every invalid prop at once', () => {
    expect(() =>
      synthStack((stack) => {
        new BundledFunction(stack, 'bad', {
          ...base,
          functionName: 'a-function-name-long-enough-that-the-regional-role-name-overflows',
          memorySize: 64,
          timeoutSeconds: 901,
          logRetentionDays: 10,
          environment: { BIG: 'x'.repeat(5000) },
        });
      }),
    ).toThrow(
      /role name .* exceeds IAM's 64 characters[\s\S]*memorySize: must be a whole number of MB from 128 to 10240, got 64[\s\S]*timeoutSeconds: .*got 901[\s\S]*logRetentionDays: must be one of .*got 10[\s\S]*environment: 5003 bytes exceed/,
    );
    expect(() =>
      synthStack((stack) => {
        new BundledFunction(stack, 'probe', base).addTrigger('x', { ruleName: 'r', description: 'x', scheduleExpression: 'every day' });
      }),
    ).toThrow(/scheduleExpression: must be rate\(N unit\) or cron\(6 fields\), got 'every day'/);
  });

  it('synthesizes the same bytes twice, asset included', () => {
    const build = () => {
      const out = synthStack((stack) => {
        new BundledFunction(stack, 'probe', base);
      });
      return JSON.stringify(out);
    };
    expect(build()).toBe(build());
  });
});

describe('bundleHandler build cache', () => {
  const root = path.resolve(__dirname, '../..');
  const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
  let work: string;

  beforeAll(() => {
    fs.mkdirSync(path.join(root, '.lifeboat-tmp'), { recursive: true });
    work = fs.mkdtempSync(path.join(root, '.lifeboat-tmp', 'bundle-cache-'));
    fs.writeFileSync(path.join(work, 'entry.ts'), "import { value } from './dep';\nexport const handler = async () => value;\n");
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  /** Bundles the entry in a fresh process (no in-memory cache) and returns its source_code_hash. */
  function hashInFreshProcess(): string {
    const script = `const { bundleHandler } = require(${JSON.stringify(path.join(root, 'scripts', 'bundle'))});
process.stdout.write(bundleHandler({ entry: ${JSON.stringify(path.join(work, 'entry.ts'))} }).sourceCodeHash);`;
    return execFileSync(tsx, ['-e', script], { cwd: root, encoding: 'utf8' });
  }

  it('reuses a build across processes only while every input file is unchanged', () => {
    fs.writeFileSync(path.join(work, 'dep.ts'), "export const value = 'first';\n");
    const first = hashInFreshProcess();
    expect(hashInFreshProcess()).toBe(first);
    fs.writeFileSync(path.join(work, 'dep.ts'), "export const value = 'second';\n");
    const second = hashInFreshProcess();
    expect(second).not.toBe(first);
    fs.writeFileSync(path.join(work, 'dep.ts'), "export const value = 'first';\n");
    expect(hashInFreshProcess()).toBe(first);
  }, 60_000);
});
