import { finding, isTrue } from '../document';
import type { PolicyRule } from '../types';

const TYPES = ['aws_s3_bucket', 'aws_backup_vault', 'aws_rds_global_cluster'];

export const noForceDestroy: PolicyRule = {
  id: 'no-force-destroy',
  pack: 'data-protection',
  severity: 'error',
  description: `${TYPES.join(', ')} never set force_destroy = true (it deletes every object, recovery point or member on destroy).`,
  fix: 'Remove force_destroy (it defaults to false); empty the resource deliberately if it must ever be deleted.',
  check(index) {
    return TYPES.flatMap((type) => index.resources(type))
      .filter((block) => isTrue(block.body.force_destroy))
      .map((block) => finding(noForceDestroy, block, 'force_destroy = true: a destroy would delete all of its data with it.'));
  },
};
