import { finding, isNonEmptyString } from '../document';
import type { PolicyRule } from '../types';

export const noUncheckedModules: PolicyRule = {
  id: 'no-unchecked-modules',
  pack: 'data-protection',
  severity: 'warning',
  description:
    'Every resource is in the synthesized JSON, where the rules can read it: no Terraform module calls (module.<name>, ' +
    'e.g. cdktf TerraformHclModule or generated module bindings), whose resources Terraform only expands at plan time.',
  fix:
    'Write the resources in the stack (provider classes or Lifeboat constructs) so they are checked, or suppress this ' +
    'finding with a reason saying how the module\'s resources are checked instead.',
  check(index) {
    return index.modules().map((module) => {
      const source = isNonEmptyString(module.body.source) ? ` (source ${module.body.source})` : '';
      return finding(noUncheckedModules, module, `Module call${source}: none of its resources are checked, so a clean report says nothing about them.`);
    });
  },
};
