/**
 * The public-access, region and admin rules on minimal stacks written with provider classes and synthesized by
 * cdktf: proof that the rules read the attribute names and shapes the provider really writes (acl,
 * access_control_policy.grant.grantee.uri, principals, region, provider aliases, NotAction).
 */
import * as fs from 'node:fs';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachmentsExclusive } from '@cdktf/provider-aws/lib/iam-role-policy-attachments-exclusive';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketAcl } from '@cdktf/provider-aws/lib/s3-bucket-acl';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketReplicationConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-replication-configuration';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformHclModule, Testing, TerraformStack } from 'cdktf';
import { checkDocument, checkDocuments, loadPolicyInputs, type TerraformDocument } from '../../src/policy';

const outdirs: string[] = [];
afterAll(() => {
  for (const outdir of outdirs) fs.rmSync(outdir, { recursive: true, force: true });
});

/** Synthesizes a one-provider stack built by `build` and returns `<address>: <message>` for the rules' findings. */
function findings(ruleId: string | string[], build: (stack: TerraformStack) => void): string[] {
  const ruleIds = Array.isArray(ruleId) ? ruleId : [ruleId];
  const app = Testing.app();
  outdirs.push(app.outdir);
  const stack = new TerraformStack(app, 'minimal');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  build(stack);
  const document = JSON.parse(Testing.synth(stack)) as TerraformDocument;
  return checkDocument(document)
    .filter((found) => ruleIds.includes(found.ruleId))
    .map((found) => `${found.ruleId} ${found.address}: ${found.message}`);
}

function replicate(stack: TerraformStack, source: S3Bucket, destination: S3Bucket): void {
  const role = new IamRole(stack, 'replication-role', { assumeRolePolicy: JSON.stringify({ Statement: [] }) });
  new S3BucketReplicationConfigurationA(stack, 'replication', {
    bucket: source.id,
    role: role.arn,
    rule: [{ id: 'all', status: 'Enabled', filter: {}, deleteMarkerReplication: { status: 'Enabled' }, destination: { bucket: destination.arn } }],
  });
}

describe('s3-no-public-acl on a synthesized stack', () => {
  it('names a canned public-read ACL and a grant to AllUsers', () => {
    expect(
      findings('s3-no-public-acl', (stack) => {
        const bucket = new S3Bucket(stack, 'site', { bucket: 'minimal-site' });
        new S3BucketAcl(stack, 'canned', { bucket: bucket.id, acl: 'public-read' });
        new S3BucketAcl(stack, 'granted', {
          bucket: bucket.id,
          accessControlPolicy: {
            owner: { id: 'owner-canonical-id' },
            grant: [{ permission: 'READ', grantee: { type: 'Group', uri: 'http://acs.amazonaws.com/groups/global/AllUsers' } }],
          },
        });
      }),
    ).toEqual([
      's3-no-public-acl aws_s3_bucket_acl.canned: Public ACL: acl = "public-read" (anyone can read).',
      's3-no-public-acl aws_s3_bucket_acl.granted: Public ACL: access_control_policy grants READ to AllUsers (anyone).',
    ]);
  });
});

describe('s3-no-public-policy on a synthesized stack', () => {
  it('names a policy document and a JSON policy that allow everyone', () => {
    expect(
      findings('s3-no-public-policy', (stack) => {
        const bucket = new S3Bucket(stack, 'site', { bucket: 'minimal-site' });
        const open = new DataAwsIamPolicyDocument(stack, 'open', {
          statement: [{ actions: ['s3:GetObject'], resources: [`${bucket.arn}/*`], principals: [{ type: '*', identifiers: ['*'] }] }],
        });
        new S3BucketPolicy(stack, 'document-policy', { bucket: bucket.id, policy: open.json });
        const other = new S3Bucket(stack, 'other', { bucket: 'minimal-other' });
        new S3BucketPolicy(stack, 'json-policy', {
          bucket: other.id,
          policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:ListBucket', Resource: other.arn }] }),
        });
      }),
    ).toEqual([
      's3-no-public-policy aws_s3_bucket_policy.document-policy: Statement 1 allows s3:GetObject to everyone (Principal "*") with no condition that pins the caller or the source.',
      's3-no-public-policy aws_s3_bucket_policy.json-policy: Statement 1 allows s3:ListBucket to everyone (Principal "*") with no condition that pins the caller or the source.',
    ]);
  });
});

