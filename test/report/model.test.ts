import type { EvidenceRecord, ReplicaCheckSummaryRecord, VerificationRunRecord } from '../../src/evidence';
import { planBackups } from '../../src/plan/planner';
import { buildReport, renderHtml, renderJson, renderMarkdown, type MetricHour, type ReportInput } from '../../src/report';
import { formatSeconds } from '../../src/report/format';
import { loadRequirements } from '../../src/spec/requirements';
import { SPEC } from './helpers';

const PLAN = planBackups(loadRequirements(SPEC));
const NOW = new Date('2026-12-01T00:00:00Z');
const SINCE = new Date('2026-11-24T00:00:00Z');
const H = 3_600_000;

/** An `orders` run (daily schedule, restore-time objective 2h, data-lag objective 15m) ending at `end`. */
function run(end: string, overrides: Partial<VerificationRunRecord> = {}): VerificationRunRecord {
  const ended = Date.parse(end);
  const started = new Date(ended - 40 * 60_000).toISOString();
  return {
    formatVersion: 1,
    kind: 'verification-run',
    store: 'orders',
    region: 'eu-central-1',
    runId: `orders-${started.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`,
    handlerVersion: 'test',
    recordedAt: end,
    engine: 'postgres',
    source: { identifier: 'shop-orders', kind: 'instance', automatedBackupsArn: null },
    targetTime: started,
    startedAt: started,
    endedAt: new Date(ended).toISOString(),
    steps: {
      restore: { startedAt: started, endedAt: null },
      available: { startedAt: null, endedAt: null },
      checks: { startedAt: null, endedAt: null },
      delete: { startedAt: null, endedAt: null },
    },
    restoreSeconds: 1800,
    dataLagSeconds: 60,
    connected: true,
    checks: [],
    outcome: 'succeeded',
    reason: null,
    ...overrides,
  };
}

function daily(days: number[], hour = 12): VerificationRunRecord[] {
  return days.map((day) => run(new Date(Date.UTC(2026, 10, day, hour)).toISOString()));
}

function build(records: EvidenceRecord[], extra: Partial<ReportInput> = {}) {
  return buildReport({ plan: PLAN, records, metrics: [], unreadable: [], source: 'test', metricsRead: false, now: NOW, since: SINCE, store: 'orders', ...extra });
}

