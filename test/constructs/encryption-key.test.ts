import 'cdktf/lib/testing/adapters/jest';
import { EncryptionKey } from '../../constructs/encryption-key';
import { cleanupTestApps, synthStack as synth } from '../support/synth';

afterAll(cleanupTestApps);

describe('EncryptionKey', () => {
  it('creates a rotating key in the requested region with an explicit policy, prevent_destroy and an alias', () => {
    const out = synth((stack) => {
      new EncryptionKey(stack, 'data', {
        region: 'eu-central-1',
        alias: 'shop-s3-eu-central-1',
        description: 'S3 replicas',
        serviceGrants: [{ servicePrincipal: 'cloudwatch.amazonaws.com' }],
      });
    });
    const [key] = Object.values(out.resource.aws_kms_key) as any[];
    expect(key.region).toBe('eu-central-1');
    expect(key.enable_key_rotation).toBe(true);
    expect(key.deletion_window_in_days).toBe(30);
    expect(key.lifecycle.prevent_destroy).toBe(true);
    const policy = JSON.parse(key.policy);
    expect(policy.Statement[0].Principal.AWS).toBe(
      'arn:${data.aws_partition.lifeboat-partition.partition}:iam::${data.aws_caller_identity.lifeboat-account.account_id}:root',
    );
    expect(policy.Statement[1]).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    });
    const [alias] = Object.values(out.resource.aws_kms_alias) as any[];
    expect(alias).toMatchObject({ name: 'alias/shop-s3-eu-central-1', region: 'eu-central-1' });
  });

  it('shares one caller-identity data source between keys', () => {
    const out = synth((stack) => {
      new EncryptionKey(stack, 'a', { region: 'eu-west-1', alias: 'a', description: 'a' });
      new EncryptionKey(stack, 'b', { region: 'eu-central-1', alias: 'b', description: 'b' });
    });
    expect(Object.keys(out.data?.aws_caller_identity ?? {})).toHaveLength(1);
  });

  it('rejects a deletion window outside KMS limits and a reserved alias, naming both', () => {
    expect(() =>
      synth((stack) => {
        new EncryptionKey(stack, 'bad', { region: 'eu-west-1', alias: 'aws/s3', description: 'x', deletionWindowInDays: 3 });
      }),
    ).toThrow(/deletionWindowInDays: must be a whole number from 7 to 30 \(KMS limit\)[\s\S]*alias: .*must not start with 'aws\/'/);
  });
});
