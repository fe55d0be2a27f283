import 'cdktf/lib/testing/adapters/jest';
import { TerraformStack } from 'cdktf';
import { ProtectedDatabase, ProtectedDatabaseProps, RdsInstanceEngine, windowProblems } from '../../constructs/protected-database';
import { cleanupTestApps, onlyResource, resourcesOfType, synthStack, TerraformJson } from '../support/synth';

afterAll(cleanupTestApps);

const PRIMARY = 'eu-west-1';
const DR = 'eu-central-1';
const topics: Record<string, string> = { [PRIMARY]: `arn:aws:sns:${PRIMARY}:111122223333:alerts`, [DR]: `arn:aws:sns:${DR}:111122223333:alerts` };
const primaryKey = { keyArn: `arn:aws:kms:${PRIMARY}:111122223333:key/primary`, region: PRIMARY };
const drKey = { keyArn: `arn:aws:kms:${DR}:111122223333:key/dr`, region: DR };
const dr = { region: DR, encryptionKey: drKey, subnetIds: ['subnet-d1', 'subnet-d2'], securityGroupIds: ['sg-dr'] };

function props(overrides: Partial<ProtectedDatabaseProps> = {}): ProtectedDatabaseProps {
  return {
    stackName: 'shop',
    databaseId: 'orders',
    region: PRIMARY,
    engine: 'postgres',
    engineVersion: '16',
    instanceClass: 'db.m7g.large',
    allocatedStorageGb: 200,
    encryptionKey: primaryKey,
    subnetIds: ['subnet-p1', 'subnet-p2'],
    securityGroupIds: ['sg-primary'],
    alarmTopics: topics,
    ...overrides,
  };
}

function synth(build: (stack: TerraformStack) => void): TerraformJson {
  return synthStack(build);
}

function instanceNamed(json: TerraformJson, identifier: string): Record<string, any> {
  const found = Object.values(resourcesOfType(json, 'aws_db_instance')).filter((r) => r.identifier === identifier);
  if (found.length !== 1) throw new Error(`expected one aws_db_instance ${identifier}, found ${found.length}`);
  return found[0];
}

function alarmNamed(json: TerraformJson, name: string): Record<string, any> {
  const found = Object.values(resourcesOfType(json, 'aws_cloudwatch_metric_alarm')).filter((r) => r.alarm_name === name);
  if (found.length !== 1) throw new Error(`expected one alarm ${name}, found ${found.length}`);
  return found[0];
}

