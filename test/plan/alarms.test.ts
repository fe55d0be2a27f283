import {
  ALARM_IDS,
  alarmTransitions,
  auroraClusterAlarms,
  bucketReplicationAlarms,
  evaluateAlarm,
  PITR_LOG_UPLOAD_INTERVAL_SECONDS,
  probeAlarms,
  rdsInstanceAlarms,
  type AlarmPlan,
  type AlarmRule,
} from '../../src/plan/alarms';

const PROBE_PERIOD = 300;

/**
 * `now - LatestRestorableTime` as a probe running every 5 minutes (at `phase` seconds into each 5-minute slot) reads
 * it: RDS closes a log segment every 300 s and uploads it `delays[k]` seconds later; until then the latest restorable
 * time is the end of the previous segment. `stopAt`: no upload lands after that time.
 */
function restorableLagSeries(options: { phase: number; runs: number; delays: (k: number) => number; stopAt?: number }): number[] {
  const series: number[] = [];
  for (let run = 0; run < options.runs; run++) {
    const now = 3_600 + run * PROBE_PERIOD + options.phase;
    let latestRestorable = 0;
    for (let k = 1; k * 300 <= now; k++) {
      const landed = k * 300 + options.delays(k);
      if (landed <= now && (options.stopAt === undefined || landed <= options.stopAt)) latestRestorable = k * 300;
    }
    series.push(now - latestRestorable);
  }
  return series;
}

/** Upload delays of a healthy instance: 20-110 s, varying from segment to segment. */
const healthy = (k: number) => 20 + ((k * 37) % 91);

function restorableLagAlarm(rpoSeconds: number): AlarmPlan {
  const [alarm] = probeAlarms({ prefix: 'shop-orders', storeId: 'orders', region: 'eu-west-1', drRegion: null, restorableLag: { seconds: rpoSeconds, reason: 'the corruption RPO it serves' } });
  return alarm;
}

describe('restorable lag alarms fire on a sustained breach, not on PITR’s 5-minute cadence', () => {
  const alarm = restorableLagAlarm(300);
  // The definition before the fix: exactly the RPO, two runs in a row.
  const atTheRpo: AlarmRule = { threshold: 300, comparisonOperator: 'GreaterThanThreshold', evaluationPeriods: 2, datapointsToAlarm: 2, treatMissingData: 'breaching' };
  const phases = Array.from({ length: 60 }, (_, i) => i * 5);

  it('is the RPO plus one log-upload interval, 2 of 3 probe runs, missing data breaching', () => {
    expect(alarm).toMatchObject({
      metricName: 'RestorableLagSeconds',
      threshold: 300 + PITR_LOG_UPLOAD_INTERVAL_SECONDS,
      periodSeconds: 300,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: 'breaching',
    });
  });

  it('never alarms on a healthy instance, at any phase of the probe against the uploads', () => {
    for (const phase of phases) {
      const series = restorableLagSeries({ phase, runs: 288, delays: healthy });
      expect(evaluateAlarm(alarm, series).filter((s) => s === 'ALARM')).toEqual([]);
    }
  });

  it('an alarm at exactly the RPO would fire on the same healthy series (the flapping the tolerance removes)', () => {
    const notifications = phases.map((phase) => alarmTransitions(evaluateAlarm(atTheRpo, restorableLagSeries({ phase, runs: 288, delays: healthy }))));
    expect(Math.max(...notifications)).toBeGreaterThan(1);
  });

  it('one late upload does not fire it', () => {
    for (const phase of phases) {
      const series = restorableLagSeries({ phase, runs: 48, delays: (k) => (k === 20 ? 290 : healthy(k)) });
      expect(evaluateAlarm(alarm, series)).not.toContain('ALARM');
    }
  });

  it('stopped log uploads fire it within the threshold plus two probe runs', () => {
    for (const phase of phases) {
      const stopAt = 3_600 + 10 * PROBE_PERIOD;
      const series = restorableLagSeries({ phase, runs: 48, delays: healthy, stopAt });
      const states = evaluateAlarm(alarm, series);
      const first = states.indexOf('ALARM');
      expect(first).toBeGreaterThan(10);
      const firedAt = 3_600 + first * PROBE_PERIOD + phase;
      expect(firedAt - stopAt).toBeLessThanOrEqual(alarm.threshold + 2 * PROBE_PERIOD);
      expect(states.slice(first).every((s) => s === 'ALARM')).toBe(true);
    }
  });

  it('a probe that stops publishing fires it after two missed runs; one missed run does not', () => {
    const healthySeries = restorableLagSeries({ phase: 100, runs: 12, delays: healthy });
    expect(evaluateAlarm(alarm, [...healthySeries, null, ...healthySeries])).not.toContain('ALARM');
    expect(evaluateAlarm(alarm, [...healthySeries, null, null]).at(-1)).toBe('ALARM');
  });
});

