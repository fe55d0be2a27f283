import 'cdktf/lib/testing/adapters/jest';
import { Testing, TerraformStack } from 'cdktf';
import {
  REPLICATION_RULE_ID,
  ReplicatedBucket,
  ReplicatedBucketProps,
  stackBucketKey,
} from '../../constructs/replicated-bucket';
import { cleanupTestApps, resourcesOfType, synthStack, testApp, TerraformJson } from '../support/synth';

afterAll(cleanupTestApps);

const SOURCE = 'eu-west-1';
const DR = 'eu-central-1';
const topics = { [SOURCE]: 'arn:aws:sns:eu-west-1:111122223333:alerts', [DR]: 'arn:aws:sns:eu-central-1:111122223333:alerts' };

function props(overrides: Partial<ReplicatedBucketProps> = {}): ReplicatedBucketProps {
  return {
    sourceRegion: SOURCE,
    replicaRegion: DR,
    sourceBucketName: 'shop-assets-eu-west-1',
    replicaBucketName: 'shop-assets-eu-central-1',
    retentionDays: 90,
    rpoSeconds: 3600,
    alarmTopics: topics,
    ...overrides,
  };
}

function synthBucket(overrides: Partial<ReplicatedBucketProps> = {}, id = 'assets'): TerraformJson {
  return synthStack((stack) => {
    new ReplicatedBucket(stack, id, props(overrides));
  });
}

/** The resource of `type` whose address starts with `prefix` (e.g. `assets_source_`); fails unless exactly one. */
function resource(json: TerraformJson, type: string, prefix: string): Record<string, any> {
  const matches = Object.entries(resourcesOfType(json, type)).filter(([name]) => name.startsWith(prefix));
  if (matches.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${matches.length}`);
  return matches[0][1];
}

function address(json: TerraformJson, type: string, prefix: string): string {
  const [name] = Object.keys(resourcesOfType(json, type)).filter((n) => n.startsWith(prefix));
  return `${type}.${name}`;
}

function rolePolicy(json: TerraformJson): { Statement: Array<Record<string, any>> } {
  return JSON.parse(resource(json, 'aws_iam_role_policy', 'assets_replication_').policy);
}

function statement(policy: { Statement: Array<Record<string, any>> }, sid: string): Record<string, any> {
  const found = policy.Statement.find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid}`);
  return found;
}