describe('buildReport: verification runs', () => {
  it('passes a store verified on schedule within its objectives', () => {
    const store = build(daily([24, 25, 26, 27, 28, 29, 30])).stores[0];
    expect(store.verdict).toEqual({ status: 'pass', line: 'PASS: 7/7 runs passed; restore max 30m of 2h; data lag max 1m of 15m; no gaps', reasons: [] });
    expect(store.objectives).toMatchObject({ restoreSeconds: 7_200, dataLagSeconds: 900, scheduleSeconds: 86_400, allowedGapSeconds: 172_800 });
  });

  it('finds gaps longer than the staleness alarm allows: from the window start, between successes, and until now', () => {
    const store = build(daily([26, 27, 28, 29, 30])).stores[0];
    expect(store.gaps).toEqual([{ from: '2026-11-24T00:00:00.000Z', to: '2026-11-26T12:00:00.000Z', seconds: 216_000, open: false }]);
    expect(store.verdict.status).toBe('warn');

    const stale = build(daily([24, 25, 26, 27, 28])).stores[0];
    expect(stale.gaps).toEqual([{ from: '2026-11-28T12:00:00.000Z', to: '2026-12-01T00:00:00.000Z', seconds: 216_000, open: true }]);
    expect(stale.verdict.line).toBe('FAIL: no successful verification for 2d 12h (allowed 2d)');

    // Exactly the allowed time is not a gap.
    expect(build(daily([24, 26, 28, 30], 0)).stores[0].gaps).toEqual([]);
  });

  it('fails when the last run failed, with its reason, and lists failures newest first with the failed checks', () => {
    const failed = run('2026-11-30T12:00:00Z', {
      outcome: 'failed',
      reason: '1 of 1 checks failed',
      checks: [{ name: 'no-orphan-lines', type: 'sql', target: 'no-orphan-lines', result: 'failed', observed: 3, message: 'returned 3 rows (expected no rows)', durationMs: 4 }],
    });
    const store = build([...daily([24, 25, 26, 27, 28, 29]), failed]).stores[0];
    expect(store.verdict.status).toBe('fail');
    expect(store.verdict.line).toBe('FAIL: the last run failed (2026-11-30 12:00Z: 1 of 1 checks failed)');
    expect(store.lastFailures).toEqual([
      { runId: failed.runId, time: '2026-11-30T12:00:00.000Z', outcome: 'failed', reason: '1 of 1 checks failed', failedChecks: ['no-orphan-lines: returned 3 rows (expected no rows)'], from: 'record' },
    ]);
  });

  it('fails when the last successful restore exceeded the objective, and warns for earlier ones', () => {
    const slow = build([...daily([24, 25, 26, 27, 28, 29]), run('2026-11-30T12:00:00Z', { restoreSeconds: 7_300 })]).stores[0];
    expect(slow.verdict.line).toBe('FAIL: the last restore took 2h 01m, over the 2h objective');
    const earlier = build([run('2026-11-24T12:00:00Z', { dataLagSeconds: 1_000 }), ...daily([25, 26, 27, 28, 29, 30])]).stores[0];
    expect(earlier.verdict.status).toBe('warn');
    expect(earlier.verdict.reasons).toEqual(['1 run over the data-lag objective']);
  });

  it('fails a verified store without any run in the window', () => {
    expect(build([]).stores[0].verdict.line).toBe('FAIL: no verification run since 2026-11-24 00:00Z');
    const onlyFailures = build([run('2026-11-30T12:00:00Z', { outcome: 'swept', reason: 'no result within 14400s', restoreSeconds: null })]).stores[0];
    expect(onlyFailures.verdict.line).toBe('FAIL: no successful verification since 2026-11-24 00:00Z');
  });

  it('adds the CloudWatch hours no record covers, and does not count a run twice', () => {
    const records = daily([24, 25, 27, 28, 29, 30]);
    const metrics: MetricHour[] = [
      // The 25th run published in the 12:00 hour and has a record: not counted again.
      { store: 'orders', time: '2026-11-25T11:00:00.000Z', succeeded: 1, restoreSeconds: 1800, dataLagSeconds: 60 },
      // The 26th left no record.
      { store: 'orders', time: '2026-11-26T12:00:00.000Z', succeeded: 1, restoreSeconds: 2000, dataLagSeconds: 70 },
      // A failed start on the 29th (only VerificationSucceeded = 0 is published).
      { store: 'orders', time: '2026-11-29T04:00:00.000Z', succeeded: 0, restoreSeconds: null, dataLagSeconds: null },
      // Another store's hour.
      { store: 'billing', time: '2026-11-26T04:00:00.000Z', succeeded: 1, restoreSeconds: 100, dataLagSeconds: 1 },
    ];
    const store = build(records, { metrics, metricsRead: true }).stores[0];
    expect(store.runs).toEqual({ total: 8, succeeded: 7, failed: 1, swept: 0, fromMetrics: 2, lastSuccess: '2026-11-30T12:00:00.000Z' });
    expect(store.series.filter((p) => p.from === 'metrics').map((p) => [p.time, p.outcome, p.restoreSeconds])).toEqual([
      ['2026-11-26T12:00:00.000Z', 'succeeded', 2000],
      ['2026-11-29T04:00:00.000Z', 'failed', null],
    ]);
    expect(store.lastFailures[0]).toMatchObject({ runId: null, from: 'metrics', reason: 'VerificationSucceeded was 0 in this hour (CloudWatch; no evidence record)' });
    expect(store.gaps).toEqual([]);
    expect(store.verdict.reasons).toEqual(['1 failed run in the window', '2 runs known only from CloudWatch (no evidence record)']);
  });

  it('renders the same bytes whatever order the records and metrics arrive in', () => {
    const records = [...daily([24, 25, 26, 27]), run('2026-11-28T12:00:00Z', { outcome: 'failed', reason: 'x' }), ...daily([29, 30])];
    const metrics: MetricHour[] = [{ store: 'orders', time: '2026-11-26T02:00:00.000Z', succeeded: 0, restoreSeconds: null, dataLagSeconds: null }];
    const a = build(records, { metrics, store: undefined });
    const b = build([...records].reverse(), { metrics: [...metrics].reverse(), store: undefined });
    for (const render of [renderMarkdown, renderHtml, renderJson]) expect(render(b)).toBe(render(a));
  });
});

