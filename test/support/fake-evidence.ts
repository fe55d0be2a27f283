/**
 * A small stateful fake of the evidence bucket (S3 with versioning) and of CloudWatch metric reads, behind
 * aws-sdk-client-mock, for `lifeboat report`.
 *
 * - The bucket keeps every version of every key (newest first, as S3 lists them) and delete markers; a new put on an
 *   existing key adds a version, as on a versioned bucket with Object Lock. ListObjectVersions pages `pageSize`
 *   entries at a time with S3's key / version-id markers.
 * - CloudWatch holds raw datapoints per (metric, StoreId) and answers GetMetricData by aggregating them into aligned
 *   periods with the requested statistic, paging `pointsPerPage` values per result.
 * - Every call is recorded, so tests can assert the report only ever reads.
 */
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import {
  GetObjectCommand,
  ListObjectVersionsCommand,
  S3Client,
  S3ServiceException,
  type GetObjectCommandOutput,
  type ListObjectVersionsCommandInput,
  type ObjectVersion,
  type DeleteMarkerEntry,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

interface StoredVersion {
  versionId: string;
  body: string | null;
  lastModified: Date;
}

export interface RecordedCall {
  service: 's3' | 'cloudwatch';
  region: string;
  command: string;
  input: unknown;
}

export class FakeEvidenceBucket {
  readonly name: string;
  /** Entries per ListObjectVersions page (S3's default is 1000). */
  pageSize = 1000;
  /** When set, every request fails with this error code (e.g. AccessDenied). */
  failWith: string | undefined;
  private readonly keys = new Map<string, StoredVersion[]>();
  private sequence = 0;

  constructor(name: string) {
    this.name = name;
  }

  /** Writes a version of `key` (a new version on top when the key exists). */
  put(key: string, body: string, at = new Date('2026-12-01T00:00:00Z')): string {
    const versionId = `v${String(++this.sequence).padStart(6, '0')}`;
    const versions = this.keys.get(key) ?? [];
    versions.unshift({ versionId, body, lastModified: new Date(at.getTime() + this.sequence) });
    this.keys.set(key, versions);
    return versionId;
  }

  /** The current (newest) text of every key that has one, by key. */
  currentTexts(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, versions] of [...this.keys.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) if (versions[0]?.body !== null && versions[0]) out[key] = versions[0].body;
    return out;
  }

  /** A DELETE without a version id: a delete marker on top, the versions stay. */
  deleteKey(key: string, at = new Date('2026-12-01T00:00:00Z')): void {
    const versions = this.keys.get(key) ?? [];
    versions.unshift({ versionId: `d${String(++this.sequence).padStart(6, '0')}`, body: null, lastModified: new Date(at.getTime() + this.sequence) });
    this.keys.set(key, versions);
  }

  private fault(): void {
    if (!this.failWith) return;
    throw new S3ServiceException({ name: this.failWith, $fault: 'client', $metadata: { httpStatusCode: 403 }, message: `${this.failWith} (fake)` });
  }

  list(input: ListObjectVersionsCommandInput) {
    this.fault();
    if (input.Bucket !== this.name) throw new S3ServiceException({ name: 'NoSuchBucket', $fault: 'client', $metadata: { httpStatusCode: 404 }, message: 'The specified bucket does not exist' });
    const entries: { key: string; version: StoredVersion; latest: boolean }[] = [];
    for (const key of [...this.keys.keys()].sort()) {
      if (input.Prefix && !key.startsWith(input.Prefix)) continue;
      this.keys.get(key)!.forEach((version, index) => entries.push({ key, version, latest: index === 0 }));
    }
    let start = 0;
    if (input.KeyMarker !== undefined) {
      const markerIndex = entries.findIndex((entry) => entry.key === input.KeyMarker && entry.version.versionId === input.VersionIdMarker);
      start = markerIndex === -1 ? entries.findIndex((entry) => entry.key > (input.KeyMarker as string)) : markerIndex + 1;
      if (start === -1) start = entries.length;
    }
    const page = entries.slice(start, start + this.pageSize);
    const truncated = start + this.pageSize < entries.length;
    const last = page[page.length - 1];
    const Versions: ObjectVersion[] = page
      .filter((entry) => entry.version.body !== null)
      .map((entry) => ({ Key: entry.key, VersionId: entry.version.versionId, IsLatest: entry.latest, LastModified: entry.version.lastModified }));
    const DeleteMarkers: DeleteMarkerEntry[] = page
      .filter((entry) => entry.version.body === null)
      .map((entry) => ({ Key: entry.key, VersionId: entry.version.versionId, IsLatest: entry.latest, LastModified: entry.version.lastModified }));
    return {
      Versions,
      DeleteMarkers,
      IsTruncated: truncated,
      ...(truncated && last ? { NextKeyMarker: last.key, NextVersionIdMarker: last.version.versionId } : {}),
    };
  }

  get(key: string, versionId: string | undefined): GetObjectCommandOutput {
    this.fault();
    const versions = this.keys.get(key) ?? [];
    const version = versionId ? versions.find((v) => v.versionId === versionId) : versions[0];
    if (!version || version.body === null) {
      throw new S3ServiceException({ name: 'NoSuchKey', $fault: 'client', $metadata: { httpStatusCode: 404 }, message: 'The specified key does not exist.' });
    }
    const text = version.body;
    // The SDK's streaming body: the report reads it with transformToString only.
    const Body = { transformToString: async () => text } as unknown as GetObjectCommandOutput['Body'];
    return { Body, VersionId: version.versionId, $metadata: {} };
  }
}

