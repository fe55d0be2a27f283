import type { CheckSpec } from '../../src/checks/types';
import type { BackupPlan, DatabaseStorePlan } from '../../src/plan/types';
import type { AlarmTopics } from '../alarm';
import { alarmFromPlan } from './alarm';
import { ENGINE_PORTS, VerificationRestoreProps, VerificationStore } from '../verification-restore';

/** Metrics the verification-restore handler publishes; plan alarms on them belong to `VerificationRestore`. */
export const VERIFICATION_METRICS = ['VerificationSucceeded', 'RestoreSeconds', 'DataLagSeconds', 'ChecksFailed'] as const;

/** What a plan does not say about verification restores. */
export interface VerificationPlanOptions {
  /** SNS topic ARN per region. */
  readonly alarmTopics: AlarmTopics;
  /** Database the checks connect to, per store id. @default `postgres` for PostgreSQL engines, `mysql` for MySQL engines */
  readonly databaseNames?: Readonly<Record<string, string>>;
  /** Port of each source, per store id. @default the engine's default port */
  readonly ports?: Readonly<Record<string, number>>;
  /**
   * ARN of the replicated automated backups per store id (e.g. `ProtectedDatabase.backupReplication.id`); required
   * for RDS instances verified in the DR region, which restore from them.
   */
  readonly automatedBackupsArns?: Readonly<Record<string, string>>;
  /** KMS key of each store's restore source (the DR key for DR restores), per store id. @default none */
  readonly sourceKmsKeyArns?: Readonly<Record<string, string>>;
  /** Create interface endpoints for the APIs the function calls (RDS, CloudWatch, and S3 beside the evidence bucket) in the verification subnets (`VerificationRestoreProps.createVpcEndpoints`). @default false */
  readonly createVpcEndpoints?: boolean;
  /** With `createVpcEndpoints`, reach S3 through the VPC's S3 gateway endpoint (`VerificationRestoreProps.s3PrefixListId`). @default an S3 interface endpoint */
  readonly s3PrefixListId?: string;
}


/** The plan's checks as the handler takes them, with the freshness requirement as a freshness check. */
function checksFromPlan(store: DatabaseStorePlan): CheckSpec[] {
  const verification = store.verification!;
  const checks: CheckSpec[] = verification.checks.map((check): CheckSpec => {
    switch (check.type) {
      case 'rowCount':
        return {
          type: 'rowCount',
          table: check.table,
          ...(check.min !== null ? { min: check.min } : {}),
          ...(check.max !== null ? { max: check.max } : {}),
        };
      case 'freshness':
        return { type: 'freshness', table: check.table, column: check.column, ...(check.maxLagSeconds !== null ? { maxLagSeconds: check.maxLagSeconds } : {}) };
      case 'sql':
        return { type: 'sql', name: check.name, sql: check.sql, expect: check.expect };
      case 'tableExists':
        return { type: 'tableExists', table: check.table };
    }
  });
  const freshness = verification.freshness;
  if (freshness && !checks.some((check) => check.type === 'freshness' && check.table === freshness.table && check.column === freshness.column)) {
    checks.push({ type: 'freshness', table: freshness.table, column: freshness.column, maxLagSeconds: freshness.maxLag.seconds });
  }
  return checks;
}

/**
 * `VerificationRestore` props for every database the plan verifies in `region` (one function per verification
 * region), or undefined when none is. Pure: Terraform references come in through `options`.
 */
export function verificationRestorePropsFromPlan(
  plan: BackupPlan,
  region: string,
  options: VerificationPlanOptions,
): VerificationRestoreProps | undefined {
  const databases = plan.stores.filter(
    (store): store is DatabaseStorePlan => store.kind === 'database' && store.verification !== null && store.verification.region === region,
  );
  if (databases.length === 0) return undefined;
  const inDr = region === plan.regions.dr;
  const network = inDr ? plan.network.dr : plan.network.primary;
  const problems: string[] = [];
  const stores = databases.map((store): VerificationStore => {
    const verification = store.verification!;
    const kind = store.family === 'aurora' ? 'cluster' : 'instance';
    const automatedBackupsArn = options.automatedBackupsArns?.[store.id];
    if (inDr && kind === 'instance' && !automatedBackupsArn) {
      problems.push(`automatedBackupsArns.${store.id}: required, the store is verified in the DR region ${region} from its replicated automated backups`);
    }
    // The planner refuses this (LB-VERIFY-NO-BACKUPS-IN-REGION); a plan edited by hand gets the same answer here.
    if (inDr && kind === 'cluster') {
      problems.push(`${store.id}: an Aurora cluster's automated backups stay in ${plan.regions.primary}, so it cannot be verified in ${region}: set verification.region to "primary"`);
    }
    const sourceIdentifier = store.existing?.identifier ?? store.names.primary;
    return {
      storeId: store.id,
      kind,
      engine: store.engine,
      sourceIdentifier,
      ...(inDr && kind === 'instance' && automatedBackupsArn ? { sourceAutomatedBackupsArn: automatedBackupsArn } : {}),
      instanceClass: verification.restoreInstanceClass,
      databaseName: options.databaseNames?.[store.id] ?? (store.engine.endsWith('postgresql') || store.engine === 'postgres' ? 'postgres' : 'mysql'),
      port: options.ports?.[store.id] ?? ENGINE_PORTS[store.engine],
      checks: checksFromPlan(store),
      maxLifetimeSeconds: verification.maxLifetime.seconds,
      identifierPrefix: verification.instancePrefix,
      scheduleExpression: verification.scheduleExpression,
      scheduleIntervalSeconds: verification.interval.seconds,
      ...(options.sourceKmsKeyArns?.[store.id] ? { sourceKmsKeyArn: options.sourceKmsKeyArns[store.id] } : {}),
      alarms: store.alarms
        .filter((alarm) => alarm.namespace === 'Lifeboat' && (VERIFICATION_METRICS as readonly string[]).includes(alarm.metricName))
        .map(alarmFromPlan),
    };
  });
  if (problems.length > 0) throw new Error(`verificationRestorePropsFromPlan(${region}):\n  ${problems.join('\n  ')}`);
  return {
    region,
    namePrefix: plan.name,
    vpcId: network.vpcId,
    subnetIds: [...network.subnetIds],
    stores,
    alarmTopics: options.alarmTopics,
    createVpcEndpoints: options.createVpcEndpoints,
    ...(options.s3PrefixListId !== undefined ? { s3PrefixListId: options.s3PrefixListId } : {}),
    tags: Object.keys(plan.tags).length > 0 ? { ...plan.tags } : undefined,
  };
}
