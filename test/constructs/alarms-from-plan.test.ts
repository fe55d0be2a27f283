import 'cdktf/lib/testing/adapters/jest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DisasterRecovery } from '../../constructs/disaster-recovery';
import { protectedAuroraClusterPropsFromPlan, protectedDatabasePropsFromPlan } from '../../constructs/from-plan/database';
import { replicatedBucketPropsFromPlan } from '../../constructs/from-plan/bucket';
import { ProtectedAuroraCluster } from '../../constructs/protected-aurora-cluster';
import { ProtectedDatabase } from '../../constructs/protected-database';
import { ReplicatedBucket } from '../../constructs/replicated-bucket';
import { alarmOwner, type AlarmPlan } from '../../src/plan/alarms';
import { planBackups } from '../../src/plan/planner';
import type { BackupPlan, DatabaseStorePlan } from '../../src/plan/types';
import { parseRequirements } from '../../src/spec/requirements';
import { cleanupTestApps, resourcesOfType, synthStack, TerraformJson } from '../support/synth';

afterAll(cleanupTestApps);

const example = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../examples/backup_requirements.json'), 'utf8'));
const PRIMARY = 'eu-west-1';
const DR = 'eu-central-1';
const topics = { [PRIMARY]: `arn:aws:sns:${PRIMARY}:111122223333:a`, [DR]: `arn:aws:sns:${DR}:111122223333:a` };
const key = (region: string) => ({ keyArn: `arn:aws:kms:${region}:111122223333:key/k`, region });

/** An example variant with every kind of replica: same-region and DR replicas (RDS), readers and a global secondary (Aurora), an adopted database. */
function richSpec() {
  const spec = JSON.parse(JSON.stringify(example));
  const orders = spec.databases.find((d: any) => d.id === 'orders');
  orders.readReplicas = [{ region: 'primary' }, { region: 'dr' }];
  spec.databases.push({
    id: 'legacy',
    engine: 'postgres',
    existing: { identifier: 'legacy-prod' },
    rpo: { az: '5m', region: '1h', corruption: '5m' },
    rto: { az: '1h', region: '4h', corruption: '4h' },
    retention: { pointInTime: '7d', longTerm: '1y' },
  });
  return spec;
}

const sortedKeys = (record: Record<string, string>) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));

/** What an alarm resource says, in plan terms, with the threshold as a string (apply-time thresholds are expressions). */
function renderedAlarm(a: Record<string, any>): string {
  return JSON.stringify([a.alarm_name, a.region, a.namespace, a.metric_name, sortedKeys(a.dimensions), a.statistic, String(a.threshold), a.comparison_operator, a.period, a.evaluation_periods, a.datapoints_to_alarm, a.treat_missing_data, a.alarm_description]);
}

function plannedAlarm(a: AlarmPlan): string {
  return JSON.stringify([a.alarmName, a.region, a.namespace, a.metricName, sortedKeys(a.dimensions), a.statistic, a.thresholdOfAllocatedStorage === null ? String(a.threshold) : 'apply-time', a.comparisonOperator, a.periodSeconds, a.evaluationPeriods, a.datapointsToAlarm, a.treatMissingData, a.description]);
}

function alarmsOf(json: TerraformJson): string[] {
  return Object.values(resourcesOfType(json, 'aws_cloudwatch_metric_alarm'))
    .map((a) => renderedAlarm(a).replace(/"\$\{\(data\.aws_db_instance\.[^"]+\}"/, '"apply-time"'))
    .sort();
}

function synthSpec(spec: unknown): { plan: BackupPlan; json: TerraformJson } {
  const plan = planBackups(parseRequirements(spec));
  const json = synthStack((stack) => {
    new AwsProvider(stack, 'aws', { region: PRIMARY });
    new DisasterRecovery(stack, 'lifeboat', { plan });
  });
  return { plan, json };
}

