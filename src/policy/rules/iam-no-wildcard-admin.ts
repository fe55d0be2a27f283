import { finding, resources, stringList } from '../document';
import { identityPolicies, isFullWildcard, resolvePolicy, type PolicyStatement } from '../iam';
import type { Finding, PolicyRule } from '../types';

const ADMINISTRATOR_ACCESS = /^arn:[\w-]+:iam::aws:policy\/AdministratorAccess$/;
const ATTACHMENTS = [
  'aws_iam_role_policy_attachment',
  'aws_iam_user_policy_attachment',
  'aws_iam_group_policy_attachment',
  'aws_iam_policy_attachment',
];

/** An Allow of every action on every resource: administrator access. */
export function isAdministratorStatement(statement: PolicyStatement): boolean {
  return statement.effect === 'Allow' && statement.actions.some(isFullWildcard) && statement.resources.includes('*');
}

export const iamNoWildcardAdmin: PolicyRule = {
  id: 'iam-no-wildcard-admin',
  pack: 'iam',
  severity: 'error',
  description: 'No identity policy allows Action "*" on Resource "*", and nothing attaches the AdministratorAccess managed policy.',
  fix: 'List the actions the principal needs and scope Resource to the ARNs it works on.',
  check(doc) {
    const findings: Finding[] = [];
    for (const policy of identityPolicies(doc)) {
      const resolved = resolvePolicy(doc, policy.value);
      if (resolved.readable && resolved.statements.some(isAdministratorStatement)) {
        findings.push(finding(iamNoWildcardAdmin, policy.block, `${policy.attribute} allows every action on every resource.`));
      }
    }
    for (const attachment of ATTACHMENTS.flatMap((type) => resources(doc, type))) {
      if (ADMINISTRATOR_ACCESS.test(String(attachment.body.policy_arn))) {
        findings.push(finding(iamNoWildcardAdmin, attachment, 'Attaches the AdministratorAccess managed policy.'));
      }
    }
    for (const role of resources(doc, 'aws_iam_role')) {
      if (stringList(role.body.managed_policy_arns).some((arn) => ADMINISTRATOR_ACCESS.test(arn))) {
        findings.push(finding(iamNoWildcardAdmin, role, 'managed_policy_arns includes AdministratorAccess.'));
      }
    }
    return findings;
  },
};
