import {
  checkEvidence,
  EVIDENCE_KINDS,
  evidenceKey,
  evidenceKeyPattern,
  MAX_OBSERVED_CHARS,
  parseEvidence,
  parseEvidenceJson,
  parseEvidenceKey,
  serializeEvidence,
  summaryRunId,
  utcDay,
  type BackupAgeSummaryRecord,
  type ReplicaCheckSummaryRecord,
  type VerificationRunRecord,
} from '../../src/evidence';

function run(overrides: Partial<VerificationRunRecord> = {}): VerificationRunRecord {
  return {
    formatVersion: 1,
    kind: 'verification-run',
    store: 'orders',
    region: 'eu-central-1',
    runId: 'orders-20261125T120000Z',
    handlerVersion: '0.1.0+abc123',
    recordedAt: '2026-11-25T12:41:07.512Z',
    engine: 'postgres',
    source: { identifier: 'shop-orders', kind: 'instance', automatedBackupsArn: 'arn:aws:rds:eu-central-1:123456789012:auto-backup:ab-xyz' },
    targetTime: '2026-11-25T11:59:58.000Z',
    startedAt: '2026-11-25T12:00:00.000Z',
    endedAt: '2026-11-25T12:41:07.000Z',
    steps: {
      restore: { startedAt: '2026-11-25T12:00:00.000Z', endedAt: '2026-11-25T12:31:40.000Z' },
      available: { startedAt: '2026-11-25T12:31:40.000Z', endedAt: '2026-11-25T12:39:02.000Z' },
      checks: { startedAt: '2026-11-25T12:39:02.000Z', endedAt: '2026-11-25T12:41:05.000Z' },
      delete: { startedAt: '2026-11-25T12:41:06.000Z', endedAt: null },
    },
    restoreSeconds: 1900,
    dataLagSeconds: 42,
    connected: true,
    checks: [
      { name: 'rowCount:public.orders', type: 'rowCount', target: 'public.orders', result: 'passed', observed: 1234, message: 'public.orders has 1234 rows (at least 1)', durationMs: 15 },
      {
        name: 'freshness:public.orders.created_at',
        type: 'freshness',
        target: 'public.orders.created_at',
        result: 'passed',
        observed: { newestRowTime: '2026-11-25T11:59:16.000Z', lagSeconds: 42 },
        message: 'newest public.orders.created_at is 2026-11-25T11:59:16.000Z, 42 s before the restore target (allowed 900 s)',
        durationMs: 9,
      },
    ],
    outcome: 'succeeded',
    reason: null,
    ...overrides,
  };
}

function replica(): ReplicaCheckSummaryRecord {
  return {
    formatVersion: 1,
    kind: 'replica-check',
    store: 'documents',
    region: 'eu-central-1',
    runId: 'documents-20261125',
    handlerVersion: '0.1.0',
    recordedAt: '2026-11-26T00:05:00Z',
    period: { start: '2026-11-25T00:00:00.000Z', end: '2026-11-26T00:00:00.000Z' },
    runs: 24,
    failedRuns: 1,
    sampled: 2300,
    missing: 2,
    mismatched: 1,
    sizeOnly: 10,
  };
}

function backupAge(): BackupAgeSummaryRecord {
  return {
    formatVersion: 1,
    kind: 'backup-age',
    store: 'billing',
    region: 'eu-west-1',
    runId: 'billing-20261125',
    handlerVersion: '0.1.0',
    recordedAt: '2026-11-26T00:05:00Z',
    period: { start: '2026-11-25T00:00:00.000Z', end: '2026-11-26T00:00:00.000Z' },
    regions: [
      { region: 'eu-central-1', maxBackupAgeSeconds: 90000, maxRestorableLagSeconds: 600, samples: 96, errors: 0 },
      { region: 'eu-west-1', maxBackupAgeSeconds: 86000, maxRestorableLagSeconds: 310, samples: 95, errors: 1 },
    ],
  };
}

/** The same object with its keys inserted in reverse order, recursively. */
function reversed(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(reversed);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).reverse()) out[key] = reversed((value as Record<string, unknown>)[key]);
  return out;
}

describe('serializeEvidence', () => {
  it('writes the same bytes however the object was built, leading with version, kind, store, region and run id', () => {
    for (const record of [run(), replica(), backupAge()]) {
      const text = serializeEvidence(record);
      expect(serializeEvidence(reversed(record) as typeof record)).toBe(text);
      expect(Object.keys(JSON.parse(text)).slice(0, 5)).toEqual(['formatVersion', 'kind', 'store', 'region', 'runId']);
      expect(text.endsWith('}\n')).toBe(true);
    }
    const steps = JSON.parse(serializeEvidence(run())).steps.restore;
    expect(Object.keys(steps)).toEqual(['startedAt', 'endedAt']);
  });

  it('round-trips through the parser for every kind', () => {
    for (const record of [run(), replica(), backupAge()]) {
      const parsed = parseEvidenceJson(serializeEvidence(record));
      expect(parsed).toEqual({ ok: true, record });
    }
    expect(EVIDENCE_KINDS).toEqual(['verification-run', 'replica-check', 'backup-age']);
  });
});