describe('every alarm comes from the plan', () => {
  const { plan, json } = synthSpec(richSpec());

  it('DisasterRecovery renders exactly the plan’s alarms, each once, with the planned fields', () => {
    const planned = [...plan.stores.flatMap((s) => s.alarms), ...(plan.evidence?.alarms ?? [])].map(plannedAlarm).sort();
    expect(planned.length).toBeGreaterThan(30);
    expect(alarmsOf(json)).toEqual(planned);
  });

  it('the dashboard shows every alarm under its store, including the adopted database’s free-storage alarm', () => {
    const [dashboard] = Object.values(resourcesOfType(json, 'aws_cloudwatch_dashboard'));
    const widgets: any[] = JSON.parse(dashboard.dashboard_body).widgets;
    const sections = new Map<string, string[]>();
    let current = '';
    for (const widget of [...widgets].sort((a, b) => a.y - b.y || a.x - b.x)) {
      if (widget.type === 'text') current = widget.properties.markdown.split('\n')[0].replace('### ', '');
      else sections.set(current, [...(sections.get(current) ?? []), `${widget.properties.metrics[0][1]} (${widget.properties.region})`]);
    }
    for (const store of plan.stores) {
      expect([store.id, (sections.get(store.id) ?? []).sort()]).toEqual([store.id, store.alarms.map((a) => `${a.metricName} (${a.region})`).sort()]);
    }
    expect(sections.get('legacy')).toContain(`FreeStorageSpace (${PRIMARY})`);
  });
});

describe('a construct used alone plans the same alarms as the planner for the same inputs', () => {
  const plan = planBackups(parseRequirements(richSpec()));
  const options = { alarmTopics: topics, primaryKey: key(PRIMARY), drKey: key(DR) };
  const objectives = (store: DatabaseStorePlan) => ({
    azRpoSeconds: store.scopes.az.objective.rpo?.seconds,
    regionRpoSeconds: store.scopes.region.objective.rpo?.seconds,
  });
  const ownAlarms = (store: { alarms: AlarmPlan[] }, owners: string[]) =>
    store.alarms.filter((a) => owners.includes(alarmOwner(a) ?? '')).map(plannedAlarm).sort();

  for (const store of plan.stores) {
    it(`${store.kind} ${store.id}`, () => {
      let json: TerraformJson;
      if (store.kind === 'bucket') {
        const { alarms: _planned, ...props } = replicatedBucketPropsFromPlan(plan, store, { alarmTopics: topics });
        json = synthStack((stack) => new ReplicatedBucket(stack, store.id, { ...props, alarmNamePrefix: `${plan.name}-${store.id}` }));
        expect(alarmsOf(json)).toEqual(ownAlarms(store, ['replicated-bucket']));
        return;
      }
      if (store.family === 'aurora') {
        const { plannedAlarms: _planned, ...props } = protectedAuroraClusterPropsFromPlan(plan, store, options);
        json = synthStack((stack) => new ProtectedAuroraCluster(stack, store.id, { ...props, ...objectives(store) }));
      } else {
        const { plannedAlarms: _planned, ...props } = protectedDatabasePropsFromPlan(plan, store, options);
        json = synthStack((stack) => new ProtectedDatabase(stack, store.id, { ...props, ...objectives(store) }));
      }
      const own = ownAlarms(store, ['database', 'backup-vault']);
      expect(own.length).toBeGreaterThan(0);
      expect(alarmsOf(json)).toEqual(own);
    });
  }
});

describe('stores whose ids extend each other', () => {
  it('orders and orders-dr synthesize, every alarm name unique in its region', () => {
    const spec = JSON.parse(JSON.stringify(example));
    spec.databases = spec.databases.filter((d: any) => d.id === 'orders');
    spec.databases.push({ ...spec.databases[0], id: 'orders-dr' });
    const { json } = synthSpec(spec);
    const names = Object.values(resourcesOfType(json, 'aws_cloudwatch_metric_alarm')).map((a) => `${a.region}/${a.alarm_name}`);
    expect(names).toContain(`${DR}/shop-orders-dr-restorable-lag`);
    expect(names).toContain(`${PRIMARY}/shop-orders-dr-restorable-lag`);
    expect(new Set(names).size).toBe(names.length);
  });
});
