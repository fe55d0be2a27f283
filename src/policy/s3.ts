import { isNonEmptyString, resources, type BlockRef } from './document';
import type { TerraformDocument } from './types';

export function buckets(doc: TerraformDocument): BlockRef[] {
  return resources(doc, 'aws_s3_bucket');
}

/** How a document's buckets can be named: by resource name (interpolations) and by literal bucket name. */
interface BucketIndex {
  byResourceName: Map<string, BlockRef>;
  byLiteralName: Map<string, BlockRef>;
  /** Companion resources (`aws_s3_bucket_<x>`) by type, then by the address of the bucket they name. */
  companions: Map<string, Map<string, BlockRef[]>>;
}

// Rules look buckets up once per bucket; an index per document keeps a 1,000-bucket stack linear.
const indexes = new WeakMap<TerraformDocument, BucketIndex>();

/** Drops the cached index of a document (the engine calls it before each run, in case the document changed). */
export function forgetBucketIndex(doc: TerraformDocument): void {
  indexes.delete(doc);
}

function indexOf(doc: TerraformDocument): BucketIndex {
  let index = indexes.get(doc);
  if (!index) {
    index = { byResourceName: new Map(), byLiteralName: new Map(), companions: new Map() };
    for (const bucket of buckets(doc)) {
      index.byResourceName.set(bucket.name, bucket);
      if (isNonEmptyString(bucket.body.bucket) && !bucket.body.bucket.includes('${')) index.byLiteralName.set(bucket.body.bucket, bucket);
    }
    indexes.set(doc, index);
  }
  return index;
}

const BUCKET_REFERENCE = /(?:^|[^\w.-])aws_s3_bucket\.([\w-]+)(?=[.[}\s]|$)/g;
/** `${aws_s3_bucket_<companion>.<name>.id|bucket}`: companions expose their bucket's name as `id` and `bucket`. */
const COMPANION_REFERENCE = /(?:^|[^\w.-])(aws_s3_bucket_[a-z_]+)\.([\w-]+)\.(?:id|bucket)(?=[}\s]|$)/g;
const S3_ARN = /^arn:[\w-]+:s3:::(.+)$/;

/**
 * The buckets a value names: interpolations of the bucket (`${aws_s3_bucket.x.id}`, `.bucket`, `.arn`, `[0]`), its
 * literal name or ARN, or an interpolation of one of its companions (`${aws_s3_bucket_versioning.x.bucket}`, the
 * ordering pattern the provider documentation recommends).
 */
export function bucketsNamedBy(doc: TerraformDocument, value: unknown, followCompanions = true): BlockRef[] {
  if (typeof value !== 'string') return [];
  const index = indexOf(doc);
  const found = new Set<BlockRef>();
  for (const expression of value.matchAll(/\$\{([^}]*)\}/g)) {
    const text = expression[1] ?? '';
    for (const match of text.matchAll(BUCKET_REFERENCE)) {
      const bucket = index.byResourceName.get(match[1] as string);
      if (bucket) found.add(bucket);
    }
    if (!followCompanions) continue;
    for (const match of text.matchAll(COMPANION_REFERENCE)) {
      const companion = resources(doc, match[1] as string).find((candidate) => candidate.name === match[2]);
      if (companion) bucketsNamedBy(doc, companion.body.bucket, false).forEach((bucket) => found.add(bucket));
    }
  }
  if (!value.includes('${')) {
    const literal = index.byLiteralName.get(S3_ARN.exec(value)?.[1] ?? value);
    if (literal) found.add(literal);
  }
  return [...found];
}

export function pointsAtBucket(doc: TerraformDocument, value: unknown, bucket: BlockRef): boolean {
  return bucketsNamedBy(doc, value).some((named) => named.address === bucket.address);
}

/** The `aws_s3_bucket_*` companion resources of `type` whose `bucket` argument names the bucket. */
export function companionsOf(doc: TerraformDocument, type: string, bucket: BlockRef): BlockRef[] {
  const index = indexOf(doc);
  let byBucket = index.companions.get(type);
  if (!byBucket) {
    byBucket = new Map();
    for (const companion of resources(doc, type)) {
      for (const named of bucketsNamedBy(doc, companion.body.bucket)) {
        byBucket.set(named.address, [...(byBucket.get(named.address) ?? []), companion]);
      }
    }
    index.companions.set(type, byBucket);
  }
  return byBucket.get(bucket.address) ?? [];
}
