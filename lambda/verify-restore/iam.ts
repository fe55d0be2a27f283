import { checkedInstanceIdentifier, restoredIdentifier, type VerifyStoreConfig } from './config';
import { CREATION_TAG_KEYS, TAG, VERIFICATION_TAG_VALUE } from './tags';

/** One IAM policy statement, as JSON. */
export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface VerifyRestorePolicyProps {
  /** ARN partition, e.g. `aws`. */
  partition: string;
  /** Account id of the databases and the handler. */
  accountId: string;
  /** Region the handler runs in; every store must restore in this region (the handler reaches the restored instance through this region's VPC). */
  region: string;
  /** The stores of the handler's configuration. */
  stores: readonly Pick<VerifyStoreConfig, 'storeId' | 'kind' | 'sourceIdentifier' | 'restoreRegion' | 'sourceAutomatedBackupsArn' | 'subnetGroupName' | 'identifierPrefix'>[];
  /** CloudWatch namespace the handler publishes to. @default 'Lifeboat' */
  namespace?: string;
}

const requestTagged = { StringEquals: { [`aws:RequestTag/${TAG.verification}`]: VERIFICATION_TAG_VALUE } };
const resourceTagged = { StringEquals: { [`aws:ResourceTag/${TAG.verification}`]: VERIFICATION_TAG_VALUE } };

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

/**
 * IAM statements granting exactly the calls the verification-restore handler makes:
 * - create (restore, cluster instance, tag-on-create) only with the request tag `lifeboat:verification=true` and only
 *   under the stores' fixed temporary identifiers; the sources, replicated backups, subnet groups and default
 *   option/parameter groups are usable only inside such a tagged create request;
 * - modify / delete / tag only resources that already carry `lifeboat:verification=true`, again only under the
 *   temporary identifiers; nothing at all on the sources beyond being restored from;
 * - reads (describe) and `cloudwatch:PutMetricData` limited to the configured namespace.
 */
export function verifyRestorePolicyStatements(props: VerifyRestorePolicyProps): PolicyStatement[] {
  const { partition, accountId, region } = props;
  const misplaced = props.stores.filter((store) => store.restoreRegion !== region).map((store) => store.storeId);
  if (misplaced.length > 0) {
    throw new Error(`verifyRestorePolicyStatements: stores ${misplaced.join(', ')} restore outside region ${region}; deploy one handler per restore region`);
  }
  const arn = (type: string, name: string) => `arn:${partition}:rds:${region}:${accountId}:${type}:${name}`;
  const instanceStores = props.stores.filter((store) => store.kind === 'instance');
  const clusterStores = props.stores.filter((store) => store.kind === 'cluster');
  const subnetGroups = unique(props.stores.map((store) => arn('subgrp', store.subnetGroupName)));
  const statements: PolicyStatement[] = [];

  if (instanceStores.length > 0) {
    statements.push({
      Sid: 'RestoreTaggedVerificationInstances',
      Effect: 'Allow',
      Action: ['rds:RestoreDBInstanceToPointInTime'],
      Resource: unique([
        ...instanceStores.map((store) => arn('db', restoredIdentifier(store))),
        ...instanceStores.map((store) => store.sourceAutomatedBackupsArn ?? arn('db', store.sourceIdentifier)),
        ...subnetGroups,
        arn('og', '*'),
        arn('pg', '*'),
      ]),
      Condition: requestTagged,
    });
  }
  if (clusterStores.length > 0) {
    statements.push({
      Sid: 'RestoreTaggedVerificationClusters',
      Effect: 'Allow',
      Action: ['rds:RestoreDBClusterToPointInTime'],
      Resource: unique([
        ...clusterStores.map((store) => arn('cluster', restoredIdentifier(store))),
        ...clusterStores.map((store) => arn('cluster', store.sourceIdentifier)),
        ...subnetGroups,
        arn('cluster-pg', '*'),
        arn('og', '*'),
      ]),
      Condition: requestTagged,
    });
    statements.push({
      Sid: 'CreateTaggedInstancesInVerificationClusters',
      Effect: 'Allow',
      Action: ['rds:CreateDBInstance'],
      Resource: unique([
        ...clusterStores.map((store) => arn('db', checkedInstanceIdentifier(store))),
        ...clusterStores.map((store) => arn('cluster', restoredIdentifier(store))),
        ...subnetGroups,
        arn('og', '*'),
        arn('pg', '*'),
      ]),
      Condition: requestTagged,
    });
  }
  const temporaryInstances = unique(props.stores.map((store) => arn('db', checkedInstanceIdentifier(store))));
  const temporaryClusters = unique(clusterStores.map((store) => arn('cluster', restoredIdentifier(store))));
  statements.push({
    // Tag-on-create needs rds:AddTagsToResource too; only the run's own tag keys, and only with the verification tag.
    Sid: 'TagVerificationResourcesOnCreate',
    Effect: 'Allow',
    Action: ['rds:AddTagsToResource'],
    Resource: [...temporaryInstances, ...temporaryClusters],
    Condition: {
      StringEquals: { [`aws:RequestTag/${TAG.verification}`]: VERIFICATION_TAG_VALUE },
      'ForAllValues:StringEquals': { 'aws:TagKeys': [...CREATION_TAG_KEYS].sort() },
    },
  });
  statements.push({
    Sid: 'ModifyAndDeleteOnlyTaggedVerificationInstances',
    Effect: 'Allow',
    Action: ['rds:AddTagsToResource', 'rds:DeleteDBInstance', 'rds:ModifyDBInstance'],
    Resource: temporaryInstances,
    Condition: resourceTagged,
  });
  if (clusterStores.length > 0) {
    statements.push({
      Sid: 'ModifyAndDeleteOnlyTaggedVerificationClusters',
      Effect: 'Allow',
      Action: ['rds:AddTagsToResource', 'rds:DeleteDBCluster', 'rds:ModifyDBCluster'],
      Resource: temporaryClusters,
      Condition: resourceTagged,
    });
  }
  const describe: PolicyStatement = {
    Sid: 'DescribeDatabasesAndRestoreEvents',
    Effect: 'Allow',
    Action: ['rds:DescribeDBInstances'],
    Resource: [arn('db', '*')],
  };
  statements.push(describe);
  if (clusterStores.length > 0) {
    statements.push({ Sid: 'DescribeClusters', Effect: 'Allow', Action: ['rds:DescribeDBClusters'], Resource: [arn('cluster', '*')] });
  }
  const automatedBackups = unique(instanceStores.flatMap((store) => (store.sourceAutomatedBackupsArn ? [store.sourceAutomatedBackupsArn] : [])));
  if (automatedBackups.length > 0) {
    statements.push({
      Sid: 'DescribeReplicatedAutomatedBackups',
      Effect: 'Allow',
      Action: ['rds:DescribeDBInstanceAutomatedBackups'],
      Resource: automatedBackups,
    });
  }
  // DescribeEvents supports no resource-level permissions.
  statements.push({ Sid: 'DescribeRestoreEvents', Effect: 'Allow', Action: ['rds:DescribeEvents'], Resource: ['*'] });
  statements.push({
    Sid: 'PublishVerificationMetrics',
    Effect: 'Allow',
    Action: ['cloudwatch:PutMetricData'],
    Resource: ['*'],
    Condition: { StringEquals: { 'cloudwatch:namespace': props.namespace ?? 'Lifeboat' } },
  });
  return statements;
}
