/** The procedure model: the same problems test/runbook/problems.test.ts pins on the rendered runbook, on the data. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  clusterRestoreProcedure,
  clusterSwitchProcedure,
  globalFailoverProcedure,
  globalRpoReleaseProcedure,
  globalSwitchoverProcedure,
  instanceRestoreProcedure,
  instanceSwitchProcedure,
} from '../../src/ops/procedures/database';
import { touchedResources, type CallStep, type Procedure, type TerraformStep, type WaitStep } from '../../src/ops/procedures/types';
import { stackAddresses } from '../../src/ops/terraform';
import { databaseStore, fixturePlan } from '../runbook/helpers';

const STAMP = '20261125t0941';
const addresses = stackAddresses(JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'runbook', 'fixtures', 'cdk.tf.json'), 'utf8')), 'stack');
const options = { restoreTime: '2026-11-25T09:41:00Z', stamp: STAMP, addresses };
const plan = fixturePlan();
const orders = databaseStore(plan, 'orders');
const ledger = databaseStore(plan, 'ledger');

const calls = (procedure: Procedure, operation?: string): CallStep[] =>
  procedure.steps.filter((step): step is CallStep => step.kind === 'call' && (operation === undefined || step.operation === operation));
const terraformOf = (procedure: Procedure): TerraformStep => procedure.steps.find((step): step is TerraformStep => step.kind === 'terraform') as TerraformStep;
const waits = (procedure: Procedure): WaitStep[] => procedure.steps.filter((step): step is WaitStep => step.kind === 'wait');

describe('procedures as data', () => {
  it('Aurora switch: moves the cluster AND its instances in Terraform state, importing the restored writer', () => {
    const commands = terraformOf(clusterSwitchProcedure(plan, ledger, options)).commands;
    expect(commands[0]).toEqual({ type: 'init' });
    expect(commands.at(-1)).toEqual({ type: 'plan-no-destroy' });
    const moved = commands.flatMap((command) => (command.type === 'state-rm' || command.type === 'import' ? [`${command.type} ${command.address.resolved}`] : []));
    expect(moved).toEqual(
      expect.arrayContaining([
        'state-rm aws_rds_cluster.lifeboat_stores_ledger_cluster_6DC0905C',
        'import aws_rds_cluster.lifeboat_stores_ledger_cluster_6DC0905C',
        'state-rm aws_rds_cluster_instance.lifeboat_stores_ledger_writer_305E391A',
        'import aws_rds_cluster_instance.lifeboat_stores_ledger_writer_305E391A',
        'state-rm aws_rds_cluster_instance.lifeboat_stores_ledger_reader-1_40DF464C',
        'state-rm aws_rds_cluster.lifeboat_stores_ledger_secondary-cluster_C3E085BC',
        'state-rm aws_rds_cluster_instance.lifeboat_stores_ledger_secondary-reader-1_D73FEB96',
      ]),
    );
  });

  it('RDS switch: starts backup replication for the restored instance in the DR region with the DR key, and Terraform adopts it', () => {
    const procedure = instanceSwitchProcedure(plan, orders, options);
    const [start] = calls(procedure, 'StartDBInstanceAutomatedBackupsReplication');
    expect(start).toMatchObject({ region: 'eu-central-1', input: { KmsKeyId: 'alias/shop-rds-eu-central-1', BackupRetentionPeriod: 14 } });
    expect(terraformOf(procedure).commands).toContainEqual(
      expect.objectContaining({ type: 'import', id: '${REPLICATED_BACKUPS_ARN}', address: expect.objectContaining({ resolved: 'aws_db_instance_automated_backups_replication.lifeboat_stores_orders_backup-replication_C14DAA7B' }) }),
    );
  });

  it('global database: planned and unplanned are two procedures; both wait for the global writer, not for the cluster', () => {
    const planned = globalSwitchoverProcedure(plan, ledger) as Procedure;
    const unplanned = globalFailoverProcedure(plan, ledger) as Procedure;
    expect(calls(planned).map((call) => call.operation)).toEqual(['DescribeDBClusters', 'SwitchoverGlobalCluster']);
    expect(calls(unplanned).map((call) => call.operation)).toEqual(['DescribeDBClusters', 'FailoverGlobalCluster']);
    expect(calls(unplanned, 'FailoverGlobalCluster')[0]?.input.AllowDataLoss).toBe(true);
    for (const procedure of [planned, unplanned]) {
      expect(waits(procedure).map((wait) => wait.condition)).toEqual([{ type: 'global-writer', globalClusterIdentifier: 'shop-ledger-global', writerClusterIdentifier: 'shop-ledger-dr' }]);
    }
  });

  it('ledger: the restore sets the cluster parameter group; DR down resets rds.global_db_rpo', () => {
    expect(calls(clusterRestoreProcedure(plan, ledger, options), 'RestoreDBClusterToPointInTime')[0]?.input.DBClusterParameterGroupName).toBe('shop-ledger-global-rpo');
    const release = globalRpoReleaseProcedure(plan, ledger) as Procedure;
    expect(calls(release)).toEqual([
      expect.objectContaining({
        operation: 'ResetDBClusterParameterGroup',
        region: 'eu-west-1',
        input: { DBClusterParameterGroupName: 'shop-ledger-global-rpo', Parameters: [{ ParameterName: 'rds.global_db_rpo', ApplyMethod: 'immediate' }] },
      }),
    ]);
    expect(globalRpoReleaseProcedure(plan, orders)).toBeNull();
  });

  it('instance restore: no ManageMasterUserPassword on the restore; the secret follows with the key Terraform sets', () => {
    const procedure = instanceRestoreProcedure(plan, orders, options);
    expect(calls(procedure, 'RestoreDBInstanceToPointInTime')[0]?.input).not.toHaveProperty('ManageMasterUserPassword');
    expect(calls(procedure, 'ModifyDBInstance')[0]?.input).toEqual({
      DBInstanceIdentifier: `shop-orders-restore-${STAMP}`,
      ManageMasterUserPassword: true,
      MasterUserSecretKmsKeyId: 'alias/shop-rds-eu-west-1',
      ApplyImmediately: true,
    });
  });

  it('every rename is followed by a wait on the new name; no wait gives up before 6 hours', () => {
    for (const procedure of [instanceSwitchProcedure(plan, orders, options), clusterSwitchProcedure(plan, ledger, options)]) {
      procedure.steps.forEach((step, index) => {
        if (step.kind !== 'call') return;
        const renamed = step.input.NewDBInstanceIdentifier ?? step.input.NewDBClusterIdentifier;
        if (renamed === undefined) return;
        const next = procedure.steps[index + 1] as WaitStep;
        expect(next.kind).toBe('wait');
        expect((next.condition as { identifier: string }).identifier).toBe(renamed);
      });
      for (const wait of waits(procedure)) expect(wait.timeoutSeconds).toBeGreaterThanOrEqual(6 * 3600);
    }
  });

  it('names every resource it creates or changes before anything runs', () => {
    expect(touchedResources(instanceRestoreProcedure(plan, orders, options))).toEqual([
      { action: 'create', resource: { kind: 'db-instance', identifier: `shop-orders-restore-${STAMP}`, region: 'eu-west-1' }, step: 'restore' },
      { action: 'change', resource: { kind: 'db-instance', identifier: `shop-orders-restore-${STAMP}`, region: 'eu-west-1' }, step: 'secret' },
    ]);
  });
});