describe('ReplicatedBucket', () => {
  describe('replication', () => {
    it('waits for versioning on BOTH buckets before configuring replication', () => {
      const out = synthBucket();
      const replication = resource(out, 'aws_s3_bucket_replication_configuration', 'assets_');
      expect(replication.depends_on).toEqual(
        expect.arrayContaining([
          address(out, 'aws_s3_bucket_versioning', 'assets_source_'),
          address(out, 'aws_s3_bucket_versioning', 'assets_replica_'),
        ]),
      );
      for (const side of ['source', 'replica']) {
        expect(resource(out, 'aws_s3_bucket_versioning', `assets_${side}_`).versioning_configuration).toEqual({ status: 'Enabled' });
      }
    });

    it('replicates every object and delete marker, KMS-encrypted with the replica key, from the source region', () => {
      const out = synthBucket({ replicaStorageClass: 'STANDARD_IA' });
      const replication = resource(out, 'aws_s3_bucket_replication_configuration', 'assets_');
      const replicaBucket = address(out, 'aws_s3_bucket', 'assets_replica_');
      expect(replication.region).toBe(SOURCE);
      expect(replication.bucket).toBe(`\${${address(out, 'aws_s3_bucket', 'assets_source_')}.id}`);
      expect(replication.role).toBe(`\${${address(out, 'aws_iam_role', 'assets_replication_')}.arn}`);
      expect(replication.rule).toHaveLength(1);
      expect(replication.rule[0]).toMatchObject({
        id: REPLICATION_RULE_ID,
        status: 'Enabled',
        filter: {},
        delete_marker_replication: { status: 'Enabled' },
        source_selection_criteria: { sse_kms_encrypted_objects: { status: 'Enabled' } },
        destination: {
          bucket: `\${${replicaBucket}.arn}`,
          storage_class: 'STANDARD_IA',
          encryption_configuration: { replica_kms_key_id: `\${${address(out, 'aws_kms_key', 'assets_replica-key')}.arn}` },
        },
      });
    });

    it('turns on Replication Time Control (15 min, with the 15-min event threshold) for a 15-minute RPO', () => {
      const out = synthBucket({ rpoSeconds: 900 });
      const destination = resource(out, 'aws_s3_bucket_replication_configuration', 'assets_').rule[0].destination;
      expect(destination.replication_time).toEqual({ status: 'Enabled', time: { minutes: 15 } });
      expect(destination.metrics).toEqual({ status: 'Enabled', event_threshold: { minutes: 15 } });
    });

    it('keeps metrics on without RTC for a longer RPO, and without the event threshold S3 then rejects', () => {
      const out = synthBucket({ rpoSeconds: 3600 });
      const destination = resource(out, 'aws_s3_bucket_replication_configuration', 'assets_').rule[0].destination;
      expect(destination.replication_time).toBeUndefined();
      expect(destination.metrics).toEqual({ status: 'Enabled' });
    });
  });

  describe('replication role', () => {
    it('is assumable by S3 only and reads only the source, writes only the replica', () => {
      const out = synthBucket();
      const role = resource(out, 'aws_iam_role', 'assets_replication_');
      expect(role.name).toBe('shop-assets-eu-west-1-replication');
      expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
        { Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
      const source = address(out, 'aws_s3_bucket', 'assets_source_');
      const replica = address(out, 'aws_s3_bucket', 'assets_replica_');
      const policy = rolePolicy(out);
      expect(statement(policy, 'ReadSourceReplicationConfiguration')).toMatchObject({
        Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
        Resource: `\${${source}.arn}`,
      });
      expect(statement(policy, 'ReadSourceVersions')).toMatchObject({
        Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
        Resource: `\${${source}.arn}/*`,
      });
      expect(statement(policy, 'WriteReplicas')).toMatchObject({
        Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
        Resource: `\${${replica}.arn}/*`,
      });
      const everyAction = policy.Statement.flatMap((s) => [s.Action].flat());
      expect(everyAction.filter((a: string) => a.includes('*'))).toEqual([]);
      expect(policy.Statement.map((s) => s.Resource)).not.toContain('*');
    });

    it('decrypts with the source key and encrypts with the replica key, scoped by service and BUCKET-ARN encryption context', () => {
      const out = synthBucket();
      const source = address(out, 'aws_s3_bucket', 'assets_source_');
      const replica = address(out, 'aws_s3_bucket', 'assets_replica_');
      const policy = rolePolicy(out);
      expect(statement(policy, 'DecryptSourceObjects')).toEqual({
        Sid: 'DecryptSourceObjects',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: `\${${address(out, 'aws_kms_key', 'assets_source-key')}.arn}`,
        Condition: {
          StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' },
          // With S3 Bucket Keys the context is the bucket ARN itself; an object-ARN-only pattern fails every replication.
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': [`\${${source}.arn}`, `\${${source}.arn}/*`] },
        },
      });
      expect(statement(policy, 'EncryptReplicas')).toEqual({
        Sid: 'EncryptReplicas',
        Effect: 'Allow',
        Action: ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: `\${${address(out, 'aws_kms_key', 'assets_replica-key')}.arn}`,
        Condition: {
          StringEquals: { 'kms:ViaService': 's3.eu-central-1.amazonaws.com' },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': [`\${${replica}.arn}`, `\${${replica}.arn}/*`] },
        },
      });
    });

    it('may read retention and legal holds only when Object Lock is on', () => {
      const locked = statement(rolePolicy(synthBucket({ objectLock: { mode: 'compliance', days: 30 } })), 'ReadSourceVersions');
      expect(locked.Action).toEqual(expect.arrayContaining(['s3:GetObjectRetention', 's3:GetObjectLegalHold']));
      const unlocked = statement(rolePolicy(synthBucket()), 'ReadSourceVersions');
      expect(unlocked.Action).not.toContain('s3:GetObjectRetention');
      expect(unlocked.Action).not.toContain('s3:GetObjectLegalHold');
    });
  });

  describe('both buckets', () => {
    it('use SSE-KMS with a bucket key, each with the key of its own region, and refuse SSE-C', () => {
      const out = synthBucket();
      for (const [side, region] of [['source', SOURCE], ['replica', DR]]) {
        const sse = resource(out, 'aws_s3_bucket_server_side_encryption_configuration', `assets_${side}_`);
        const key = address(out, 'aws_kms_key', `assets_${side}-key`);
        expect(sse.region).toBe(region);
        expect(resource(out, 'aws_kms_key', `assets_${side}-key`).region).toBe(region);
        expect(sse.rule).toEqual([
          {
            apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: `\${${key}.arn}` },
            bucket_key_enabled: true,
            blocked_encryption_types: ['SSE-C'],
          },
        ]);
      }
    });

    it('can never be destroyed by Terraform: no force_destroy, prevent_destroy on buckets and keys', () => {
      const out = synthBucket();
      for (const side of ['source', 'replica']) {
        const bucket = resource(out, 'aws_s3_bucket', `assets_${side}_`);
        expect(bucket.force_destroy).toBe(false);
        expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
        expect(resource(out, 'aws_kms_key', `assets_${side}-key`).lifecycle).toEqual({ prevent_destroy: true });
      }
    });

    it('are private: all four public access blocks, BucketOwnerEnforced, TLS-only policy', () => {
      const out = synthBucket();
      for (const side of ['source', 'replica']) {
        expect(resource(out, 'aws_s3_bucket_public_access_block', `assets_${side}_`)).toMatchObject({
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        });
        expect(resource(out, 'aws_s3_bucket_ownership_controls', `assets_${side}_`).rule).toEqual({
          object_ownership: 'BucketOwnerEnforced',
        });
        const bucket = address(out, 'aws_s3_bucket', `assets_${side}_`);
        const policyResource = resource(out, 'aws_s3_bucket_policy', `assets_${side}_`);
        expect(policyResource.depends_on).toEqual([address(out, 'aws_s3_bucket_public_access_block', `assets_${side}_`)]);
        const policy = JSON.parse(policyResource.policy);
        expect(statement(policy, 'DenyInsecureTransport')).toEqual({
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [`\${${bucket}.arn}`, `\${${bucket}.arn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        });
      }
    });

    it('refuse writes under another encryption or key, without touching the actions replication uses', () => {
      const out = synthBucket();
      const policy = JSON.parse(resource(out, 'aws_s3_bucket_policy', 'assets_source_').policy);
      expect(statement(policy, 'DenyOtherKmsKeys').Condition).toEqual({
        StringNotEqualsIfExists: {
          's3:x-amz-server-side-encryption-aws-kms-key-id': `\${${address(out, 'aws_kms_key', 'assets_source-key')}.arn}`,
        },
      });
      expect(statement(policy, 'DenyOtherEncryption').Condition).toEqual({
        StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': ['aws:kms', 'aws:kms:dsse'] },
      });
      const deniedActions = policy.Statement.filter((s: any) => s.Sid !== 'DenyInsecureTransport').map((s: any) => s.Action);
      expect(deniedActions).toEqual(['s3:PutObject', 's3:PutObject']);
    });

    it('enable Object Lock at creation on BOTH sides with the same default retention', () => {
      const out = synthBucket({ objectLock: { mode: 'compliance', days: 30 } });
      for (const [side, region] of [['source', SOURCE], ['replica', DR]]) {
        expect(resource(out, 'aws_s3_bucket', `assets_${side}_`).object_lock_enabled).toBe(true);
        expect(resource(out, 'aws_s3_bucket_object_lock_configuration', `assets_${side}_`)).toMatchObject({
          region,
          bucket: `\${${address(out, 'aws_s3_bucket', `assets_${side}_`)}.id}`,
          rule: { default_retention: { mode: 'COMPLIANCE', days: 30 } },
        });
      }
    });

    it('set a lock in years as years, not converted to days', () => {
      const out = synthBucket({ retentionDays: 3650, objectLock: { mode: 'compliance', years: 7 } });
      for (const side of ['source', 'replica']) {
        expect(resource(out, 'aws_s3_bucket_object_lock_configuration', `assets_${side}_`).rule).toEqual({
          default_retention: { mode: 'COMPLIANCE', years: 7 },
        });
      }
    });

    it('have no Object Lock unless asked', () => {
      const out = synthBucket();
      expect(resourcesOfType(out, 'aws_s3_bucket_object_lock_configuration')).toEqual({});
      for (const side of ['source', 'replica']) {
        expect(resource(out, 'aws_s3_bucket', `assets_${side}_`).object_lock_enabled).toBe(false);
      }
    });

    it('keep noncurrent versions exactly for the retention, abort stale uploads, clean expired delete markers', () => {
      const out = synthBucket({ retentionDays: 400, abortIncompleteMultipartUploadDays: 3 });
      for (const side of ['source', 'replica']) {
        const lifecycle = resource(out, 'aws_s3_bucket_lifecycle_configuration', `assets_${side}_`);
        expect(lifecycle.depends_on).toEqual([address(out, 'aws_s3_bucket_versioning', `assets_${side}_`)]);
        expect(lifecycle.rule).toEqual([
          {
            id: 'retention',
            status: 'Enabled',
            filter: [{}],
            noncurrent_version_expiration: [{ noncurrent_days: 400 }],
            abort_incomplete_multipart_upload: [{ days_after_initiation: 3 }],
            expiration: [{ expired_object_delete_marker: true }],
          },
        ]);
        // Current objects never expire: only versions that stopped being current age out.
        expect(lifecycle.rule[0].expiration[0].days).toBeUndefined();
      }
    });

    it('apply transitions to current and noncurrent versions, with separate transitions on the replica', () => {
      const out = synthBucket({
        retentionDays: 2555,
        transitions: [
          { storageClass: 'STANDARD_IA', afterDays: 30 },
          { storageClass: 'DEEP_ARCHIVE', afterDays: 180 },
        ],
        replicaStorageClass: 'GLACIER_IR',
        replicaTransitions: [{ storageClass: 'DEEP_ARCHIVE', afterDays: 90 }],
      });
      const source = resource(out, 'aws_s3_bucket_lifecycle_configuration', 'assets_source_').rule[0];
      expect(source.transition).toEqual([
        { days: 30, storage_class: 'STANDARD_IA' },
        { days: 180, storage_class: 'DEEP_ARCHIVE' },
      ]);
      expect(source.noncurrent_version_transition).toEqual([
        { noncurrent_days: 30, storage_class: 'STANDARD_IA' },
        { noncurrent_days: 180, storage_class: 'DEEP_ARCHIVE' },
      ]);
      const replica = resource(out, 'aws_s3_bucket_lifecycle_configuration', 'assets_replica_').rule[0];
      expect(replica.transition).toEqual([{ days: 90, storage_class: 'DEEP_ARCHIVE' }]);
      expect(replica.noncurrent_version_transition).toEqual([{ noncurrent_days: 90, storage_class: 'DEEP_ARCHIVE' }]);
    });

    it('skip on the replica the transitions its storage class already makes', () => {
      const out = synthBucket({
        retentionDays: 3650,
        transitions: [
          { storageClass: 'STANDARD_IA', afterDays: 30 },
          { storageClass: 'GLACIER_IR', afterDays: 90 },
          { storageClass: 'DEEP_ARCHIVE', afterDays: 365 },
        ],
        replicaStorageClass: 'STANDARD_IA',
      });
      expect(resource(out, 'aws_s3_bucket_lifecycle_configuration', 'assets_replica_').rule[0].transition).toEqual([
        { days: 90, storage_class: 'GLACIER_IR' },
        { days: 365, storage_class: 'DEEP_ARCHIVE' },
      ]);
      expect(resource(out, 'aws_s3_bucket_lifecycle_configuration', 'assets_source_').rule[0].transition).toHaveLength(3);
    });

    it('place every resource of a side in that side\'s region', () => {
      const out = synthBucket({ objectLock: { mode: 'governance', days: 7 } });
      const regional = Object.entries(out.resource).flatMap(([type, byName]) =>
        Object.entries(byName).map(([name, body]) => ({ type, name, region: body.region })),
      );
      const expectedRegion = (name: string, type: string) => {
        if (type.startsWith('aws_iam_')) return undefined; // IAM is global
        if (/^assets_replica[_-]/.test(name)) return DR;
        return SOURCE; // source side, replication configuration, alarms
      };
      const misplaced = regional.filter((r) => r.region !== expectedRegion(r.name, r.type));
      expect(misplaced).toEqual([]);
      expect(regional.filter((r) => r.region === DR).length).toBe(10);
    });
  });

  describe('alarms', () => {
    it('watch ReplicationLatency against the RPO and any OperationsFailedReplication, with the real dimensions, in the source region', () => {
      const out = synthBucket({ rpoSeconds: 1800 });
      const dimensions = {
        SourceBucket: 'shop-assets-eu-west-1',
        DestinationBucket: 'shop-assets-eu-central-1',
        RuleId: REPLICATION_RULE_ID,
      };
      const ruleId = resource(out, 'aws_s3_bucket_replication_configuration', 'assets_').rule[0].id;
      expect(ruleId).toBe(dimensions.RuleId);
      expect(resource(out, 'aws_cloudwatch_metric_alarm', 'assets_alarm-replication-latency')).toMatchObject({
        region: SOURCE,
        namespace: 'AWS/S3',
        metric_name: 'ReplicationLatency',
        dimensions,
        statistic: 'Maximum',
        threshold: 1800,
        comparison_operator: 'GreaterThanThreshold',
        alarm_actions: [topics[SOURCE]],
        // Three 5-minute periods in a row, as the plan has it; S3 publishes nothing when nothing is written.
        period: 300,
        evaluation_periods: 3,
        datapoints_to_alarm: 3,
        treat_missing_data: 'notBreaching',
      });
      expect(resource(out, 'aws_cloudwatch_metric_alarm', 'assets_alarm-replication-failed')).toMatchObject({
        region: SOURCE,
        namespace: 'AWS/S3',
        metric_name: 'OperationsFailedReplication',
        dimensions,
        statistic: 'Sum',
        threshold: 0,
        comparison_operator: 'GreaterThanThreshold',
        alarm_actions: [topics[SOURCE]],
      });
    });
  });

  describe('alarms given explicitly', () => {
    it('renders the given alarms and follows a custom rule id into the replication rule', () => {
      const out = synthBucket({
        replicationRuleId: 'documents-dr',
        alarms: [
          {
            id: 'lag',
            region: SOURCE,
            alarmName: 'shop-documents-lag',
            description: 'region RPO 1h',
            namespace: 'AWS/S3',
            metricName: 'ReplicationLatency',
            dimensions: { SourceBucket: 'shop-assets-eu-west-1', DestinationBucket: 'shop-assets-eu-central-1', RuleId: 'documents-dr' },
            threshold: 3600,
          },
        ],
      });
      expect(resource(out, 'aws_s3_bucket_replication_configuration', 'assets_').rule[0].id).toBe('documents-dr');
      const alarms = Object.values(resourcesOfType(out, 'aws_cloudwatch_metric_alarm'));
      expect(alarms).toHaveLength(1);
      expect(alarms[0]).toMatchObject({ alarm_name: 'shop-documents-lag', threshold: 3600, dimensions: { RuleId: 'documents-dr' } });
    });

    it('refuses replication alarms whose dimensions or region S3 never publishes', () => {
      const attempt = () =>
        synthBucket({
          alarms: [
            {
              id: 'failed',
              region: DR,
              alarmName: 'x',
              description: 'x',
              namespace: 'AWS/S3',
              metricName: 'OperationsFailedReplication',
              dimensions: { BucketName: 'shop-assets-eu-west-1' },
              threshold: 0,
            },
          ],
        });
      expect(attempt).toThrow(/alarms\[0\].region: S3 publishes OperationsFailedReplication in the source region eu-west-1, got eu-central-1/);
      expect(attempt).toThrow(/alarms\[0\].dimensions: OperationsFailedReplication is published with exactly \{"SourceBucket":"shop-assets-eu-west-1","DestinationBucket":"shop-assets-eu-central-1","RuleId":"lifeboat-dr"\}/);
    });
  });

  describe('keys and outputs', () => {
    it('shares one stack key per region between buckets when given', () => {
      const out = synthStack((stack) => {
        const keys = {
          sourceKey: stackBucketKey(stack, { region: SOURCE, aliasPrefix: 'shop' }),
          replicaKey: stackBucketKey(stack, { region: DR, aliasPrefix: 'shop' }),
        };
        new ReplicatedBucket(stack, 'assets', props(keys));
        new ReplicatedBucket(stack, 'invoices', {
          ...props({ sourceBucketName: 'shop-invoices-eu-west-1', replicaBucketName: 'shop-invoices-eu-central-1' }),
          sourceKey: stackBucketKey(stack, { region: SOURCE, aliasPrefix: 'shop' }),
          replicaKey: stackBucketKey(stack, { region: DR, aliasPrefix: 'shop' }),
        });
      });
      const keys = Object.values(resourcesOfType(out, 'aws_kms_key'));
      expect(keys.map((k) => k.region).sort()).toEqual([DR, SOURCE]);
      expect(Object.values(resourcesOfType(out, 'aws_kms_alias')).map((a) => a.name).sort()).toEqual([
        'alias/shop-s3-eu-central-1',
        'alias/shop-s3-eu-west-1',
      ]);
    });

    it('exports bucket names and ARNs, key ARNs and the role ARN under names derived from the bucket id', () => {
      const out = synthBucket();
      expect(Object.keys(out.output ?? {}).sort()).toEqual([
        'assets-replica-bucket-arn',
        'assets-replica-bucket-name',
        'assets-replica-key-arn',
        'assets-replication-role-arn',
        'assets-source-bucket-arn',
        'assets-source-bucket-name',
        'assets-source-key-arn',
      ]);
      expect(out.output?.['assets-replication-role-arn'].value).toBe(
        `\${${address(out, 'aws_iam_role', 'assets_replication_')}.arn}`,
      );
    });
  });

  describe('invalid props', () => {
    it('lists every problem at once, each naming the prop and the limit', () => {
      const attempt = () =>
        synthBucket({
          replicaRegion: SOURCE,
          sourceBucketName: 'Shop_Assets',
          replicaBucketName: 'xn--assets',
          retentionDays: 30,
          rpoSeconds: 300,
          replicaStorageClass: 'REDUCED_REDUNDANCY' as never,
          abortIncompleteMultipartUploadDays: 0,
          objectLock: { mode: 'governance', days: 60 },
          replicationRoleName: 'r'.repeat(65),
          alarmTopics: { 'us-east-1': 'arn:aws:sns:us-east-1:111122223333:alerts' },
        });
      expect(attempt).toThrow(/replicaRegion: must differ from sourceRegion/);
      expect(attempt).toThrow(/sourceBucketName: must be 3-63 lowercase letters, digits or hyphens/);
      expect(attempt).toThrow(/replicaBucketName: must not start with the reserved prefix 'xn--'/);
      expect(attempt).toThrow(/rpoSeconds: must be at least 900 \(S3 Replication Time Control's 15-minute design target/);
      expect(attempt).toThrow(/replicaStorageClass: must be one of STANDARD, .*DEEP_ARCHIVE, got 'REDUCED_REDUNDANCY'/);
      expect(attempt).toThrow(/abortIncompleteMultipartUploadDays: must be a whole number of days, at least 1, got 0/);
      expect(attempt).toThrow(/objectLock.days: the lock \(60 days\) must not outlast retentionDays \(30\)/);
      expect(attempt).toThrow(/replicationRoleName: IAM role names are at most 64 characters, got 65/);
      expect(attempt).toThrow(/alarmTopics: no SNS topic for eu-west-1/);
    });

    it('refuses Object Lock without a usable default retention', () => {
      expect(() => synthBucket({ objectLock: { mode: 'compliance' } })).toThrow(
        /objectLock: Object Lock needs a default retention: set exactly one of days or years/,
      );
      expect(() => synthBucket({ objectLock: { mode: 'compliance', days: 0 } })).toThrow(
        /objectLock.days: must be a whole number from 1 to 36500 \(S3 limit\), got 0/,
      );
      expect(() => synthBucket({ retentionDays: 3650, objectLock: { mode: 'compliance', years: 11 } })).toThrow(
        /objectLock.years: the lock \(4015 days\) must not outlast retentionDays \(3650\)/,
      );
      expect(() => synthBucket({ objectLock: { mode: 'LEGAL' as never, days: 1 } })).toThrow(
        /objectLock.mode: must be 'governance' or 'compliance' \(as in the spec\), got 'LEGAL'/,
      );
    });

    it('refuses a 15-minute RPO without Replication Time Control', () => {
      expect(() => synthBucket({ rpoSeconds: 900, replicationTimeControl: false })).toThrow(
        /replicationTimeControl: an RPO of 900 s needs Replication Time Control/,
      );
    });

    it('refuses transitions S3 rejects or that come after the retention', () => {
      const attempt = () =>
        synthBucket({
          retentionDays: 100,
          transitions: [
            { storageClass: 'STANDARD_IA', afterDays: 10 },
            { storageClass: 'GLACIER', afterDays: 20 },
            { storageClass: 'DEEP_ARCHIVE', afterDays: 120 },
          ],
          replicaStorageClass: 'GLACIER_IR',
          replicaTransitions: [{ storageClass: 'STANDARD_IA', afterDays: 40 }],
        });
      expect(attempt).toThrow(/transitions\[0\].afterDays: S3 moves objects to STANDARD_IA only after at least 30 days, got 10/);
      expect(attempt).toThrow(/transitions\[1\].afterDays: objects must stay 30 days in STANDARD_IA before moving on \(S3 minimum\), so at least 40, got 20/);
      expect(attempt).toThrow(/transitions\[2\].afterDays: 120 is not before retentionDays \(100\)/);
      expect(attempt).toThrow(/replicaTransitions\[0\].storageClass: S3 lifecycle cannot move objects from GLACIER_IR to STANDARD_IA/);
    });

    it('refuses a shared key from the wrong region', () => {
      expect(() =>
        synthStack((stack) => {
          new ReplicatedBucket(stack, 'assets', props({ replicaKey: stackBucketKey(stack, { region: SOURCE, aliasPrefix: 'shop' }) }));
        }),
      ).toThrow(/replicaKey: must be in replicaRegion eu-central-1 \(S3 uses keys of its own region\), got eu-west-1/);
    });
  });

  describe('determinism and stable addresses', () => {
    function stackWith(stores: Array<{ id: string; name: string }>): string {
      const stack = new TerraformStack(testApp(), 'shop');
      for (const store of stores) {
        new ReplicatedBucket(stack, store.id, props({
          sourceBucketName: `shop-${store.name}-eu-west-1`,
          replicaBucketName: `shop-${store.name}-eu-central-1`,
          sourceKey: stackBucketKey(stack, { region: SOURCE, aliasPrefix: 'shop' }),
          replicaKey: stackBucketKey(stack, { region: DR, aliasPrefix: 'shop' }),
        }));
      }
      return Testing.synth(stack);
    }

    function resourcesOf(json: string, prefix: string): Record<string, unknown> {
      const parsed = JSON.parse(json) as TerraformJson;
      const picked: Record<string, unknown> = {};
      for (const [type, byName] of Object.entries(parsed.resource)) {
        for (const [name, body] of Object.entries(byName)) {
          if (name.startsWith(prefix) || name.startsWith('s3-key-')) picked[`${type}.${name}`] = body;
        }
      }
      return picked;
    }

    it('synthesizes byte-identical JSON from the same input', () => {
      const stores = [
        { id: 'assets', name: 'assets' },
        { id: 'invoices', name: 'invoices' },
      ];
      expect(stackWith(stores)).toBe(stackWith(stores));
    });

    it('keeps a bucket\'s addresses and bytes when other stores are renamed, reordered or added', () => {
      const before = stackWith([
        { id: 'assets', name: 'assets' },
        { id: 'invoices', name: 'invoices' },
      ]);
      const after = stackWith([
        { id: 'receipts', name: 'receipts' },
        { id: 'exports', name: 'exports' },
        { id: 'assets', name: 'assets' },
      ]);
      const assetsBefore = resourcesOf(before, 'assets_');
      expect(Object.keys(assetsBefore).length).toBeGreaterThanOrEqual(20);
      expect(resourcesOf(after, 'assets_')).toEqual(assetsBefore);
    });
  });
});
