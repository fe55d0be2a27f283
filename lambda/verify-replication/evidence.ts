import { EVIDENCE_FORMAT_VERSION, EVIDENCE_PREFIXES, summaryRunId, type ReplicaCheckSummaryRecord } from '../../src/evidence/record';

/** The key prefix of the replica check's evidence, below which its role may write. */
export const REPLICA_EVIDENCE_PREFIX = `${EVIDENCE_PREFIXES['replica-check']}/`;

/** One run's results, kept as a sample until the day is summarized. */
export interface ReplicaSample {
  readonly at: string;
  readonly buckets: readonly {
    readonly storeId: string;
    /** The replica's region (where the metrics and the summary belong). */
    readonly region: string;
    /** The bucket could not be checked at all. */
    readonly failed: boolean;
    readonly sampled: number;
    /** Replicas absent, failed, late or not replicas (content differences are counted in `mismatched`). */
    readonly missing: number;
    readonly mismatched: number;
    readonly sizeOnly: number;
  }[];
}

/** One summary per bucket checked that day, summed over its runs. */
export function replicaSummaries(day: { start: string; end: string }, samples: readonly ReplicaSample[], handlerVersion: string, recordedAt: Date): ReplicaCheckSummaryRecord[] {
  const results = samples.flatMap((sample) => sample.buckets);
  const stores = [...new Set(results.map((result) => result.storeId))].sort();
  return stores.map((storeId) => {
    const own = results.filter((result) => result.storeId === storeId);
    const sum = (field: 'sampled' | 'missing' | 'mismatched' | 'sizeOnly') => own.reduce((total, result) => total + result[field], 0);
    return {
      formatVersion: EVIDENCE_FORMAT_VERSION,
      kind: 'replica-check',
      store: storeId,
      region: own[0].region,
      runId: summaryRunId(storeId, day.start),
      handlerVersion,
      recordedAt: recordedAt.toISOString(),
      period: day,
      runs: own.length,
      failedRuns: own.filter((result) => result.failed).length,
      sampled: sum('sampled'),
      missing: sum('missing'),
      mismatched: sum('mismatched'),
      sizeOnly: sum('sizeOnly'),
    };
  });
}
