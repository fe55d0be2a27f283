import { finding } from '../document';
import type { PolicyRule } from '../types';

export const iamPolicyReadable: PolicyRule = {
  id: 'iam-policy-readable',
  pack: 'iam',
  severity: 'warning',
  description:
    'Every identity policy can be checked offline: a JSON string or a reference to a data.aws_iam_policy_document ' +
    'in the same stack (the other iam rules cannot see into anything else).',
  fix: 'Build the policy with DataAwsIamPolicyDocument or JSON.stringify instead of Fn.jsonencode or a cross-stack value.',
  check(index) {
    return index.identityPolicies().flatMap((policy) => {
      const resolved = index.resolvePolicy(policy.value);
      return resolved.readable ? [] : [finding(iamPolicyReadable, policy.block, `${policy.attribute} cannot be checked: ${resolved.reason}.`)];
    });
  },
};
