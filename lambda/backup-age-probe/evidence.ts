import { EVIDENCE_FORMAT_VERSION, EVIDENCE_PREFIXES, summaryRunId, type BackupAgeRegion, type BackupAgeSummaryRecord } from '../../src/evidence/record';

/** The key prefix of the probe's evidence, below which its role may write. */
export const PROBE_EVIDENCE_PREFIX = `${EVIDENCE_PREFIXES['backup-age']}/`;

/** One run's readings, kept as a sample until the day is summarized. */
export interface ProbeSample {
  readonly at: string;
  readonly readings: readonly {
    readonly storeId: string;
    /** The store's primary region (the summary's region). */
    readonly home: string;
    readonly region: string;
    readonly lagSeconds?: number;
    readonly ageSeconds?: number;
    readonly error: boolean;
  }[];
}

const max = (values: number[]): number | null => (values.length > 0 ? Math.max(...values) : null);

/** One summary per store that has readings that day: per region, the largest ages and how many readings failed. */
export function probeSummaries(day: { start: string; end: string }, samples: readonly ProbeSample[], handlerVersion: string, recordedAt: Date): BackupAgeSummaryRecord[] {
  const readings = samples.flatMap((sample) => sample.readings);
  const stores = [...new Set(readings.map((reading) => reading.storeId))].sort();
  return stores.map((storeId) => {
    const own = readings.filter((reading) => reading.storeId === storeId);
    const regions = [...new Set(own.map((reading) => reading.region))].sort();
    return {
      formatVersion: EVIDENCE_FORMAT_VERSION,
      kind: 'backup-age',
      store: storeId,
      region: own[0].home,
      runId: summaryRunId(storeId, day.start),
      handlerVersion,
      recordedAt: recordedAt.toISOString(),
      period: day,
      regions: regions.map((region): BackupAgeRegion => {
        const here = own.filter((reading) => reading.region === region);
        const ok = here.filter((reading) => !reading.error);
        return {
          region,
          maxBackupAgeSeconds: max(ok.flatMap((reading) => (reading.ageSeconds !== undefined ? [reading.ageSeconds] : []))),
          maxRestorableLagSeconds: max(ok.flatMap((reading) => (reading.lagSeconds !== undefined ? [reading.lagSeconds] : []))),
          samples: ok.length,
          errors: here.length - ok.length,
        };
      }),
    };
  });
}
