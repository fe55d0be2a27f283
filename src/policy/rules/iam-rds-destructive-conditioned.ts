import { finding } from '../document';
import { grantsAction, type PolicyStatement } from '../iam';
import type { Finding, PolicyRule } from '../types';
import { isAdministratorStatement } from './iam-no-wildcard-admin';

/** RDS actions that delete data, its backups, or the standby that protects it. */
export const DESTRUCTIVE_RDS_ACTIONS = [
  'rds:DeleteDBInstance',
  'rds:DeleteDBCluster',
  'rds:DeleteGlobalCluster',
  'rds:DeleteDBSnapshot',
  'rds:DeleteDBClusterSnapshot',
  'rds:DeleteDBInstanceAutomatedBackup',
  'rds:DeleteDBClusterAutomatedBackup',
  'rds:ModifyDBInstance',
  'rds:ModifyDBCluster',
  'rds:ModifyGlobalCluster',
  'rds:RemoveFromGlobalCluster',
  'rds:PromoteReadReplica',
  'rds:PromoteReadReplicaDBCluster',
  'rds:StopDBInstance',
  'rds:StopDBCluster',
] as const;

const TAG_KEY = /^(aws:resourcetag\/|rds:db-tag\/|rds:cluster-tag\/)/i;
/** Operators that require the tag to be present with a matching value; `IfExists` and negated forms do not. */
const MATCHING_OPERATORS = new Set(['stringequals', 'stringequalsignorecase', 'stringlike']);

function hasTagCondition(statement: PolicyStatement): boolean {
  return statement.conditions.some((condition) => {
    const operator = condition.operator.replace(/^for(all|any)values:/i, '').toLowerCase();
    return MATCHING_OPERATORS.has(operator) && TAG_KEY.test(condition.key) && condition.values.length > 0;
  });
}

/** Whether the statement can reach an RDS resource: `*`, an RDS ARN, an unresolved reference, or NotResource. */
function reachesRds(statement: PolicyStatement): boolean {
  if (statement.notResources.length > 0) return true;
  return statement.resources.some(
    (resource) => resource === '*' || /^arn:[^:]*:rds:/.test(resource) || resource.startsWith('arn:*') || resource.includes('${'),
  );
}

export const iamRdsDestructiveConditioned: PolicyRule = {
  id: 'iam-rds-destructive-conditioned',
  pack: 'iam',
  severity: 'error',
  description:
    `Identity policies that allow destructive RDS actions (${DESTRUCTIVE_RDS_ACTIONS.join(', ')}) carry a ` +
    'StringEquals/StringLike condition on aws:ResourceTag/<key> (or rds:db-tag/, rds:cluster-tag/).',
  fix:
    'Add Condition { "StringEquals": { "aws:ResourceTag/<key>": "<value>" } } so the principal can only touch the ' +
    'resources tagged for it (e.g. lifeboat:verification = true), or drop the destructive actions.',
  check(index) {
    const findings: Finding[] = [];
    for (const policy of index.identityPolicies()) {
      const resolved = index.resolvePolicy(policy.value);
      if (!resolved.readable) continue;
      const granted = new Set<string>();
      for (const statement of resolved.statements) {
        // Administrator statements are reported once, by iam-no-wildcard-admin.
        if (isAdministratorStatement(statement) || !reachesRds(statement) || hasTagCondition(statement)) continue;
        DESTRUCTIVE_RDS_ACTIONS.filter((action) => grantsAction(statement, action)).forEach((action) => granted.add(action));
      }
      if (granted.size > 0) {
        const actions = DESTRUCTIVE_RDS_ACTIONS.filter((action) => granted.has(action));
        findings.push(
          finding(iamRdsDestructiveConditioned, policy.block, `${policy.attribute} allows ${actions.join(', ')} without a resource-tag condition.`),
        );
      }
    }
    return findings;
  },
};
