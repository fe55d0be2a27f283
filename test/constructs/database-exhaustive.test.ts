import 'cdktf/lib/testing/adapters/jest';
import { LongTermBackupOptions } from '../../constructs/backup-vault';
import { AuroraEngine, ProtectedAuroraCluster, ProtectedAuroraClusterProps } from '../../constructs/protected-aurora-cluster';
import { ProtectedDatabase, ProtectedDatabaseProps, RdsInstanceEngine, ReadReplicaProps } from '../../constructs/protected-database';
import { cleanupTestApps, synthStack, TerraformJson } from '../support/synth';

afterAll(cleanupTestApps);

/**
 * Every engine x (create | existing) x (replicas / global / backup replication / long retention with and without a
 * lock / backtrack) combination the props allow, synthesized, with the guards checked on every data-bearing resource.
 */

const PRIMARY = 'eu-west-1';
const DR = 'eu-central-1';
const key = (region: string) => ({ keyArn: `arn:aws:kms:${region}:111122223333:key/lifeboat`, region });
const topics: Record<string, string> = { [PRIMARY]: `arn:aws:sns:${PRIMARY}:111122223333:a`, [DR]: `arn:aws:sns:${DR}:111122223333:a` };
const dr = { region: DR, encryptionKey: key(DR), subnetIds: ['subnet-d1', 'subnet-d2'], securityGroupIds: ['sg-d'] };
const network = { subnetIds: ['subnet-p1', 'subnet-p2'], securityGroupIds: ['sg-p'] };

const longTermOptions: Record<string, LongTermBackupOptions | undefined> = {
  none: undefined,
  plain: { rules: [{ name: 'region-copy', schedule: 'cron(0 0/6 * * ? *)', deleteAfterDays: 35 }] },
  locked: {
    rules: [
      { name: 'region-copy', schedule: 'cron(0 0/6 * * ? *)', deleteAfterDays: 35 },
      { name: 'long-term', schedule: 'cron(0 5 1 * ? *)', deleteAfterDays: 2555, coldStorageAfterDays: 90 },
    ],
    lock: { mode: 'compliance', minRetentionDays: 35, maxRetentionDays: 2555 },
  },
};
const replicaOptions: Record<string, ReadReplicaProps[]> = {
  none: [],
  'same-region': [{ region: PRIMARY, instanceClass: 'db.r6g.large' }],
  dr: [{ region: DR, instanceClass: 'db.r6g.large' }],
  both: [{ region: PRIMARY, instanceClass: 'db.r6g.large' }, { region: DR, instanceClass: 'db.r6g.large' }],
};

interface Case {
  name: string;
  build: Parameters<typeof synthStack>[0];
  expect: { instances: number; clusters: number; globalClusters: number; vaults: number; backupReplications: number };
}

function rdsCases(): Case[] {
  const cases: Case[] = [];
  for (const engine of ['postgres', 'mysql', 'mariadb'] as RdsInstanceEngine[]) {
    for (const mode of ['create', 'existing'] as const) {
      for (const [replicaName, readReplicas] of Object.entries(replicaOptions)) {
        for (const backupReplication of [false, true]) {
          for (const [longTermName, longTermBackup] of Object.entries(longTermOptions)) {
            for (const multiAz of mode === 'create' ? [false, true] : [undefined]) {
              const props: ProtectedDatabaseProps = {
                stackName: 'shop',
                databaseId: 'db',
                region: PRIMARY,
                engine,
                encryptionKey: key(PRIMARY),
                alarmTopics: topics,
                dr,
                readReplicas,
                backupReplicationRetentionDays: backupReplication ? 7 : undefined,
                longTermBackup,
                ...(mode === 'create'
                  ? { engineVersion: '16', instanceClass: 'db.r6g.large', allocatedStorageGb: 100, multiAz, ...network }
                  : { existing: { identifier: 'legacy-db' } }),
              };
              cases.push({
                name: `${engine} ${mode} replicas=${replicaName} backupReplication=${backupReplication} longTerm=${longTermName} multiAz=${multiAz}`,
                build: (stack) => new ProtectedDatabase(stack, 'db', props),
                expect: {
                  instances: (mode === 'create' ? 1 : 0) + readReplicas.length,
                  clusters: 0,
                  globalClusters: 0,
                  vaults: longTermBackup ? 2 : 0,
                  backupReplications: backupReplication ? 1 : 0,
                },
              });
            }
          }
        }
      }
    }
  }
  return cases;
}

function auroraCases(): Case[] {
  const cases: Case[] = [];
  const globals: Record<string, ProtectedAuroraClusterProps['globalDatabase']> = {
    none: undefined,
    headless: { readerCount: 0 },
    readers: { readerCount: 2, instanceClass: 'db.r6g.large' },
  };
  for (const engine of ['aurora-postgresql', 'aurora-mysql'] as AuroraEngine[]) {
    for (const mode of ['create', 'existing'] as const) {
      const enforced = engine === 'aurora-postgresql' && mode === 'create' ? { 'managed-rpo': { readerCount: 1, managedRpoSeconds: 30 } } : {};
      for (const [globalName, globalDatabase] of Object.entries({ ...globals, ...enforced })) {
        for (const [longTermName, longTermBackup] of Object.entries(longTermOptions)) {
          const backtracks = engine === 'aurora-mysql' && mode === 'create' && !globalDatabase ? [0, 86_400] : [0];
          for (const backtrackWindowSeconds of backtracks) {
            const props: ProtectedAuroraClusterProps = {
              stackName: 'shop',
              databaseId: 'db',
              region: PRIMARY,
              engine,
              encryptionKey: key(PRIMARY),
              alarmTopics: topics,
              dr,
              globalDatabase,
              longTermBackup,
              ...(mode === 'create'
                ? { engineVersion: '16.4', instanceClass: 'db.r6g.large', readerCount: 1, backtrackWindowSeconds, ...network }
                : { existing: { identifier: 'legacy-cluster' } }),
            };
            cases.push({
              name: `${engine} ${mode} global=${globalName} longTerm=${longTermName} backtrack=${backtrackWindowSeconds}`,
              build: (stack) => new ProtectedAuroraCluster(stack, 'db', props),
              expect: {
                instances: 0,
                clusters: (mode === 'create' ? 1 : 0) + (globalDatabase ? 1 : 0),
                globalClusters: globalDatabase ? 1 : 0,
                vaults: longTermBackup ? 2 : 0,
                backupReplications: 0,
              },
            });
          }
        }
      }
    }
  }
  return cases;
}