export class FakeCloudWatch {
  /** Values per result page before a NextToken (CloudWatch pages large results). */
  pointsPerPage = 100_800;
  private readonly points = new Map<string, { time: number; value: number }[]>();

  /** A datapoint as the handler publishes it: region, metric, StoreId dimension, time, value. */
  publish(region: string, metricName: string, storeId: string, time: Date, value: number): void {
    const key = `${region}\u0000${metricName}\u0000${storeId}`;
    const list = this.points.get(key) ?? [];
    list.push({ time: time.getTime(), value });
    this.points.set(key, list);
  }

  query(region: string, input: GetMetricDataCommandInput): { MetricDataResults: MetricDataResult[]; NextToken?: string } {
    const start = input.StartTime!.getTime();
    const end = input.EndTime!.getTime();
    const offset = input.NextToken ? Number(input.NextToken) : 0;
    let more = false;
    const results = (input.MetricDataQueries ?? []).map((query): MetricDataResult => {
      const stat = query.MetricStat!;
      const storeId = stat.Metric!.Dimensions!.find((d) => d.Name === 'StoreId')!.Value!;
      const period = stat.Period! * 1000;
      const buckets = new Map<number, number[]>();
      for (const point of this.points.get(`${region}\u0000${stat.Metric!.MetricName}\u0000${storeId}`) ?? []) {
        if (stat.Metric!.Namespace !== 'Lifeboat' || point.time < start || point.time >= end) continue;
        const bucket = Math.floor(point.time / period) * period;
        buckets.set(bucket, [...(buckets.get(bucket) ?? []), point.value]);
      }
      const times = [...buckets.keys()].sort((a, b) => a - b);
      const values = times.map((time) => {
        const list = buckets.get(time)!;
        return stat.Stat === 'Minimum' ? Math.min(...list) : stat.Stat === 'Maximum' ? Math.max(...list) : list.reduce((a, b) => a + b, 0);
      });
      if (offset + this.pointsPerPage < times.length) more = true;
      return {
        Id: query.Id,
        Timestamps: times.slice(offset, offset + this.pointsPerPage).map((time) => new Date(time)),
        Values: values.slice(offset, offset + this.pointsPerPage),
        StatusCode: 'Complete',
      };
    });
    return { MetricDataResults: results, ...(more ? { NextToken: String(offset + this.pointsPerPage) } : {}) };
  }
}

/** Clients per region for `runReport`, backed by the fakes; `calls` lists every request made. */
export function fakeReportClients(bucket: FakeEvidenceBucket, bucketRegion: string, cloudwatch: FakeCloudWatch) {
  const calls: RecordedCall[] = [];
  const stubs: { restore(): void }[] = [];
  const s3Clients = new Map<string, S3Client>();
  const cwClients = new Map<string, CloudWatchClient>();
  const clients = {
    s3(region: string): S3Client {
      let client = s3Clients.get(region);
      if (!client) {
        client = new S3Client({ region, credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' } });
        const stub = mockClient(client);
        stub.onAnyCommand().callsFake((input: unknown) => {
          throw new Error(`unexpected S3 command in the report: ${JSON.stringify(input)}`);
        });
        stub.on(ListObjectVersionsCommand).callsFake((input: ListObjectVersionsCommandInput) => {
          calls.push({ service: 's3', region, command: 'ListObjectVersions', input });
          if (region !== bucketRegion) throw new S3ServiceException({ name: 'PermanentRedirect', $fault: 'client', $metadata: { httpStatusCode: 301 }, message: 'wrong region' });
          return bucket.list(input);
        });
        stub.on(GetObjectCommand).callsFake((input: { Key: string; VersionId?: string }) => {
          calls.push({ service: 's3', region, command: 'GetObject', input });
          return bucket.get(input.Key, input.VersionId);
        });
        stubs.push(stub);
        s3Clients.set(region, client);
      }
      return client;
    },
    cloudwatch(region: string): CloudWatchClient {
      let client = cwClients.get(region);
      if (!client) {
        client = new CloudWatchClient({ region, credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' } });
        const stub = mockClient(client);
        stub.onAnyCommand().callsFake((input: unknown) => {
          throw new Error(`unexpected CloudWatch command in the report: ${JSON.stringify(input)}`);
        });
        stub.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
          calls.push({ service: 'cloudwatch', region, command: 'GetMetricData', input });
          return cloudwatch.query(region, input);
        });
        stubs.push(stub);
        cwClients.set(region, client);
      }
      return client;
    },
  };
  return { clients, calls, restore: () => stubs.forEach((stub) => stub.restore()) };
}