describe('lag alarms guard the objective each replica serves', () => {
  it('Aurora readers alarm at the az RPO, the global secondary at the region RPO, both in their own region', () => {
    const alarms = auroraClusterAlarms({
      prefix: 'shop-ledger',
      region: 'eu-west-1',
      readers: ['shop-ledger-1'],
      global: { region: 'eu-central-1', secondaryClusterIdentifier: 'shop-ledger-dr', readers: ['shop-ledger-dr-1'] },
      azRpoSeconds: 60,
      regionRpoSeconds: 12 * 3_600,
    });
    expect(alarms.map((a) => [a.id, a.metricName, a.region, a.threshold, a.dimensions])).toEqual([
      ['reader-1-lag', 'AuroraReplicaLag', 'eu-west-1', 60_000, { DBInstanceIdentifier: 'shop-ledger-1' }],
      ['dr-reader-1-lag', 'AuroraReplicaLag', 'eu-central-1', 60_000, { DBInstanceIdentifier: 'shop-ledger-dr-1' }],
      ['global-replication-lag', 'AuroraGlobalDBReplicationLag', 'eu-central-1', 12 * 3_600_000, { DBClusterIdentifier: 'shop-ledger-dr' }],
    ]);
  });

  it('RDS replicas: in-region at the az RPO, cross-region at the full region RPO; 3 one-minute periods, missing data breaching', () => {
    const alarms = rdsInstanceAlarms({
      prefix: 'shop-orders',
      region: 'eu-west-1',
      identifier: 'shop-orders',
      allocatedStorageGb: 200,
      sameRegionReplicas: ['shop-orders-1'],
      drReplica: { identifier: 'shop-orders-dr', region: 'eu-central-1' },
      azRpoSeconds: 0,
      regionRpoSeconds: 300,
    });
    const byId = Object.fromEntries(alarms.map((a) => [a.id, a]));
    // An RPO of 0 cannot be held by an asynchronous replica: the alarm waits for a whole second of lag.
    expect(byId['replica-1-lag']).toMatchObject({ region: 'eu-west-1', threshold: 1, periodSeconds: 60, evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: 'breaching' });
    expect(byId['replica-lag']).toMatchObject({ region: 'eu-central-1', threshold: 300, dimensions: { DBInstanceIdentifier: 'shop-orders-dr' } });
    expect(byId['free-storage']).toMatchObject({ threshold: Math.round(200 * 1024 ** 3 * 0.2), thresholdOfAllocatedStorage: null, comparisonOperator: 'LessThanThreshold' });
  });

  it('an adopted database without a known size gets its free-storage threshold from the allocated storage at apply time', () => {
    const [freeStorage] = rdsInstanceAlarms({
      prefix: 'shop-legacy', region: 'eu-west-1', identifier: 'legacy-db', allocatedStorageGb: null, sameRegionReplicas: [], drReplica: null, azRpoSeconds: null, regionRpoSeconds: null,
    });
    expect(freeStorage).toMatchObject({ alarmName: 'shop-legacy-free-storage', dimensions: { DBInstanceIdentifier: 'legacy-db' }, threshold: 0, thresholdOfAllocatedStorage: 0.2 });
  });
});

describe('bucket replication alarms', () => {
  it('use the dimensions S3 publishes, in the source region: latency above the RPO for 3 x 5 minutes, any failure', () => {
    const alarms = bucketReplicationAlarms({
      prefix: 'shop-documents', sourceRegion: 'eu-west-1', sourceBucket: 'src', replicaBucket: 'dst', replicaRegion: 'eu-central-1', ruleId: 'lifeboat-dr', rpoSeconds: 900,
    });
    expect(alarms.map((a) => [a.alarmName, a.metricName, a.threshold, a.periodSeconds, a.evaluationPeriods, a.datapointsToAlarm, a.treatMissingData])).toEqual([
      ['shop-documents-replication-latency', 'ReplicationLatency', 900, 300, 3, 3, 'notBreaching'],
      ['shop-documents-replication-failed', 'OperationsFailedReplication', 0, 300, 1, 1, 'notBreaching'],
    ]);
    for (const alarm of alarms) expect(alarm.dimensions).toEqual({ SourceBucket: 'src', DestinationBucket: 'dst', RuleId: 'lifeboat-dr' });
  });
});

describe('alarm ids', () => {
  it('no id ends with "-<another id of the same region>", so stores whose ids extend each other never share an alarm name', () => {
    const ids = Object.entries(ALARM_IDS).map(([id, region]) => ({ pattern: new RegExp(`^${id.replace('<n>', '\\d+')}$`), id, region }));
    const sameRegion = (a: string, b: string) => a === b || a === 'either' || b === 'either';
    for (const a of ids) {
      for (const b of ids) {
        if (!sameRegion(a.region, b.region)) continue;
        // Concrete ids of `a` for n = 1..3 must not be `<x>-<b>`.
        for (const n of [1, 2, 3]) {
          const id = a.id.replace('<n>', String(n));
          const parts = id.split('-');
          for (let cut = 1; cut < parts.length; cut++) {
            expect({ id, tail: parts.slice(cut).join('-'), matches: b.pattern.test(parts.slice(cut).join('-')) }).toMatchObject({ matches: false });
          }
        }
      }
    }
  });
});