describe('s3-replication-configured on a synthesized stack', () => {
  it('does not count a replica in the same region, set through the region argument', () => {
    expect(
      findings('s3-replication-configured', (stack) => {
        const source = new S3Bucket(stack, 'source', { bucket: 'minimal-source' });
        const replica = new S3Bucket(stack, 'replica', { bucket: 'minimal-replica', region: 'eu-west-1' });
        replicate(stack, source, replica);
      }),
    ).toEqual([
      's3-replication-configured aws_s3_bucket.replica: Bucket is a replica of aws_s3_bucket.source in the same region (eu-west-1): a regional outage takes both copies.',
      's3-replication-configured aws_s3_bucket.source: Bucket replicates only to aws_s3_bucket.replica, in the same region (eu-west-1): a regional outage takes both copies.',
    ]);
  });

  it('follows provider aliases: same region is reported, another region passes', () => {
    const run = (drRegion: string) =>
      findings('s3-replication-configured', (stack) => {
        const dr = new AwsProvider(stack, 'dr', { alias: 'dr', region: drRegion });
        const source = new S3Bucket(stack, 'source', { bucket: 'minimal-source' });
        const replica = new S3Bucket(stack, 'replica', { bucket: 'minimal-replica', provider: dr });
        replicate(stack, source, replica);
      });
    expect(run('eu-west-1')).toHaveLength(2);
    expect(run('eu-central-1')).toEqual([]);
  });
});

describe('iam-no-wildcard-admin on a synthesized stack', () => {
  it('reports NotAction on Resource "*" as admin access', () => {
    expect(
      findings('iam-no-wildcard-admin', (stack) => {
        const role = new IamRole(stack, 'ops', { assumeRolePolicy: JSON.stringify({ Statement: [] }) });
        new IamRolePolicy(stack, 'almost-admin', {
          role: role.id,
          policy: JSON.stringify({ Statement: [{ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }] }),
        });
      }),
    ).toEqual(['iam-no-wildcard-admin aws_iam_role_policy.almost-admin: policy allows every action except iam:*, organizations:* (NotAction) on every resource.']);
  });
});

