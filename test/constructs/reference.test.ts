import 'cdktf/lib/testing/adapters/jest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { Aspects, Fn, IAspect, TerraformOutput, TerraformStack, Testing, Token } from 'cdktf';
import { IConstruct } from 'constructs';
import { EncryptionKey } from '../../constructs/encryption-key';
import { dependOn, ref } from '../../constructs/private/reference';
import { ReplicatedBucket, ReplicatedBucketProps } from '../../constructs/replicated-bucket';
import { cleanupTestApps, synthStack, testApp, TerraformJson } from '../support/synth';

afterAll(cleanupTestApps);

const props: ReplicatedBucketProps = {
  sourceRegion: 'eu-west-1',
  replicaRegion: 'eu-central-1',
  sourceBucketName: 'shop-assets-eu-west-1',
  replicaBucketName: 'shop-assets-eu-central-1',
  retentionDays: 90,
  rpoSeconds: 3600,
  alarmTopics: { 'eu-west-1': 'arn:aws:sns:eu-west-1:111122223333:alerts' },
};

/** Every `${...}` expression of the document that names a resource of `type`. */
function referencesTo(json: TerraformJson, type: string): string[] {
  return [...JSON.stringify(json).matchAll(new RegExp(`\\$\\{(${type}\\.[A-Za-z0-9_-]+)\\.`, 'g'))].map((match) => match[1]);
}

