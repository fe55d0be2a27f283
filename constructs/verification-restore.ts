/**
 * VerificationRestore: about 300 lines because its props and store interfaces (public API, documented one
 * line each) live here; validation, handler configuration and IAM statements are in private/verification-restore-config.ts,
 * the route to the AWS APIs (NAT egress or interface endpoints) in private/verification-network.ts.
 */
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import type { CheckSpec, Engine } from '../src/checks/types';
import { VERIFY_CONFIG_VARIABLE, VerifyConfig } from '../lambda/verify-restore/config';
import { verificationNames } from '../src/aws/names';
import { stackAccount } from './account';
import { alarmNamePrefix, verificationAlarms } from '../src/plan/alarms';
import { AlarmTopics, ObjectiveAlarm, renderStoreAlarms } from './alarm';
import type { StoreAlarmSpec } from './backup-age-probe';
import { BundledFunction } from './lambda-bundle';
import { storePort, verificationPolicyStatements, verificationRestoreProblems, verifyConfig } from './private/verification-restore-config';
import { ref } from './private/reference';
import { renderApiNetwork } from './private/verification-network';

export { ENGINE_PORTS, VERIFICATION_EVIDENCE_PREFIXES } from './private/verification-restore-config';

/** One protected database whose backups are restored and checked on a schedule. */
export interface VerificationStore {
  /** Stable store id: metric dimension, rule and alarm names. */
  readonly storeId: string;
  /** RDS DB instance or Aurora DB cluster. */
  readonly kind: 'instance' | 'cluster';
  /** Engine of the source. */
  readonly engine: Engine;
  /** DB instance or cluster identifier of the source, in the verification region (or the source of `sourceAutomatedBackupsArn`). */
  readonly sourceIdentifier: string;
  /** ARN of replicated automated backups to restore from in the DR region (instances only). @default restore from the source */
  readonly sourceAutomatedBackupsArn?: string;
  /** Instance class of the temporary instance. */
  readonly instanceClass: string;
  /** Database the checks connect to. */
  readonly databaseName: string;
  /** Port of the source (restores keep it). @default the engine's default port */
  readonly port?: number;
  /** Data checks run against the restored database. */
  readonly checks: readonly CheckSpec[];
  /** A run older than this is failed and deleted by the sweep (seconds). */
  readonly maxLifetimeSeconds: number;
  /** Prefix of the temporary identifiers (`databaseNames(...).verificationPrefix`). */
  readonly identifierPrefix: string;
  /** EventBridge schedule starting the runs, e.g. `rate(1 day)` or `cron(0 4 * * ? *)`. */
  readonly scheduleExpression: string;
  /** Longest gap between two scheduled runs (seconds); the staleness alarm fires after twice this without success. */
  readonly scheduleIntervalSeconds: number;
  /** Alarm when the measured restore time exceeds this RTO (seconds). @default no restore-time alarm */
  readonly rtoSeconds?: number;
  /** Alarm when the measured data lag exceeds this RPO (seconds). @default no data-lag alarm */
  readonly rpoSeconds?: number;
  /** KMS key encrypting the source (or its replicated backups); restoring an encrypted database needs a grant on it. @default none */
  readonly sourceKmsKeyArn?: string;
  /** Alarms to create instead of the defaults derived from the fields above (e.g. the plan's). @default derived */
  readonly alarms?: readonly StoreAlarmSpec[];
}

/** Where a function keeps its evidence: the evidence bucket (see `EvidenceBucket`). */
export interface EvidenceDestination {
  /** Bucket name. */
  readonly bucketName: string;
  /** Region of the bucket (the DR region). */
  readonly region: string;
  /** ARN of the bucket's KMS key. */
  readonly kmsKeyArn: string;
}

