/**
 * Where report inputs come from: evidence records in a local directory or in the evidence bucket (AWS SDK v3,
 * standard credential chain), and the verification metrics in CloudWatch for runs without a record.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { GetObjectCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import {
  EVIDENCE_KINDS,
  EVIDENCE_PREFIXES,
  evidenceKey,
  evidenceStorePrefix,
  parseEvidenceJson,
  parseEvidenceKey,
  type EvidenceRecord,
} from '../evidence/record';
import type { MetricHour, OverwrittenRecord, UnreadableRecord } from './model';

/** Objects read at the same time from the bucket. */
export const GET_CONCURRENCY = 8;
/** GetMetricData allows 500 queries per request. */
const MAX_QUERIES = 500;

export interface LoadedRecords {
  records: EvidenceRecord[];
  unreadable: UnreadableRecord[];
  overwritten: OverwrittenRecord[];
}

/** Checks a parsed record against the key it was filed under and against records already seen. */
class Collector {
  readonly records: EvidenceRecord[] = [];
  readonly unreadable: UnreadableRecord[] = [];
  private readonly seen = new Map<string, string>();

  add(source: string, text: string, key: string | undefined): void {
    const fromKey = key ? parseEvidenceKey(key) : undefined;
    const parsed = parseEvidenceJson(text);
    if (!parsed.ok) {
      this.unreadable.push({ source, store: fromKey?.store ?? null, date: fromKey?.date ?? null, problems: parsed.problems });
      return;
    }
    const record = parsed.record;
    if (key && fromKey) {
      const expected = evidenceKey(record);
      if (expected !== key) {
        this.unreadable.push({ source, store: fromKey.store, date: fromKey.date, problems: [`filed under the wrong key: the record belongs at ${expected}`] });
        return;
      }
    }
    const identity = `${record.kind}/${record.store}/${record.runId}`;
    const first = this.seen.get(identity);
    if (first !== undefined) {
      this.unreadable.push({ source, store: record.store, date: fromKey?.date ?? null, problems: [`duplicate of ${first} (same kind, store and run id)`] });
      return;
    }
    this.seen.set(identity, source);
    this.records.push(record);
  }
}

function listJsonFiles(root: string, dir = ''): string[] {
  const entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const relative = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...listJsonFiles(root, relative));
    else if (entry.isFile() && entry.name.endsWith('.json')) files.push(relative);
  }
  return files;
}

/**
 * Reads the records under `dir`: a copy made with `aws s3 sync s3://<bucket> <dir>` (files laid out as in the bucket
 * are also checked against their key; other files under a writer's prefix are skipped, as the bucket reader skips
 * them), or any `*.json` files elsewhere (fixtures).
 */
