import { randomUUID } from 'node:crypto';
import { evidenceKey, serializeEvidence, utcDay, type EvidenceRecord } from '../../src/evidence/record';
import { mapSettled } from './concurrency';
import type { EvidenceStore } from './evidence-store';

/** Samples read at the same time when a day is summarized. */
const READ_CONCURRENCY = 8;

/** `2026-12-01`. */
function dayOf(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/**
 * Daily summary records of a periodic function (backup-age probe, replica check), kept the same way as the
 * verification records: conditional creates under the function's prefix, never replaced.
 *
 * Each run leaves its readings as one sample `samples/<yyyy-mm-dd>/<time>-<id>.json` (four key segments, so
 * `parseEvidenceKey` never takes a sample for a record). The first run of a UTC day summarizes the previous day from
 * its samples: one record per store, each a conditional create, so of two overlapping runs only one writes a store's
 * summary; then `samples/<day>/summarized.json` tells later runs that the day is done (one read per run).
 */
export class DailySummaries<S> {
  constructor(
    private readonly store: EvidenceStore,
    private readonly build: (day: { start: string; end: string }, samples: S[]) => EvidenceRecord[],
  ) {}

  /** Keeps this run's readings. */
  async addSample(at: Date, sample: S): Promise<void> {
    const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    await this.store.createOnce(`samples/${dayOf(at)}/${stamp}-${randomUUID().slice(0, 8)}.json`, JSON.stringify(sample));
  }

  /** Writes the summaries of the UTC day before `at`, unless done. Returns the records this call wrote. */
  async summarizePreviousDay(at: Date): Promise<EvidenceRecord[]> {
    const day = utcDay(new Date(at.getTime() - 86_400_000));
    const folder = `samples/${dayOf(new Date(day.start))}/`;
    if ((await this.store.read(`${folder}summarized.json`)) !== undefined) return [];
    const keys = (await this.store.list(folder)).filter((key) => key.endsWith('.json') && !key.endsWith('/summarized.json'));
    const texts = await mapSettled(keys, READ_CONCURRENCY, (key) => this.store.read(key));
    const samples = texts.flatMap((text) => (text.status === 'fulfilled' && text.value ? [JSON.parse(text.value) as S] : []));
    if (texts.some((text) => text.status === 'rejected')) throw new Error(`could not read every sample of ${day.start.slice(0, 10)}`);
    const written: EvidenceRecord[] = [];
    for (const record of this.build(day, samples)) {
      if (await this.store.createOnce(evidenceKey(record).slice(this.store.location.prefix.length), serializeEvidence(record))) written.push(record);
    }
    await this.store.createOnce(`${folder}summarized.json`, JSON.stringify({ samples: samples.length, records: written.length }));
    return written;
  }
}
