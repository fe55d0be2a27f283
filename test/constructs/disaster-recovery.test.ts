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
    expect(Object.keys(resourcesOfType(json, 'aws_s3_bucket'))).toHaveLength(6); // 2 buckets x 2 regions + the evidence bucket and its replica
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

describe('DisasterRecovery at scale', () => {
  it('splits 200 stores over functions that each fit Lambda and IAM limits, and keeps every store proven', () => {
    const databases: unknown[] = [];
    const buckets: unknown[] = [];
    for (let i = 0; i < 40; i += 1) {
      const n = String(i).padStart(2, '0');
      for (const db of example.databases) databases.push({ ...db, id: `${db.id}-${n}` });
      for (const bucket of example.buckets) buckets.push({ ...bucket, id: `${bucket.id}-${n}` });
    }
    const json = synthSpec({ ...example, databases, buckets });
    const functions = Object.values(resourcesOfType(json, 'aws_lambda_function'));
    const verified = new Map<string, number>();
    const probed = new Set<string>();
    const checkedBuckets = new Set<string>();
    for (const fn of functions) {
      const variables: Record<string, string> = fn.environment.variables;
      // Placeholders such as ${aws_x.y.id} resolve to ARNs: keep a margin for them under Lambda's 4 KB.
      const bytes = Object.entries(variables).reduce((sum, [k, v]) => sum + k.length + v.length, 0);
      expect(bytes).toBeLessThanOrEqual(3_600);
      if (variables.LIFEBOAT_VERIFY_CONFIG) {
        for (const store of JSON.parse(variables.LIFEBOAT_VERIFY_CONFIG).stores) verified.set(store.storeId, (verified.get(store.storeId) ?? 0) + 1);
      }
      if (variables.LIFEBOAT_PROBE_CONFIG) for (const store of JSON.parse(variables.LIFEBOAT_PROBE_CONFIG).stores) probed.add(store.storeId);
      if (variables.LIFEBOAT_REPLICATION_CONFIG) for (const b of JSON.parse(variables.LIFEBOAT_REPLICATION_CONFIG).buckets) checkedBuckets.add(b.storeId);
    }
    expect(verified.size).toBe(120);
    expect([...verified.values()].every((count) => count === 1)).toBe(true);
    expect(probed.size).toBe(120);
    expect(checkedBuckets.size).toBe(80);
    // IAM: at most 10,240 characters of inline policy per role, and role names are global.
    const perRole = new Map<string, number>();
    for (const policy of Object.values(resourcesOfType(json, 'aws_iam_role_policy'))) {
      perRole.set(policy.role, (perRole.get(policy.role) ?? 0) + policy.policy.replace(/\s/g, '').length);
    }
    for (const size of perRole.values()) expect(size).toBeLessThanOrEqual(10_240);
    const roles = Object.values(resourcesOfType(json, 'aws_iam_role')).map((r) => r.name);
    expect(new Set(roles).size).toBe(roles.length);
    const alarmNames = Object.values(resourcesOfType(json, 'aws_cloudwatch_metric_alarm')).map((a) => a.alarm_name);
    expect(alarmNames).toContain('shop-documents-39-missing-replicas');
    expect(alarmNames).toContain('shop-orders-39-verification-stale');
    expect(new Set(alarmNames).size).toBe(alarmNames.length);
  }, 120_000);
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