describe('parseEvidence', () => {
  it('reports every problem at once as path: message', () => {
    const broken = {
      ...run(),
      store: 'Orders',
      recordedAt: '2026-11-25 12:41',
      restoreSeconds: -3,
      steps: { ...run().steps, checks: { startedAt: '2026-11-25T12:41:05Z', endedAt: '2026-11-25T12:39:02Z' } },
      checks: [{ name: 'x', type: 'count', target: 'public.orders', result: 'ok', observed: { id: 7, email: 'a@example.com' }, message: 'm', durationMs: 1.5 }],
    };
    const result = parseEvidence(broken);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([
      'store: must be a store id (lower-case letters, digits and single hyphens, starting with a letter)',
      'recordedAt: must be an ISO 8601 UTC time such as 2026-12-01T09:30:00Z',
      'checks[0].type: must be one of tableExists, rowCount, freshness, sql',
      'checks[0].result: must be one of passed, failed, not-run',
      'checks[0].observed: must be a scalar or { newestRowTime, lagSeconds } (found email, id): evidence keeps no data rows',
      'checks[0].observed.newestRowTime: must be an ISO 8601 UTC time such as 2026-12-01T09:30:00Z',
      'checks[0].observed.lagSeconds: must be a number of seconds',
      'checks[0].durationMs: must be a non-negative integer',
      'steps.checks.endedAt: must not be before startedAt',
      'restoreSeconds: must be a non-negative number of seconds, or null',
    ]);
  });

  it('ties the reason and the check verdicts to the outcome', () => {
    const problemsOf = (value: unknown) => {
      const result = parseEvidence(value);
      return result.ok ? [] : result.problems;
    };
    expect(problemsOf(run({ outcome: 'failed', reason: null }))).toEqual(['reason: must say why the run failed']);
    expect(problemsOf(run({ outcome: 'swept', reason: '' }))).toEqual(['reason: must say why the run was swept']);
    expect(problemsOf(run({ reason: 'fine' }))).toEqual(['reason: must be null when outcome is succeeded']);
    const failedCheck = { ...run().checks[0], result: 'failed' as const };
    expect(problemsOf(run({ checks: [failedCheck], connected: false }))).toEqual([
      'connected: must be true when outcome is succeeded',
      'checks[0].result: must be passed when outcome is succeeded',
    ]);
    expect(problemsOf(run({ checks: [failedCheck], outcome: 'failed', reason: 'rowCount:public.orders failed' }))).toEqual([]);
  });

  it('refuses a newer format with the fix, and names missing fields', () => {
    expect(parseEvidence({ ...run(), formatVersion: 2 })).toEqual({
      ok: false,
      problems: ['formatVersion: 2 is newer than this Lifeboat reads (1); upgrade Lifeboat'],
    });
    expect(parseEvidence({ formatVersion: 1, kind: 'backup' })).toEqual({ ok: false, problems: ['kind: must be one of verification-run, replica-check, backup-age'] });
    const result = parseEvidence({ formatVersion: 1, kind: 'replica-check' });
    expect(!result.ok && result.problems).toContain('period: must be an object');
    expect(!result.ok && result.problems).toContain('sampled: must be a non-negative integer');
    expect(parseEvidenceJson('{"formatVersion": 1,')).toMatchObject({ ok: false, problems: [expect.stringMatching(/^\(record\): not valid JSON/)] });
  });

  it('checks counts and regions of the daily summaries', () => {
    const bad = parseEvidence({ ...replica(), missing: 2000, mismatched: 301, failedRuns: 25 });
    expect(!bad.ok && bad.problems).toEqual(['failedRuns: must be at most runs', 'missing: missing + mismatched must be at most sampled']);
    const unsorted = parseEvidence({ ...backupAge(), regions: [...backupAge().regions].reverse() });
    expect(!unsorted.ok && unsorted.problems).toEqual(['regions[1].region: regions must be sorted and unique']);
    const badDay = parseEvidence({ ...backupAge(), period: { start: '2026-02-30T00:00:00Z', end: '2026-02-28T00:00:00Z' } });
    expect(!badDay.ok && badDay.problems).toEqual(['period.start: must be an ISO 8601 UTC time such as 2026-12-01T09:30:00Z']);
  });

  it('ignores keys it does not know (additive changes within a format version)', () => {
    expect(parseEvidence({ ...run(), addedLater: { anything: true } })).toEqual({ ok: true, record: run() });
  });
});

