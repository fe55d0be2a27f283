import { ConfigProblems, parseEvidenceTarget, parseJson, REGION_HINT, REGION_PATTERN, type EvidenceTarget } from '../shared/validate';

/** Environment variable holding the replica check's JSON configuration. */
export const REPLICATION_CONFIG_VARIABLE = 'LIFEBOAT_REPLICATION_CONFIG';

/** Largest sample per bucket: two HEAD requests per object, every run. */
export const MAX_SAMPLE_SIZE = 1000;
/** Largest number of keys listed per bucket and run (ListObjectsV2 pages of 1,000). */
export const MAX_LISTED_KEYS = 100_000;

/** One replicated bucket pair. */
export interface ReplicatedBucketConfig {
  /** Stable store id, the `StoreId` dimension. */
  readonly storeId: string;
  readonly sourceBucket: string;
  readonly sourceRegion: string;
  readonly replicaBucket: string;
  readonly replicaRegion: string;
  /** Objects compared per run (newest first). */
  readonly sampleSize: number;
  /** Objects younger than this are skipped: replication may still be in flight (use the RPO, e.g. 900 s with RTC). */
  readonly minAgeSeconds: number;
  /** Keys listed per run to choose the sample from. @default 5000 */
  readonly maxListedKeys?: number;
  /** Only keys under this prefix are sampled. @default the whole bucket */
  readonly prefix?: string;
}

export interface ReplicationConfig {
  /** CloudWatch namespace, e.g. `Lifeboat`. */
  readonly namespace: string;
  /** The evidence bucket for the daily summaries. @default no summaries */
  readonly evidence?: EvidenceTarget;
  readonly buckets: readonly ReplicatedBucketConfig[];
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Parses and validates `LIFEBOAT_REPLICATION_CONFIG`, reporting every problem at once. */
export function parseReplicationConfig(text: string | undefined): ReplicationConfig {
  const raw = parseJson(text, REPLICATION_CONFIG_VARIABLE);
  const check = new ConfigProblems();
  const root = check.object(raw, 'config');
  const namespace = check.string(root?.namespace, 'namespace');
  const evidence = root?.evidence === undefined ? undefined : parseEvidenceTarget(check, root.evidence, 'evidence');
  const seen = new Set<string>();
  const buckets = check.array(root?.buckets, 'buckets').map((value, index): ReplicatedBucketConfig => {
    const path = `buckets[${index}]`;
    const bucket = check.object(value, path) ?? {};
    const storeId = check.string(bucket.storeId, `${path}.storeId`);
    if (seen.has(storeId)) check.add(`${path}.storeId`, `duplicate store id ${storeId}`);
    seen.add(storeId);
    const sourceBucket = check.string(bucket.sourceBucket, `${path}.sourceBucket`, BUCKET, 'must be an S3 bucket name');
    const replicaBucket = check.string(bucket.replicaBucket, `${path}.replicaBucket`, BUCKET, 'must be an S3 bucket name');
    if (sourceBucket && sourceBucket === replicaBucket) check.add(`${path}.replicaBucket`, 'must differ from sourceBucket');
    return {
      storeId,
      sourceBucket,
      sourceRegion: check.string(bucket.sourceRegion, `${path}.sourceRegion`, REGION_PATTERN, REGION_HINT),
      replicaBucket,
      replicaRegion: check.string(bucket.replicaRegion, `${path}.replicaRegion`, REGION_PATTERN, REGION_HINT),
      sampleSize: check.integer(bucket.sampleSize, `${path}.sampleSize`, 1, MAX_SAMPLE_SIZE),
      minAgeSeconds: check.integer(bucket.minAgeSeconds, `${path}.minAgeSeconds`, 0, 7 * 86_400),
      maxListedKeys:
        bucket.maxListedKeys === undefined ? undefined : check.integer(bucket.maxListedKeys, `${path}.maxListedKeys`, 1, MAX_LISTED_KEYS),
      prefix: bucket.prefix === undefined ? undefined : check.string(bucket.prefix, `${path}.prefix`),
    };
  });
  check.throwIfAny(REPLICATION_CONFIG_VARIABLE);
  return { namespace, ...(evidence ? { evidence } : {}), buckets };
}
