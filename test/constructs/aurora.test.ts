import 'cdktf/lib/testing/adapters/jest';
import { AuroraEngine, ProtectedAuroraCluster, ProtectedAuroraClusterProps } from '../../constructs/protected-aurora-cluster';
import { cleanupTestApps, onlyResource, resourcesOfType, synthStack, TerraformJson } from '../support/synth';

afterAll(cleanupTestApps);

const PRIMARY = 'us-east-1';
const DR = 'us-west-2';
const topics: Record<string, string> = { [PRIMARY]: `arn:aws:sns:${PRIMARY}:111122223333:alerts`, [DR]: `arn:aws:sns:${DR}:111122223333:alerts` };
const primaryKey = { keyArn: `arn:aws:kms:${PRIMARY}:111122223333:key/primary`, region: PRIMARY };
const drKey = { keyArn: `arn:aws:kms:${DR}:111122223333:key/dr`, region: DR };
const dr = { region: DR, encryptionKey: drKey, subnetIds: ['subnet-d1', 'subnet-d2'], securityGroupIds: ['sg-dr'] };

function props(overrides: Partial<ProtectedAuroraClusterProps> = {}): ProtectedAuroraClusterProps {
  return {
    stackName: 'shop',
    databaseId: 'ledger',
    region: PRIMARY,
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
    instanceClass: 'db.r7g.large',
    encryptionKey: primaryKey,
    subnetIds: ['subnet-p1', 'subnet-p2'],
    securityGroupIds: ['sg-primary'],
    alarmTopics: topics,
    ...overrides,
  };
}

function clusterNamed(json: TerraformJson, identifier: string): Record<string, any> {
  const found = Object.values(resourcesOfType(json, 'aws_rds_cluster')).filter((r) => r.cluster_identifier === identifier);
  if (found.length !== 1) throw new Error(`expected one aws_rds_cluster ${identifier}, found ${found.length}`);
  return found[0];
}

function alarmNamed(json: TerraformJson, name: string): Record<string, any> {
  const found = Object.values(resourcesOfType(json, 'aws_cloudwatch_metric_alarm')).filter((r) => r.alarm_name === name);
  if (found.length !== 1) throw new Error(`expected one alarm ${name}, found ${found.length}`);
  return found[0];
}

describe('ProtectedAuroraCluster primary cluster', () => {
  it.each<AuroraEngine>(['aurora-postgresql', 'aurora-mysql'])('pins every protective setting for %s', (engine) => {
    const out = synthStack((stack) => new ProtectedAuroraCluster(stack, 'ledger', props({ engine, backupRetentionDays: 35 })));
    expect(clusterNamed(out, 'shop-ledger')).toEqual({
      region: PRIMARY,
      cluster_identifier: 'shop-ledger',
      engine,
      engine_version: '16.4',
      db_subnet_group_name: expect.stringMatching(/^\$\{aws_db_subnet_group\.ledger_subnet-group_[0-9A-F]+\.name\}$/),
      vpc_security_group_ids: ['sg-primary'],
      storage_encrypted: true,
      kms_key_id: primaryKey.keyArn,
      backup_retention_period: 35,
      preferred_backup_window: '03:00-04:00',
      preferred_maintenance_window: 'sun:01:00-sun:02:00',
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: 'shop-ledger-final',
      delete_automated_backups: false,
      copy_tags_to_snapshot: true,
      manage_master_user_password: true,
      master_username: 'dbadmin',
      master_user_secret_kms_key_id: primaryKey.keyArn,
      lifecycle: { prevent_destroy: true },
    });
  });

  it('creates a private writer named like the cluster and readers named replica(n), with a lag alarm per reader at the az RPO', () => {
    const out = synthStack((stack) => new ProtectedAuroraCluster(stack, 'ledger', props({ readerCount: 2, azRpoSeconds: 45, regionRpoSeconds: 12 * 3_600 })));
    const instances = Object.values(resourcesOfType(out, 'aws_rds_cluster_instance'));
    expect(instances.map((i) => i.identifier).sort()).toEqual(['shop-ledger', 'shop-ledger-1', 'shop-ledger-2']);
    for (const instance of instances) {
      expect(instance).toMatchObject({
        region: PRIMARY,
        cluster_identifier: expect.stringMatching(/^\$\{aws_rds_cluster\.ledger_cluster_[0-9A-F]+\.id\}$/),
        engine: 'aurora-postgresql',
        instance_class: 'db.r7g.large',
        publicly_accessible: false,
      });
    }
    expect(Object.values(resourcesOfType(out, 'aws_cloudwatch_metric_alarm')).map((a) => a.alarm_name)).toEqual([
      'shop-ledger-reader-1-lag',
      'shop-ledger-reader-2-lag',
    ]);
    // In-region readers are the az failover targets: the 12-hour region RPO (the global database's) would never fire.
    expect(alarmNamed(out, 'shop-ledger-reader-1-lag')).toMatchObject({
      metric_name: 'AuroraReplicaLag',
      dimensions: { DBInstanceIdentifier: 'shop-ledger-1' },
      threshold: 45_000,
      region: PRIMARY,
    });
  });

  it('enables backtrack on aurora-mysql up to 72 hours and refuses it elsewhere', () => {
    const out = synthStack((stack) => new ProtectedAuroraCluster(stack, 'ledger', props({ engine: 'aurora-mysql', backtrackWindowSeconds: 259_200 })));
    expect(clusterNamed(out, 'shop-ledger').backtrack_window).toBe(259_200);
    expect(() => synthStack((stack) => new ProtectedAuroraCluster(stack, 'ledger', props({ backtrackWindowSeconds: 3600 })))).toThrow(
      /backtrackWindowSeconds: backtrack exists only for aurora-mysql, got engine aurora-postgresql/,
    );
    expect(() =>
      synthStack((stack) => new ProtectedAuroraCluster(stack, 'ledger', props({ engine: 'aurora-mysql', backtrackWindowSeconds: 259_201 }))),
    ).toThrow(/backtrackWindowSeconds: must be a whole number from 0 to 259200 seconds \(72 hours, Aurora limit\), got 259201/);
  });
});

