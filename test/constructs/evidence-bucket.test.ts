import 'cdktf/lib/testing/adapters/jest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DisasterRecovery } from '../../constructs/disaster-recovery';
import { EvidenceBucket } from '../../constructs/evidence-bucket';
import { planBackups } from '../../src/plan/planner';
import { planEvidence } from '../../src/plan/evidence';
import { checkDocument } from '../../src/policy';
import { parseRequirements } from '../../src/spec/requirements';
import { cleanupTestApps, resourcesOfType, synthStack, type TerraformJson } from '../support/synth';

afterAll(cleanupTestApps);

const example = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../examples/backup_requirements.json'), 'utf8'));
const topics = { 'eu-west-1': 'arn:aws:sns:eu-west-1:123456789012:alerts', 'eu-central-1': 'arn:aws:sns:eu-central-1:123456789012:alerts' };

function synthBucket(lock?: { mode?: 'governance' | 'compliance'; days?: number }): TerraformJson {
  return synthStack((stack) => {
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    new EvidenceBucket(stack, 'evidence', {
      plan: planEvidence({ name: 'shop', regions: { primary: 'eu-west-1', dr: 'eu-central-1' }, evidence: lock ? { lock } : undefined }),
      alarmTopics: topics,
    });
  });
}

describe('the plan decides the evidence bucket', () => {
  it('names it from the spec, in the DR region, replica in the primary; governance for 400 days unless the spec says otherwise', () => {
    const plan = planBackups(parseRequirements(example));
    expect(plan.evidence).toMatchObject({
      bucketName: 'shop-evidence-eu-central-1',
      region: 'eu-central-1',
      replicaBucketName: 'shop-evidence-eu-west-1',
      replicaRegion: 'eu-west-1',
      lock: { mode: 'governance', days: 400 },
    });
    const strict = planBackups(parseRequirements({ ...example, evidence: { lock: { mode: 'compliance', days: 2555 } } }));
    expect(strict.evidence?.lock).toEqual({ mode: 'compliance', days: 2555 });
  });

  it('refuses a lock the spec cannot express, naming the field', () => {
    expect(() => parseRequirements({ ...example, evidence: { lock: { mode: 'legal-hold', days: 0 } } })).toThrow(/evidence\.lock\.days: [\s\S]*evidence\.lock\.mode: /);
  });
});

describe('EvidenceBucket', () => {
  const json = synthBucket();
  const buckets = Object.values(resourcesOfType(json, 'aws_s3_bucket'));
  const evidence = buckets.find((bucket) => bucket.bucket === 'shop-evidence-eu-central-1')!;

  it('is versioned, KMS-encrypted with a rotating CMK, locked, private, TLS only, never destroyed, and replicated', () => {
    expect(evidence).toMatchObject({ region: 'eu-central-1', object_lock_enabled: true, force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(buckets.map((bucket) => `${bucket.bucket}@${bucket.region}`).sort()).toEqual(['shop-evidence-eu-central-1@eu-central-1', 'shop-evidence-eu-west-1@eu-west-1']);
    for (const versioning of Object.values(resourcesOfType(json, 'aws_s3_bucket_versioning'))) {
      expect(versioning.versioning_configuration.status).toBe('Enabled');
    }
    for (const lock of Object.values(resourcesOfType(json, 'aws_s3_bucket_object_lock_configuration'))) {
      expect(lock.rule.default_retention).toEqual({ mode: 'GOVERNANCE', days: 400 });
    }
    for (const key of Object.values(resourcesOfType(json, 'aws_kms_key'))) expect(key).toMatchObject({ enable_key_rotation: true, lifecycle: { prevent_destroy: true } });
    for (const sse of Object.values(resourcesOfType(json, 'aws_s3_bucket_server_side_encryption_configuration'))) {
      expect(sse.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
    }
    for (const block of Object.values(resourcesOfType(json, 'aws_s3_bucket_public_access_block'))) {
      expect(block).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    }
    const policies = Object.values(resourcesOfType(json, 'aws_s3_bucket_policy')).map((policy) => JSON.parse(policy.policy));
    expect(policies).toHaveLength(2);
    for (const policy of policies) expect(policy.Statement).toEqual(expect.arrayContaining([expect.objectContaining({ Sid: 'DenyInsecureTransport', Effect: 'Deny' })]));
    expect(Object.keys(resourcesOfType(json, 'aws_s3_bucket_replication_configuration'))).toHaveLength(1);
  });

  it('takes compliance mode and the days from the plan', () => {
    const strict = synthBucket({ mode: 'compliance', days: 2555 });
    for (const lock of Object.values(resourcesOfType(strict, 'aws_s3_bucket_object_lock_configuration'))) {
      expect(lock.rule.default_retention).toEqual({ mode: 'COMPLIANCE', days: 2555 });
    }
  });

  it('passes lifeboat check with zero findings', () => {
    expect(checkDocument(json as never)).toEqual([]);
  });
});

describe('what the functions may do to the evidence', () => {
  const json = synthStack((stack) => {
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    new DisasterRecovery(stack, 'lifeboat', { requirements: parseRequirements(example) });
  });
  const roleName = (role: string) => role.replace(/^\$\{aws_iam_role\.(.*)\.id\}$/, '$1');
  const s3Statements = Object.values(resourcesOfType(json, 'aws_iam_role_policy')).map((policy) => ({
    role: roleName(policy.role),
    statements: (JSON.parse(policy.policy).Statement as { Action: string | string[]; Resource: string | string[]; Condition?: unknown; Sid: string }[])
      .map((statement) => ({ ...statement, Action: [statement.Action].flat(), Resource: [statement.Resource].flat() }))
      .filter((statement) => statement.Resource.some((resource) => resource.includes('shop-evidence')) && statement.Action.some((action) => action.startsWith('s3:'))),
  }));
  const writers = s3Statements.filter((entry) => entry.statements.length > 0);
  const prefixOf = (role: string) => (/verify/.test(role) ? 'verify-restore/' : /probe/.test(role) ? 'backup-age/' : /replica/.test(role) ? 'replica-check/' : '?');

  it('lets the verification, probe and replica-check roles create objects only under their own prefix, only as conditional creates', () => {
    expect(writers.map((entry) => prefixOf(entry.role)).sort()).toEqual(['backup-age/', 'replica-check/', 'verify-restore/', 'verify-restore/']);
    for (const { role, statements } of writers) {
      const prefix = prefixOf(role);
      const actions = statements.flatMap((statement) => statement.Action).sort();
      // Nothing more: no delete, no retention or legal-hold change, no lifecycle, no ACL, no bucket-level write.
      expect(actions).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
      const put = statements.find((statement) => statement.Action.includes('s3:PutObject'))!;
      expect(put.Resource).toHaveLength(1);
      expect(put.Resource[0]).toMatch(new RegExp(`^arn:[^:]+:s3:::shop-evidence-eu-central-1/${prefix}\\*$`));
      expect(put.Condition).toEqual({ Null: { 's3:if-none-match': 'false' } });
      const list = statements.find((statement) => statement.Action.includes('s3:ListBucket'))!;
      expect(list.Condition).toEqual({ StringLike: { 's3:prefix': [`${prefix}*`] } });
    }
    // No other role reaches the evidence bucket at all (its replication role aside).
    const others = s3Statements.filter((entry) => entry.statements.length > 0 && prefixOf(entry.role) === '?');
    expect(others).toEqual([]);
  });
});
