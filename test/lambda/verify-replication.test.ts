import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { HEAD_CONCURRENCY, createReplicationHandler, ReplicationResult } from '../../lambda/verify-replication/index';
import { parseReplicationConfig, ReplicationConfig } from '../../lambda/verify-replication/config';
import { parseEvidenceJson, parseEvidenceKey } from '../../src/evidence/record';
import { FakeEvidenceBucket } from '../support/fake-evidence-bucket';

const NOW = new Date('2026-03-01T12:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);


interface StoredVersion {
  key: string;
  versionId: string;
  lastModified: Date;
  size: number;
  etag: string;
  checksumSHA256?: string;
  checksumCRC64NVME?: string;
  sse?: string;
  replicationStatus?: string;
}

/** Stateful fake of S3 (buckets per region, versions per key) and CloudWatch, with fault injection. */
class FakeS3 {
  /** region -> bucket -> versions (newest version of a key last). */
  readonly buckets: Record<string, Record<string, StoredVersion[]>> = {};
  readonly metrics: { region: string; name: string; value: number; storeId: string }[] = [];
  readonly calls: { command: string; region: string; input: any }[] = [];
  inFlightHeads = 0;
  maxInFlightHeads = 0;
  fault: (command: string, region: string, input: any) => Error | undefined = () => undefined;

  bucket(region: string, name: string): StoredVersion[] {
    return ((this.buckets[region] ??= {})[name] ??= []);
  }

  private readonly s3Clients = new Map<string, S3Client>();
  private readonly cloudwatchClients = new Map<string, CloudWatchClient>();

  /** The S3 client of a region, its `send` answered by this fake (one mock per client, so regions never mix). */
  s3Client = (region: string): S3Client => {
    let client = this.s3Clients.get(region);
    if (!client) {
      client = new S3Client({ region });
      this.s3Clients.set(region, client);
      const mock = mockClient(client);
      mock.on(ListObjectsV2Command).callsFake((input) => this.answer('ListObjectsV2', region, input, () => this.list(region, input)));
      mock.on(HeadObjectCommand).callsFake(async (input) => {
        this.inFlightHeads++;
        this.maxInFlightHeads = Math.max(this.maxInFlightHeads, this.inFlightHeads);
        try {
          await new Promise((resolve) => setImmediate(resolve));
          return this.answer('HeadObject', region, input, () => this.head(region, input));
        } finally {
          this.inFlightHeads--;
        }
      });
    }
    return client;
  };

  cloudwatchClient = (region: string): CloudWatchClient => {
    let client = this.cloudwatchClients.get(region);
    if (!client) {
      client = new CloudWatchClient({ region });
      this.cloudwatchClients.set(region, client);
      mockClient(client)
        .on(PutMetricDataCommand)
        .callsFake((input) =>
          this.answer('PutMetricData', region, input, () => {
            for (const datum of input.MetricData) {
              this.metrics.push({ region, name: datum.MetricName, value: datum.Value, storeId: datum.Dimensions[0].Value });
            }
            return {};
          }),
        );
    }
    return client;
  };

  private answer(command: string, region: string, input: any, respond: () => unknown): unknown {
    this.calls.push({ command, region, input });
    const error = this.fault(command, region, input);
    if (error) throw error;
    return respond();
  }

  private list(region: string, input: any): unknown {
    const versions = this.buckets[region]?.[input.Bucket];
    if (!versions) throw awsError('NoSuchBucket', 'The specified bucket does not exist', 404);
    const current = new Map<string, StoredVersion>();
    for (const version of versions) current.set(version.key, version);
    const keys = [...current.values()]
      .filter((v) => !input.Prefix || v.key.startsWith(input.Prefix))
      .sort((a, b) => a.key.localeCompare(b.key));
    const start = input.ContinuationToken ? Number(input.ContinuationToken) : 0;
    const end = start + Math.min(input.MaxKeys ?? 1000, 3);
    return {
      Contents: keys.slice(start, end).map((v) => ({ Key: v.key, LastModified: v.lastModified, Size: v.size, ETag: v.etag })),
      IsTruncated: end < keys.length,
      NextContinuationToken: end < keys.length ? String(end) : undefined,
    };
  }

  private head(region: string, request: any): unknown {
    const versions = (this.buckets[region]?.[request.Bucket] ?? []).filter((v) => v.key === request.Key);
    const version = request.VersionId ? versions.find((v) => v.versionId === request.VersionId) : versions.at(-1);
    if (!version) throw awsError('NotFound', 'Not Found', 404);
    const withChecksums = request.ChecksumMode === 'ENABLED';
    return {
      VersionId: version.versionId,
      ContentLength: version.size,
      ETag: version.etag,
      LastModified: version.lastModified,
      ServerSideEncryption: version.sse,
      ReplicationStatus: version.replicationStatus,
      ChecksumSHA256: withChecksums ? version.checksumSHA256 : undefined,
      ChecksumCRC64NVME: withChecksums ? version.checksumCRC64NVME : undefined,
    };
  }

  /** Puts an object in the source and (unless told otherwise) its replica, as S3 replication would. */
  put(object: Omit<StoredVersion, 'replicationStatus'>, replicate: 'replicated' | 'pending' | 'failed' | 'not-eligible' = 'replicated'): void {
    const status = { replicated: 'COMPLETED', pending: 'PENDING', failed: 'FAILED', 'not-eligible': undefined }[replicate];
    this.bucket('eu-west-1', 'shop-documents-eu-west-1').push({ ...object, replicationStatus: status });
    if (replicate === 'replicated') this.bucket('eu-central-1', 'shop-documents-eu-central-1').push({ ...object, replicationStatus: 'REPLICA' });
  }

  /** `name[store]@region=value`, sorted, excluding the duration (asserted separately). */
  published(): string[] {
    return this.metrics
      .filter((m) => m.name !== 'ReplicaCheckSeconds')
      .map((m) => `${m.name}[${m.storeId}]@${m.region}=${m.value}`)
      .sort();
  }
}

function awsError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

const documents = {
  storeId: 'documents',
  sourceBucket: 'shop-documents-eu-west-1',
  sourceRegion: 'eu-west-1',
  replicaBucket: 'shop-documents-eu-central-1',
  replicaRegion: 'eu-central-1',
  sampleSize: 3,
  minAgeSeconds: 900,
};
const config: ReplicationConfig = { namespace: 'Lifeboat', buckets: [documents] };

let s3: FakeS3;
let logs: { event: string; [key: string]: unknown }[];

function object(key: string, ageSeconds: number, extra: Partial<StoredVersion> = {}): Omit<StoredVersion, 'replicationStatus'> {
  return {
    key,
    versionId: `v-${key}`,
    lastModified: ago(ageSeconds),
    size: 1024,
    etag: `"etag-${key}"`,
    checksumCRC64NVME: `crc-${key}`,
    sse: 'aws:kms',
    ...extra,
  };
}

function check(overrides: { config?: ReplicationConfig } = {}): Promise<ReplicationResult> {
  let ticks = 0;
  const sink = (event: string, fields: Record<string, unknown> = {}) => logs.push({ event, ...fields });
  return createReplicationHandler({
    config: overrides.config ?? config,
    s3: s3.s3Client,
    cloudwatch: s3.cloudwatchClient,
    now: () => NOW,
    clock: () => (ticks += 750),
    retry: { sleep: async () => undefined },
    logger: { debug: sink, info: sink, warn: sink, error: sink },
  })();
}

beforeEach(() => {
  s3 = new FakeS3();
  logs = [];
  s3.put(object('a.pdf', 3 * 3600));
  s3.put(object('b.pdf', 2 * 3600));
  s3.put(object('c.pdf', 3600));
  s3.put(object('d.pdf', 10 * 86400));
  // Written a minute ago: replication may still be in flight, so it must not be judged.
  s3.put(object('e.pdf', 60), 'pending');
});

describe('verify-replication', () => {
  it('samples the newest objects older than minAgeSeconds and finds every replica, publishing in the replica region', async () => {
    const result = await check();
    expect(result.failures).toEqual([]);
    expect(result.buckets[0]).toMatchObject({ storeId: 'documents', sampled: 3, missing: 0, sizeOnly: 0, problems: [], seconds: 0.75 });
    const sourceHeads = s3.calls.filter((c) => c.command === 'HeadObject' && c.region === 'eu-west-1');
    expect(sourceHeads.map((c) => c.input.Key).sort()).toEqual(['a.pdf', 'b.pdf', 'c.pdf']);
    const replicaHeads = s3.calls.filter((c) => c.command === 'HeadObject' && c.region === 'eu-central-1');
    expect(replicaHeads.map((c) => c.input)).toEqual(
      expect.arrayContaining([
        { Bucket: 'shop-documents-eu-central-1', Key: 'a.pdf', VersionId: 'v-a.pdf', ChecksumMode: 'ENABLED' },
      ]),
    );
    expect(sourceHeads.every((c) => c.input.ChecksumMode === 'ENABLED')).toBe(true);
    expect(s3.published()).toEqual([
      'MissingReplicas[documents]@eu-central-1=0',
      'ReplicaCheckErrors[documents]@eu-central-1=0',
      'SampledObjects[documents]@eu-central-1=3',
    ]);
    expect(s3.metrics.find((m) => m.name === 'ReplicaCheckSeconds')).toEqual({
      region: 'eu-central-1',
      name: 'ReplicaCheckSeconds',
      value: 0.75,
      storeId: 'documents',
    });
  });

  it.each([
    ['replica deleted from the DR bucket', 'replica-absent', () => s3.bucket('eu-central-1', 'shop-documents-eu-central-1').splice(1, 1)],
    ['source replication FAILED', 'replication-failed', () => s3.put(object('f.pdf', 1800), 'failed')],
    ['still PENDING past minAgeSeconds', 'replication-pending', () => s3.put(object('f.pdf', 1800), 'pending')],
    ['object outside any replication rule', 'not-eligible-for-replication', () => s3.put(object('f.pdf', 1800), 'not-eligible')],
    [
      'replica content differs from the source version',
      'content-differs',
      () => {
        s3.put(object('f.pdf', 1800));
        s3.bucket('eu-central-1', 'shop-documents-eu-central-1').at(-1)!.checksumCRC64NVME = 'crc-corrupted';
      },
    ],
    [
      'replica holds only an older version',
      'replica-absent',
      () => {
        s3.put(object('f.pdf', 1800));
        s3.bucket('eu-west-1', 'shop-documents-eu-west-1').push({ ...object('f.pdf', 1200, { versionId: 'v2' }), replicationStatus: 'COMPLETED' });
      },
    ],
    [
      'an object in the replica bucket that S3 did not replicate',
      'not-a-replica',
      () => {
        s3.put(object('f.pdf', 1800));
        s3.bucket('eu-central-1', 'shop-documents-eu-central-1').at(-1)!.replicationStatus = undefined;
      },
    ],
  ])('counts a missing replica: %s', async (_name, problem, arrange) => {
    arrange();
    const result = await check();
    expect(result.buckets[0].missing).toBe(1);
    expect(result.buckets[0].problems).toEqual([expect.objectContaining({ problem })]);
    expect(s3.published()).toContain('MissingReplicas[documents]@eu-central-1=1');
    expect(logs.find((line) => line.event === 'replicas-missing')).toMatchObject({ storeId: 'documents', missing: 1 });
  });

  it('compares checksums, not ETags, for KMS-encrypted objects, and falls back to size when there is no checksum', async () => {
    s3.put(object('f.pdf', 1800));
    s3.bucket('eu-central-1', 'shop-documents-eu-central-1').at(-1)!.etag = '"different-kms-etag"';
    s3.put(object('g.pdf', 1700, { checksumCRC64NVME: undefined }));
    s3.bucket('eu-central-1', 'shop-documents-eu-central-1').at(-1)!.etag = '"other"';
    const result = await check();
    expect(result.buckets[0]).toMatchObject({ sampled: 3, missing: 0, sizeOnly: 1 });
  });

  it('uses the ETag when neither side is KMS-encrypted and no checksum is shared', async () => {
    s3.put(object('f.pdf', 1800, { sse: 'AES256', checksumCRC64NVME: undefined }));
    s3.bucket('eu-central-1', 'shop-documents-eu-central-1').at(-1)!.etag = '"tampered"';
    const result = await check();
    expect(result.buckets[0].problems).toEqual([{ key: 'f.pdf', versionId: 'v-f.pdf', problem: 'content-differs' }]);
  });

  it('reports a bucket it cannot check through ReplicaCheckErrors and keeps checking the others', async () => {
    const broken = { ...documents, storeId: 'invoices', sourceBucket: 'shop-invoices-eu-west-1', replicaBucket: 'shop-invoices-eu-central-1' };
    s3.fault = (command, _region, input) =>
      command === 'ListObjectsV2' && input.Bucket === broken.sourceBucket ? awsError('AccessDenied', 'Access Denied', 403) : undefined;
    const result = await check({ config: { namespace: 'Lifeboat', buckets: [broken, documents] } });
    expect(result.failures).toEqual(['invoices: AccessDenied: Access Denied']);
    expect(s3.published()).toEqual([
      'MissingReplicas[documents]@eu-central-1=0',
      'ReplicaCheckErrors[documents]@eu-central-1=0',
      'ReplicaCheckErrors[invoices]@eu-central-1=1',
      'SampledObjects[documents]@eu-central-1=3',
    ]);
  });

  it('treats an unreadable sampled object as an unchecked bucket, never as a healthy one', async () => {
    s3.fault = (command, region, input) =>
      command === 'HeadObject' && region === 'eu-central-1' && input.Key === 'b.pdf' ? awsError('AccessDenied', 'kms:Decrypt denied', 403) : undefined;
    const result = await check();
    expect(result.failures).toEqual(['documents: AccessDenied: kms:Decrypt denied']);
    expect(s3.published()).toEqual(['ReplicaCheckErrors[documents]@eu-central-1=1']);
  });

  it('retries S3 throttling (SlowDown) and reaches the same verdict', async () => {
    let throttled = 0;
    s3.fault = (command) => {
      if (command === 'HeadObject' && throttled < 4) {
        throttled++;
        return awsError('SlowDown', 'Please reduce your request rate.', 503);
      }
      return undefined;
    };
    const result = await check();
    expect(throttled).toBe(4);
    expect(result.failures).toEqual([]);
    expect(result.buckets[0]).toMatchObject({ sampled: 3, missing: 0 });
    expect(logs.filter((line) => line.event === 'throttled')).toHaveLength(4);
  });

  it('keeps at most HEAD_CONCURRENCY requests in flight and lists no more than maxListedKeys', async () => {
    for (let i = 0; i < 40; i++) s3.put(object(`bulk/${String(i).padStart(2, '0')}`, 4000 + i));
    const result = await check({ config: { namespace: 'Lifeboat', buckets: [{ ...documents, sampleSize: 30, maxListedKeys: 35 }] } });
    expect(s3.maxInFlightHeads).toBeLessThanOrEqual(HEAD_CONCURRENCY);
    expect(s3.maxInFlightHeads).toBeGreaterThan(1);
    const listed = s3.calls.filter((c) => c.command === 'ListObjectsV2');
    // Pages of 3 in the fake: 35 keys need 12 requests, never more.
    expect(listed).toHaveLength(12);
    expect(result.buckets[0].sampled).toBe(30);
  });

  it('publishes zero sampled objects when nothing is old enough to judge', async () => {
    const result = await check({ config: { namespace: 'Lifeboat', buckets: [{ ...documents, minAgeSeconds: 30 * 86400 }] } });
    expect(result.buckets[0]).toMatchObject({ sampled: 0, missing: 0 });
    expect(s3.published()).toContain('SampledObjects[documents]@eu-central-1=0');
  });
});

describe('parseReplicationConfig', () => {
  it('accepts the configuration the construct writes and lists every problem at once', () => {
    expect(parseReplicationConfig(JSON.stringify(config))).toEqual(config);
    const broken = { namespace: 'Lifeboat', buckets: [{ ...documents, replicaBucket: documents.sourceBucket, sampleSize: 0, replicaRegion: 'x' }] };
    expect(() => parseReplicationConfig(JSON.stringify(broken))).toThrow(
      [
        'LIFEBOAT_REPLICATION_CONFIG is invalid:',
        '  buckets[0].replicaBucket: must differ from sourceBucket',
        '  buckets[0].replicaRegion: must be an AWS region code such as eu-west-1',
        '  buckets[0].sampleSize: must be an integer from 1 to 1000',
      ].join('\n'),
    );
  });
});

describe('verify-replication evidence', () => {
  const evidence = { bucket: 'shop-evidence-eu-central-1', region: 'eu-central-1' };
  let bucket: FakeEvidenceBucket;
  beforeEach(() => {
    bucket = new FakeEvidenceBucket({ bucket: evidence.bucket, writablePrefixes: ['replica-check/'] });
  });
  afterEach(() => bucket.restore());

  function checkAt(at: Date): Promise<ReplicationResult> {
    let ticks = 0;
    return createReplicationHandler({
      config: { ...config, evidence },
      s3: s3.s3Client,
      evidenceS3: () => bucket.client,
      cloudwatch: s3.cloudwatchClient,
      now: () => at,
      clock: () => (ticks += 750),
      retry: { sleep: async () => undefined },
      logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    })();
  }

  it('writes one daily summary per bucket, summed over the day\'s runs, once, under its own prefix', async () => {
    await checkAt(NOW);
    await checkAt(new Date(NOW.getTime() + 15 * 60_000));
    await Promise.all([checkAt(new Date('2026-03-02T00:10:00Z')), checkAt(new Date('2026-03-02T00:10:00Z'))]);
    expect(bucket.violations).toEqual([]);
    expect(bucket.overwritten()).toEqual([]);
    const records = bucket.keys().filter((key) => parseEvidenceKey(key) !== undefined);
    expect(records).toEqual(['replica-check/documents/2026/03/01/documents-20260301.json']);
    const parsed = parseEvidenceJson(bucket.contents()[records[0]]);
    // At 12:15 the object written a minute before 12:00 is old enough to judge and still pending: one missing replica.
    expect(parsed.ok && parsed.record).toMatchObject({ kind: 'replica-check', store: 'documents', region: 'eu-central-1', runs: 2, failedRuns: 0, sampled: 6, missing: 1, mismatched: 0 });
  });
});