describe('stacks written with the inline bucket blocks (provider versions before the companion resources)', () => {
  const RULES = ['s3-sse-kms', 's3-tls-only', 's3-replication-configured', 's3-object-lock-when-required'];
  interface Legacy {
    sseAlgorithm: string;
    tlsEffect: 'Deny' | 'Allow';
    replicaRegion: string;
    retention: boolean;
  }
  const legacy = (options: Legacy) =>
    findings(RULES, (stack) => {
      const dr = new AwsProvider(stack, 'dr', { alias: 'dr', region: options.replicaRegion });
      const key = new KmsKey(stack, 'key', { enableKeyRotation: true });
      const role = new IamRole(stack, 'replication-role', { assumeRolePolicy: JSON.stringify({ Statement: [] }) });
      const bucket = (id: string, name: string, extra: Partial<ConstructorParameters<typeof S3Bucket>[2]>) =>
        new S3Bucket(stack, id, {
          bucket: name,
          versioning: { enabled: true },
          serverSideEncryptionConfiguration: {
            rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: options.sseAlgorithm, kmsMasterKeyId: key.arn } },
          },
          policy: JSON.stringify({
            Statement: [
              {
                Effect: options.tlsEffect,
                Principal: '*',
                Action: 's3:*',
                Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`],
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              },
            ],
          }),
          objectLockConfiguration: {
            objectLockEnabled: 'Enabled',
            ...(options.retention ? { rule: { defaultRetention: { mode: 'COMPLIANCE', days: 30 } } } : {}),
          },
          ...extra,
        });
      const replica = bucket('replica', 'legacy-replica', { provider: dr });
      bucket('source', 'legacy-source', {
        replicationConfiguration: { role: role.arn, rules: [{ id: 'all', status: 'Enabled', destination: { bucket: replica.arn } }] },
      });
    });

  it('reads encryption, the policy, replication and Object Lock from the bucket itself', () => {
    expect(legacy({ sseAlgorithm: 'aws:kms', tlsEffect: 'Deny', replicaRegion: 'eu-central-1', retention: true })).toEqual([]);
  });

  it('still reports each of them when they are wrong', () => {
    const found = legacy({ sseAlgorithm: 'AES256', tlsEffect: 'Allow', replicaRegion: 'eu-west-1', retention: false });
    expect(found.map((entry) => entry.split(':')[0])).toEqual([
      's3-object-lock-when-required aws_s3_bucket.replica',
      's3-replication-configured aws_s3_bucket.replica',
      's3-sse-kms aws_s3_bucket.replica',
      's3-tls-only aws_s3_bucket.replica',
      's3-object-lock-when-required aws_s3_bucket.source',
      's3-replication-configured aws_s3_bucket.source',
      's3-sse-kms aws_s3_bucket.source',
      's3-tls-only aws_s3_bucket.source',
    ]);
  });
});

describe('provider 6 exclusive attachments', () => {
  it('reports AdministratorAccess in policy_arns', () => {
    expect(
      findings('iam-no-wildcard-admin', (stack) => {
        const role = new IamRole(stack, 'ops', { name: 'ops', assumeRolePolicy: JSON.stringify({ Statement: [] }) });
        new IamRolePolicyAttachmentsExclusive(stack, 'ops-managed', {
          roleName: role.name,
          policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::aws:policy/AdministratorAccess'],
        });
      }),
    ).toEqual(['iam-no-wildcard-admin aws_iam_role_policy_attachments_exclusive.ops-managed: policy_arns includes AdministratorAccess.']);
  });
});

describe('no-unchecked-modules on a synthesized stack', () => {
  it('names a TerraformHclModule call', () => {
    expect(
      findings('no-unchecked-modules', (stack) => {
        new TerraformHclModule(stack, 'uploads', { source: 'terraform-aws-modules/s3-bucket/aws', version: '4.1.0', variables: { bucket: 'uploads' } });
      }),
    ).toEqual([
      'no-unchecked-modules module.uploads: Module call (source terraform-aws-modules/s3-bucket/aws): none of its resources are checked, so a clean report says nothing about them.',
    ]);
  });
});

describe('s3-replication-configured across the stacks of one app (a stack per region)', () => {
  /** Synthesizes a primary stack replicating into a bucket of a dr stack, checks cdktf.out, returns the rule's findings. */
  function app(drRegion: string, destination: (replica: S3Bucket) => string): string[] {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-stacks-'));
    outdirs.push(outdir);
    const cdktf = new App({ outdir });
    const dr = new TerraformStack(cdktf, 'dr');
    new AwsProvider(dr, 'aws', { region: drRegion });
    const replica = new S3Bucket(dr, 'replica', { bucket: 'app-replica' });
    const primary = new TerraformStack(cdktf, 'primary');
    new AwsProvider(primary, 'aws', { region: 'eu-west-1' });
    const source = new S3Bucket(primary, 'source', { bucket: 'app-source' });
    new S3BucketReplicationConfigurationA(primary, 'replication', {
      bucket: source.id,
      role: 'arn:aws:iam::111122223333:role/replication',
      rule: [{ id: 'all', status: 'Enabled', filter: {}, deleteMarkerReplication: { status: 'Enabled' }, destination: { bucket: destination(replica) } }],
    });
    cdktf.synth();
    return checkDocuments(loadPolicyInputs(outdir))
      .findings.filter((found) => found.ruleId === 's3-replication-configured')
      .map((found) => `${found.stack} ${found.address}: ${found.message}`);
  }

  it('follows a cdktf cross-stack reference to the replica in the other stack', () => {
    expect(app('eu-central-1', (replica) => replica.arn)).toEqual([]);
  });

  it('follows a literal bucket ARN into the other stack', () => {
    expect(app('eu-central-1', () => 'arn:aws:s3:::app-replica')).toEqual([]);
  });

  it('reports a replica stack in the same region, on both sides', () => {
    expect(app('eu-west-1', (replica) => replica.arn)).toEqual([
      'dr aws_s3_bucket.replica: Bucket is a replica of primary: aws_s3_bucket.source in the same region (eu-west-1): a regional outage takes both copies.',
      'primary aws_s3_bucket.source: Bucket replicates only to dr: aws_s3_bucket.replica, in the same region (eu-west-1): a regional outage takes both copies.',
    ]);
  });
});
