/**
 * What VerificationRestore derives from its props before it creates anything: the validation (every problem at
 * once, each naming the prop), the handler configuration and the function's IAM statements.
 */
import { Token } from 'cdktf';
import type { Engine } from '../../src/checks/types';
import { verificationNames } from '../../src/aws/names';
import { parseVerifyConfig, VerifyConfig, VerifyStoreConfig } from '../../lambda/verify-restore/config';
import { verifyRestorePolicyStatements } from '../../lambda/verify-restore/iam';
import { VERIFY_EVIDENCE_PREFIX } from '../../lambda/verify-restore/evidence';
import { evidenceWriterStatements } from '../../lambda/shared/evidence-iam';
import type { IamStatement } from '../lambda-bundle';
import type { EvidenceDestination, VerificationRestoreProps, VerificationStore } from '../verification-restore';

/** Default port of each engine; the security groups open exactly this port unless the store names another. */
export const ENGINE_PORTS: Readonly<Record<Engine, number>> = {
  postgres: 5432,
  'aurora-postgresql': 5432,
  mysql: 3306,
  mariadb: 3306,
  'aurora-mysql': 3306,
};

/**
 * The evidence prefix of the verification functions: `verify-restore/` (records `verify-restore/<store>/...`). One
 * prefix per writer kind rather than one per store keeps the role's inline policy within IAM's 10 KB for large
 * shares; the handler builds every key from its own stores' ids.
 */
export const VERIFICATION_EVIDENCE_PREFIXES: readonly string[] = [VERIFY_EVIDENCE_PREFIX];

/** CloudWatch alarm limits used by the staleness alarm. */
const DAY_SECONDS = 86_400;
const MAX_EVALUATION_SECONDS = 7 * DAY_SECONDS;
const STAND_IN_SECURITY_GROUP = 'sg-00000000000000000';

/** The port a store's restores listen on. */
export function storePort(store: VerificationStore): number {
  return store.port ?? ENGINE_PORTS[store.engine];
}

/** The evidence destination, or a stand-in when it is missing (validation reports that). */
export function evidenceOf(props: VerificationRestoreProps): EvidenceDestination {
  return props.evidence ?? { bucketName: 'missing', region: props.region, kmsKeyArn: 'missing' };
}

/**
 * The handler configuration. With `standIns`, unresolved tokens are replaced by values of the right form, so the
 * handler's own parser can check the configuration at synth time.
 */
export function verifyConfig(props: VerificationRestoreProps, namespace: string, securityGroupId: string, standIns: boolean): VerifyConfig {
  const evidence = evidenceOf(props);
  const names = verificationNames(props.namePrefix, props.region);
  const stores: VerifyStoreConfig[] = props.stores.map((store) => ({
    storeId: store.storeId,
    kind: store.kind,
    engine: store.engine,
    sourceIdentifier: store.sourceIdentifier,
    restoreRegion: props.region,
    ...(store.sourceAutomatedBackupsArn !== undefined
      ? {
          sourceAutomatedBackupsArn:
            standIns && Token.isUnresolved(store.sourceAutomatedBackupsArn)
              ? `arn:aws:rds:${props.region}:000000000000:auto-backup:ab-unresolved`
              : store.sourceAutomatedBackupsArn,
        }
      : {}),
    instanceClass: store.instanceClass,
    subnetGroupName: names.subnetGroupName,
    securityGroupIds: [securityGroupId],
    databaseName: store.databaseName,
    port: storePort(store),
    checks: store.checks,
    maxLifetimeSeconds: store.maxLifetimeSeconds,
    identifierPrefix: store.identifierPrefix,
  }));
  return {
    namespace,
    evidence: {
      bucket: standIns && Token.isUnresolved(evidence.bucketName) ? 'unresolved-evidence-bucket' : evidence.bucketName,
      region: evidence.region,
    },
    stores,
  };
}

