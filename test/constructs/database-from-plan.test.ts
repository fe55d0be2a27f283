import 'cdktf/lib/testing/adapters/jest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  databaseFromPlan,
  DatabasePlanOptions,
  protectedAuroraClusterPropsFromPlan,
  protectedDatabasePropsFromPlan,
} from '../../constructs/from-plan/database';
import { planBackups } from '../../src/plan/planner';
import { serializePlan } from '../../src/plan/serialize';
import type { BackupPlan, DatabaseStorePlan } from '../../src/plan/types';
import { parseRequirements } from '../../src/spec/requirements';
import { cleanupTestApps, resourcesOfType, synthStack, TerraformJson } from '../support/synth';

afterAll(cleanupTestApps);

const example = JSON.parse(fs.readFileSync(path.join(__dirname, '../../examples/backup_requirements.json'), 'utf8'));
const plan: BackupPlan = planBackups(parseRequirements(example));
const PRIMARY = plan.regions.primary;
const DR = plan.regions.dr;
const options: DatabasePlanOptions = {
  alarmTopics: { [PRIMARY]: `arn:aws:sns:${PRIMARY}:111122223333:a`, [DR]: `arn:aws:sns:${DR}:111122223333:a` },
  primaryKey: { keyArn: `arn:aws:kms:${PRIMARY}:111122223333:key/p`, region: PRIMARY },
  drKey: { keyArn: `arn:aws:kms:${DR}:111122223333:key/d`, region: DR },
};

function store(id: string): DatabaseStorePlan {
  const found = plan.stores.find((s) => s.id === id);
  if (!found || found.kind !== 'database') throw new Error(`no database store ${id} in the example plan`);
  return found;
}

function withStore(id: string, change: (s: DatabaseStorePlan) => DatabaseStorePlan): BackupPlan {
  return { ...plan, stores: plan.stores.map((s) => (s.id === id && s.kind === 'database' ? change(s) : s)) };
}

describe('database props from the example plan', () => {
  it('maps an RDS store: names, windows, retention, Multi-AZ, backup replication, AWS Backup rules and lock', () => {
    const billing = store('billing');
    const props = protectedDatabasePropsFromPlan(plan, billing, options);
    expect(props).toMatchObject({
      stackName: 'shop',
      databaseId: 'billing',
      region: PRIMARY,
      engine: 'mysql',
      engineVersion: billing.engineVersion,
      instanceClass: billing.instanceClass,
      allocatedStorageGb: billing.storageGb,
      multiAz: billing.multiAz,
      backupRetentionDays: billing.backup.retentionDays,
      backupWindow: billing.backup.backupWindow,
      maintenanceWindow: billing.backup.maintenanceWindow,
      subnetIds: plan.network.primary.subnetIds,
      dr: { region: DR, encryptionKey: options.drKey, subnetIds: plan.network.dr.subnetIds },
      backupReplicationRetentionDays: billing.crossRegionBackupReplication?.retentionDays,
      tags: plan.tags,
    });
    const awsBackup = billing.awsBackup;
    expect(awsBackup).not.toBeNull();
    expect(props.longTermBackup).toEqual({
      rules: awsBackup?.rules.map((r) => ({
        name: r.name,
        schedule: r.scheduleExpression,
        startWindowMinutes: r.startWindowMinutes,
        completionWindowMinutes: r.completionWindowMinutes,
        deleteAfterDays: r.retentionDays,
        copyToCopyVault: r.copyToDr,
        copyDeleteAfterDays: r.drRetentionDays ?? undefined,
      })),
      lock: awsBackup?.lock
        ? { mode: awsBackup.lock.mode, minRetentionDays: awsBackup.lock.minRetentionDays, maxRetentionDays: awsBackup.lock.maxRetentionDays, changeableForDays: awsBackup.lock.changeableForDays ?? undefined }
        : undefined,
    });
  });

  it('maps an Aurora store: global database as planned, readers for Multi-AZ', () => {
    const ledger = store('ledger');
    const props = protectedAuroraClusterPropsFromPlan(plan, ledger, options);
    expect(props).toMatchObject({ engine: 'aurora-postgresql', databaseId: 'ledger', readerCount: ledger.multiAz ? 1 : 0 });
    expect(props.globalDatabase).toEqual(
      ledger.globalDatabase
        ? { readerCount: ledger.globalDatabase.secondaryInstances, managedRpoSeconds: ledger.globalDatabase.managedRpoSeconds ?? undefined }
        : undefined,
    );
  });

  it('refuses to map a store with the other construct, and a plan whose names the constructs would not create', () => {
    expect(() => protectedDatabasePropsFromPlan(plan, store('ledger'), options)).toThrow(/Aurora engine; use protectedAuroraClusterPropsFromPlan/);
    expect(() => protectedAuroraClusterPropsFromPlan(plan, store('billing'), options)).toThrow(/not an Aurora engine/);
    const renamed = withStore('billing', (s) => ({
      ...s,
      readReplicas: [{ index: 1, identifier: 'somewhere-else', region: PRIMARY, regionRole: 'primary', instanceClass: 'db.r6g.large', reason: 'test' }],
    }));
    expect(() => protectedDatabasePropsFromPlan(renamed, renamed.stores.find((s) => s.id === 'billing') as DatabaseStorePlan, options)).toThrow(
      /plan replica somewhere-else differs from names.replicas\[0\] \(missing\)/,
    );
  });
});

