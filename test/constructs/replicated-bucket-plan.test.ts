import 'cdktf/lib/testing/adapters/jest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { replicatedBucketFromPlan, replicatedBucketPropsFromPlan } from '../../constructs/from-plan/bucket';
import { bucketNames } from '../../src/plan/naming';
import { planBackups } from '../../src/plan/planner';
import type { BackupPlan, BucketStorePlan } from '../../src/plan/types';
import { parseRequirements } from '../../src/spec';
import { cleanupTestApps, resourcesOfType, testApp, TerraformJson } from '../support/synth';

afterAll(cleanupTestApps);

const EXAMPLE = path.resolve(__dirname, '../../examples/backup_requirements.json');
const topics = { 'eu-west-1': 'arn:aws:sns:eu-west-1:111122223333:shop-alerts' };

function exampleSpec(): Record<string, any> {
  return JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
}

function bucketStores(plan: BackupPlan): BucketStorePlan[] {
  return plan.stores.filter((s): s is BucketStorePlan => s.kind === 'bucket');
}

function synthPlan(plan: BackupPlan): string {
  const stack = new TerraformStack(testApp(), 'shop');
  for (const store of bucketStores(plan)) replicatedBucketFromPlan(stack, plan, store, { alarmTopics: topics });
  return Testing.synth(stack);
}

function resourcesWithPrefix(json: TerraformJson, prefix: string): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const [type, byName] of Object.entries(json.resource)) {
    for (const [name, body] of Object.entries(byName)) if (name.startsWith(prefix)) picked[`${type}.${name}`] = body;
  }
  return picked;
}

function only(json: TerraformJson, type: string, prefix: string): Record<string, any> {
  const found = Object.entries(resourcesOfType(json, type)).filter(([name]) => name.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one ${type} ${prefix}*, found ${found.length}`);
  return found[0][1];
}

describe('ReplicatedBucket from the example plan', () => {
  const plan = planBackups(parseRequirements(exampleSpec()));
  const json = JSON.parse(synthPlan(plan)) as TerraformJson;

  it('creates each bucket store under its planned names and regions', () => {
    const buckets = Object.values(resourcesOfType(json, 'aws_s3_bucket')).map((b) => `${b.bucket}@${b.region}`);
    const expected = bucketStores(plan).flatMap((store) => {
      const names = bucketNames('shop', store.id, 'eu-west-1', 'eu-central-1');
      expect(store.names).toEqual(names);
      return [`${names.source}@eu-west-1`, `${names.replica}@eu-central-1`];
    });
    expect(expected).toHaveLength(4);
    expect(buckets.sort()).toEqual(expected.sort());
  });

  it('turns on RTC for the 15-minute bucket only', () => {
    expect(only(json, 'aws_s3_bucket_replication_configuration', 'documents_').rule[0].destination.replication_time).toEqual({
      status: 'Enabled',
      time: { minutes: 15 },
    });
    expect(only(json, 'aws_s3_bucket_replication_configuration', 'audit-logs_').rule[0].destination.replication_time).toBeUndefined();
  });

  it('locks audit-logs for 7 years on both sides and keeps its versions 10 years', () => {
    for (const side of ['source', 'replica']) {
      expect(only(json, 'aws_s3_bucket_object_lock_configuration', `audit-logs_${side}_`).rule).toEqual({
        default_retention: { mode: 'COMPLIANCE', years: 7 },
      });
      const rule = only(json, 'aws_s3_bucket_lifecycle_configuration', `audit-logs_${side}_`).rule[0];
      expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 3650 }]);
    }
    expect(Object.keys(resourcesOfType(json, 'aws_s3_bucket_object_lock_configuration')).every((n) => n.startsWith('audit-logs_'))).toBe(true);
  });

  it('writes audit-logs replicas as STANDARD_IA and skips that transition on the replica', () => {
    expect(only(json, 'aws_s3_bucket_replication_configuration', 'audit-logs_').rule[0].destination.storage_class).toBe('STANDARD_IA');
    expect(only(json, 'aws_s3_bucket_lifecycle_configuration', 'audit-logs_source_').rule[0].transition).toEqual([
      { days: 30, storage_class: 'STANDARD_IA' },
      { days: 90, storage_class: 'GLACIER_IR' },
      { days: 365, storage_class: 'DEEP_ARCHIVE' },
    ]);
    expect(only(json, 'aws_s3_bucket_lifecycle_configuration', 'audit-logs_replica_').rule[0].transition).toEqual([
      { days: 90, storage_class: 'GLACIER_IR' },
      { days: 365, storage_class: 'DEEP_ARCHIVE' },
    ]);
  });

  it('renders exactly the alarms of the plan, with their real dimensions', () => {
    const alarms = Object.values(resourcesOfType(json, 'aws_cloudwatch_metric_alarm'));
    // The S3 replication alarms; each store's MissingReplicas alarm is the replica check's (ReplicationCheck).
    const planned = bucketStores(plan).flatMap((s) => s.alarms).filter((a) => a.namespace === 'AWS/S3');
    expect(planned.length).toBe(4);
    expect(alarms.map((a) => a.alarm_name).sort()).toEqual(planned.map((a) => a.alarmName).sort());
    for (const alarm of planned) {
      const rendered = alarms.find((a) => a.alarm_name === alarm.alarmName)!;
      expect(rendered).toMatchObject({
        region: alarm.region,
        metric_name: alarm.metricName,
        dimensions: alarm.dimensions,
        threshold: alarm.threshold,
        period: alarm.periodSeconds,
        evaluation_periods: alarm.evaluationPeriods,
        treat_missing_data: alarm.treatMissingData,
        alarm_actions: [topics['eu-west-1']],
      });
    }
  });

  it('shares one S3 key per region across the buckets and names roles after the store', () => {
    expect(Object.values(resourcesOfType(json, 'aws_kms_alias')).map((a) => a.name).sort()).toEqual([
      'alias/shop-s3-eu-central-1',
      'alias/shop-s3-eu-west-1',
    ]);
    expect(Object.values(resourcesOfType(json, 'aws_iam_role')).map((r) => r.name).sort()).toEqual([
      'shop-audit-logs-s3-replication',
      'shop-documents-s3-replication',
    ]);
  });

  it('maps the same plan to the same props and the same bytes', () => {
    const again = planBackups(parseRequirements(exampleSpec()));
    for (const [i, store] of bucketStores(plan).entries()) {
      expect(replicatedBucketPropsFromPlan(again, bucketStores(again)[i], { alarmTopics: topics })).toEqual(
        replicatedBucketPropsFromPlan(plan, store, { alarmTopics: topics }),
      );
    }
    expect(synthPlan(again)).toBe(synthPlan(plan));
  });

  it('keeps a bucket\'s resources byte-identical when other stores are reordered, renamed or added', () => {
    const spec = exampleSpec();
    const [documents, auditLogs] = spec.buckets;
    spec.buckets = [{ ...auditLogs, id: 'audit-trail' }, { id: 'exports', rpo: '4h', retention: '30d' }, documents];
    spec.databases = spec.databases.slice().reverse();
    const changed = JSON.parse(synthPlan(planBackups(parseRequirements(spec)))) as TerraformJson;
    const before = resourcesWithPrefix(json, 'documents_');
    // 7 resources per bucket side, role, role policy, replication configuration, 2 alarms (keys are shared).
    expect(Object.keys(before).length).toBe(19);
    expect(resourcesWithPrefix(changed, 'documents_')).toEqual(before);
  });
});
