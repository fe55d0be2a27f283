import { finding, isTrue } from '../document';
import type { PolicyRule } from '../types';

export const kmsKeyRotation: PolicyRule = {
  id: 'kms-key-rotation',
  pack: 'encryption',
  severity: 'error',
  description: 'Every symmetric aws_kms_key sets enable_key_rotation = true.',
  fix: 'Set enable_key_rotation = true (AWS rotates the key material yearly by default; old material keeps decrypting).',
  check(index) {
    return index.resources('aws_kms_key')
      .filter((key) => {
        const spec = key.body.customer_master_key_spec;
        const symmetric = spec === undefined || spec === 'SYMMETRIC_DEFAULT';
        return symmetric && !isTrue(key.body.enable_key_rotation);
      })
      .map((key) => finding(kmsKeyRotation, key, 'enable_key_rotation is not true.'));
  },
};
