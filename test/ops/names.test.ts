import { arnPartition, operatorDatabaseNames } from '../../src/ops/names';
import { clusterRestoreProcedure, globalFailoverProcedure } from '../../src/ops/procedures/database';
import { planBackups } from '../../src/plan';
import type { BackupPlan, DatabaseStorePlan } from '../../src/plan/types';
import { loadRequirements } from '../../src/spec/requirements';
import { databaseStore, fixturePlan } from '../runbook/helpers';

function currentPlan(): BackupPlan {
  return planBackups(loadRequirements('examples/backup_requirements.json'));
}

function store(plan: BackupPlan, id: string): DatabaseStorePlan {
  return plan.stores.find((candidate) => candidate.id === id) as DatabaseStorePlan;
}

describe('operator names come from the plan', () => {
  it('reads subnet groups, cluster instances, parameter groups and key aliases the planner recorded', () => {
    const plan = currentPlan();
    const ledger = store(plan, 'ledger');
    // Names nobody could derive: the commands must follow what the plan says, not a naming rule.
    ledger.names.subnetGroup = 'team-subnets';
    ledger.names.writerInstance = 'ledger-writer';
    ledger.names.replicas = ['ledger-reader-a'];
    ledger.names.drReplicas = ['ledger-dr-reader-a'];
    ledger.names.globalRpoParameterGroups = { primary: 'rpo-primary', dr: 'rpo-dr' };
    plan.shared.keys = plan.shared.keys.map((key) => (key.purpose === 'rds' ? { ...key, alias: `custom-${key.region}` } : key));
    expect(operatorDatabaseNames(plan, ledger)).toEqual({
      primary: 'shop-ledger',
      dr: 'shop-ledger-dr',
      subnetGroup: 'team-subnets',
      drSubnetGroup: 'shop-ledger-dr',
      clusterInstances: ['ledger-writer', 'ledger-reader-a'],
      secondaryInstances: ['ledger-dr-reader-a'],
      globalRpoParameterGroup: { primary: 'rpo-primary', dr: 'rpo-dr' },
      kmsKey: { primary: 'alias/custom-eu-west-1', dr: 'alias/custom-eu-central-1' },
    });
    const restore = clusterRestoreProcedure(plan, ledger, { stamp: '20261125t0941', restoreTime: 'latest' }).steps.find((step) => step.id === 'restore');
    expect(restore).toMatchObject({ input: { DBSubnetGroupName: 'team-subnets', DBClusterParameterGroupName: 'rpo-primary' } });
    expect(globalFailoverProcedure(plan, ledger)?.steps.map((step) => step.id)).not.toContain('writer-instance');
  });

  it('a store without a DR subnet group in the plan restores in the DR region into one named after its DR identifier', () => {
    const plan = currentPlan();
    expect(store(plan, 'orders').names.drSubnetGroup).toBeNull();
    expect(operatorDatabaseNames(plan, store(plan, 'orders')).drSubnetGroup).toBe('shop-orders-dr');
  });

  it('plans written before the planner recorded every name still give the names the constructs used then', () => {
    const plan = fixturePlan();
    expect(operatorDatabaseNames(plan, databaseStore(plan, 'ledger'))).toMatchObject({
      subnetGroup: 'shop-ledger',
      clusterInstances: ['shop-ledger', 'shop-ledger-1'],
      secondaryInstances: ['shop-ledger-dr-1'],
      globalRpoParameterGroup: { primary: 'shop-ledger-global-rpo', dr: 'shop-ledger-dr-global-rpo' },
      kmsKey: { primary: 'alias/shop-rds-eu-west-1', dr: 'alias/shop-rds-eu-central-1' },
    });
  });
});

describe('ARN partitions', () => {
  it('follow the region: China, GovCloud and the ISO regions are not arn:aws', () => {
    expect(['eu-west-1', 'us-east-1', 'cn-north-1', 'cn-northwest-1', 'us-gov-west-1', 'us-iso-east-1', 'us-isob-east-1', 'eu-isoe-west-1'].map(arnPartition)).toEqual([
      'aws',
      'aws',
      'aws-cn',
      'aws-cn',
      'aws-us-gov',
      'aws-iso',
      'aws-iso-b',
      'aws-iso-e',
    ]);
  });
});
