/**
 * The contract `lifeboat validate` and `lifeboat plan` promise a CI pipeline: a spec that passes them synthesizes.
 * One test per spec that used to validate and plan cleanly and then fail at synth (or at apply).
 */
import 'cdktf/lib/testing/adapters/jest';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DisasterRecovery } from '../../constructs/disaster-recovery';
import { planBackups } from '../../src/plan/planner';
import type { BackupPlan } from '../../src/plan/types';
import { checkDocument } from '../../src/policy/engine';
import { parseRequirements } from '../../src/spec/requirements';
import { RequirementsError } from '../../src/spec/errors';
import { baseSpec } from '../spec/fixtures';
import { cleanupTestApps, resourcesOfType, synthStack, TerraformJson } from '../support/synth';

afterAll(cleanupTestApps);

function synth(plan: BackupPlan): TerraformJson {
  return synthStack((stack) => {
    new AwsProvider(stack, 'aws', { region: plan.regions.primary });
    new DisasterRecovery(stack, 'lifeboat', { plan });
  });
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value));
const errors = (plan: BackupPlan) => plan.findings.filter((f) => f.severity === 'error');

describe('validates and plans, then synthesizes', () => {
  it('orders and orders-dr: store ids that extend each other synthesize, with distinct alarms', () => {
    const doc = baseSpec();
    doc.databases[0].rpo = { region: '5m' };
    doc.databases.push({ ...copy(doc.databases[0]), id: 'orders-dr' });
    const plan = planBackups(parseRequirements(doc));
    expect(errors(plan)).toEqual([]);
    const json = synth(plan);
    const alarms = Object.values(resourcesOfType(json, 'aws_cloudwatch_metric_alarm')).map((a) => `${a.alarm_name}@${a.region}`);
    expect(alarms).toContain('shop-orders-dr-restorable-lag@eu-west-1');
    expect(alarms).toContain('shop-orders-dr-restorable-lag@eu-central-1');
    expect(new Set(alarms).size).toBe(alarms.length);
    expect(checkDocument(json as never)).toEqual([]);
  });

  it('orders with a same-region read replica and a store orders-1: the plan refuses the shared name shop-orders-1', () => {
    const doc = baseSpec();
    doc.databases[0].readReplicas = [{ region: 'primary' }];
    doc.databases.push({ ...copy(doc.databases[0]), id: 'orders-1', readReplicas: [] });
    const plan = planBackups(parseRequirements(doc));
    expect(errors(plan).map((f) => [f.code, f.message])).toEqual(
      expect.arrayContaining([['LB-NAME-COLLISION', expect.stringContaining('databases.1.id: "shop-orders-1" in eu-west-1 is both the instance of orders-1 and read replica 1 of orders')]]),
    );
    expect(() => synth(plan)).toThrow(/LB-NAME-COLLISION/);
  });

  it.each([51, 52])('a %i-character name and id with longTerm: the plan refuses the vault name (AWS Backup allows 50)', (length) => {
    const doc = baseSpec();
    doc.name = 'a-long-stack-name-of-24c';
    doc.databases[0].id = `o${'x'.repeat(length - doc.name.length - 2)}`;
    doc.databases[0].retention.longTerm = '1y';
    const plan = planBackups(parseRequirements(doc));
    expect(errors(plan).map((f) => f.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`^databases\\.0\\.id: AWS Backup vault name "${doc.name}-${doc.databases[0].id}" is ${length} characters`))]),
    );
    expect(() => synth(plan)).toThrow(/LB-NAME-INVALID/);
  });

  it('a 50-character name and id with longTerm plans and synthesizes', () => {
    const doc = baseSpec();
    doc.name = 'a-long-stack-name-of-24c';
    doc.databases[0].id = `o${'x'.repeat(50 - doc.name.length - 2)}`;
    doc.databases[0].retention.longTerm = '1y';
    const plan = planBackups(parseRequirements(doc));
    expect(errors(plan)).toEqual([]);
    const vaults = Object.values(resourcesOfType(synth(plan), 'aws_backup_vault')).map((v) => v.name);
    expect(vaults).toEqual([`${doc.name}-${doc.databases[0].id}`, `${doc.name}-${doc.databases[0].id}`]);
  });

  it('databases in a network without securityGroupIds: validate names every database, not only the first', () => {
    const doc = baseSpec();
    delete doc.network.primary.securityGroupIds;
    doc.databases.push({ ...copy(doc.databases[0]), id: 'billing' });
    doc.databases.push({ ...copy(doc.databases[0]), id: 'legacy', existing: { identifier: 'legacy-db' } });
    let error: unknown;
    try {
      parseRequirements(doc);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RequirementsError);
    expect((error as RequirementsError).issues).toEqual([
      {
        path: 'network.primary.securityGroupIds',
        message: 'required: databases.0 (orders), databases.1 (billing) create databases in this network; add the security group(s) that may reach them',
      },
    ]);
  });

  it('an RDS instance verified in the DR region gets replicated automated backups even when AWS Backup copies exist (found by the contract property)', () => {
    const doc = baseSpec();
    Object.assign(doc.databases[0], { retention: { pointInTime: '7d', longTerm: '35d' }, readReplicas: [{ region: 'dr' }] });
    doc.databases[0].verification.region = 'dr';
    const plan = planBackups(parseRequirements(doc));
    const store = plan.stores.find((s) => s.id === 'orders');
    expect(store?.kind === 'database' && store.crossRegionBackupReplication).toEqual({ region: 'eu-central-1', retentionDays: 7 });
    expect(Object.keys(resourcesOfType(synth(plan), 'aws_db_instance_automated_backups_replication'))).toHaveLength(1);
  });

  it('an adopted Aurora PostgreSQL cluster in a global database is not given rds.global_db_rpo (found by the contract property)', () => {
    const doc = baseSpec();
    doc.databases[0] = { id: 'ledger', engine: 'aurora-postgresql', existing: { identifier: 'legacy-ledger' }, instanceClass: 'db.r6g.large', rpo: { region: '1m' }, retention: { pointInTime: '7d' } };
    const plan = planBackups(parseRequirements(doc));
    const store = plan.stores.find((s) => s.id === 'ledger');
    expect(store?.kind === 'database' && store.globalDatabase?.managedRpoSeconds).toBeNull();
    expect(plan.findings.map((f) => f.code)).toContain('LB-DB-GLOBAL-RPO-NOT-ENFORCEABLE');
    expect(Object.keys(resourcesOfType(synth(plan), 'aws_rds_global_cluster'))).toHaveLength(1);
  });

  it('a DR standby in a DR network without securityGroupIds is a plan error, not a synth failure', () => {
    const doc = baseSpec();
    delete doc.network.dr.securityGroupIds;
    doc.databases[0].rpo = { region: '1m' };
    const plan = planBackups(parseRequirements(doc));
    expect(errors(plan).map((f) => f.code)).toEqual(['LB-NETWORK-NO-SECURITY-GROUPS']);
  });
});