/** Every problem with the props at once, each naming the prop; empty when the construct can be built. */
export function verificationRestoreProblems(props: VerificationRestoreProps, namespace: string): string[] {
  const prefix = props.namePrefix;
  const names = verificationNames(prefix, props.region);
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(prefix)) {
    problems.push(`namePrefix: must be 1-31 lowercase letters, digits or hyphens starting with a letter, got '${prefix}'`);
  }
  if (props.subnetIds.length < 2) problems.push(`subnetIds: an RDS subnet group needs at least 2 subnets (in 2 AZs), got ${props.subnetIds.length}`);
  if (props.stores.length === 0) problems.push('stores: needs at least one store');
  if (!props.alarmTopics[props.region]) problems.push(`alarmTopics: no SNS topic for region ${props.region}`);
  if (!props.evidence) problems.push('evidence: required: the evidence bucket (EvidenceBucket) where runs are claimed and recorded');
  const s3PrefixListId = props.s3PrefixListId;
  if (s3PrefixListId !== undefined) {
    if (!props.createVpcEndpoints) {
      problems.push('s3PrefixListId: only used with createVpcEndpoints: true (without endpoints the HTTPS egress to apiEgressCidr reaches S3 already); remove it or set createVpcEndpoints');
    } else if (props.evidence && props.evidence.region !== props.region) {
      problems.push(
        `s3PrefixListId: a gateway endpoint in ${props.region} does not serve the evidence bucket in ${props.evidence.region}; remove it (S3 then goes through NAT, apiEgressCidr)`,
      );
    }
    if (!Token.isUnresolved(s3PrefixListId) && !/^pl-[0-9a-f]{8,17}$/.test(s3PrefixListId)) {
      problems.push(`s3PrefixListId: must be a prefix list ID (pl- and 8 or 17 hex digits, the S3 gateway endpoint's prefix_list_id), got '${s3PrefixListId}'`);
    }
  }
  props.stores.forEach((store, index) => {
    const path = `stores[${index}]`;
    if (!Number.isInteger(store.scheduleIntervalSeconds) || store.scheduleIntervalSeconds < 3600) {
      problems.push(`${path}.scheduleIntervalSeconds: must be a whole number of at least 3600 (a restore takes tens of minutes), got ${store.scheduleIntervalSeconds}`);
    } else if (2 * store.scheduleIntervalSeconds > MAX_EVALUATION_SECONDS) {
      problems.push(`${path}.scheduleIntervalSeconds: twice the interval must fit CloudWatch's 7-day alarm window, got ${store.scheduleIntervalSeconds} s`);
    }
    if (store.maxLifetimeSeconds >= store.scheduleIntervalSeconds) {
      problems.push(`${path}.maxLifetimeSeconds: must be shorter than the schedule interval (${store.scheduleIntervalSeconds} s) so a run ends before the next starts`);
    }
    for (const field of ['rtoSeconds', 'rpoSeconds'] as const) {
      const value = store[field];
      if (value !== undefined && (!Number.isFinite(value) || value <= 0)) problems.push(`${path}.${field}: must be a positive number, got ${value}`);
    }
    const ruleName = names.scheduleRuleName(store.storeId);
    if (ruleName.length > 64) {
      problems.push(`${path}.storeId: rule name ${ruleName} exceeds EventBridge's 64 characters`);
    }
  });
  // Validate the handler configuration now, with the handler's own parser, instead of at the first 4 a.m. run.
  try {
    parseVerifyConfig(JSON.stringify(verifyConfig(props, namespace, STAND_IN_SECURITY_GROUP, true)));
  } catch (error) {
    problems.push(...(error as Error).message.split('\n').slice(1).map((line) => `handler configuration: ${line.trim()}`));
  }
  return problems;
}

/** The function's IAM statements: the handler's own list, the evidence writes, and grants on encrypted sources. */
export function verificationPolicyStatements(
  props: VerificationRestoreProps,
  config: VerifyConfig,
  account: { partition: string; accountId: string },
): IamStatement[] {
  const evidence = evidenceOf(props);
  // In the stores' order, not sorted: a key ARN may be an unresolved token, whose text is only a creation counter.
  const kmsKeys = [...new Set(props.stores.flatMap((store) => (store.sourceKmsKeyArn ? [store.sourceKmsKeyArn] : [])))];
  return [
    ...verifyRestorePolicyStatements({ partition: account.partition, accountId: account.accountId, region: props.region, stores: config.stores, namespace: config.namespace }),
    ...evidenceWriterStatements({
      partition: account.partition,
      bucket: evidence.bucketName,
      region: evidence.region,
      kmsKeyArn: evidence.kmsKeyArn,
      prefixes: VERIFICATION_EVIDENCE_PREFIXES,
    }),
    ...(kmsKeys.length > 0
      ? [
          {
            // RDS creates a grant on the source's key, with the caller's permissions, for the restored storage.
            Sid: 'RestoreEncryptedSources',
            Effect: 'Allow' as const,
            Action: ['kms:CreateGrant', 'kms:DescribeKey'],
            Resource: kmsKeys,
            Condition: { StringEquals: { 'kms:ViaService': `rds.${props.region}.amazonaws.com` } },
          },
        ]
      : []),
  ];
}