/** Every (path, value) pair in a JSON value, so a forbidden setting is found wherever it hides. */
function* leaves(value: unknown, path: string): Generator<[string, unknown]> {
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* leaves(v, `${path}.${k}`);
  } else {
    yield [path, value];
  }
}

function regionalKeyOf(region: string): string {
  return key(region).keyArn;
}

function assertGuards(json: TerraformJson): void {
  for (const [path, value] of leaves(json.resource ?? {}, 'resource')) {
    if (path.endsWith('.skip_final_snapshot')) expect([path, value]).toEqual([path, false]);
    if (path.endsWith('.deletion_protection')) expect([path, value]).toEqual([path, true]);
    if (path.endsWith('.force_destroy')) expect([path, value]).toEqual([path, false]);
    if (path.endsWith('.publicly_accessible')) expect([path, value]).toEqual([path, false]);
    if (path.endsWith('.storage_encrypted')) expect([path, value]).toEqual([path, true]);
  }
  const resources = json.resource ?? {};
  for (const [name, db] of Object.entries(resources.aws_db_instance ?? {})) {
    expect({ name, ...pick(db) }).toEqual({
      name,
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: `${db.identifier}-final`,
      storage_encrypted: true,
      // A same-region replica inherits its source's key; everything else names the key of its own region.
      kms_key_id: db.replicate_source_db && db.region === PRIMARY ? undefined : regionalKeyOf(db.region),
      publicly_accessible: false,
      delete_automated_backups: false,
      copy_tags_to_snapshot: true,
      prevent_destroy: true,
    });
  }
  for (const [name, cluster] of Object.entries(resources.aws_rds_cluster ?? {})) {
    expect({ name, ...pick(cluster) }).toEqual({
      name,
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: `${cluster.cluster_identifier}-final`,
      storage_encrypted: true,
      kms_key_id: regionalKeyOf(cluster.region),
      publicly_accessible: undefined,
      delete_automated_backups: false,
      copy_tags_to_snapshot: true,
      prevent_destroy: true,
    });
  }
  for (const instance of Object.values(resources.aws_rds_cluster_instance ?? {})) {
    expect(instance.publicly_accessible).toBe(false);
  }
  for (const global of Object.values(resources.aws_rds_global_cluster ?? {})) {
    expect(global).toMatchObject({ deletion_protection: true, force_destroy: false, lifecycle: { prevent_destroy: true } });
  }
  for (const vault of Object.values(resources.aws_backup_vault ?? {})) {
    expect(vault).toMatchObject({ force_destroy: false, kms_key_arn: regionalKeyOf(vault.region), lifecycle: { prevent_destroy: true } });
  }
  for (const replication of Object.values(resources.aws_db_instance_automated_backups_replication ?? {})) {
    expect(replication).toMatchObject({ region: DR, kms_key_id: regionalKeyOf(DR), lifecycle: { prevent_destroy: true } });
  }
  for (const alarm of Object.values(resources.aws_cloudwatch_metric_alarm ?? {})) {
    expect(alarm.alarm_actions).toEqual([topics[alarm.region]]);
  }
}

function pick(resource: Record<string, any>) {
  return {
    deletion_protection: resource.deletion_protection,
    skip_final_snapshot: resource.skip_final_snapshot,
    final_snapshot_identifier: resource.final_snapshot_identifier,
    storage_encrypted: resource.storage_encrypted,
    kms_key_id: resource.kms_key_id,
    publicly_accessible: resource.publicly_accessible,
    delete_automated_backups: resource.delete_automated_backups,
    copy_tags_to_snapshot: resource.copy_tags_to_snapshot,
    prevent_destroy: resource.lifecycle?.prevent_destroy,
  };
}

const count = (json: TerraformJson, type: string) => Object.keys(json.resource?.[type] ?? {}).length;

describe('every database combination keeps its guards', () => {
  const cases = [...rdsCases(), ...auroraCases()];

  it('covers every engine, both modes and every optional mechanism', () => {
    expect(cases.length).toBeGreaterThan(150);
    for (const engine of ['postgres', 'mysql', 'mariadb', 'aurora-postgresql', 'aurora-mysql']) {
      for (const mode of ['create', 'existing']) expect(cases.some((c) => c.name.startsWith(`${engine} ${mode}`))).toBe(true);
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    const json = synthStack(testCase.build);
    expect({
      instances: count(json, 'aws_db_instance'),
      clusters: count(json, 'aws_rds_cluster'),
      globalClusters: count(json, 'aws_rds_global_cluster'),
      vaults: count(json, 'aws_backup_vault'),
      backupReplications: count(json, 'aws_db_instance_automated_backups_replication'),
    }).toEqual(testCase.expect);
    assertGuards(json);
  });
});