describe('same-stack references of the constructs', () => {
  it('follow an overrideLogicalId made on an inner resource after construction, in attributes, policies, outputs and depends_on', () => {
    const out = synthStack((stack) => {
      const bucket = new ReplicatedBucket(stack, 'assets', props);
      bucket.source.bucket.overrideLogicalId('assets_source');
      bucket.source.versioning.overrideLogicalId('assets_source_versioning');
    });
    expect(Object.keys(out.resource.aws_s3_bucket)).toContain('assets_source');
    const sourceReferences = referencesTo(out, 'aws_s3_bucket').filter((address) => !address.includes('replica'));
    // versioning, encryption, public access block, ownership, policy, lifecycle, replication, its role policy, outputs
    expect(sourceReferences.length).toBeGreaterThan(8);
    expect(new Set(sourceReferences)).toEqual(new Set(['aws_s3_bucket.assets_source']));
    const replication = Object.values(out.resource.aws_s3_bucket_replication_configuration)[0] as any;
    expect(replication.bucket).toBe('${aws_s3_bucket.assets_source.id}');
    expect(replication.depends_on).toContain('aws_s3_bucket_versioning.assets_source_versioning');
    const rolePolicy = JSON.parse((Object.values(out.resource.aws_iam_role_policy)[0] as any).policy);
    expect(JSON.stringify(rolePolicy)).toContain('${aws_s3_bucket.assets_source.arn}/*');
    expect((out.output as any)['assets-source-bucket-name'].value).toBe('${aws_s3_bucket.assets_source.bucket}');
  });

  it('follow a logical id that an Aspect overrides at synth time', () => {
    const renameSourceBucket: IAspect = {
      visit(node: IConstruct) {
        if (node instanceof S3Bucket && node.node.path.endsWith('assets/source/bucket')) node.overrideLogicalId('renamed_by_aspect');
      },
    };
    const out = synthStack((stack) => {
      new ReplicatedBucket(stack, 'assets', props);
      Aspects.of(stack).add(renameSourceBucket);
    });
    expect(Object.keys(out.resource.aws_s3_bucket)).toContain('renamed_by_aspect');
    const versioning = Object.values(out.resource.aws_s3_bucket_versioning).map((v: any) => v.bucket);
    expect(versioning).toContain('${aws_s3_bucket.renamed_by_aspect.id}');
  });

  it('resolve to what cdktf writes for the same attribute: alone, inside a longer string, in JSON.stringify, in Fn calls, in outputs', () => {
    const uses = (stack: TerraformStack, id: string, arn: string, bucketName: string) => {
      new IamRolePolicy(stack, `${id}-policy`, {
        role: 'r',
        policy: JSON.stringify({ Statement: [{ Resource: [arn, `${arn}/*`], Condition: { StringEquals: { 's3:prefix': `${bucketName}/logs` } } }] }),
      });
      new SnsTopic(stack, `${id}-topic`, { name: Fn.join('-', [bucketName, 'alerts']), displayName: Fn.upper(arn), kmsMasterKeyId: arn });
      new TerraformOutput(stack, `${id}-output`, { value: `bucket ${bucketName} (${arn})`, staticId: true });
      expect(Token.isUnresolved(arn)).toBe(true);
    };
    const out = synthStack((stack) => {
      const bucket = new S3Bucket(stack, 'b', { bucket: 'shop-logs' });
      uses(stack, 'cdktf', bucket.arn, bucket.bucket);
      uses(stack, 'lifeboat', ref(bucket, 'arn'), ref(bucket, 'bucket'));
    });
    expect(out.resource.aws_iam_role_policy['lifeboat-policy'].policy).toBe(out.resource.aws_iam_role_policy['cdktf-policy'].policy);
    expect(out.resource.aws_iam_role_policy['lifeboat-policy'].policy).toContain('${aws_s3_bucket.b.arn}/*');
    const { name, display_name, kms_master_key_id } = out.resource.aws_sns_topic['cdktf-topic'];
    expect(out.resource.aws_sns_topic['lifeboat-topic']).toMatchObject({ name, display_name, kms_master_key_id });
    expect(name).toBe('${join("-", [aws_s3_bucket.b.bucket, "alerts"])}');
    expect((out.output as any)['lifeboat-output'].value).toBe((out.output as any)['cdktf-output'].value);
  });

  it('write depends_on as the dependsOn config entry does', () => {
    const out = synthStack((stack) => {
      const bucket = new S3Bucket(stack, 'b', { bucket: 'shop-logs' });
      const versioning = new S3BucketVersioningA(stack, 'v', { bucket: 'shop-logs', versioningConfiguration: { status: 'Enabled' } });
      new SnsTopic(stack, 'cdktf', { name: 'a', dependsOn: [bucket, versioning] });
      dependOn(new SnsTopic(stack, 'lifeboat', { name: 'a' }), [bucket, versioning]);
    });
    expect(out.resource.aws_sns_topic.lifeboat.depends_on).toEqual(['aws_s3_bucket.b', 'aws_s3_bucket_versioning.v']);
    expect(out.resource.aws_sns_topic.lifeboat.depends_on).toEqual(out.resource.aws_sns_topic.cdktf.depends_on);
  });

  it('fail loudly, naming the resource, both stacks and the fix, when resolved in another stack', () => {
    const app = testApp();
    const storage = new TerraformStack(app, 'storage');
    const bucket = new S3Bucket(storage, 'logs', { bucket: 'shop-logs' });
    const alerts = new TerraformStack(app, 'alerts');
    new SnsTopic(alerts, 'topic', { name: 'a', kmsMasterKeyId: ref(bucket, 'arn') });
    expect(() => Testing.synth(alerts)).toThrow(
      /storage\/logs: Lifeboat's internal reference to this aws_s3_bucket was resolved in stack 'alerts', but the resource is in stack 'storage'[\s\S]*read its attribute from the resource itself/,
    );
  });

  it('leave public properties as cdktf tokens, which become cross-stack references in another stack', () => {
    const app = testApp();
    const keys = new TerraformStack(app, 'keys');
    const key = new EncryptionKey(keys, 'data', { region: 'eu-west-1', alias: 'shop-data', description: 'data' });
    const alerts = new TerraformStack(app, 'alerts');
    new SnsTopic(alerts, 'topic', { name: 'a', kmsMasterKeyId: key.keyArn });
    for (const stack of [keys, alerts]) new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    app.synth();
    const written = JSON.parse(fs.readFileSync(path.join(app.outdir, 'stacks', 'alerts', 'cdk.tf.json'), 'utf8'));
    const topic = written.resource.aws_sns_topic.topic;
    expect(topic.kms_master_key_id).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-keys\.outputs\./);
  });
});
