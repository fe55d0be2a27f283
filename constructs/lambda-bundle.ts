import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { buildSync, version as esbuildVersion } from 'esbuild';
import { stackAccount } from './account';

/** The Lambda handlers Lifeboat ships, by directory under `lambda/`. */
export type HandlerName = 'verify-restore' | 'backup-age-probe' | 'verify-replication';

/** How a handler is bundled. */
export interface BundleOptions {
  /** Entry file (TypeScript or JavaScript) exporting the handler. */
  readonly entry: string;
  /** Name of the zip file, without extension. @default the entry's directory name */
  readonly name?: string;
  /**
   * Modules left out of the bundle, resolved from the runtime instead. `pg-native` is always external (an optional
   * native addon `pg` only loads on request). @default none: the AWS SDK is bundled, pinned to the tested version
   */
  readonly external?: readonly string[];
  /** Minify the code. @default true */
  readonly minify?: boolean;
  /**
   * package.json fields esbuild resolves packages by. ES module builds first: the AWS SDK's dist-es tree-shakes, its
   * dist-cjs does not (bench/lambda-bundles measures both). @default ['module', 'main']
   */
  readonly mainFields?: readonly string[];
}

/** A bundled handler: a deterministic zip on disk plus what Terraform needs to deploy it. */
export interface Bundle {
  /** Absolute path of the zip (content-addressed, in the OS temp directory). */
  readonly zipPath: string;
  /** Base64 SHA-256 of the zip: Lambda's `source_code_hash`, identical across machines for identical sources. */
  readonly sourceCodeHash: string;
  /** Size of the bundled JavaScript in bytes. */
  readonly codeBytes: number;
  /** Size of the zip in bytes (Lambda's direct-upload limit is 50 MB zipped). */
  readonly zipBytes: number;
}

const PROJECT_ROOT = path.resolve(__dirname, '..');
/** Optional native addons that bundled libraries `require` only when asked to; never present on Lambda. */
const ALWAYS_EXTERNAL = ['pg-native'];
const bundles = new Map<string, Bundle>();

/** Path of a shipped handler's entry (TypeScript in the repository, JavaScript in a compiled package). */
export function handlerEntry(name: HandlerName): string {
  const base = path.join(PROJECT_ROOT, 'lambda', name, 'index');
  for (const extension of ['.ts', '.js']) {
    if (fs.existsSync(base + extension)) return base + extension;
  }
  throw new Error(`handler ${name}: no ${base}.ts or ${base}.js`);
}

/**
 * Bundles a handler with esbuild (minified CommonJS for Node.js 22) into a deterministic zip. Results are cached per
 * process, so N constructs deploying the same handler bundle it once. The zip is written with fixed timestamps and
 * permissions, so the same sources always give the same bytes and the same `source_code_hash`.
 */
