import { finding, stringList } from '../document';
import { isFullWildcard, type PolicyStatement } from '../iam';
import type { Finding, PolicyRule } from '../types';

/**
 * AWS managed policies that grant (nearly) every action on every resource: AdministratorAccess, and
 * PowerUserAccess, which is an Allow of NotAction iam:*, organizations:*, account:* on Resource "*".
 */
const ADMIN_MANAGED_POLICY = /^arn:[\w-]+:iam::aws:policy\/(AdministratorAccess|PowerUserAccess)$/;
const ATTACHMENTS = [
  'aws_iam_role_policy_attachment',
  'aws_iam_user_policy_attachment',
  'aws_iam_group_policy_attachment',
  'aws_iam_policy_attachment',
];
/** Provider 6 resources that attach a whole list of managed policies (`policy_arns`) and detach any other. */
const EXCLUSIVE_ATTACHMENTS = [
  'aws_iam_role_policy_attachments_exclusive',
  'aws_iam_user_policy_attachments_exclusive',
  'aws_iam_group_policy_attachments_exclusive',
];

/** Whether the statement reaches every resource: `Resource "*"`, or a `NotResource` (everything but a few). */
function everyResource(statement: PolicyStatement): boolean {
  return statement.resources.includes('*') || statement.notResources.length > 0;
}

/**
 * An Allow of every action on every resource: administrator access. `NotAction` on every resource counts too: it
 * grants every action but the listed ones, including the ones AWS adds later.
 */
export function isAdministratorStatement(statement: PolicyStatement): boolean {
  if (statement.effect !== 'Allow' || !everyResource(statement)) return false;
  return statement.actions.some(isFullWildcard) || statement.notActions.length > 0;
}

function describe(statement: PolicyStatement): string {
  if (statement.actions.some(isFullWildcard)) return 'allows every action on every resource';
  return `allows every action except ${statement.notActions.join(', ')} (NotAction) on every resource`;
}

export const iamNoWildcardAdmin: PolicyRule = {
  id: 'iam-no-wildcard-admin',
  pack: 'iam',
  severity: 'error',
  description:
    'No identity policy allows Action "*" or a NotAction on Resource "*" (or a NotResource), and nothing attaches ' +
    'the AdministratorAccess or PowerUserAccess managed policy.',
  fix: 'List the actions the principal needs (Action, not NotAction) and scope Resource to the ARNs it works on.',
  check(index) {
    const findings: Finding[] = [];
    for (const policy of index.identityPolicies()) {
      const resolved = index.resolvePolicy(policy.value);
      const admin = resolved.readable ? resolved.statements.find(isAdministratorStatement) : undefined;
      if (admin !== undefined) findings.push(finding(iamNoWildcardAdmin, policy.block, `${policy.attribute} ${describe(admin)}.`));
    }
    for (const attachment of ATTACHMENTS.flatMap((type) => index.resources(type))) {
      const managed = ADMIN_MANAGED_POLICY.exec(String(attachment.body.policy_arn));
      if (managed) findings.push(finding(iamNoWildcardAdmin, attachment, `Attaches the ${managed[1] as string} managed policy.`));
    }
    for (const attachments of EXCLUSIVE_ATTACHMENTS.flatMap((type) => index.resources(type))) {
      const managed = stringList(attachments.body.policy_arns)
        .map((arn) => ADMIN_MANAGED_POLICY.exec(arn)?.[1])
        .filter((name): name is string => name !== undefined);
      if (managed.length > 0) findings.push(finding(iamNoWildcardAdmin, attachments, `policy_arns includes ${managed.join(', ')}.`));
    }
    for (const role of index.resources('aws_iam_role')) {
      const managed = stringList(role.body.managed_policy_arns)
        .map((arn) => ADMIN_MANAGED_POLICY.exec(arn)?.[1])
        .filter((name): name is string => name !== undefined);
      if (managed.length > 0) findings.push(finding(iamNoWildcardAdmin, role, `managed_policy_arns includes ${managed.join(', ')}.`));
    }
    return findings;
  },
};