export interface VerificationRestoreProps {
  /** Verification region: the function, the temporary instances and the alarms live here. */
  readonly region: string;
  /** Prefix of every name (function, rules, security groups, subnet group, alarms), usually the stack name. */
  readonly namePrefix: string;
  /** VPC of the verification subnets. */
  readonly vpcId: string;
  /** Private subnets (at least two, in two AZs: an RDS subnet group needs them) for the function and the restores. */
  readonly subnetIds: readonly string[];
  /** The databases to verify; all restore in `region`. */
  readonly stores: readonly VerificationStore[];
  /** SNS topic per region; `region` needs one. */
  readonly alarmTopics: AlarmTopics;
  /**
   * The evidence bucket: a record per run, and the claims that keep two invocations from working on one run (the
   * function may create objects only under `verify-restore/`). Required: synth fails
   * without it (optional in the type only so that plan mappings can leave it to the caller, as DisasterRecovery does).
   */
  readonly evidence?: EvidenceDestination;
  /** CloudWatch namespace of the metrics. @default 'Lifeboat' */
  readonly namespace?: string;
  /**
   * Create, in the subnets, interface endpoints with private DNS for every AWS API the function calls: RDS and
   * CloudWatch, and S3 when `region` is the evidence bucket's region; the function's HTTPS then goes to them only.
   * Private DNS applies to the whole VPC, so leave false when the VPC already has any of these endpoints with private
   * DNS (a second one conflicts) or other workloads in it call these APIs (their requests would reach endpoints that
   * admit the function only). With the evidence bucket in another region, S3 still needs NAT: see `apiEgressCidr`.
   * @default false
   */
  readonly createVpcEndpoints?: boolean;
  /**
   * With `createVpcEndpoints`, reach S3 through the VPC's S3 gateway endpoint instead of creating an S3 interface
   * endpoint: the ID of `region`'s S3 prefix list (`pl-...`, the gateway endpoint's `prefix_list_id`), to which the
   * function gets HTTPS egress. For VPCs whose other workloads use that gateway (an S3 interface endpoint's private
   * DNS would take their requests too); the gateway must be associated with the subnets' route tables.
   * @default an S3 interface endpoint when the function runs in the evidence bucket's region
   */
  readonly s3PrefixListId?: string;
  /**
   * Where the function may open HTTPS connections through NAT: the AWS APIs when no endpoints are created, and with
   * `createVpcEndpoints` the evidence bucket's S3 when it is in another region than `region`. @default '0.0.0.0/0'
   */
  readonly apiEgressCidr?: string;
  /** Function memory (MB); checks parse result sets in memory. @default 512 */
  readonly memorySize?: number;
  /** Function timeout (s); one invocation runs the checks of one restored database. @default 300 */
  readonly timeoutSeconds?: number;
  /** Days the function's logs are kept. @default 365 */
  readonly logRetentionDays?: number;
  /** Tags for every resource. @default none */
  readonly tags?: Record<string, string>;
}

/** Minutes between safety-net ticks (advance runs whose RDS events were missed, sweep expired runs). */
export const TICK_MINUTES = 5;

export { verificationAlarmWindow } from '../src/plan/alarms';

/**
 * The alarms of a store planned from its fields (`verificationAlarms`, src/plan/alarms): failed, stale (missing data
 * breaching), restore time above `rtoSeconds`, data lag above `rpoSeconds`.
 */
export function defaultVerificationAlarms(store: VerificationStore, namePrefix: string, region: string, namespace: string): StoreAlarmSpec[] {
  const freshness = store.checks.find((check) => check.type === 'freshness');
  return verificationAlarms({
    prefix: alarmNamePrefix(namePrefix, store.storeId),
    storeId: store.storeId,
    region,
    intervalSeconds: store.scheduleIntervalSeconds,
    restoreTime: store.rtoSeconds === undefined ? null : { rtoSeconds: store.rtoSeconds },
    dataLag:
      store.rpoSeconds === undefined
        ? null
        : { maxLagSeconds: store.rpoSeconds, what: freshness?.type === 'freshness' ? `${freshness.table}.${freshness.column}` : 'the freshness check' },
    namespace,
  });
}

/**
 * Scheduled verification restores for every database verified in one region: one re-entrant Lambda (no reserved
 * concurrency: runs are claimed atomically in the evidence bucket) in the region's private subnets, a security
 * group for it and one for the restored instances that
 * ONLY the Lambda can reach, a DB subnet group for the restores, least-privilege IAM (tag-conditioned, from the
 * handler's own statement list), EventBridge rules (a schedule per store, RDS events of the temporary resources, a
 * 5-minute tick) and the alarms: failed, stale, restore time above RTO, data lag above RPO.
 *
 * Network requirement: the function calls the RDS and CloudWatch APIs of its region and S3 in the evidence bucket's
 * region from inside the VPC, so the subnets need a NAT route or interface endpoints. `createVpcEndpoints` creates
 * all three when the function runs in the evidence bucket's region; in another region S3 still goes through NAT, as
 * the endpoints created here serve their own region only (see docs/verification.md, "Network").
 */
export class VerificationRestore extends Construct {
  /** The verification function. */
  public readonly function: BundledFunction;
  /** Security group of the function. */
  public readonly functionSecurityGroup: SecurityGroup;
  /** Security group of the restored instances (reachable only from the function's group). */
  public readonly restoredSecurityGroup: SecurityGroup;
  /** Subnet group the restores use. */
  public readonly subnetGroup: DbSubnetGroup;
  /** Alarms by `<storeId>/<alarm id>`. */
  public readonly alarms: Record<string, ObjectiveAlarm> = {};
  /** The handler configuration deployed (with Terraform references for the security group). */
  public readonly config: VerifyConfig;