export function readRecordsFromDirectory(dir: string): LoadedRecords {
  const collector = new Collector();
  const prefixes = new Set(Object.values(EVIDENCE_PREFIXES));
  for (const relative of listJsonFiles(dir)) {
    const key = parseEvidenceKey(relative) ? relative : undefined;
    // Under a writer's prefix, as in the bucket, only keys laid out as records are records (the verification
    // function also keeps its run claims there); files elsewhere (fixtures) are all read.
    if (!key && prefixes.has(relative.split('/')[0])) continue;
    collector.add(relative, fs.readFileSync(path.join(dir, relative), 'utf8'), key);
  }
  return { records: collector.records, unreadable: collector.unreadable, overwritten: [] };
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

interface Version {
  key: string;
  versionId: string | undefined;
  lastModified: number;
}

export interface BucketReadOptions {
  bucket: string;
  since: Date;
  /** Only this store's prefixes. */
  store?: string;
}

/**
 * Reads the records of the window from the evidence bucket. Lists versions, not just current objects: Object Lock
 * keeps every version, so the oldest version of a key is the record as first written, and a key with later versions
 * or a delete marker is reported as overwritten (the report still uses the original).
 */
export async function readRecordsFromBucket(s3: S3Client, options: BucketReadOptions): Promise<LoadedRecords> {
  // Keys are dated by the run's start: a run that started the day before the window may end inside it.
  const sinceDate = new Date(options.since.getTime() - 86_400_000).toISOString().slice(0, 10);
  const prefixes = EVIDENCE_KINDS.map((kind) => (options.store ? evidenceStorePrefix(kind, options.store) : `${EVIDENCE_PREFIXES[kind]}/`));
  const versions = new Map<string, Version[]>();
  const deleted = new Set<string>();
  for (const prefix of prefixes) {
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (;;) {
      const page = await s3.send(
        new ListObjectVersionsCommand({ Bucket: options.bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }),
      );
      for (const version of page.Versions ?? []) {
        if (!version.Key) continue;
        const parsed = parseEvidenceKey(version.Key);
        if (!parsed || parsed.date < sinceDate) continue;
        const list = versions.get(version.Key) ?? [];
        list.push({ key: version.Key, versionId: version.VersionId, lastModified: version.LastModified?.getTime() ?? 0 });
        versions.set(version.Key, list);
      }
      for (const marker of page.DeleteMarkers ?? []) if (marker.Key) deleted.add(marker.Key);
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      versionIdMarker = page.NextVersionIdMarker;
      if (keyMarker === undefined) break;
    }
  }
  const keys = [...versions.keys()].sort();
  const originals = keys.map((key) => [...(versions.get(key) ?? [])].sort((a, b) => a.lastModified - b.lastModified)[0]);
  const texts = await mapLimit(originals, GET_CONCURRENCY, async (version) => {
    const object = await s3.send(
      new GetObjectCommand({ Bucket: options.bucket, Key: version.key, ...(version.versionId && version.versionId !== 'null' ? { VersionId: version.versionId } : {}) }),
    );
    return object.Body ? await object.Body.transformToString('utf-8') : '';
  });
  const collector = new Collector();
  originals.forEach((version, index) => collector.add(version.key, texts[index], version.key));
  const overwritten: OverwrittenRecord[] = keys
    .filter((key) => (versions.get(key)?.length ?? 0) > 1 || deleted.has(key))
    .map((key) => ({ key, store: parseEvidenceKey(key)?.store ?? null, versions: versions.get(key)?.length ?? 0, deleted: deleted.has(key) }));
  return { records: collector.records, unreadable: collector.unreadable, overwritten };
}

/** The verification metrics of these stores (each in its verification region), hourly, over `[since, now]`. */
export async function readVerificationMetrics(
  cloudwatch: (region: string) => CloudWatchClient,
  stores: readonly { id: string; region: string }[],
  window: { since: Date; now: Date },
  namespace = 'Lifeboat',
): Promise<MetricHour[]> {
  const hours = new Map<string, MetricHour>();
  const metrics = [
    { name: 'VerificationSucceeded', stat: 'Minimum', field: 'succeeded' },
    { name: 'RestoreSeconds', stat: 'Maximum', field: 'restoreSeconds' },
    { name: 'DataLagSeconds', stat: 'Maximum', field: 'dataLagSeconds' },
  ] as const;
  const regions = [...new Set(stores.map((store) => store.region))].sort();
  const start = new Date(Math.floor(window.since.getTime() / 3_600_000) * 3_600_000);
  for (const region of regions) {
    const inRegion = stores.filter((store) => store.region === region);
    const queries: { query: MetricDataQuery; store: string; field: (typeof metrics)[number]['field'] }[] = [];
    inRegion.forEach((store, s) =>
      metrics.forEach((metric, m) =>
        queries.push({
          store: store.id,
          field: metric.field,
          query: {
            Id: `m${s}_${m}`,
            // Period 3600: CloudWatch keeps hourly data 455 days (1-minute data only 15 days, 5-minute 63).
            MetricStat: { Metric: { Namespace: namespace, MetricName: metric.name, Dimensions: [{ Name: 'StoreId', Value: store.id }] }, Period: 3_600, Stat: metric.stat },
            ReturnData: true,
          },
        }),
      ),
    );
    const client = cloudwatch(region);
    for (let offset = 0; offset < queries.length; offset += MAX_QUERIES) {
      const batch = queries.slice(offset, offset + MAX_QUERIES);
      const byId = new Map(batch.map((entry) => [entry.query.Id as string, entry]));
      let nextToken: string | undefined;
      do {
        const page = await client.send(
          new GetMetricDataCommand({ MetricDataQueries: batch.map((entry) => entry.query), StartTime: start, EndTime: window.now, ScanBy: 'TimestampAscending', NextToken: nextToken }),
        );
        for (const result of page.MetricDataResults ?? []) {
          const entry = result.Id ? byId.get(result.Id) : undefined;
          if (!entry) continue;
          (result.Timestamps ?? []).forEach((timestamp, i) => {
            const value = result.Values?.[i];
            if (value === undefined) return;
            const time = new Date(Math.floor(timestamp.getTime() / 3_600_000) * 3_600_000).toISOString();
            const id = `${entry.store}\u0000${time}`;
            const hour = hours.get(id) ?? { store: entry.store, time, succeeded: null, restoreSeconds: null, dataLagSeconds: null };
            hour[entry.field] = value;
            hours.set(id, hour);
          });
        }
        nextToken = page.NextToken;
      } while (nextToken);
    }
  }
  return [...hours.values()].sort((a, b) => (a.store < b.store ? -1 : a.store > b.store ? 1 : a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}