describe('buildReport: buckets and summaries', () => {
  function replica(day: number, missing = 0, failedRuns = 0): ReplicaCheckSummaryRecord {
    const start = new Date(Date.UTC(2026, 10, day)).toISOString();
    return {
      formatVersion: 1,
      kind: 'replica-check',
      store: 'documents',
      region: 'eu-central-1',
      runId: `documents-202611${day}`,
      handlerVersion: 'test',
      recordedAt: start,
      period: { start, end: new Date(Date.parse(start) + 24 * H).toISOString() },
      runs: 24,
      failedRuns,
      sampled: failedRuns === 24 ? 0 : 100,
      missing,
      mismatched: 0,
      sizeOnly: 0,
    };
  }

  it('fails a bucket without replica-check evidence, with stale summaries, or when the newest day found missing replicas', () => {
    const verdict = (records: EvidenceRecord[]) => build(records, { store: 'documents' }).stores[0].verdict;
    expect(verdict([]).line).toBe('FAIL: no replica-check evidence since 2026-11-24 00:00Z');
    expect(verdict([replica(24), replica(25), replica(26)]).line).toBe('FAIL: no replica-check summary since 2026-11-27 00:00Z');
    expect(verdict([replica(28), replica(29), replica(30, 3)]).line).toBe('FAIL: the last day (2026-11-30) found 3 missing replicas and 0 mismatched objects');
    expect(verdict([replica(28, 1), replica(29), replica(30)])).toMatchObject({ status: 'warn', reasons: ['1 day with missing or mismatched replicas'] });
    expect(verdict([replica(29), replica(30)]).status).toBe('pass');
  });

  it('fails a bucket whose last day checked nothing (every run failed to read the buckets); some failed runs only warn', () => {
    const verdict = (records: EvidenceRecord[]) => build(records, { store: 'documents' }).stores[0].verdict;
    expect(verdict([replica(29), replica(30, 0, 24)]).line).toBe('FAIL: the last day (2026-11-30) checked nothing: all 24 check runs could not read the bucket');
    expect(verdict([replica(29), replica(30, 0, 3)])).toMatchObject({ status: 'warn', reasons: ['3 check runs could not read the bucket'] });
    expect(verdict([replica(29, 0, 24), replica(30)])).toMatchObject({ status: 'warn', reasons: ['24 check runs could not read the bucket'] });
  });

  it('marks a database without verification as not verified, never as a failure', () => {
    const report = build([], { store: 'analytics' });
    expect(report.stores[0].verdict.status).toBe('unverified');
    expect(report.failing).toEqual([]);
  });
});

describe('formatSeconds', () => {
  it('formats without locale, showing every unit down to the last non-zero one beyond a day', () => {
    expect([0, 45, 60, 1_900, 7_200, 7_520, 86_400, 86_430, 90_000, -42].map(formatSeconds)).toEqual([
      '0s',
      '45s',
      '1m',
      '31m 40s',
      '2h',
      '2h 05m',
      '1d',
      '1d 00h 00m 30s',
      '1d 01h',
      '-42s',
    ]);
  });
});