describe('databases synthesized from the example plan', () => {
  const synth = (p: BackupPlan): TerraformJson =>
    synthStack((stack) => {
      for (const s of p.stores) if (s.kind === 'database') databaseFromPlan(stack, p, s, { alarmTopics: options.alarmTopics });
    });

  it('creates every planned database with the plan names, stack keys per region, and the plan alarm thresholds', () => {
    const out = synth(plan);
    const databases = plan.stores.filter((s): s is DatabaseStorePlan => s.kind === 'database');
    const created = [
      ...Object.values(resourcesOfType(out, 'aws_db_instance')).map((r) => r.identifier),
      ...Object.values(resourcesOfType(out, 'aws_rds_cluster')).map((r) => r.cluster_identifier),
    ];
    for (const db of databases.filter((d) => d.existing === null)) expect(created).toContain(db.names.primary);
    const keyAliases = Object.values(resourcesOfType(out, 'aws_kms_alias')).map((a) => a.name).sort();
    expect(keyAliases).toEqual([`alias/shop-rds-${DR}`, `alias/shop-rds-${PRIMARY}`]);
    const alarms = Object.values(resourcesOfType(out, 'aws_cloudwatch_metric_alarm'));
    for (const db of databases) {
      for (const planned of db.alarms.filter((a) => a.namespace.startsWith('AWS/'))) {
        expect(alarms.filter((a) => a.alarm_name === planned.alarmName)).toEqual([
          expect.objectContaining({ threshold: planned.threshold, region: planned.region, dimensions: planned.dimensions, metric_name: planned.metricName }),
        ]);
      }
      // Lifeboat-namespace alarms belong to the verification and probe constructs, not to the database constructs.
      for (const planned of db.alarms.filter((a) => a.namespace === 'Lifeboat')) {
        expect(alarms.some((a) => a.alarm_name === planned.alarmName)).toBe(false);
      }
    }
  });

  it('keeps every address of one database when the plan gains another database', () => {
    const extra: DatabaseStorePlan = { ...store('billing'), id: 'archive', names: { ...store('billing').names, primary: 'shop-archive', dr: 'shop-archive-dr', finalSnapshot: 'shop-archive-final', globalCluster: 'shop-archive-global' }, alarms: [] };
    const before = synth(plan);
    const after = synth({ ...plan, stores: [extra, ...plan.stores] });
    const addressesOf = (json: TerraformJson, prefix: string) =>
      Object.entries(json.resource).flatMap(([type, rs]) => Object.keys(rs).filter((n) => n.startsWith(prefix)).map((n) => `${type}.${n}`)).sort();
    for (const id of ['billing_', 'ledger_', 'orders_']) {
      expect(addressesOf(after, id)).toEqual(addressesOf(before, id));
    }
    expect(addressesOf(after, 'archive_').length).toBeGreaterThan(0);
  });
});

