import { blockList, finding, firstBlock, stringList, type BlockRef } from '../document';
import type { Finding, PolicyRule } from '../types';

/** Canned ACLs that grant the AllUsers (anyone) or AuthenticatedUsers (any AWS account) group access, and to what. */
const PUBLIC_CANNED_ACLS: Record<string, string> = {
  'public-read': 'anyone can read',
  'public-read-write': 'anyone can read and write',
  'authenticated-read': 'any AWS account can read',
};
const AUDIENCE: Record<string, string> = { AllUsers: 'anyone', AuthenticatedUsers: 'any AWS account' };
/** Grantee group URIs for anyone and for any AWS account (`http://acs.amazonaws.com/groups/global/...`). */
const PUBLIC_GROUP = /\/groups\/global\/(AllUsers|AuthenticatedUsers)$/;

/** `acl = "public-read"` and the like, wherever a canned ACL is set. */
function cannedProblem(block: BlockRef): string[] {
  const acl = block.body.acl;
  const effect = typeof acl === 'string' && Object.hasOwn(PUBLIC_CANNED_ACLS, acl) ? PUBLIC_CANNED_ACLS[acl] : undefined;
  return effect === undefined ? [] : [`acl = "${String(acl)}" (${effect})`];
}

/** Grants to the public groups: `{ uri, permission(s) }` entries of a grant list (grantee nested or inline). */
function grantProblems(grants: unknown, where: string): string[] {
  return blockList(grants).flatMap((grant) => {
    const grantee = firstBlock(grant.grantee) ?? grant;
    const group = typeof grantee.uri === 'string' ? PUBLIC_GROUP.exec(grantee.uri)?.[1] : undefined;
    if (group === undefined) return [];
    const permissions = [...stringList(grant.permission), ...stringList(grant.permissions)];
    return [`${where} grants ${permissions.join(', ') || 'access'} to ${group} (${AUDIENCE[group] as string})`];
  });
}

function report(block: BlockRef, problems: string[]): Finding[] {
  if (problems.length === 0) return [];
  return [finding(s3NoPublicAcl, block, `Public ACL: ${problems.join('; ')}.`)];
}

export const s3NoPublicAcl: PolicyRule = {
  id: 's3-no-public-acl',
  pack: 'network',
  severity: 'error',
  description:
    `No ACL opens data to everyone or to every AWS account: no canned ${Object.keys(PUBLIC_CANNED_ACLS).join(', ')} and no grant to the ` +
    'AllUsers or AuthenticatedUsers group, on aws_s3_bucket_acl, the inline acl/grant of aws_s3_bucket, aws_s3_object or aws_s3_object_copy.',
  fix:
    'Remove the public ACL (use acl = "private" or, better, aws_s3_bucket_ownership_controls with BucketOwnerEnforced, which ' +
    'disables ACLs) and grant access through a bucket policy scoped to the principals that need it.',
  check(index) {
    return [
      ...index.resources('aws_s3_bucket_acl').flatMap((acl) =>
        report(acl, [...cannedProblem(acl), ...grantProblems(firstBlock(acl.body.access_control_policy)?.grant, 'access_control_policy')]),
      ),
      ...index.buckets().flatMap((bucket) => report(bucket, [...cannedProblem(bucket), ...grantProblems(bucket.body.grant, 'grant')])),
      ...['aws_s3_object', 'aws_s3_object_copy']
        .flatMap((type) => index.resources(type))
        .flatMap((object) => report(object, [...cannedProblem(object), ...grantProblems(object.body.grant, 'grant')])),
    ];
  },
};