  constructor(scope: Construct, id: string, props: VerificationRestoreProps) {
    super(scope, id);
    const namespace = props.namespace ?? 'Lifeboat';
    const prefix = props.namePrefix;
    const names = verificationNames(prefix, props.region);
    const problems = verificationRestoreProblems(props, namespace);
    if (problems.length > 0) throw new Error(`VerificationRestore ${prefix} (${props.region}):\n  ${problems.join('\n  ')}`);

    const tags = props.tags;
    this.subnetGroup = new DbSubnetGroup(this, 'subnets', {
      region: props.region,
      name: names.subnetGroupName,
      description: 'Lifeboat verification restores (temporary instances only)',
      subnetIds: [...props.subnetIds],
      tags,
    });
    // No inline rules: Terraform then removes AWS's default allow-all egress, so only the rules below exist.
    this.functionSecurityGroup = new SecurityGroup(this, 'function-sg', {
      region: props.region,
      name: names.functionSecurityGroupName,
      description: 'Lifeboat verification function: reaches restored instances and the AWS APIs only',
      vpcId: props.vpcId,
      tags,
    });
    this.restoredSecurityGroup = new SecurityGroup(this, 'restored-sg', {
      region: props.region,
      name: names.restoredSecurityGroupName,
      description: 'Lifeboat temporary restored instances: reachable from the verification function only',
      vpcId: props.vpcId,
      tags,
    });
    for (const port of [...new Set(props.stores.map(storePort))].sort((a, b) => a - b)) {
      new VpcSecurityGroupIngressRule(this, `restored-from-function-${port}`, {
        region: props.region,
        securityGroupId: ref(this.restoredSecurityGroup, 'id'),
        referencedSecurityGroupId: ref(this.functionSecurityGroup, 'id'),
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        description: `Database port ${port} from the verification function only`,
        tags,
      });
      new VpcSecurityGroupEgressRule(this, `function-to-restored-${port}`, {
        region: props.region,
        securityGroupId: ref(this.functionSecurityGroup, 'id'),
        referencedSecurityGroupId: ref(this.restoredSecurityGroup, 'id'),
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        description: `Database port ${port} of the restored instances`,
        tags,
      });
    }
    renderApiNetwork(this, props, this.functionSecurityGroup, names.endpointSecurityGroupName);

    const account = stackAccount(this);
    this.config = verifyConfig(props, namespace, ref(this.restoredSecurityGroup, 'id'), false);
    const statements = verificationPolicyStatements(props, this.config, account);

    this.function = new BundledFunction(this, 'verify', {
      region: props.region,
      functionName: names.functionName,
      description: 'Lifeboat: restores backups into temporary instances, checks the data, measures RTO and RPO',
      handler: 'verify-restore',
      policyStatements: statements,
      environment: { [VERIFY_CONFIG_VARIABLE]: JSON.stringify(this.config) },
      memorySize: props.memorySize ?? 512,
      timeoutSeconds: props.timeoutSeconds ?? 300,
      // No reserved concurrency: a new account's quota of 10 leaves nothing to reserve, and none is needed. A run is
      // started by one RestoreDBInstanceToPointInTime that only one caller can win (fixed identifier per source),
      // and every later step is claimed with a conditional create in the evidence bucket (lambda/verify-restore/claims.ts).
      vpc: { subnetIds: props.subnetIds, securityGroupIds: [ref(this.functionSecurityGroup, 'id')] },
      logRetentionDays: props.logRetentionDays,
      tags,
    });

    for (const store of props.stores) {
      this.function.addTrigger(`start-${store.storeId}`, {
        ruleName: names.scheduleRuleName(store.storeId),
        description: `Starts a verification restore of ${store.storeId}`,
        scheduleExpression: store.scheduleExpression,
        input: { action: 'start', storeId: store.storeId },
      });
    }
    this.function.addTrigger('rds-events', {
      ruleName: names.eventsRuleName,
      description: 'Advances verification runs when their temporary RDS resources change state',
      eventPattern: {
        source: ['aws.rds'],
        'detail-type': ['RDS DB Instance Event', 'RDS DB Cluster Event'],
        // Both documented forms of SourceIdentifier: the bare identifier and `rds:<identifier>` (AWS's sample event).
        detail: {
          SourceIdentifier: [...new Set(props.stores.map((store) => store.identifierPrefix))]
            .sort()
            .flatMap((p) => [{ prefix: p }, { prefix: `rds:${p}` }]),
        },
      },
    });
    this.function.addTrigger('tick', {
      ruleName: names.tickRuleName,
      description: 'Safety net: advances runs whose events were missed and sweeps runs past their lifetime',
      scheduleExpression: `rate(${TICK_MINUTES} minutes)`,
      input: { action: 'tick' },
    });

    for (const store of props.stores) {
      const alarms = store.alarms ?? defaultVerificationAlarms(store, prefix, props.region, namespace);
      Object.assign(this.alarms, renderStoreAlarms(this, store.storeId, alarms, { topics: props.alarmTopics, tags }));
    }
  }
}

/** Name of the verification DB subnet group (lowercase, as RDS stores it). */
export function subnetGroupName(namePrefix: string): string {
  return `${namePrefix}-verify`;
}