describe('a plan whose names were edited (backup_plan.json) is rendered with exactly those names', () => {
  // Read back as an operator's edited backup_plan.json would be: every name differs from what
  // src/aws/names.ts would compute from the stack name and store id, so a construct that recomputed a name fails here.
  const edited: BackupPlan = JSON.parse(serializePlan(plan));
  const databases = edited.stores.filter((s): s is DatabaseStorePlan => s.kind === 'database');
  const billing = databases.find((s) => s.id === 'billing') as DatabaseStorePlan;
  const ledger = databases.find((s) => s.id === 'ledger') as DatabaseStorePlan;
  // billing (RDS) gains a same-region and a DR replica, so every RDS name is in play.
  billing.readReplicas = [
    { index: 0, identifier: 'b-standby', region: DR, regionRole: 'dr', instanceClass: 'db.r6g.large', reason: 'test' },
    { index: 1, identifier: 'b-reader-a', region: PRIMARY, regionRole: 'primary', instanceClass: 'db.r6g.large', reason: 'test' },
  ];
  billing.names = {
    ...billing.names,
    primary: 'b-main',
    dr: 'b-standby',
    finalSnapshot: 'b-main-last',
    subnetGroup: 'b-subnets',
    drSubnetGroup: 'b-dr-subnets',
    drFinalSnapshot: 'b-standby-last',
    replicas: ['b-reader-a'],
    replicaFinalSnapshots: ['b-reader-a-last'],
    awsBackup: { vault: 'b-vault', plan: 'b-backup-plan', role: 'b-backup-role', selection: 'b-selection' },
  };
  ledger.names = {
    ...ledger.names,
    primary: 'l-cluster',
    dr: 'l-secondary',
    finalSnapshot: 'l-cluster-last',
    globalCluster: 'l-global',
    subnetGroup: 'l-subnets',
    drSubnetGroup: 'l-dr-subnets',
    drFinalSnapshot: 'l-secondary-last',
    writerInstance: 'l-writer',
    replicas: ['l-reader-a'],
    drReplicas: ['l-dr-reader-a'],
    globalRpoParameterGroups: { primary: 'l-rpo', dr: 'l-dr-rpo' },
  };
  if (ledger.globalDatabase) Object.assign(ledger.globalDatabase, { globalClusterIdentifier: 'l-global', secondaryClusterIdentifier: 'l-secondary' });
  // The planned alarms watch the renamed instances and clusters.
  const renamed: Record<string, string> = {
    'shop-billing': 'b-main',
    'shop-ledger-1': 'l-reader-a',
    'shop-ledger-dr': 'l-secondary',
    'shop-ledger-dr-1': 'l-dr-reader-a',
  };
  for (const store of [billing, ledger]) {
    store.alarms = store.alarms
      .filter((alarm) => !(store === billing && alarm.namespace === 'AWS/RDS' && alarm.metricName === 'ReplicaLag'))
      .map((alarm) => ({
        ...alarm,
        dimensions: Object.fromEntries(Object.entries(alarm.dimensions).map(([k, v]) => [k, k === 'BackupVaultName' ? 'b-vault' : (renamed[v] ?? v)])),
      }));
  }
  let out: TerraformJson;
  beforeAll(() => {
    out = synthStack((stack) => {
      for (const s of [billing, ledger]) databaseFromPlan(stack, edited, s, { alarmTopics: options.alarmTopics });
    });
  });
  const values = (type: string, attribute: string) => Object.values(resourcesOfType(out, type)).map((r) => r[attribute]).sort();

  it('names every RDS instance, replica, subnet group and final snapshot as the plan says', () => {
    expect(values('aws_db_instance', 'identifier')).toEqual(['b-main', 'b-reader-a', 'b-standby']);
    expect(values('aws_db_instance', 'final_snapshot_identifier')).toEqual(['b-main-last', 'b-reader-a-last', 'b-standby-last']);
    expect(values('aws_db_subnet_group', 'name')).toEqual(['b-dr-subnets', 'b-subnets', 'l-dr-subnets', 'l-subnets']);
  });

  it('names the AWS Backup vaults, plan, role and selection as the plan says', () => {
    expect(values('aws_backup_vault', 'name')).toEqual(['b-vault', 'b-vault']);
    expect(values('aws_backup_plan', 'name')).toEqual(['b-backup-plan']);
    expect(values('aws_iam_role', 'name')).toEqual(['b-backup-role']);
    expect(values('aws_backup_selection', 'name')).toEqual(['b-selection']);
  });

  it('names the Aurora clusters, instances, global cluster and parameter groups as the plan says', () => {
    expect(values('aws_rds_cluster', 'cluster_identifier')).toEqual(['l-cluster', 'l-secondary']);
    expect(values('aws_rds_cluster', 'final_snapshot_identifier')).toEqual(['l-cluster-last', 'l-secondary-last']);
    expect(values('aws_rds_cluster_instance', 'identifier')).toEqual(['l-dr-reader-a', 'l-reader-a', 'l-writer']);
    expect(values('aws_rds_global_cluster', 'global_cluster_identifier')).toEqual(['l-global']);
    expect(values('aws_rds_cluster_parameter_group', 'name')).toEqual(['l-dr-rpo', 'l-rpo']);
  });

  it('gives no resource a name the stack name and store id would give, and watches the renamed resources', () => {
    const NAME_ATTRIBUTES = ['name', 'identifier', 'cluster_identifier', 'final_snapshot_identifier', 'global_cluster_identifier'];
    const names = Object.values(out.resource).flatMap((byName) => Object.values(byName).flatMap((r) => NAME_ATTRIBUTES.map((a) => r[a]).filter((v) => typeof v === 'string')));
    expect(names.filter((name) => /^shop-(billing|ledger)/.test(name))).toEqual([]);
    const dimensions = Object.values(resourcesOfType(out, 'aws_cloudwatch_metric_alarm')).flatMap((a) => Object.values(a.dimensions as Record<string, string>));
    expect(dimensions.filter((value) => /^shop-/.test(value))).toEqual([]);
    expect(dimensions).toEqual(expect.arrayContaining(['b-main', 'b-vault', 'l-reader-a', 'l-secondary', 'l-dr-reader-a']));
  });
});
