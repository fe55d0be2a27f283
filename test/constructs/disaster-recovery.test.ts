import 'cdktf/lib/testing/adapters/jest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DisasterRecovery } from '../../constructs/disaster-recovery';
import { planBackups } from '../../src/plan/planner';
import { parseRequirements } from '../../src/spec/requirements';
import { cleanupTestApps, resourcesOfType, synthStack, TerraformJson } from '../support/synth';

afterAll(cleanupTestApps);

const example = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../examples/backup_requirements.json'), 'utf8'));

function synthSpec(spec: unknown): TerraformJson {
  return synthStack((stack) => {
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    new DisasterRecovery(stack, 'lifeboat', { requirements: parseRequirements(spec) });
  });
}

/** Every resource of the store's own construct (addresses are the construct path joined by `_`), `type.name -> body`. */
function storeResources(json: TerraformJson, storeId: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [type, byName] of Object.entries(json.resource)) {
    for (const [name, body] of Object.entries(byName)) {
      if (name.startsWith(`lifeboat_stores_${storeId}_`)) out[`${type}.${name}`] = body;
    }
  }
  return out;
}

describe('DisasterRecovery on the example', () => {
  const json = synthSpec(example);

  it('renders every store of the plan, with its proof: verification, probes, replica check, dashboard', () => {
    expect(Object.keys(resourcesOfType(json, 'aws_db_instance'))).toHaveLength(2); // orders, billing
    expect(Object.keys(resourcesOfType(json, 'aws_rds_cluster'))).toHaveLength(2); // ledger + its DR secondary
    expect(Object.keys(resourcesOfType(json, 'aws_s3_bucket'))).toHaveLength(4); // 2 buckets x 2 regions
    const functions = Object.values(resourcesOfType(json, 'aws_lambda_function')).map((f) => `${f.function_name}@${f.region}`);
    expect(functions.sort()).toEqual([
      'shop-backup-age-probe@eu-west-1',
      'shop-replica-check@eu-west-1',
      'shop-verify-restore@eu-central-1',
      'shop-verify-restore@eu-west-1',
    ]);
    // IAM is global: roles of the per-region functions must not share a name.
    const roles = Object.values(resourcesOfType(json, 'aws_iam_role')).map((r) => r.name);
    expect(new Set(roles).size).toBe(roles.length);
    const [dashboard] = Object.values(resourcesOfType(json, 'aws_cloudwatch_dashboard'));
    const headings = JSON.parse(dashboard.dashboard_body)
      .widgets.filter((w: any) => w.type === 'text')
      .map((w: any) => w.properties.markdown.split('\n')[0]);
    expect(headings).toEqual(['### audit-logs', '### billing', '### documents', '### ledger', '### orders']);
  });

  it('names every alarm after the plan so the alert topics accept it, and notifies the topic of its own region', () => {
    const topics = resourcesOfType(json, 'aws_sns_topic');
    const topicRegion = Object.fromEntries(Object.entries(topics).map(([name, t]) => [`\${aws_sns_topic.${name}.arn}`, t.region]));
    const alarms = Object.values(resourcesOfType(json, 'aws_cloudwatch_metric_alarm'));
    expect(alarms.length).toBeGreaterThan(20);
    for (const alarm of alarms) {
      expect(alarm.alarm_name).toMatch(/^shop-/);
      expect(alarm.alarm_actions).toHaveLength(1);
      expect(topicRegion[alarm.alarm_actions[0]]).toBe(alarm.region);
    }
  });

  it('restores orders in the DR region from its replicated automated backups', () => {
    const verify = Object.values(resourcesOfType(json, 'aws_lambda_function')).find((f) => f.region === 'eu-central-1')!;
    const config = JSON.parse(verify.environment.variables.LIFEBOAT_VERIFY_CONFIG);
    const orders = config.stores.find((s: any) => s.storeId === 'orders');
    expect(orders.sourceAutomatedBackupsArn).toMatch(/^\$\{aws_db_instance_automated_backups_replication\..*\.id\}$/);
  });
});

describe('DisasterRecovery addresses', () => {
  it('never changes a store when others are added, removed or reordered', () => {
    const before = synthSpec(example);
    const changed = {
      ...example,
      databases: [...example.databases].reverse().filter((db: any) => db.id !== 'billing'),
      buckets: [{ ...example.buckets[0], id: 'archive' }, ...example.buckets],
    };
    const after = synthSpec(changed);
    for (const id of ['orders', 'ledger', 'documents', 'audit-logs']) {
      const resources = storeResources(before, id);
      expect(Object.keys(resources).length).toBeGreaterThan(3);
      expect(storeResources(after, id)).toEqual(resources);
    }
  });

  it('accepts store ids equal to its own construct ids', () => {
    const spec = { ...example, buckets: [{ ...example.buckets[0], id: 'alerts' }, { ...example.buckets[1], id: 'dashboard' }] };
    expect(() => synthSpec(spec)).not.toThrow();
  });
});

describe('DisasterRecovery input', () => {
  it('refuses a plan with errors, naming each finding, unless told otherwise', () => {
    const spec = { ...example, buckets: [{ ...example.buckets[0], rpo: '5m' }] };
    const plan = planBackups(parseRequirements(spec));
    expect(plan.summary.errors).toBeGreaterThan(0);
    expect(() =>
      synthStack((stack) => {
        new DisasterRecovery(stack, 'lifeboat', { plan });
      }),
    ).toThrow(/the plan has \d+ error\(s\)[\s\S]*LB-S3-/);
  });

  it('takes exactly one of plan and requirements', () => {
    expect(() => synthStack((stack) => new DisasterRecovery(stack, 'lifeboat', {}))).toThrow(/exactly one of 'plan' or 'requirements'/);
  });
});
