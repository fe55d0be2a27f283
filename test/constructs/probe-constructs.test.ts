import 'cdktf/lib/testing/adapters/jest';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { BackupAgeProbe, BackupAgeProbeStore } from '../../constructs/backup-age-probe';
import { ReplicationCheck, ReplicationCheckBucket } from '../../constructs/replication-check';
import { parseProbeConfig } from '../../lambda/backup-age-probe/config';
import { parseReplicationConfig } from '../../lambda/verify-replication/config';
import { cleanupTestApps, onlyResource, resourcesOfType, synthStack } from '../support/synth';

afterAll(cleanupTestApps);

const topics = {
  'eu-west-1': 'arn:aws:sns:eu-west-1:111122223333:alerts',
  'eu-central-1': 'arn:aws:sns:eu-central-1:111122223333:alerts',
};
const ACCOUNT = '${data.aws_caller_identity.lifeboat-account.account_id}';
const PARTITION = '${data.aws_partition.lifeboat-partition.partition}';

const orders: BackupAgeProbeStore = {
  storeId: 'orders',
  kind: 'instance',
  identifier: 'shop-orders',
  region: 'eu-west-1',
  drRegion: 'eu-central-1',
  replicatedBackups: true,
  backupVaults: [{ region: 'eu-central-1', vaultName: 'shop-orders' }],
  resourceArn: 'arn:aws:rds:eu-west-1:111122223333:db:shop-orders',
  restorableLagThresholdSeconds: 300,
  backupAgeThresholdSeconds: 90_000,
  drRestorableLagThresholdSeconds: 900,
};
const ledger: BackupAgeProbeStore = {
  storeId: 'ledger',
  kind: 'cluster',
  identifier: 'shop-ledger',
  region: 'eu-west-1',
  resourceArn: 'arn:aws:rds:eu-west-1:111122223333:cluster:shop-ledger',
  restorableLagThresholdSeconds: 300,
};

function alarmsByName(out: any): Record<string, any> {
  return Object.fromEntries(Object.values(resourcesOfType(out, 'aws_cloudwatch_metric_alarm')).map((alarm: any) => [alarm.alarm_name, alarm]));
}

