import { finding } from '../document';
import { type PolicyStatement } from '../iam';
import type { PolicyRule } from '../types';

/** A Deny of every S3 action to everyone when aws:SecureTransport is false. */
function deniesPlainHttp(statement: PolicyStatement): boolean {
  return (
    statement.effect === 'Deny' &&
    statement.actions.some((pattern) => ['*', '*:*', 's3:*'].includes(pattern.toLowerCase())) &&
    statement.principals.includes('*') &&
    statement.conditions.some(
      (condition) =>
        condition.operator.toLowerCase() === 'bool' &&
        condition.key.toLowerCase() === 'aws:securetransport' &&
        condition.values.includes('false'),
    )
  );
}

export const s3TlsOnly: PolicyRule = {
  id: 's3-tls-only',
  pack: 'encryption',
  severity: 'error',
  description:
    'Every S3 bucket policy (aws_s3_bucket_policy, or the inline policy of aws_s3_bucket) denies requests without TLS ' +
    '(Deny s3:* to "*" when aws:SecureTransport is false).',
  fix:
    'Add an aws_s3_bucket_policy for this bucket with a statement Effect Deny, Principal "*", Action "s3:*", ' +
    'Resource the bucket and its objects, Condition Bool aws:SecureTransport = "false".',
  check(index) {
    return index.buckets().flatMap((bucket) => {
      // The companion resources, or the bucket's own (deprecated) inline policy that older stacks use.
      const policies = index.companionsOf('aws_s3_bucket_policy', bucket).map((policy) => ({ address: policy.address, value: policy.body.policy }));
      if (bucket.body.policy !== undefined) policies.push({ address: `${bucket.address} (policy)`, value: bucket.body.policy });
      if (policies.length === 0) return [finding(s3TlsOnly, bucket, 'Bucket has no aws_s3_bucket_policy, so plain-HTTP requests are allowed.')];
      const unreadable: string[] = [];
      for (const policy of policies) {
        const resolved = index.resolvePolicy(policy.value);
        if (!resolved.readable) unreadable.push(`${policy.address}: ${resolved.reason}`);
        else if (resolved.statements.some(deniesPlainHttp)) return [];
      }
      const message =
        unreadable.length > 0
          ? `The bucket policy could not be read, so TLS-only access cannot be confirmed (${unreadable.join('; ')}).`
          : 'Bucket policy has no statement denying requests where aws:SecureTransport is false.';
      return [finding(s3TlsOnly, bucket, message)];
    });
  },
};
