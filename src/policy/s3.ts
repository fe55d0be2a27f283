import { isNonEmptyString, type BlockRef } from './document';
import type { DocumentIndex } from './document-index';

const BUCKET_REFERENCE = /(?:^|[^\w.-])aws_s3_bucket\.([\w-]+)(?=[.[}\s]|$)/g;
/** `${aws_s3_bucket_<companion>.<name>.id|bucket}`: companions expose their bucket's name as `id` and `bucket`. */
const COMPANION_REFERENCE = /(?:^|[^\w.-])(aws_s3_bucket_[a-z_]+)\.([\w-]+)\.(?:id|bucket)(?=[}\s]|$)/g;
const S3_ARN = /^arn:[\w-]+:s3:::(.+)$/;

/**
 * How a document's buckets can be named, for one document index: by resource name (interpolations), by literal
 * bucket name, and their companion resources (`aws_s3_bucket_<x>`) by type. Rules look buckets up once per bucket;
 * building each map once keeps a 1,000-bucket stack linear.
 */
export class BucketIndex {
  private readonly byResourceName = new Map<string, BlockRef>();
  private readonly byLiteralName = new Map<string, BlockRef>();
  /** Companions by type, then by the address of the bucket they name; built per type on first use. */
  private readonly companions = new Map<string, Map<string, BlockRef[]>>();

  constructor(private readonly index: DocumentIndex) {
    for (const bucket of index.buckets()) {
      this.byResourceName.set(bucket.name, bucket);
      if (isNonEmptyString(bucket.body.bucket) && !bucket.body.bucket.includes('${')) this.byLiteralName.set(bucket.body.bucket, bucket);
    }
  }

  /**
   * The buckets a value names: interpolations of the bucket (`${aws_s3_bucket.x.id}`, `.bucket`, `.arn`, `[0]`), its
   * literal name or ARN, or an interpolation of one of its companions (`${aws_s3_bucket_versioning.x.bucket}`, the
   * ordering pattern the provider documentation recommends).
   */
  bucketsNamedBy(value: unknown, followCompanions = true): BlockRef[] {
    if (typeof value !== 'string') return [];
    const found = new Set<BlockRef>();
    for (const expression of value.matchAll(/\$\{([^}]*)\}/g)) {
      const text = expression[1] ?? '';
      for (const match of text.matchAll(BUCKET_REFERENCE)) {
        const bucket = this.byResourceName.get(match[1] as string);
        if (bucket) found.add(bucket);
      }
      if (!followCompanions) continue;
      for (const match of text.matchAll(COMPANION_REFERENCE)) {
        const companion = this.index.block(`${match[1] as string}.${match[2] as string}`);
        if (companion) this.bucketsNamedBy(companion.body.bucket, false).forEach((bucket) => found.add(bucket));
      }
    }
    if (!value.includes('${')) {
      const literal = this.byLiteralName.get(S3_ARN.exec(value)?.[1] ?? value);
      if (literal) found.add(literal);
    }
    return [...found];
  }

  /** The `aws_s3_bucket_*` companion resources of `type` whose `bucket` argument names the bucket. */
  companionsOf(type: string, bucket: BlockRef): readonly BlockRef[] {
    let byBucket = this.companions.get(type);
    if (!byBucket) {
      byBucket = new Map();
      for (const companion of this.index.resources(type)) {
        for (const named of this.bucketsNamedBy(companion.body.bucket)) {
          const list = byBucket.get(named.address);
          if (list) list.push(companion);
          else byBucket.set(named.address, [companion]);
        }
      }
      this.companions.set(type, byBucket);
    }
    return byBucket.get(bucket.address) ?? [];
  }
}
