import * as fs from 'node:fs';
import * as path from 'node:path';
import { planBackups } from '../../src/plan/planner';
import { serializePlan } from '../../src/plan/serialize';
import { loadRequirements } from '../../src/spec/requirements';
import { FakeCloudWatch, FakeEvidenceBucket, fakeReportClients } from '../support/fake-evidence';
import { fixtureObjects, GOLDEN, removeTemporaryDirectories, report, SPEC, temporaryDirectory, WINDOW } from './helpers';

afterAll(removeTemporaryDirectories);

const BUCKET = 'shop-evidence-eu-central-1';
const REGION = 'eu-central-1';

function setup(pageSize = 1000) {
  const bucket = new FakeEvidenceBucket(BUCKET);
  bucket.pageSize = pageSize;
  for (const [key, text] of fixtureObjects()) bucket.put(key, text);
  const cloudwatch = new FakeCloudWatch();
  const fake = fakeReportClients(bucket, REGION, cloudwatch);
  return { bucket, cloudwatch, ...fake };
}

const golden = (name: string) => fs.readFileSync(path.join(GOLDEN, name), 'utf8');

describe('lifeboat report from the evidence bucket', () => {
  it('renders the same report from the bucket as from a local copy, paging through the listing, reading only', async () => {
    const { clients, calls, restore } = setup(7);
    try {
      const result = await report([SPEC, '--bucket', BUCKET, '--region', REGION, '--metrics', 'off', ...WINDOW], clients);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe(golden('report.md').replace('Evidence: directory records;', `Evidence: s3://${BUCKET};`));
      const lists = calls.filter((call) => call.command === 'ListObjectVersions');
      expect(lists.length).toBeGreaterThan(163 / 7);
      expect(new Set(calls.map((call) => call.command))).toEqual(new Set(['ListObjectVersions', 'GetObject']));
      expect(calls.filter((call) => call.command === 'GetObject')).toHaveLength(163);
    } finally {
      restore();
    }
  });

  it('includes a run that started the day before the window and ended inside it', async () => {
    const { bucket, clients, restore } = setup();
    const [, text] = fixtureObjects().find(([k]) => k === 'verify-restore/orders/2026/11/23/orders-20261123T120000Z.json')!;
    const late = {
      ...JSON.parse(text),
      runId: 'orders-20261123T233000Z',
      startedAt: '2026-11-23T23:30:00.000Z',
      endedAt: '2026-11-24T00:20:00.000Z',
      recordedAt: '2026-11-24T00:20:00.000Z',
      steps: {
        restore: { startedAt: '2026-11-23T23:30:00.000Z', endedAt: '2026-11-24T00:05:00.000Z' },
        available: { startedAt: null, endedAt: null },
        checks: { startedAt: null, endedAt: null },
        delete: { startedAt: null, endedAt: null },
      },
    };
    bucket.put('verify-restore/orders/2026/11/23/orders-20261123T233000Z.json', JSON.stringify(late));
    try {
      const result = await report([SPEC, '--bucket', BUCKET, '--region', REGION, '--metrics', 'off', '--store', 'orders', '--since', '7d', '--now', '2026-12-01T00:00:00Z', '--format', 'json'], clients);
      const orders = JSON.parse(result.stdout).stores[0];
      expect(orders.runs.total).toBe(8);
      expect(orders.series[0]).toMatchObject({ runId: 'orders-20261123T233000Z', time: '2026-11-24T00:20:00.000Z' });
    } finally {
      restore();
    }
  });

  it('uses the first version of a key written again or deleted, and reports it', async () => {
    const { bucket, clients, restore } = setup();
    const key = 'verify-restore/orders/2026/11/14/orders-20261114T120000Z.json';
    const original = fixtureObjects().find(([k]) => k === key)![1];
    const edited = JSON.stringify({ ...JSON.parse(original), outcome: 'succeeded', reason: null, checks: [] });
    bucket.put(key, edited);
    bucket.deleteKey('verify-restore/orders/2026/11/15/orders-20261115T120000Z.json');
    try {
      const result = await report([SPEC, '--bucket', BUCKET, '--region', REGION, '--metrics', 'off', '--store', 'orders', ...WINDOW, '--format', 'json'], clients);
      const model = JSON.parse(result.stdout);
      const orders = model.stores[0];
      expect(orders.runs).toMatchObject({ total: 29, succeeded: 28, failed: 1 });
      expect(orders.lastFailures[0]).toMatchObject({ runId: 'orders-20261114T120000Z', reason: '1 of 4 checks failed: no-orphan-lines' });
      expect(model.overwritten).toEqual([
        { deleted: false, key, store: 'orders', versions: 2 },
        { deleted: true, key: 'verify-restore/orders/2026/11/15/orders-20261115T120000Z.json', store: 'orders', versions: 1 },
      ]);
      expect(orders.verdict.reasons).toContain('2 records overwritten or deleted after writing (the original is used)');
      expect(result.stderr).toContain(`lifeboat report: warning: ${key}: 2 versions; the first version is used\n`);
      expect(result.stderr).toContain('orders-20261115T120000Z.json: 1 versions and a delete marker; the first version is used\n');
    } finally {
      restore();
    }
  });

  it('fills in runs without a record from CloudWatch, in each store\'s verification region', async () => {
    const { cloudwatch, clients, calls, restore } = setup();
    // The orders run of 2026-11-20 has an unreadable record; its metrics were published in the DR region.
    const at = new Date('2026-11-20T12:39:00Z');
    cloudwatch.publish('eu-central-1', 'VerificationSucceeded', 'orders', at, 1);
    cloudwatch.publish('eu-central-1', 'RestoreSeconds', 'orders', at, 1_950);
    cloudwatch.publish('eu-central-1', 'DataLagSeconds', 'orders', at, 75);
    // A run with a record publishes too: counted once.
    cloudwatch.publish('eu-central-1', 'VerificationSucceeded', 'orders', new Date('2026-11-21T12:40:00Z'), 1);
    // Same store id in another region: not the verification region, never read.
    cloudwatch.publish('eu-west-1', 'VerificationSucceeded', 'orders', new Date('2026-11-22T02:00:00Z'), 0);
    cloudwatch.pointsPerPage = 1;
    try {
      const result = await report([SPEC, '--bucket', BUCKET, '--region', REGION, ...WINDOW, '--format', 'json'], clients);
      const orders = JSON.parse(result.stdout).stores.find((s: { id: string }) => s.id === 'orders');
      expect(orders.runs).toMatchObject({ total: 30, succeeded: 29, fromMetrics: 1 });
      expect(orders.series.find((p: { from: string }) => p.from === 'metrics')).toEqual({
        dataLagSeconds: 75,
        from: 'metrics',
        outcome: 'succeeded',
        restoreSeconds: 1_950,
        runId: null,
        time: '2026-11-20T12:00:00.000Z',
      });
      // The 11-19 to 11-21 gap is closed by the metrics-only run.
      expect(orders.gaps.map((g: { from: string }) => g.from)).toEqual(['2026-11-13T12:43:34.000Z']);
      const metricCalls = calls.filter((call) => call.command === 'GetMetricData');
      expect([...new Set(metricCalls.map((call) => call.region))].sort()).toEqual(['eu-central-1', 'eu-west-1']);
      const queried = metricCalls.flatMap((call) =>
        ((call.input as { MetricDataQueries: { MetricStat: { Metric: { Dimensions: { Value: string }[] } } }[] }).MetricDataQueries).map(
          (q) => `${call.region}/${q.MetricStat.Metric.Dimensions[0].Value}`,
        ),
      );
      expect([...new Set(queried)].sort()).toEqual(['eu-central-1/orders', 'eu-west-1/billing', 'eu-west-1/ledger']);
      expect(metricCalls.length).toBeGreaterThan(2); // paged
    } finally {
      restore();
    }
  });

  it('reads the plan\'s evidence bucket in its region by default', async () => {
    const { clients, calls, restore } = setup();
    const dir = temporaryDirectory();
    const planFile = path.join(dir, 'backup_plan.json');
    fs.writeFileSync(planFile, serializePlan(planBackups(loadRequirements(SPEC))));
    try {
      for (const input of [planFile, SPEC]) {
        const result = await report([input, '--metrics', 'off', ...WINDOW, '--store', 'audit-logs'], clients);
        expect(result.code).toBe(0);
        expect(result.stdout).toContain(`Evidence: s3://${BUCKET};`);
      }
      expect(new Set(calls.map((call) => `${call.region}/${(call.input as { Bucket: string }).Bucket}`))).toEqual(new Set([`${REGION}/${BUCKET}`]));
    } finally {
      restore();
    }
  });

  it('exits 2 and writes nothing when the bucket cannot be read', async () => {
    const { bucket, clients, restore } = setup();
    bucket.failWith = 'AccessDenied';
    const out = path.join(temporaryDirectory(), 'report.html');
    try {
      const result = await report([SPEC, '--bucket', BUCKET, '--region', REGION, ...WINDOW, '-o', out], clients);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`lifeboat report: cannot read the evidence records in s3://${BUCKET} (${REGION}): AccessDenied: AccessDenied (fake)\n`);
      expect(fs.existsSync(out)).toBe(false);
      bucket.failWith = undefined;
      const wrongRegion = await report([SPEC, '--bucket', BUCKET, '--region', 'eu-west-1', ...WINDOW], clients);
      expect(wrongRegion.code).toBe(2);
      expect(wrongRegion.stderr).toBe(`lifeboat report: cannot read the evidence records in s3://${BUCKET} (eu-west-1): PermanentRedirect: wrong region\n`);
    } finally {
      restore();
    }
  });
});