describe('ProtectedDatabase primary instance', () => {
  it.each<RdsInstanceEngine>(['postgres', 'mysql', 'mariadb'])('pins every protective setting for %s', (engine) => {
    const out = synth((stack) => new ProtectedDatabase(stack, 'orders', props({ engine, multiAz: true, backupRetentionDays: 14 })));
    expect(instanceNamed(out, 'shop-orders')).toEqual({
      region: PRIMARY,
      identifier: 'shop-orders',
      engine,
      engine_version: '16',
      instance_class: 'db.m7g.large',
      allocated_storage: 200,
      storage_type: 'gp3',
      storage_encrypted: true,
      kms_key_id: primaryKey.keyArn,
      db_subnet_group_name: expect.stringMatching(/^\$\{aws_db_subnet_group\.orders_subnet-group_[0-9A-F]+\.name\}$/),
      vpc_security_group_ids: ['sg-primary'],
      publicly_accessible: false,
      multi_az: true,
      backup_retention_period: 14,
      backup_window: '03:00-04:00',
      maintenance_window: 'sun:01:00-sun:02:00',
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: 'shop-orders-final',
      delete_automated_backups: false,
      copy_tags_to_snapshot: true,
      manage_master_user_password: true,
      master_user_secret_kms_key_id: primaryKey.keyArn,
      username: 'dbadmin',
      auto_minor_version_upgrade: true,
      allow_major_version_upgrade: false,
      performance_insights_enabled: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(onlyResource(out, 'aws_db_subnet_group')).toMatchObject({
      region: PRIMARY,
      name: 'shop-orders',
      subnet_ids: ['subnet-p1', 'subnet-p2'],
    });
  });

  it('encrypts Performance Insights with the CMK and sets storage autoscaling when asked', () => {
    const out = synth(
      (stack) =>
        new ProtectedDatabase(
          stack,
          'orders',
          props({ performanceInsights: true, maxAllocatedStorageGb: 1000, monitoringIntervalSeconds: 60, monitoringRoleArn: 'arn:aws:iam::111122223333:role/rds-monitoring' }),
        ),
    );
    expect(instanceNamed(out, 'shop-orders')).toMatchObject({
      performance_insights_enabled: true,
      performance_insights_kms_key_id: primaryKey.keyArn,
      max_allocated_storage: 1000,
      monitoring_interval: 60,
      monitoring_role_arn: 'arn:aws:iam::111122223333:role/rds-monitoring',
    });
  });

  it('alarms when free storage drops below 20% of the allocated storage', () => {
    const out = synth((stack) => new ProtectedDatabase(stack, 'orders', props()));
    expect(alarmNamed(out, 'shop-orders-free-storage')).toMatchObject({
      region: PRIMARY,
      namespace: 'AWS/RDS',
      metric_name: 'FreeStorageSpace',
      dimensions: { DBInstanceIdentifier: 'shop-orders' },
      comparison_operator: 'LessThanThreshold',
      statistic: 'Minimum',
      threshold: 0.2 * 200 * 1024 ** 3,
      alarm_actions: [topics[PRIMARY]],
    });
  });
});

describe('ProtectedDatabase replicas and cross-region backups', () => {
  const withReplicas = () =>
    synth(
      (stack) =>
        new ProtectedDatabase(
          stack,
          'orders',
          props({
            dr,
            readReplicas: [{ region: PRIMARY }, { region: DR, instanceClass: 'db.m7g.xlarge' }, { region: PRIMARY, multiAz: true }],
            backupReplicationRetentionDays: 7,
            azRpoSeconds: 30,
            regionRpoSeconds: 120,
          }),
        ),
    );

  it('encrypts the cross-region replica with the DR-region key, in the DR region, from the source ARN', () => {
    const out = withReplicas();
    const replica = instanceNamed(out, 'shop-orders-dr');
    expect(replica).toMatchObject({
      region: DR,
      replicate_source_db: expect.stringMatching(/^\$\{aws_db_instance\.orders_instance_[0-9A-F]+\.arn\}$/),
      storage_encrypted: true,
      kms_key_id: drKey.keyArn,
      instance_class: 'db.m7g.xlarge',
      db_subnet_group_name: expect.stringMatching(/^\$\{aws_db_subnet_group\.orders_dr-subnet-group_[0-9A-F]+\.name\}$/),
      vpc_security_group_ids: ['sg-dr'],
      publicly_accessible: false,
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: 'shop-orders-dr-final',
      backup_retention_period: 0,
      lifecycle: { prevent_destroy: true },
    });
    // A replica inherits engine and credentials; setting them would be rejected or drift.
    expect(replica).not.toHaveProperty('engine');
    expect(replica).not.toHaveProperty('username');
    expect(replica).not.toHaveProperty('manage_master_user_password');
    const drSubnetGroup = Object.values(resourcesOfType(out, 'aws_db_subnet_group')).find((g) => g.name === 'shop-orders-dr');
    expect(drSubnetGroup).toMatchObject({ region: DR, subnet_ids: ['subnet-d1', 'subnet-d2'] });
  });

  it('names same-region replicas by position among same-region replicas and replicates from the identifier', () => {
    const out = withReplicas();
    expect(instanceNamed(out, 'shop-orders-1')).toMatchObject({
      region: PRIMARY,
      replicate_source_db: expect.stringMatching(/^\$\{aws_db_instance\.orders_instance_[0-9A-F]+\.identifier\}$/),
      storage_encrypted: true,
      multi_az: false,
    });
    // Same region: RDS encrypts the replica with the source's key and refuses another one.
    expect(instanceNamed(out, 'shop-orders-1')).not.toHaveProperty('kms_key_id');
    expect(instanceNamed(out, 'shop-orders-2')).toMatchObject({ multi_az: true, instance_class: 'db.m7g.large' });
  });

  it('puts each ReplicaLag alarm in its replica region at the RPO the replica serves (az in the region, region across), breaching on silence', () => {
    const out = withReplicas();
    for (const [name, identifier, region, threshold] of [
      ['shop-orders-replica-1-lag', 'shop-orders-1', PRIMARY, 30],
      ['shop-orders-replica-2-lag', 'shop-orders-2', PRIMARY, 30],
      ['shop-orders-replica-lag', 'shop-orders-dr', DR, 120],
    ] as const) {
      expect(alarmNamed(out, name)).toMatchObject({
        region,
        namespace: 'AWS/RDS',
        metric_name: 'ReplicaLag',
        dimensions: { DBInstanceIdentifier: identifier },
        threshold,
        comparison_operator: 'GreaterThanThreshold',
        period: 60,
        evaluation_periods: 3,
        datapoints_to_alarm: 3,
        treat_missing_data: 'breaching',
        alarm_actions: [topics[region]],
      });
    }
  });

  it('replicates automated backups into the DR region with the DR key and its own retention', () => {
    const out = withReplicas();
    expect(onlyResource(out, 'aws_db_instance_automated_backups_replication')).toEqual({
      region: DR,
      source_db_instance_arn: expect.stringMatching(/^\$\{aws_db_instance\.orders_instance_[0-9A-F]+\.arn\}$/),
      kms_key_id: drKey.keyArn,
      retention_period: 7,
      lifecycle: { prevent_destroy: true },
    });
  });
});

describe('ProtectedDatabase adopting an existing instance', () => {
  const adopt = (extra: Partial<ProtectedDatabaseProps> = {}) =>
    synth(
      (stack) =>
        new ProtectedDatabase(stack, 'legacy', {
          stackName: 'shop',
          databaseId: 'legacy',
          region: PRIMARY,
          engine: 'mysql',
          encryptionKey: primaryKey,
          existing: { identifier: 'billing-prod' },
          alarmTopics: topics,
          dr,
          ...extra,
        }),
    );

  it('creates no database or subnet group, looks the instance up, and still protects it', () => {
    const out = adopt({ backupReplicationRetentionDays: 10, readReplicas: [{ region: DR, instanceClass: 'db.r6g.large' }], longTermBackup: { rules: [{ name: 'long-term', schedule: 'cron(0 5 * * ? *)', deleteAfterDays: 400 }] } });
    const instances = Object.values(resourcesOfType(out, 'aws_db_instance'));
    expect(instances.map((i) => i.identifier)).toEqual(['shop-legacy-dr']);
    // Only the DR replica's subnet group: the adopted instance keeps its own.
    expect(Object.values(resourcesOfType(out, 'aws_db_subnet_group')).map((g) => g.name)).toEqual(['shop-legacy-dr']);
    const lookup = Object.entries(out.data?.aws_db_instance ?? {});
    expect(lookup).toHaveLength(1);
    const [lookupName, lookupConfig] = lookup[0];
    expect(lookupConfig).toEqual({ region: PRIMARY, db_instance_identifier: 'billing-prod' });
    const arn = `\${data.aws_db_instance.${lookupName}.db_instance_arn}`;
    expect(onlyResource(out, 'aws_db_instance_automated_backups_replication')).toMatchObject({ source_db_instance_arn: arn, region: DR, kms_key_id: drKey.keyArn });
    expect(instances[0]).toMatchObject({ replicate_source_db: arn, kms_key_id: drKey.keyArn, region: DR });
    expect(onlyResource(out, 'aws_backup_selection').resources).toEqual([arn]);
    // Unknown size: 20% of the looked-up allocated storage, as a Terraform expression.
    // Named after the store like every alarm, watching the adopted identifier.
    expect(alarmNamed(out, 'shop-legacy-free-storage')).toMatchObject({ dimensions: { DBInstanceIdentifier: 'billing-prod' } });
    expect(alarmNamed(out, 'shop-legacy-free-storage').threshold).toBe(`\${(data.aws_db_instance.${lookupName}.allocated_storage * 214748364.8)}`);
    const known = adopt({ allocatedStorageGb: 500 });
    expect(alarmNamed(known, 'shop-legacy-free-storage').threshold).toBe(0.2 * 500 * 1024 ** 3);
  });

  it('refuses settings it cannot apply to an instance it does not manage', () => {
    expect(() => adopt({ performanceInsights: true, readReplicas: [{ region: PRIMARY }] })).toThrow(
      /performanceInsights \/ monitoringIntervalSeconds: cannot be changed on an existing database[\s\S]*readReplicas\[0\]\.instanceClass: required when the primary is existing/,
    );
  });
});

describe('ProtectedDatabase validation', () => {
  it('reports every problem at once, naming each prop and limit', () => {
    expect(() =>
      synth(
        (stack) =>
          new ProtectedDatabase(
            stack,
            'orders',
            props({
              backupRetentionDays: 36,
              allocatedStorageGb: 10,
              subnetIds: ['subnet-p1'],
              encryptionKey: { keyArn: 'arn:k', region: DR },
              dr: { ...dr, encryptionKey: primaryKey },
              readReplicas: [{ region: 'us-east-1' }, { region: DR }, { region: DR }],
              backupReplicationRetentionDays: 0,
            }),
          ),
      ),
    ).toThrow(
      new RegExp(
        [
          'encryptionKey: must be in the primary region eu-west-1',
          'backupRetentionDays: must be a whole number from 1 to 35 days \\(RDS limit\\), got 36',
          'dr.encryptionKey: must be in the DR region eu-central-1',
          'allocatedStorageGb: .* from 20 to 65536 GiB',
          'subnetIds: at least two private subnets',
          'readReplicas\\[0\\]\\.region: must be the primary region eu-west-1 or the DR region eu-central-1, got us-east-1',
          'readReplicas: at most one replica in the DR region, got 3',
          'backupReplicationRetentionDays: must be a whole number from 1 to 35 days \\(RDS limit\\), got 0',
        ].join('[\\s\\S]*'),
      ),
    );
  });

  it('requires a DR region for backup replication and DR replicas', () => {
    expect(() => synth((stack) => new ProtectedDatabase(stack, 'orders', props({ backupReplicationRetentionDays: 7, readReplicas: [{ region: DR }] })))).toThrow(
      /readReplicas\[0\]\.region: must be the primary region eu-west-1 or the DR region \(dr not set\)[\s\S]*backupReplicationRetentionDays: needs dr/,
    );
  });

  it('refuses an Aurora engine and an identifier RDS would reject', () => {
    expect(() =>
      synth((stack) => new ProtectedDatabase(stack, 'x', props({ engine: 'aurora-mysql' as RdsInstanceEngine, databaseId: 'a'.repeat(60) }))),
    ).toThrow(/engine: must be one of postgres, mysql, mariadb[\s\S]*databaseId: the identifier 'shop-a+' must be 1-63/);
  });
});

describe('backup and maintenance windows', () => {
  it('accepts disjoint windows, including ones that wrap midnight and the week', () => {
    expect(windowProblems('23:30-00:30', 'sun:01:00-sun:02:00')).toEqual([]);
    expect(windowProblems('03:00-04:00', 'sun:23:30-mon:00:30')).toEqual([]);
  });

  it('rejects overlap on any day, too-short windows and bad formats', () => {
    expect(windowProblems('03:00-04:00', 'wed:03:30-wed:04:30')).toEqual([
      "maintenanceWindow: must not overlap the daily backupWindow '03:00-04:00' (RDS limit), got 'wed:03:30-wed:04:30'",
    ]);
    expect(windowProblems('23:30-00:30', 'tue:00:00-tue:00:45')).toHaveLength(1);
    expect(windowProblems('03:00-03:10', 'sun:05:00-sun:05:20')).toEqual([
      "backupWindow: must last at least 30 minutes (RDS limit), got '03:00-03:10'",
      "maintenanceWindow: must last at least 30 minutes (RDS limit), got 'sun:05:00-sun:05:20'",
    ]);
    expect(windowProblems('3:00-4:00', 'sunday:05:00-sun:06:00')).toHaveLength(2);
  });
});

describe('resource addresses', () => {
  function addresses(json: TerraformJson, prefix: string): string[] {
    const all: string[] = [];
    for (const [type, resources] of Object.entries(json.resource)) {
      for (const name of Object.keys(resources)) if (name.startsWith(prefix)) all.push(`${type}.${name}`);
    }
    return all.sort();
  }

  it('depend only on the database id: adding and reordering other databases changes none of them', () => {
    const orders = props({ dr, readReplicas: [{ region: DR }], backupReplicationRetentionDays: 7, longTermBackup: { rules: [{ name: 'long-term', schedule: 'cron(0 5 * * ? *)', deleteAfterDays: 400 }] } });
    const alone = synth((stack) => new ProtectedDatabase(stack, 'orders', orders));
    const crowded = synth((stack) => {
      new ProtectedDatabase(stack, 'billing', props({ databaseId: 'billing', engine: 'mysql' }));
      new ProtectedDatabase(stack, 'orders', orders);
      new ProtectedDatabase(stack, 'audit', props({ databaseId: 'audit', engine: 'mariadb' }));
    });
    const before = addresses(alone, 'orders_');
    expect(before.length).toBeGreaterThan(10);
    expect(addresses(crowded, 'orders_')).toEqual(before);
    expect(JSON.stringify(crowded.resource.aws_db_instance)).toContain('shop-billing');
  });
});

describe('planned alarms', () => {
  const plannedReplicaLag = {
    id: 'replica-lag',
    alarmName: 'shop-orders-replica-lag',
    region: DR,
    namespace: 'AWS/RDS',
    metricName: 'ReplicaLag',
    dimensions: { DBInstanceIdentifier: 'shop-orders-dr' },
    statistic: 'Maximum' as const,
    threshold: 300,
    comparisonOperator: 'GreaterThanThreshold' as const,
    periodSeconds: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: 'breaching' as const,
    description: 'Cross-region replica shop-orders-dr lags more than the region RPO (5m)',
  };
  const verificationAlarm = { ...plannedReplicaLag, id: 'data-lag', alarmName: 'shop-orders-data-lag', namespace: 'Lifeboat', metricName: 'DataLagSeconds', dimensions: { StoreId: 'orders' } };

  it('are rendered exactly as planned, instead of any the construct would plan itself, and Lifeboat metrics are left alone', () => {
    const out = synth(
      (stack) =>
        new ProtectedDatabase(stack, 'orders', props({ dr, readReplicas: [{ region: DR }], plannedAlarms: [plannedReplicaLag, verificationAlarm] })),
    );
    const alarms = Object.values(resourcesOfType(out, 'aws_cloudwatch_metric_alarm'));
    // No free-storage alarm: the plan has none, and nothing is derived beside the plan.
    expect(alarms.map((a) => a.alarm_name).sort()).toEqual(['shop-orders-replica-lag']);
    expect(alarmNamed(out, 'shop-orders-replica-lag')).toMatchObject({ threshold: 300, region: DR, alarm_description: plannedReplicaLag.description });
  });

  it('refuse a planned AWS alarm that matches nothing the construct watches', () => {
    expect(() => synth((stack) => new ProtectedDatabase(stack, 'orders', props({ plannedAlarms: [plannedReplicaLag] })))).toThrow(
      /plannedAlarms: shop-orders-replica-lag \(AWS\/RDS ReplicaLag \{"DBInstanceIdentifier":"shop-orders-dr"\} in eu-central-1\) matches no metric/,
    );
  });
});
