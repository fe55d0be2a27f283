import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { HeadObjectCommand, HeadObjectCommandOutput, ListObjectsV2Command, S3Client, type _Object } from '@aws-sdk/client-s3';
import { RegionalClients, SDK_RETRY } from '../shared/clients';
import { DailySummaries } from '../shared/daily-summary';
import { EvidenceStore } from '../shared/evidence-store';
import { mapSettled } from '../shared/concurrency';
import { createLogger, Logger } from '../shared/log';
import { publishMetrics, RegionalMetric } from '../shared/metrics';
import { RetryOptions, withThrottlingRetry } from '../shared/retry';
import { HANDLER_VERSION } from '../shared/version';
import { parseReplicationConfig, ReplicatedBucketConfig, ReplicationConfig } from './config';
import { REPLICA_EVIDENCE_PREFIX, replicaSummaries, type ReplicaSample } from './evidence';

/** Metric names (namespace from the config; dimension `StoreId`), published in the REPLICA region. */
export const REPLICATION_METRICS = {
  /** Sampled objects whose replica is absent, failed, late, or differs from the source version. */
  missingReplicas: 'MissingReplicas',
  /** Objects compared in this run (0 means nothing old enough to judge). */
  sampledObjects: 'SampledObjects',
  /** Wall-clock seconds the bucket's check took. */
  checkSeconds: 'ReplicaCheckSeconds',
  /** 1 when the bucket could not be checked at all (MissingReplicas is then missing), else 0. */
  checkErrors: 'ReplicaCheckErrors',
} as const;

/** Buckets checked at the same time. */
export const BUCKET_CONCURRENCY = 2;
/** HEAD requests in flight per bucket; S3 allows thousands per second per prefix, this bounds Lambda sockets. */
export const HEAD_CONCURRENCY = 8;
export const DEFAULT_MAX_LISTED_KEYS = 5000;

/** Why one sampled object counts as missing in the replica. */
export type ReplicaProblem =
  | 'replica-absent'
  | 'replication-failed'
  | 'replication-pending'
  | 'not-eligible-for-replication'
  | 'not-a-replica'
  | 'content-differs';

export interface BucketReport {
  readonly storeId: string;
  readonly sampled: number;
  readonly missing: number;
  /** Objects whose content could only be compared by size (no common checksum, ETag not comparable). */
  readonly sizeOnly: number;
  readonly problems: { key: string; versionId?: string; problem: ReplicaProblem }[];
  readonly seconds: number;
}

export interface ReplicationResult {
  readonly buckets: BucketReport[];
  /** `storeId: message` for buckets that could not be checked, and regions whose metrics failed. */
  readonly failures: string[];
}

export interface ReplicationDependencies {
  /** Configuration; read from LIFEBOAT_REPLICATION_CONFIG on first use when absent. */
  readonly config?: ReplicationConfig;
  readonly s3?: (region: string) => S3Client;
  /** S3 client of the evidence bucket's region. @default new S3Client with adaptive retries */
  readonly evidenceS3?: (region: string) => S3Client;
  readonly cloudwatch?: (region: string) => CloudWatchClient;
  readonly now?: () => Date;
  /** Monotonic milliseconds for durations. @default performance.now */
  readonly clock?: () => number;
  readonly retry?: RetryOptions;
  readonly logger?: Logger;
}

const CHECKSUM_FIELDS = [
  'ChecksumSHA256',
  'ChecksumSHA1',
  'ChecksumCRC64NVME',
  'ChecksumCRC32C',
  'ChecksumCRC32',
  'ChecksumSHA512',
  'ChecksumMD5',
  'ChecksumXXHASH128',
  'ChecksumXXHASH3',
  'ChecksumXXHASH64',
] as const;

/**
 * Compares the content of a source object and its replica: a checksum both sides carry decides; without one, the
 * ETag decides only when neither side is KMS- or customer-key-encrypted (those ETags are not content digests and
 * may differ between source and replica); otherwise only the size can be compared.
 */
export function compareContent(source: HeadObjectCommandOutput, replica: HeadObjectCommandOutput): 'same' | 'differs' | 'size-only' {
  if (source.ContentLength !== replica.ContentLength) return 'differs';
  for (const field of CHECKSUM_FIELDS) {
    const a = source[field];
    const b = replica[field];
    if (a && b) return a === b ? 'same' : 'differs';
  }
  const opaqueEtag = (head: HeadObjectCommandOutput) =>
    Boolean(head.SSECustomerAlgorithm) || (head.ServerSideEncryption ?? '').startsWith('aws:kms');
  if (!opaqueEtag(source) && !opaqueEtag(replica) && source.ETag && replica.ETag) {
    return source.ETag === replica.ETag ? 'same' : 'differs';
  }
  return 'size-only';
}

