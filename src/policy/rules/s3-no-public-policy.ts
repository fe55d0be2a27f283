import { finding, firstBlock, type BlockRef } from '../document';
import type { DocumentIndex } from '../document-index';
import type { PolicyCondition, PolicyStatement } from '../iam';
import type { Finding, PolicyRule } from '../types';

/**
 * Condition keys that, pinned to fixed values, limit a `Principal "*"` statement to known callers or sources: the
 * keys Amazon S3 itself accepts as making a bucket policy non-public (see "The meaning of public" in the S3 User
 * Guide), plus the organization and principal keys that pin the caller's identity.
 */
const RESTRICTING_KEYS = new Set(
  [
    'aws:SourceIp',
    'aws:SourceArn',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceOwner',
    'aws:SourceAccount',
    'aws:SourceOrgID',
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:PrincipalOrgID',
    'aws:userid',
    's3:DataAccessPointArn',
    's3:DataAccessPointAccount',
    's3:x-amz-server-side-encryption-aws-kms-key-id',
  ].map((key) => key.toLowerCase()),
);
/** Operators that require the key to be present and equal to one of the values; negated and `IfExists` ones do not. */
const MATCHING_OPERATORS = new Set(['stringequals', 'stringequalsignorecase', 'stringlike', 'arnequals', 'arnlike', 'ipaddress']);
const ANY_ADDRESS = ['0.0.0.0/0', '::/0'];

/** A fixed value: no IAM wildcard and no IAM policy variable (`$${aws:username}` in Terraform JSON, `&{...}` in documents). */
function isFixed(value: string): boolean {
  const withoutInterpolations = value.replace(/(?<!\$)\$\{[^}]*\}/g, '');
  return !/[*?]/.test(withoutInterpolations) && !value.includes('$${') && !value.includes('&{');
}

function restricts(condition: PolicyCondition): boolean {
  const operator = condition.operator.toLowerCase().replace(/^foranyvalue:/, '');
  if (!MATCHING_OPERATORS.has(operator) || !RESTRICTING_KEYS.has(condition.key.toLowerCase())) return false;
  return condition.values.length > 0 && condition.values.every((value) => isFixed(value) && !ANY_ADDRESS.includes(value));
}

/** An Allow to everyone (`Principal "*"`, `{"AWS": "*"}`, or a NotPrincipal) that no condition limits. */
function isPublicGrant(statement: PolicyStatement): boolean {
  if (statement.effect !== 'Allow') return false;
  const everyone = statement.principals.includes('*') || statement.notPrincipals.length > 0;
  return everyone && !statement.conditions.some(restricts);
}

function describe(statement: PolicyStatement): string {
  const actions = statement.actions.length > 0 ? statement.actions.join(', ') : `every action except ${statement.notActions.join(', ')}`;
  const who = statement.notPrincipals.length > 0 ? `everyone but ${statement.notPrincipals.join(', ')} (NotPrincipal)` : 'everyone (Principal "*")';
  return `allows ${actions} to ${who} with no condition that pins the caller or the source`;
}

/** An access point with a `vpc_configuration` accepts requests only from that VPC. */
function vpcOnly(point: BlockRef): boolean {
  return firstBlock(point.body.vpc_configuration)?.vpc_id !== undefined;
}

/** The access points of the document that `${aws_s3_access_point.<name>.arn}` references name. */
function accessPointsNamedBy(index: DocumentIndex, value: unknown): BlockRef[] {
  if (typeof value !== 'string') return [];
  return [...value.matchAll(/\$\{aws_s3_access_point\.([\w-]+)\.arn\}/g)]
    .map((match) => index.block(`aws_s3_access_point.${match[1] as string}`))
    .filter((point): point is BlockRef => point !== undefined);
}

export const s3NoPublicPolicy: PolicyRule = {
  id: 's3-no-public-policy',
  pack: 'network',
  severity: 'error',
  description:
    'No bucket policy (aws_s3_bucket_policy, or the inline policy of aws_s3_bucket) and no policy of an internet ' +
    'access point (aws_s3_access_point, aws_s3control_access_point_policy) allows Principal "*" or {"AWS": "*"} ' +
    '(also in a list, or through NotPrincipal) unless a condition pins the caller or the source to fixed values ' +
    '(aws:SourceVpce, aws:SourceArn, aws:PrincipalOrgID, aws:SourceIp other than 0.0.0.0/0, ...).',
  fix:
    'Name the principals that need access (account, role or service ARNs), or add a StringEquals/ArnEquals/IpAddress ' +
    'condition on a key such as aws:SourceVpce, aws:SourceArn or aws:PrincipalOrgID with fixed values.',
  check(index) {
    const policies: Array<{ block: BlockRef; value: unknown }> = [
      ...index.resources('aws_s3_bucket_policy').map((block) => ({ block, value: block.body.policy })),
      ...index.buckets()
        .filter((bucket) => bucket.body.policy !== undefined)
        .map((bucket) => ({ block: bucket, value: bucket.body.policy })),
      // Access points reachable from the internet: a policy on a VPC-only access point is not public (S3 rejects
      // requests to it from outside that VPC).
      ...index.resources('aws_s3_access_point')
        .filter((point) => point.body.policy !== undefined && !vpcOnly(point))
        .map((point) => ({ block: point, value: point.body.policy })),
      ...index.resources('aws_s3control_access_point_policy')
        .filter((attached) => !accessPointsNamedBy(index, attached.body.access_point_arn).some(vpcOnly))
        .map((attached) => ({ block: attached, value: attached.body.policy })),
    ];
    return policies.flatMap(({ block, value }): Finding[] => {
      // An unreadable policy cannot be judged offline; s3-tls-only reports unreadable aws_s3_bucket_policy resources.
      const resolved = index.resolvePolicy(value);
      if (!resolved.readable) return [];
      const problems = resolved.statements.flatMap((statement, position) =>
        isPublicGrant(statement) ? [`Statement ${position + 1} ${describe(statement)}`] : [],
      );
      return problems.length === 0 ? [] : [finding(s3NoPublicPolicy, block, `${problems.join('; ')}.`)];
    });
  },
};