describe('BackupAgeProbe', () => {
  const synth = () =>
    synthStack((stack) => {
      new BackupAgeProbe(stack, 'probe', { region: 'eu-west-1', namePrefix: 'shop', stores: [orders, ledger], alarmTopics: topics });
    });

  it('runs every 5 minutes with the stores in its configuration, as the handler parses it', () => {
    const out = synth();
    expect(onlyResource(out, 'aws_cloudwatch_event_rule')).toMatchObject({ name: 'shop-backup-age-probe', schedule_expression: 'rate(5 minutes)' });
    const fn = onlyResource(out, 'aws_lambda_function');
    expect(fn).toMatchObject({ runtime: 'nodejs22.x', function_name: 'shop-backup-age-probe', timeout: 120 });
    const config = parseProbeConfig(fn.environment.variables.LIFEBOAT_PROBE_CONFIG);
    expect(config).toEqual({
      namespace: 'Lifeboat',
      stores: [
        {
          storeId: 'orders',
          kind: 'instance',
          identifier: 'shop-orders',
          region: 'eu-west-1',
          drRegion: 'eu-central-1',
          replicatedBackups: true,
          backupVaults: [{ region: 'eu-central-1', vaultName: 'shop-orders' }],
          resourceArn: orders.resourceArn,
        },
        { storeId: 'ledger', kind: 'cluster', identifier: 'shop-ledger', region: 'eu-west-1', resourceArn: ledger.resourceArn },
      ],
    });
  });

  it('may only describe the protected databases, list their vaults and publish in its namespace', () => {
    const policy = JSON.parse(onlyResource(synth(), 'aws_iam_role_policy').policy);
    expect(policy.Statement.slice(1)).toEqual([
      {
        Sid: 'DescribeProtectedInstancesAndSnapshots',
        Effect: 'Allow',
        Action: ['rds:DescribeDBInstances', 'rds:DescribeDBSnapshots'],
        Resource: [`arn:${PARTITION}:rds:eu-west-1:${ACCOUNT}:db:shop-orders`, `arn:${PARTITION}:rds:eu-west-1:${ACCOUNT}:snapshot:*`],
      },
      {
        Sid: 'DescribeProtectedClustersAndSnapshots',
        Effect: 'Allow',
        Action: ['rds:DescribeDBClusters', 'rds:DescribeDBClusterSnapshots'],
        Resource: [`arn:${PARTITION}:rds:eu-west-1:${ACCOUNT}:cluster-snapshot:*`, `arn:${PARTITION}:rds:eu-west-1:${ACCOUNT}:cluster:shop-ledger`],
      },
      {
        Sid: 'DescribeReplicatedAutomatedBackups',
        Effect: 'Allow',
        Action: ['rds:DescribeDBInstanceAutomatedBackups'],
        Resource: [`arn:${PARTITION}:rds:eu-central-1:${ACCOUNT}:auto-backup:*`, `arn:${PARTITION}:rds:eu-central-1:${ACCOUNT}:db:shop-orders`],
      },
      {
        Sid: 'ListRecoveryPointsInProtectingVaults',
        Effect: 'Allow',
        Action: ['backup:ListRecoveryPointsByBackupVault'],
        Resource: [`arn:${PARTITION}:backup:eu-central-1:${ACCOUNT}:backup-vault:shop-orders`],
      },
      {
        Sid: 'PublishProbeMetrics',
        Effect: 'Allow',
        Action: ['cloudwatch:PutMetricData'],
        Resource: ['*'],
        Condition: { StringEquals: { 'cloudwatch:namespace': 'Lifeboat' } },
      },
    ]);
  });

  it('alarms in each metric region, with missing data breaching, for every threshold given', () => {
    const alarms = alarmsByName(synth());
    expect(Object.keys(alarms).sort()).toEqual([
      'shop-ledger-restorable-lag',
      'shop-orders-backup-age',
      'shop-orders-dr-backup-age',
      'shop-orders-dr-restorable-lag',
      'shop-orders-restorable-lag',
    ]);
    expect(alarms['shop-orders-dr-restorable-lag']).toMatchObject({
      region: 'eu-central-1',
      namespace: 'Lifeboat',
      metric_name: 'RestorableLagSeconds',
      dimensions: { StoreId: 'orders', Region: 'eu-central-1' },
      // The 900 s bound plus one 5-minute log-upload interval, on 2 of 3 runs: PITR's saw-tooth never fires it.
      threshold: 1200,
      comparison_operator: 'GreaterThanThreshold',
      period: 300,
      evaluation_periods: 3,
      datapoints_to_alarm: 2,
      treat_missing_data: 'breaching',
      alarm_actions: [topics['eu-central-1']],
    });
    expect(alarms['shop-orders-dr-backup-age']).toMatchObject({ threshold: 90_000, metric_name: 'BackupAgeSeconds', region: 'eu-central-1', evaluation_periods: 3, datapoints_to_alarm: 2 });
    for (const alarm of Object.values(alarms)) expect(alarm.treat_missing_data).toBe('breaching');
  });

  it('renders alarms given explicitly (the plan\'s) instead of the derived ones', () => {
    const out = synthStack((stack) => {
      new BackupAgeProbe(stack, 'probe', {
        region: 'eu-west-1',
        namePrefix: 'shop',
        alarmTopics: topics,
        stores: [
          {
            ...ledger,
            alarms: [
              {
                id: 'restorable-lag',
                region: 'eu-west-1',
                alarmName: 'shop-ledger-restorable-lag',
                description: 'from the plan',
                namespace: 'Lifeboat',
                metricName: 'RestorableLagSeconds',
                dimensions: { StoreId: 'ledger', Region: 'eu-west-1' },
                statistic: 'Maximum',
                threshold: 240,
                comparisonOperator: 'GreaterThanThreshold',
                periodSeconds: 300,
                evaluationPeriods: 3,
                datapointsToAlarm: 2,
                treatMissingData: 'breaching',
              },
            ],
          },
        ],
      });
    });
    expect(onlyResource(out, 'aws_cloudwatch_metric_alarm')).toMatchObject({ threshold: 240, evaluation_periods: 3, datapoints_to_alarm: 2, alarm_description: 'from the plan' });
  });

  it('reports every problem at once, including the handler configuration', () => {
    expect(() =>
      synthStack((stack) => {
        new BackupAgeProbe(stack, 'probe', {
          region: 'eu-west-1',
          namePrefix: 'shop',
          intervalMinutes: 0,
          alarmTopics: { 'eu-west-1': topics['eu-west-1'] },
          stores: [orders, { ...ledger, storeId: 'orders', identifier: '9-bad', restorableLagThresholdSeconds: -1 }],
        });
      }),
    ).toThrow(
      /intervalMinutes: must be a whole number from 1 to 60, got 0[\s\S]*alarmTopics: no SNS topic for region eu-central-1[\s\S]*restorableLagThresholdSeconds: must be a positive number of seconds, got -1[\s\S]*handler configuration: stores\[1\]\.storeId: duplicate store id orders[\s\S]*handler configuration: stores\[1\]\.identifier: must be an RDS identifier/,
    );
  });
});