export function bundleHandler(options: BundleOptions): Bundle {
  const external = [...new Set([...ALWAYS_EXTERNAL, ...(options.external ?? [])])].sort();
  const minify = options.minify ?? true;
  const mainFields = options.mainFields ?? ['module', 'main'];
  const name = options.name ?? path.basename(path.dirname(options.entry));
  const cacheKey = JSON.stringify([path.resolve(options.entry), name, external, minify, mainFields]);
  const cached = bundles.get(cacheKey);
  if (cached) return cached;

  const diskKey = crypto.createHash('sha256').update(JSON.stringify([esbuildVersion, cacheKey])).digest('hex').slice(0, 32);
  const reused = reuseBuild(diskKey);
  if (reused) {
    bundles.set(cacheKey, reused);
    return reused;
  }

  const result = buildSync({
    entryPoints: [options.entry],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    write: false,
    metafile: true,
    minify,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    sourcemap: false,
    legalComments: 'none',
    mainFields: [...mainFields],
    external,
    logLevel: 'silent',
  });
  if (result.errors.length > 0) {
    throw new Error(`bundling ${options.entry} failed:\n  ${result.errors.map((error) => error.text).join('\n  ')}`);
  }
  const code = Buffer.from(result.outputFiles[0].contents);
  const zip = zipFiles([{ name: 'index.js', data: code }]);
  const sha256 = crypto.createHash('sha256').update(zip);
  const digest = sha256.copy().digest('hex');
  const directory = path.join(os.tmpdir(), 'lifeboat-bundles', digest.slice(0, 32));
  const zipPath = path.join(directory, `${name}.zip`);
  if (!fs.existsSync(zipPath)) {
    fs.mkdirSync(directory, { recursive: true });
    // Write then rename: parallel test workers may bundle the same handler at the same moment.
    const temporary = `${zipPath}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(temporary, zip);
    fs.renameSync(temporary, zipPath);
  }
  const bundle: Bundle = { zipPath, sourceCodeHash: sha256.digest('base64'), codeBytes: code.length, zipBytes: zip.length };
  bundles.set(cacheKey, bundle);
  recordBuild(diskKey, bundle, Object.keys(result.metafile?.inputs ?? {}));
  return bundle;
}

const BUILD_CACHE_DIR = path.join(os.tmpdir(), 'lifeboat-bundles', 'builds');

interface BuildRecord {
  bundle: Bundle;
  /** Every file esbuild read (relative to the project root), with the SHA-256 of its content. */
  inputs: Record<string, string>;
}

/** Digests read in this process: the handlers share most of their inputs (the AWS SDK). */
const digests = new Map<string, string | undefined>();

function fileDigest(file: string): string | undefined {
  if (digests.has(file)) return digests.get(file);
  let digest: string | undefined;
  try {
    digest = crypto.createHash('sha256').update(fs.readFileSync(path.resolve(PROJECT_ROOT, file))).digest('hex');
  } catch {
    digest = undefined;
  }
  digests.set(file, digest);
  return digest;
}

/**
 * A zip built earlier (by any process) from exactly the same inputs: every file the previous build read still has the
 * same content, so esbuild would write the same bytes. Saves a second or so per synth; any changed input rebuilds.
 */
function reuseBuild(diskKey: string): Bundle | undefined {
  let record: BuildRecord;
  try {
    record = JSON.parse(fs.readFileSync(path.join(BUILD_CACHE_DIR, `${diskKey}.json`), 'utf8')) as BuildRecord;
  } catch {
    return undefined;
  }
  if (!fs.existsSync(record.bundle.zipPath)) return undefined;
  for (const [file, digest] of Object.entries(record.inputs)) {
    if (fileDigest(file) !== digest) return undefined;
  }
  return record.bundle;
}

function recordBuild(diskKey: string, bundle: Bundle, inputs: string[]): void {
  const record: BuildRecord = { bundle, inputs: {} };
  for (const file of inputs.sort()) {
    const digest = fileDigest(file);
    if (digest === undefined) return; // an input that cannot be read back cannot be checked later: do not cache
    record.inputs[file] = digest;
  }
  fs.mkdirSync(BUILD_CACHE_DIR, { recursive: true });
  const target = path.join(BUILD_CACHE_DIR, `${diskKey}.json`);
  const temporary = `${target}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  fs.writeFileSync(temporary, JSON.stringify(record));
  fs.renameSync(temporary, target);
}

/** A file to put in a zip. */
export interface ZipEntry {
  readonly name: string;
  readonly data: Buffer;
}

/** MS-DOS date of 1980-01-01 00:00, the earliest a zip can hold: no build time leaks into the archive. */
const DOS_DATE_1980 = (0 << 9) | (1 << 5) | 1;
const DOS_TIME_MIDNIGHT = 0;
/** Regular file, rw-r--r--, in the upper 16 bits of the external attributes (Unix "version made by"). */
const UNIX_FILE_0644 = (0o100644 << 16) >>> 0;

/**
 * A minimal deterministic zip writer (deflate, no timestamps, no extra fields, entries in the given order). Lambda
 * reads standard zips; determinism matters because `source_code_hash` drives redeploys.
 */
export function zipFiles(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = zlib.deflateRawSync(entry.data, { level: 9 });
    const crc = crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(DOS_TIME_MIDNIGHT, 10);
    local.writeUInt16LE(DOS_DATE_1980, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, zip 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(DOS_TIME_MIDNIGHT, 12);
    central.writeUInt16LE(DOS_DATE_1980, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); // extra
    central.writeUInt16LE(0, 32); // comment
    central.writeUInt16LE(0, 34); // disk
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE(UNIX_FILE_0644, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const centralSize = centrals.reduce((sum, part) => sum + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** One IAM policy statement as JSON. */
export interface IamStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

/** Network placement of a function. */
export interface FunctionVpcConfig {
  /** Private subnets (at least two, in different AZs, for availability). */
  readonly subnetIds: readonly string[];
  /** Security groups of the function's network interfaces. */
  readonly securityGroupIds: readonly string[];
}

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
/** Lambda limits: memory (MB), timeout (s), environment variables (bytes, keys plus values). */
export const LAMBDA_LIMITS = { minMemoryMb: 128, maxMemoryMb: 10_240, maxTimeoutSeconds: 900, maxEnvironmentBytes: 4096 } as const;

export interface BundledFunctionProps {
  /** Region of the function, its log group and its triggers. */
  readonly region: string;
  /** Function name, 1-64 letters, digits, '-' or '_'; the log group is `/aws/lambda/<functionName>`. */
  readonly functionName: string;
  /** What the function does, shown in the console. */
  readonly description: string;
  /** The handler to bundle. */
  readonly handler: HandlerName;
  /** Bundling options. @default the AWS SDK bundled, minified */
  readonly bundle?: Omit<BundleOptions, 'entry' | 'name'>;
  /** Statements of the function role's inline policy (writing to its own log group is added). */
  readonly policyStatements: readonly IamStatement[];
  /** Environment variables (at most 4 KB in total). @default none */
  readonly environment?: Record<string, string>;
  /** Memory in MB, 128-10240. @default 256 */
  readonly memorySize?: number;
  /** Timeout in seconds, 1-900. @default 60 */
  readonly timeoutSeconds?: number;
  /** Concurrent executions reserved (and capped); 1 serialises invocations. @default unreserved */
  readonly reservedConcurrency?: number;
  /** Run inside a VPC (the function then needs a route to the AWS APIs it calls). @default no VPC */
  readonly vpc?: FunctionVpcConfig;
  /** Days the function's logs are kept; one of CloudWatch's allowed values. @default 365 */
  readonly logRetentionDays?: number;
  /** KMS key ARN encrypting the log group (its key policy must allow `logs.<region>.amazonaws.com`). @default CloudWatch-managed */
  readonly logKmsKeyArn?: string;
  /** SNS topic or SQS queue receiving events of invocations that failed all asynchronous retries. @default none */
  readonly deadLetterTargetArn?: string;
  /** Tags for every resource. @default none */
  readonly tags?: Record<string, string>;
}

/** A scheduled or event-pattern trigger of a `BundledFunction`. */
export interface FunctionTrigger {
  /** EventBridge rule name, 1-64 characters, unique per region. */
  readonly ruleName: string;
  /** What the rule is for. */
  readonly description: string;
  /** `rate(...)` or `cron(...)` expression; exactly one of this and `eventPattern`. */
  readonly scheduleExpression?: string;
  /** Event pattern object; exactly one of this and `scheduleExpression`. */
  readonly eventPattern?: Record<string, unknown>;
  /** Constant JSON input passed to the function instead of the event. @default the matched event */
  readonly input?: Record<string, unknown>;
}

/** IAM role names are global, so the role is named `<functionName>-<region>`, at most 64 characters. */
const IAM_ROLE_NAME_MAX = 64;
const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const RULE_NAME = /^[\w.-]{1,64}$/;
const SCHEDULE = /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(\S+ \S+ \S+ \S+ \S+ \S+\))$/;

/**
 * A Lambda function running a Lifeboat handler: bundled by esbuild into a deterministic zip, `nodejs22.x` on arm64,
 * its own role with an inline least-privilege policy, a log group with retention created before the function (so
 * Lambda never creates an unmanaged one without retention), optional VPC placement, and EventBridge triggers.
 */
export class BundledFunction extends Construct {
  /** The function resource. */
  public readonly function: LambdaFunction;
  /** The function's execution role. */
  public readonly role: IamRole;
  /** The function's log group. */
  public readonly logGroup: CloudwatchLogGroup;
  /** The bundle deployed. */
  public readonly bundle: Bundle;
  private readonly region: string;
  private readonly tags?: Record<string, string>;

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);
    const memorySize = props.memorySize ?? 256;
    const timeout = props.timeoutSeconds ?? 60;
    const retention = props.logRetentionDays ?? 365;
    const problems: string[] = [];
    if (!FUNCTION_NAME.test(props.functionName)) {
      problems.push(`functionName: must be 1-64 letters, digits, '-' or '_', got '${props.functionName}'`);
    }
    const roleName = `${props.functionName}-${props.region}`;
    if (roleName.length > IAM_ROLE_NAME_MAX) {
      problems.push(`functionName: with the region the role name '${roleName}' exceeds IAM's ${IAM_ROLE_NAME_MAX} characters; shorten it to at most ${IAM_ROLE_NAME_MAX - props.region.length - 1}`);
    }
    if (!Number.isInteger(memorySize) || memorySize < LAMBDA_LIMITS.minMemoryMb || memorySize > LAMBDA_LIMITS.maxMemoryMb) {
      problems.push(`memorySize: must be a whole number of MB from ${LAMBDA_LIMITS.minMemoryMb} to ${LAMBDA_LIMITS.maxMemoryMb}, got ${memorySize}`);
    }
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > LAMBDA_LIMITS.maxTimeoutSeconds) {
      problems.push(`timeoutSeconds: must be a whole number from 1 to ${LAMBDA_LIMITS.maxTimeoutSeconds} (Lambda limit), got ${timeout}`);
    }
    if (props.reservedConcurrency !== undefined && (!Number.isInteger(props.reservedConcurrency) || props.reservedConcurrency < 1)) {
      problems.push(`reservedConcurrency: must be a positive whole number, got ${props.reservedConcurrency}`);
    }
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(retention)) {
      problems.push(`logRetentionDays: must be one of ${LOG_RETENTION_DAYS.join(', ')} (CloudWatch Logs values), got ${retention}`);
    }
    const environmentBytes = Object.entries(props.environment ?? {}).reduce(
      (sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value),
      0,
    );
    if (environmentBytes > LAMBDA_LIMITS.maxEnvironmentBytes) {
      problems.push(`environment: ${environmentBytes} bytes exceed Lambda's ${LAMBDA_LIMITS.maxEnvironmentBytes}-byte limit; split the stores over more functions`);
    }
    if (props.vpc && (props.vpc.subnetIds.length === 0 || props.vpc.securityGroupIds.length === 0)) {
      problems.push('vpc: needs at least one subnet and one security group');
    }
    if (problems.length > 0) {
      throw new Error(`BundledFunction ${props.functionName}:\n  ${problems.join('\n  ')}`);
    }

    this.region = props.region;
    this.tags = props.tags;
    const { accountId, partition } = stackAccount(this);
    this.bundle = bundleHandler({ ...props.bundle, entry: handlerEntry(props.handler), name: props.handler });
    const asset = new TerraformAsset(this, 'code', { path: this.bundle.zipPath, type: AssetType.FILE });

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      region: props.region,
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: retention,
      kmsKeyId: props.logKmsKeyArn,
      tags: props.tags,
    });

    this.role = new IamRole(this, 'role', {
      name: roleName,
      description: `Execution role of ${props.functionName} (${props.region})`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
          },
        ],
      }),
      tags: props.tags,
    });
    const logGroupArn = `arn:${partition}:logs:${props.region}:${accountId}:log-group:/aws/lambda/${props.functionName}`;
    const statements: IamStatement[] = [
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [`${logGroupArn}:*`],
      },
      ...(props.vpc
        ? [
            {
              // Lambda creates and removes the function's network interfaces with the function's role; these EC2
              // actions support no resource-level restriction at create time (same set as AWSLambdaVPCAccessExecutionRole).
              Sid: 'ManageVpcNetworkInterfaces',
              Effect: 'Allow' as const,
              Action: [
                'ec2:AssignPrivateIpAddresses',
                'ec2:CreateNetworkInterface',
                'ec2:DeleteNetworkInterface',
                'ec2:DescribeNetworkInterfaces',
                'ec2:DescribeSubnets',
                'ec2:UnassignPrivateIpAddresses',
              ],
              Resource: ['*'],
            },
          ]
        : []),
      ...(props.deadLetterTargetArn
        ? [
            {
              Sid: 'SendFailedEvents',
              Effect: 'Allow' as const,
              Action: [props.deadLetterTargetArn.split(':')[2] === 'sqs' ? 'sqs:SendMessage' : 'sns:Publish'],
              Resource: [props.deadLetterTargetArn],
            },
          ]
        : []),
      ...props.policyStatements,
    ];
    const policy = new IamRolePolicy(this, 'policy', {
      name: 'lifeboat',
      role: this.role.id,
      policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
    });

    this.function = new LambdaFunction(this, 'function', {
      region: props.region,
      functionName: props.functionName,
      description: props.description,
      role: this.role.arn,
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      filename: asset.path,
      sourceCodeHash: this.bundle.sourceCodeHash,
      memorySize,
      timeout,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: props.environment ? { variables: props.environment } : undefined,
      vpcConfig: props.vpc ? { subnetIds: [...props.vpc.subnetIds], securityGroupIds: [...props.vpc.securityGroupIds] } : undefined,
      deadLetterConfig: props.deadLetterTargetArn ? { targetArn: props.deadLetterTargetArn } : undefined,
      loggingConfig: { logFormat: 'Text', logGroup: this.logGroup.name },
      tags: props.tags,
      // The log group must exist first (else Lambda creates one without retention on the first invocation), and
      // the policy first (Lambda checks the VPC permissions when the function is created).
      dependsOn: [this.logGroup, policy],
    });
  }

  /** Invokes the function from an EventBridge schedule or event pattern; adds the rule, target and permission. */
  public addTrigger(id: string, trigger: FunctionTrigger): CloudwatchEventRule {
    const problems: string[] = [];
    if (!RULE_NAME.test(trigger.ruleName)) problems.push(`ruleName: must be 1-64 letters, digits, '.', '-' or '_', got '${trigger.ruleName}'`);
    if ((trigger.scheduleExpression === undefined) === (trigger.eventPattern === undefined)) {
      problems.push('exactly one of scheduleExpression and eventPattern is required');
    }
    if (trigger.scheduleExpression !== undefined && !SCHEDULE.test(trigger.scheduleExpression)) {
      problems.push(`scheduleExpression: must be rate(N unit) or cron(6 fields), got '${trigger.scheduleExpression}'`);
    }
    if (problems.length > 0) throw new Error(`BundledFunction trigger ${trigger.ruleName}:\n  ${problems.join('\n  ')}`);
    const rule = new CloudwatchEventRule(this, `${id}-rule`, {
      region: this.region,
      name: trigger.ruleName,
      description: trigger.description,
      scheduleExpression: trigger.scheduleExpression,
      eventPattern: trigger.eventPattern ? JSON.stringify(trigger.eventPattern) : undefined,
      tags: this.tags,
    });
    new CloudwatchEventTarget(this, `${id}-target`, {
      region: this.region,
      rule: rule.name,
      targetId: 'lifeboat',
      arn: this.function.arn,
      input: trigger.input ? JSON.stringify(trigger.input) : undefined,
    });
    new LambdaPermission(this, `${id}-permission`, {
      region: this.region,
      statementId: `events-${trigger.ruleName}`.slice(0, 100),
      action: 'lambda:InvokeFunction',
      functionName: this.function.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: rule.arn,
    });
    return rule;
  }
}