/** Builds the handler; the exported `handler` uses real clients and the environment. */
export function createReplicationHandler(deps: ReplicationDependencies = {}): () => Promise<ReplicationResult> {
  const s3 = new RegionalClients(deps.s3 ?? ((region) => new S3Client({ region, ...SDK_RETRY })));
  const cloudwatch = new RegionalClients(deps.cloudwatch ?? ((region) => new CloudWatchClient({ region, ...SDK_RETRY })));
  const now = deps.now ?? (() => new Date());
  const clock = deps.clock ?? (() => performance.now());
  const log = deps.logger ?? createLogger('verify-replication');
  let config = deps.config;
  const retry: RetryOptions = {
    ...deps.retry,
    onRetry: (error, attempt, delayMs) => log.warn('throttled', { error, attempt, delayMs }),
  };
  const call = <T>(operation: () => Promise<T>): Promise<T> => withThrottlingRetry(operation, retry);
  let summaries: DailySummaries<ReplicaSample> | undefined;

  async function listCandidates(bucket: ReplicatedBucketConfig, at: Date): Promise<_Object[]> {
    const limit = bucket.maxListedKeys ?? DEFAULT_MAX_LISTED_KEYS;
    const cutoff = at.getTime() - bucket.minAgeSeconds * 1000;
    const objects: _Object[] = [];
    let token: string | undefined;
    let listed = 0;
    do {
      const out = await call(() =>
        s3.get(bucket.sourceRegion).send(
          new ListObjectsV2Command({
            Bucket: bucket.sourceBucket,
            Prefix: bucket.prefix,
            MaxKeys: Math.min(1000, limit - listed),
            ContinuationToken: token,
          }),
        ),
      );
      for (const object of out.Contents ?? []) {
        listed++;
        if (object.Key && object.LastModified && object.LastModified.getTime() <= cutoff) objects.push(object);
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token && listed < limit);
    objects.sort((a, b) => b.LastModified!.getTime() - a.LastModified!.getTime() || a.Key!.localeCompare(b.Key!));
    return objects.slice(0, bucket.sampleSize);
  }

  async function checkObject(
    bucket: ReplicatedBucketConfig,
    key: string,
  ): Promise<{ versionId?: string; problem?: ReplicaProblem; sizeOnly?: boolean }> {
    const source = await call(() =>
      s3.get(bucket.sourceRegion).send(new HeadObjectCommand({ Bucket: bucket.sourceBucket, Key: key, ChecksumMode: 'ENABLED' })),
    );
    const versionId = source.VersionId;
    let replica: HeadObjectCommandOutput | undefined;
    try {
      // Replication keeps the version id, so the replica of THIS version is addressed directly.
      replica = await call(() =>
        s3.get(bucket.replicaRegion).send(
          new HeadObjectCommand({ Bucket: bucket.replicaBucket, Key: key, VersionId: versionId, ChecksumMode: 'ENABLED' }),
        ),
      );
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    switch (source.ReplicationStatus) {
      case 'FAILED':
        return { versionId, problem: 'replication-failed' };
      case 'PENDING':
        // Older than minAgeSeconds and still pending: late against the objective, so not (yet) in the DR copy.
        if (!replica) return { versionId, problem: 'replication-pending' };
        break;
      case undefined:
        if (!replica) return { versionId, problem: 'not-eligible-for-replication' };
        break;
      default:
        break;
    }
    if (!replica) return { versionId, problem: 'replica-absent' };
    if (replica.ReplicationStatus !== 'REPLICA') return { versionId, problem: 'not-a-replica' };
    const content = compareContent(source, replica);
    if (content === 'differs') return { versionId, problem: 'content-differs' };
    return { versionId, sizeOnly: content === 'size-only' };
  }

  async function checkBucket(bucket: ReplicatedBucketConfig, at: Date): Promise<BucketReport> {
    const started = clock();
    const sample = await listCandidates(bucket, at);
    const results = await mapSettled(sample, HEAD_CONCURRENCY, (object) => checkObject(bucket, object.Key!));
    const problems: BucketReport['problems'] = [];
    let sizeOnly = 0;
    results.forEach((result, index) => {
      const key = sample[index].Key!;
      if (result.status === 'rejected') {
        // One object that cannot be read leaves the whole bucket unproven: report the bucket as unchecked.
        log.warn('object-unreadable', { storeId: bucket.storeId, key, error: result.reason });
        throw result.reason;
      }
      if (result.value.problem) problems.push({ key, versionId: result.value.versionId, problem: result.value.problem });
      if (result.value.sizeOnly) sizeOnly++;
    });
    return {
      storeId: bucket.storeId,
      sampled: sample.length,
      missing: problems.length,
      sizeOnly,
      problems,
      seconds: Math.round((clock() - started) / 10) / 100,
    };
  }

  return async () => {
    config ??= parseReplicationConfig(process.env.LIFEBOAT_REPLICATION_CONFIG);
    const at = now();
    const buckets: BucketReport[] = [];
    const failures: string[] = [];
    const metrics: RegionalMetric[] = [];
    const settled = await mapSettled(config.buckets, BUCKET_CONCURRENCY, (bucket) => checkBucket(bucket, at));
    settled.forEach((result, index) => {
      const bucket = config!.buckets[index];
      const metric = (name: string, value: number, unit: RegionalMetric['unit']): RegionalMetric => ({
        region: bucket.replicaRegion,
        name,
        value,
        unit,
        dimensions: { StoreId: bucket.storeId },
        timestamp: at,
      });
      if (result.status === 'rejected') {
        failures.push(`${bucket.storeId}: ${errorMessage(result.reason)}`);
        log.error('bucket-unchecked', { storeId: bucket.storeId, error: result.reason });
        metrics.push(metric(REPLICATION_METRICS.checkErrors, 1, 'Count'));
        return;
      }
      const report = result.value;
      buckets.push(report);
      metrics.push(
        metric(REPLICATION_METRICS.missingReplicas, report.missing, 'Count'),
        metric(REPLICATION_METRICS.sampledObjects, report.sampled, 'Count'),
        metric(REPLICATION_METRICS.checkSeconds, report.seconds, 'Seconds'),
        metric(REPLICATION_METRICS.checkErrors, 0, 'Count'),
      );
      const fields = { storeId: report.storeId, sampled: report.sampled, missing: report.missing, sizeOnly: report.sizeOnly };
      if (report.missing > 0) log.error('replicas-missing', { ...fields, problems: report.problems.slice(0, 20) });
      else log.info('bucket-checked', fields);
    });
    for (const failure of await publishMetrics(cloudwatch, config.namespace, metrics, retry)) {
      failures.push(`metrics/${failure.region}: ${errorMessage(failure.error)}`);
      log.error('metrics-not-published', { region: failure.region, error: failure.error });
    }
    if (config.evidence) {
      const target = config.evidence;
      summaries ??= new DailySummaries<ReplicaSample>(
        new EvidenceStore((deps.evidenceS3 ?? ((region) => new S3Client({ region, ...SDK_RETRY })))(target.region), { ...target, prefix: REPLICA_EVIDENCE_PREFIX }, retry),
        (day, samples) => replicaSummaries(day, samples, HANDLER_VERSION, now()),
      );
      const sample: ReplicaSample = {
        at: at.toISOString(),
        buckets: config.buckets.map((bucket, index) => {
          const result = settled[index];
          if (result.status === 'rejected') return { storeId: bucket.storeId, region: bucket.replicaRegion, failed: true, sampled: 0, missing: 0, mismatched: 0, sizeOnly: 0 };
          const mismatched = result.value.problems.filter((problem) => problem.problem === 'content-differs').length;
          return {
            storeId: bucket.storeId,
            region: bucket.replicaRegion,
            failed: false,
            sampled: result.value.sampled,
            missing: result.value.missing - mismatched,
            mismatched,
            sizeOnly: result.value.sizeOnly,
          };
        }),
      };
      // Kept after the metrics; a failure to keep evidence never hides them and the next run retries the summary.
      try {
        await summaries.addSample(at, sample);
        const written = await summaries.summarizePreviousDay(at);
        if (written.length > 0) log.info('daily-summaries-recorded', { stores: written.map((record) => record.store) });
      } catch (error) {
        failures.push(`evidence: ${errorMessage(error)}`);
        log.error('evidence-write-failed', { error });
      }
    }
    return { buckets, failures };
  };
}

function isNotFound(error: unknown): boolean {
  const candidate = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return candidate?.name === 'NotFound' || candidate?.name === 'NoSuchKey' || candidate?.name === 'NoSuchVersion' || candidate?.$metadata?.httpStatusCode === 404;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Lambda entry point (EventBridge schedule). */
export const handler = createReplicationHandler();