describe('checkEvidence', () => {
  it('keeps the verdict and the observed value, never the query or a row', () => {
    const sql = checkEvidence(
      { type: 'sql', name: 'no-orphans', sql: "select secret from users where password = 'x'", expect: { type: 'noRows' } },
      { name: 'no-orphans', type: 'sql', ok: false, message: 'returned 3 rows (expected no rows)', durationMs: 12.6, observed: 3 },
    );
    expect(sql).toEqual({ name: 'no-orphans', type: 'sql', target: 'no-orphans', result: 'failed', observed: 3, message: 'returned 3 rows (expected no rows)', durationMs: 13 });
    expect(JSON.stringify(sql)).not.toContain('password');

    const long = checkEvidence(
      { type: 'sql', name: 'first', sql: 'select 1', expect: 'x' },
      { name: 'first', type: 'sql', ok: false, message: 'returned …', durationMs: 1, observed: 'y'.repeat(1000) },
    );
    expect(typeof long.observed === 'string' && long.observed.length).toBe(MAX_OBSERVED_CHARS);
    const object = checkEvidence({ type: 'sql', name: 'j', sql: 'select 1', expect: 'x' }, { name: 'j', type: 'sql', ok: false, message: 'm', durationMs: 1, observed: { a: 1 } });
    expect(object.observed).toBe('{"a":1}');

    const freshness = checkEvidence(
      { type: 'freshness', table: 'public.orders', column: 'created_at', maxLagSeconds: 900 },
      { name: 'freshness:public.orders.created_at', type: 'freshness', ok: true, message: 'ok', durationMs: 3, observed: { newestRowTime: '2026-11-25T11:59:16.000Z', lagSeconds: 42 } },
    );
    expect(freshness).toMatchObject({ target: 'public.orders.created_at', result: 'passed', observed: { newestRowTime: '2026-11-25T11:59:16.000Z', lagSeconds: 42 } });
  });

  it('marks checks that never ran', () => {
    expect(checkEvidence({ type: 'rowCount', table: 'public.orders', min: 1 }, undefined, 'no connection: timeout')).toEqual({
      name: 'rowCount:public.orders',
      type: 'rowCount',
      target: 'public.orders',
      result: 'not-run',
      observed: null,
      message: 'no connection: timeout',
      durationMs: 0,
    });
    const cut = checkEvidence({ type: 'tableExists', table: 't' }, { name: 'tableExists:t', type: 'tableExists', ok: false, message: 'total time ran out', durationMs: 0 });
    expect(cut.result).toBe('not-run');
    // Every built check passes the parser.
    expect(parseEvidence(run({ outcome: 'failed', reason: 'checks failed', checks: [cut] })).ok).toBe(true);
  });
});

describe('key layout', () => {
  it('files records under <prefix>/<store>/<yyyy>/<mm>/<dd>/<run-id>.json by UTC start date', () => {
    expect(evidenceKey(run())).toBe('verify-restore/orders/2026/11/25/orders-20261125T120000Z.json');
    expect(evidenceKey(run({ startedAt: '2026-12-31T23:59:59.999Z', runId: 'orders-20261231T235959Z' }))).toBe(
      'verify-restore/orders/2026/12/31/orders-20261231T235959Z.json',
    );
    expect(evidenceKey(replica())).toBe('replica-check/documents/2026/11/25/documents-20261125.json');
    expect(evidenceKey(backupAge())).toBe('backup-age/billing/2026/11/25/billing-20261125.json');
    expect(evidenceKeyPattern('verification-run')).toBe('verify-restore/*');
    expect(() => evidenceKey(run({ store: '../etc' }))).toThrow('not a store id');
    expect(() => evidenceKey(run({ runId: 'a/b' }))).toThrow('not a run id');
  });

  it('reads its own keys back and nothing else', () => {
    for (const record of [run(), replica(), backupAge()]) {
      const key = evidenceKey(record);
      expect(parseEvidenceKey(key)).toEqual({ kind: record.kind, store: record.store, date: key.split('/').slice(2, 5).join('-'), runId: record.runId });
    }
    for (const other of ['verify-restore/orders/2026/11/25/run.txt', 'other/orders/2026/11/25/r.json', 'verify-restore/orders/2026/02/30/r.json', 'verify-restore/orders/r.json']) {
      expect(parseEvidenceKey(other)).toBeUndefined();
    }
  });

  it('names daily summaries by their UTC day', () => {
    const day = utcDay(new Date('2026-11-25T23:30:00+00:00'));
    expect(day).toEqual({ start: '2026-11-25T00:00:00.000Z', end: '2026-11-26T00:00:00.000Z' });
    expect(summaryRunId('documents', day.start)).toBe('documents-20261125');
  });
});
