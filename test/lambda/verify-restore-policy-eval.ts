/**
 * A deliberately small IAM evaluator for the verification-restore policy test: Allow statements only, `*` wildcards
 * in actions and ARNs, and the condition operators the policy uses (StringEquals, ForAllValues:StringEquals) over the
 * keys it uses (aws:RequestTag/*, aws:ResourceTag/*, aws:TagKeys, cloudwatch:namespace). Each recorded call is turned
 * into the (action, resource) pairs AWS authorizes for it, including tag-on-create's rds:AddTagsToResource.
 */
import type { PolicyStatement } from '../../lambda/verify-restore/iam';
import { FAKE_ACCOUNT, FAKE_REGION, type RecordedCall } from '../support/fake-rds';

interface Request {
  action: string;
  resource: string;
  context: Record<string, string | string[] | undefined>;
}

const arn = (type: string, name: string) => `arn:aws:rds:${FAKE_REGION}:${FAKE_ACCOUNT}:${type}:${name}`;

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function tagsOf(list: { Key: string; Value: string }[] | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).map((tag) => [tag.Key, tag.Value]));
}

function contextFor(call: RecordedCall): Request['context'] {
  const context: Request['context'] = {};
  const requestTags = tagsOf(call.input.Tags);
  for (const [key, value] of Object.entries(requestTags)) context[`aws:RequestTag/${key}`] = value;
  if (call.input.Tags) context['aws:TagKeys'] = Object.keys(requestTags);
  for (const [key, value] of Object.entries(call.targetTags ?? {})) context[`aws:ResourceTag/${key}`] = value;
  if (call.command === 'PutMetricData') context['cloudwatch:namespace'] = call.input.Namespace;
  return context;
}

export function requestsOf(call: RecordedCall): Request[] {
  const input = call.input;
  const context = contextFor(call);
  const rds = (resources: string[]) => resources.map((resource) => ({ action: `rds:${call.command}`, resource, context }));
  const tagOnCreate = (resource: string) => (input.Tags ? [{ action: 'rds:AddTagsToResource', resource, context }] : []);
  switch (call.command) {
    case 'DescribeDBInstances':
      return rds([arn('db', input.DBInstanceIdentifier ?? '*')]);
    case 'DescribeDBClusters':
      return rds([arn('cluster', input.DBClusterIdentifier ?? '*')]);
    case 'DescribeDBInstanceAutomatedBackups':
      return rds([input.DBInstanceAutomatedBackupsArn]);
    case 'DescribeEvents':
      return rds(['*']);
    case 'RestoreDBInstanceToPointInTime':
      return [
        ...rds([
          arn('db', input.TargetDBInstanceIdentifier),
          input.SourceDBInstanceAutomatedBackupsArn ?? arn('db', input.SourceDBInstanceIdentifier),
          arn('subgrp', input.DBSubnetGroupName),
        ]),
        ...tagOnCreate(arn('db', input.TargetDBInstanceIdentifier)),
      ];
    case 'RestoreDBClusterToPointInTime':
      return [
        ...rds([arn('cluster', input.DBClusterIdentifier), arn('cluster', input.SourceDBClusterIdentifier), arn('subgrp', input.DBSubnetGroupName)]),
        ...tagOnCreate(arn('cluster', input.DBClusterIdentifier)),
      ];
    case 'CreateDBInstance':
      return [...rds([arn('db', input.DBInstanceIdentifier), arn('cluster', input.DBClusterIdentifier)]), ...tagOnCreate(arn('db', input.DBInstanceIdentifier))];
    case 'ModifyDBInstance':
    case 'DeleteDBInstance':
      return rds([arn('db', input.DBInstanceIdentifier)]);
    case 'ModifyDBCluster':
    case 'DeleteDBCluster':
      return rds([arn('cluster', input.DBClusterIdentifier)]);
    case 'AddTagsToResource':
      return rds([input.ResourceName]);
    case 'PutMetricData':
      return [{ action: 'cloudwatch:PutMetricData', resource: '*', context }];
    default:
      return [{ action: `unknown:${call.command}`, resource: '*', context }];
  }
}

function conditionsHold(statement: PolicyStatement, context: Request['context']): boolean {
  for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
    for (const [key, expected] of Object.entries(entries)) {
      const allowed = Array.isArray(expected) ? expected : [expected];
      const actual = context[key];
      if (operator === 'StringEquals') {
        if (typeof actual !== 'string' || !allowed.includes(actual)) return false;
      } else if (operator === 'ForAllValues:StringEquals') {
        const values = Array.isArray(actual) ? actual : actual === undefined ? [] : [actual];
        if (!values.every((value) => allowed.includes(value))) return false;
      } else {
        throw new Error(`the test evaluator does not implement ${operator}`);
      }
    }
  }
  return true;
}

export function allows(statements: PolicyStatement[], request: Request): boolean {
  return statements.some(
    (statement) =>
      statement.Effect === 'Allow' &&
      statement.Action.some((action) => glob(action).test(request.action)) &&
      statement.Resource.some((resource) => glob(resource).test(request.resource)) &&
      conditionsHold(statement, request.context),
  );
}

/** True when every authorization the call needs is allowed by `statements`. */
export function policyAllows(statements: PolicyStatement[], call: RecordedCall): boolean {
  return requestsOf(call).every((request) => allows(statements, request));
}
