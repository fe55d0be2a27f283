import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { stackAccount } from './account';
import { functionNames } from '../src/aws/names';
import { Bundle, HandlerName, handlerCode } from './private/handler-code';
import { dependOn, ref } from './private/reference';

export type { Bundle, HandlerName };

const assetHashes = new Map<string, string>();

/**
 * The asset hash TerraformAsset would compute itself (the MD5 of the file, 32 upper-case hex digits, which names the
 * asset's folder in cdktf.out), once per handler zip instead of once per function: a large stack deploys the same
 * three zips in dozens of functions.
 */
function assetHash(bundle: Bundle): string {
  const key = `${bundle.zipPath}\0${bundle.sourceCodeHash}`;
  let hash = assetHashes.get(key);
  if (hash === undefined) {
    hash = crypto.createHash('md5').update(fs.readFileSync(bundle.zipPath)).digest('hex').toUpperCase();
    assetHashes.set(key, hash);
  }
  return hash;
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
  /** The handler to deploy (its zip is prebuilt: see private/handler-code.ts). */
  readonly handler: HandlerName;
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
 * A Lambda function running a Lifeboat handler: its prebuilt deterministic zip, `nodejs22.x` on arm64,
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
  /** The function's ARN and name, read once for every trigger (each read of a provider attribute makes a new token). */
  private readonly target: { arn: string; functionName: string };

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);
    const memorySize = props.memorySize ?? 256;
    const timeout = props.timeoutSeconds ?? 60;
    const retention = props.logRetentionDays ?? 365;
    const problems: string[] = [];
    if (!FUNCTION_NAME.test(props.functionName)) {
      problems.push(`functionName: must be 1-64 letters, digits, '-' or '_', got '${props.functionName}'`);
    }
    const { roleName, logGroupName } = functionNames(props.functionName, props.region);
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
    this.bundle = handlerCode(props.handler);
    const asset = new TerraformAsset(this, 'code', { path: this.bundle.zipPath, type: AssetType.FILE, assetHash: assetHash(this.bundle) });

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      region: props.region,
      name: logGroupName,
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
    const logGroupArn = `arn:${partition}:logs:${props.region}:${accountId}:log-group:${logGroupName}`;
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
      role: ref(this.role, 'id'),
      policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
    });

    this.function = new LambdaFunction(this, 'function', {
      region: props.region,
      functionName: props.functionName,
      description: props.description,
      role: ref(this.role, 'arn'),
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
      loggingConfig: { logFormat: 'Text', logGroup: ref(this.logGroup, 'name') },
      tags: props.tags,
    });
    // The log group must exist first (else Lambda creates one without retention on the first invocation), and the
    // policy first (Lambda checks the VPC permissions when the function is created).
    dependOn(this.function, [this.logGroup, policy]);
    this.target = { arn: ref(this.function, 'arn'), functionName: ref(this.function, 'functionName') };
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
      rule: ref(rule, 'name'),
      targetId: 'lifeboat',
      arn: this.target.arn,
      input: trigger.input ? JSON.stringify(trigger.input) : undefined,
    });
    new LambdaPermission(this, `${id}-permission`, {
      region: this.region,
      statementId: `events-${trigger.ruleName}`.slice(0, 100),
      action: 'lambda:InvokeFunction',
      functionName: this.target.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: ref(rule, 'arn'),
    });
    return rule;
  }
}