describe('ReplicationCheck', () => {
  const documents: ReplicationCheckBucket = {
    storeId: 'documents',
    sourceBucket: 'shop-documents-eu-west-1',
    sourceRegion: 'eu-west-1',
    replicaBucket: 'shop-documents-eu-central-1',
    replicaRegion: 'eu-central-1',
    sampleSize: 50,
    minAgeSeconds: 900,
    sourceKmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/source',
    replicaKmsKeyArn: 'arn:aws:kms:eu-central-1:111122223333:key/replica',
  };
  const synth = () =>
    synthStack((stack) => {
      new ReplicationCheck(stack, 'replicas', { region: 'eu-west-1', namePrefix: 'shop', buckets: [documents], alarmTopics: topics });
    });

  it('reads both buckets and decrypts checksums only through S3, and may write nothing', () => {
    const policy = JSON.parse(onlyResource(synth(), 'aws_iam_role_policy').policy);
    expect(policy.Statement.slice(1)).toEqual([
      {
        Sid: 'ListBothBuckets',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [`arn:${PARTITION}:s3:::shop-documents-eu-central-1`, `arn:${PARTITION}:s3:::shop-documents-eu-west-1`],
      },
      {
        Sid: 'HeadObjectsOnBothSides',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: [`arn:${PARTITION}:s3:::shop-documents-eu-central-1/*`, `arn:${PARTITION}:s3:::shop-documents-eu-west-1/*`],
      },
      {
        Sid: 'ReadChecksumsOfKmsEncryptedObjects',
        Effect: 'Allow',
        Action: ['kms:Decrypt'],
        Resource: [documents.replicaKmsKeyArn, documents.sourceKmsKeyArn],
        Condition: { StringEquals: { 'kms:ViaService': ['s3.eu-central-1.amazonaws.com', 's3.eu-west-1.amazonaws.com'] } },
      },
      {
        Sid: 'PublishReplicationMetrics',
        Effect: 'Allow',
        Action: ['cloudwatch:PutMetricData'],
        Resource: ['*'],
        Condition: { StringEquals: { 'cloudwatch:namespace': 'Lifeboat' } },
      },
    ]);
  });

  it("lists KMS keys given as unresolved references in the same order whichever was made first (a token's text is only a creation counter)", () => {
    const policyWith = (westFirst: boolean) =>
      JSON.parse(
        onlyResource(
          synthStack((stack) => {
            const make = (id: string) => new KmsKey(stack, id, {});
            const [west, central] = westFirst ? [make('west'), make('central')] : [make('central'), make('west')].reverse();
            const bucket = { ...documents, sourceKmsKeyArn: west.arn, replicaKmsKeyArn: central.arn };
            new ReplicationCheck(stack, 'replicas', { region: 'eu-west-1', namePrefix: 'shop', buckets: [bucket], alarmTopics: topics });
          }),
          'aws_iam_role_policy',
        ).policy,
      ).Statement.find((statement: { Sid: string }) => statement.Sid === 'ReadChecksumsOfKmsEncryptedObjects');
    expect(policyWith(true)).toEqual(policyWith(false));
    expect(policyWith(true).Resource).toEqual(['${aws_kms_key.central.arn}', '${aws_kms_key.west.arn}']);
  });

  it('runs every 15 minutes, one run at a time, and alarms in the replica region on any missing replica or silence', () => {
    const out = synth();
    expect(onlyResource(out, 'aws_cloudwatch_event_rule')).toMatchObject({ schedule_expression: 'rate(15 minutes)', name: 'shop-replica-check' });
    const fn = onlyResource(out, 'aws_lambda_function');
    expect(fn).toMatchObject({ runtime: 'nodejs22.x', timeout: 840 });
    // Deployable in a new account (concurrency quota 10): nothing reserved.
    expect(fn.reserved_concurrent_executions).toBeUndefined();
    expect(parseReplicationConfig(fn.environment.variables.LIFEBOAT_REPLICATION_CONFIG).buckets[0]).toEqual({
      storeId: 'documents',
      sourceBucket: 'shop-documents-eu-west-1',
      sourceRegion: 'eu-west-1',
      replicaBucket: 'shop-documents-eu-central-1',
      replicaRegion: 'eu-central-1',
      sampleSize: 50,
      minAgeSeconds: 900,
    });
    expect(onlyResource(out, 'aws_cloudwatch_metric_alarm')).toMatchObject({
      alarm_name: 'shop-documents-missing-replicas',
      region: 'eu-central-1',
      metric_name: 'MissingReplicas',
      dimensions: { StoreId: 'documents' },
      threshold: 0,
      comparison_operator: 'GreaterThanThreshold',
      period: 900,
      treat_missing_data: 'breaching',
      alarm_actions: [topics['eu-central-1']],
    });
  });

  it('reports every problem at once', () => {
    expect(() =>
      synthStack((stack) => {
        new ReplicationCheck(stack, 'replicas', {
          region: 'eu-west-1',
          namePrefix: 'shop',
          intervalMinutes: 2,
          alarmTopics: { 'eu-west-1': topics['eu-west-1'] },
          buckets: [{ ...documents, sampleSize: 0 }],
        });
      }),
    ).toThrow(/intervalMinutes: must be a whole number from 5 to 1440, got 2[\s\S]*alarmTopics: no SNS topic for region eu-central-1[\s\S]*handler configuration: buckets\[0\]\.sampleSize/);
  });
});