describe('ProtectedAuroraCluster global database', () => {
  const global = (extra: Partial<ProtectedAuroraClusterProps> = {}) =>
    synthStack((stack) => new ProtectedAuroraCluster(stack, 'ledger', props({ dr, globalDatabase: { readerCount: 1 }, regionRpoSeconds: 20, ...extra })));

  it('builds the global cluster from the primary, guarded, and keeps Terraform from detaching the primary', () => {
    const out = global();
    expect(onlyResource(out, 'aws_rds_global_cluster')).toEqual({
      region: PRIMARY,
      global_cluster_identifier: 'shop-ledger-global',
      source_db_cluster_identifier: expect.stringMatching(/^\$\{aws_rds_cluster\.ledger_cluster_[0-9A-F]+\.arn\}$/),
      deletion_protection: true,
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(clusterNamed(out, 'shop-ledger').lifecycle).toEqual({ prevent_destroy: true, ignore_changes: ['global_cluster_identifier'] });
  });

  it('encrypts the secondary with the DR key, without master credentials, after the primary writer exists', () => {
    const out = global();
    const secondary = clusterNamed(out, 'shop-ledger-dr');
    expect(secondary).toMatchObject({
      region: DR,
      engine: 'aurora-postgresql',
      global_cluster_identifier: expect.stringMatching(/^\$\{aws_rds_global_cluster\.ledger_global-cluster_[0-9A-F]+\.id\}$/),
      engine_version: expect.stringMatching(/^\$\{aws_rds_global_cluster\.ledger_global-cluster_[0-9A-F]+\.engine_version\}$/),
      storage_encrypted: true,
      kms_key_id: drKey.keyArn,
      vpc_security_group_ids: ['sg-dr'],
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: 'shop-ledger-dr-final',
      delete_automated_backups: false,
      copy_tags_to_snapshot: true,
      depends_on: [expect.stringMatching(/^aws_rds_cluster_instance\.ledger_writer_[0-9A-F]+$/)],
      lifecycle: { prevent_destroy: true, ignore_changes: ['replication_source_identifier'] },
    });
    for (const forbidden of ['master_username', 'master_password', 'manage_master_user_password', 'master_user_secret_kms_key_id']) {
      expect(secondary).not.toHaveProperty(forbidden);
    }
    const readers = Object.values(resourcesOfType(out, 'aws_rds_cluster_instance')).filter((i) => i.region === DR);
    expect(readers).toEqual([expect.objectContaining({ identifier: 'shop-ledger-dr-1', publicly_accessible: false })]);
  });

  it('alarms on global replication lag in the SECONDARY region, on the secondary cluster, at the region RPO in ms', () => {
    const out = global();
    expect(alarmNamed(out, 'shop-ledger-global-replication-lag')).toMatchObject({
      region: DR,
      namespace: 'AWS/RDS',
      metric_name: 'AuroraGlobalDBReplicationLag',
      dimensions: { DBClusterIdentifier: 'shop-ledger-dr' },
      threshold: 20_000,
      treat_missing_data: 'breaching',
      alarm_actions: [topics[DR]],
    });
  });

  it('enforces the RPO with rds.global_db_rpo in a cluster parameter group of each region (aurora-postgresql)', () => {
    const out = global({ globalDatabase: { readerCount: 0, managedRpoSeconds: 30 } });
    const groups = Object.entries(resourcesOfType(out, 'aws_rds_cluster_parameter_group'));
    expect(groups.map(([, g]) => [g.region, g.name, g.family, g.parameter])).toEqual([
      [DR, 'shop-ledger-dr-global-rpo', 'aurora-postgresql16', [{ name: 'rds.global_db_rpo', value: '30', apply_method: 'immediate' }]],
      [PRIMARY, 'shop-ledger-global-rpo', 'aurora-postgresql16', [{ name: 'rds.global_db_rpo', value: '30', apply_method: 'immediate' }]],
    ]);
    const groupName = (region: string) => `\${aws_rds_cluster_parameter_group.${groups.find(([, g]) => g.region === region)?.[0]}.name}`;
    expect(clusterNamed(out, 'shop-ledger').db_cluster_parameter_group_name).toBe(groupName(PRIMARY));
    expect(clusterNamed(out, 'shop-ledger-dr').db_cluster_parameter_group_name).toBe(groupName(DR));
    expect(() => global({ engine: 'aurora-mysql', globalDatabase: { managedRpoSeconds: 10 } })).toThrow(
      /managedRpoSeconds: rds.global_db_rpo exists only for aurora-postgresql[\s\S]*must be a whole number of seconds >= 20 \(rds.global_db_rpo limit\), got 10/,
    );
  });

  it('allows a headless secondary', () => {
    const out = global({ globalDatabase: { readerCount: 0 } });
    expect(Object.values(resourcesOfType(out, 'aws_rds_cluster_instance')).filter((i) => i.region === DR)).toEqual([]);
    expect(clusterNamed(out, 'shop-ledger-dr').region).toBe(DR);
  });

  it('refuses a global database without a DR network, and together with backtrack', () => {
    expect(() =>
      synthStack(
        (stack) =>
          new ProtectedAuroraCluster(
            stack,
            'ledger',
            props({ engine: 'aurora-mysql', backtrackWindowSeconds: 3600, dr: { region: DR, encryptionKey: drKey }, globalDatabase: {} }),
          ),
      ),
    ).toThrow(/backtrackWindowSeconds: Aurora global databases do not support backtrack[\s\S]*dr.subnetIds \/ dr.securityGroupIds: the global secondary needs/);
    expect(() => synthStack((stack) => new ProtectedAuroraCluster(stack, 'ledger', props({ globalDatabase: {} })))).toThrow(/globalDatabase: needs dr/);
  });
});

describe('ProtectedAuroraCluster adopting an existing cluster', () => {
  it('creates no primary cluster or instance, and still adds the global secondary, backups and alarms', () => {
    const out = synthStack(
      (stack) =>
        new ProtectedAuroraCluster(stack, 'payments', {
          stackName: 'shop',
          databaseId: 'payments',
          region: PRIMARY,
          engine: 'aurora-mysql',
          existing: { identifier: 'payments-prod' },
          encryptionKey: primaryKey,
          dr,
          globalDatabase: { readerCount: 1, instanceClass: 'db.r7g.large' },
          longTermBackup: { rules: [{ name: 'long-term', schedule: 'cron(0 5 * * ? *)', deleteAfterDays: 365 }] },
          alarmTopics: topics,
        }),
    );
    const [lookupName, lookup] = Object.entries(out.data?.aws_rds_cluster ?? {})[0];
    expect(lookup).toEqual({ region: PRIMARY, cluster_identifier: 'payments-prod' });
    const arn = `\${data.aws_rds_cluster.${lookupName}.arn}`;
    expect(Object.values(resourcesOfType(out, 'aws_rds_cluster')).map((c) => c.cluster_identifier)).toEqual(['shop-payments-dr']);
    expect(Object.values(resourcesOfType(out, 'aws_rds_cluster_instance')).map((i) => i.region)).toEqual([DR]);
    expect(onlyResource(out, 'aws_rds_global_cluster').source_db_cluster_identifier).toBe(arn);
    expect(onlyResource(out, 'aws_backup_selection').resources).toEqual([arn]);
    expect(alarmNamed(out, 'shop-payments-global-replication-lag').region).toBe(DR);
    // Nothing on the adopted cluster's own instances: Lifeboat does not know them.
    expect(Object.values(resourcesOfType(out, 'aws_cloudwatch_metric_alarm')).map((a) => a.metric_name).sort()).toEqual([
      'AuroraGlobalDBReplicationLag',
      'AuroraReplicaLag',
      'NumberOfBackupJobsFailed',
      'NumberOfCopyJobsFailed',
    ]);
  });

  it('refuses settings that only apply when Lifeboat creates the cluster', () => {
    expect(() =>
      synthStack(
        (stack) =>
          new ProtectedAuroraCluster(stack, 'payments', {
            ...props({ engine: 'aurora-mysql', existing: { identifier: 'payments-prod' }, readerCount: 2, backtrackWindowSeconds: 60 }),
          }),
      ),
    ).toThrow(/readerCount: cannot be set on an existing cluster[\s\S]*backtrackWindowSeconds: backtrack can only be enabled when the cluster is created/);
  });
});
