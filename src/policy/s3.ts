import { refersTo, resources, type BlockRef } from './document';
import type { TerraformDocument } from './types';

export function buckets(doc: TerraformDocument): BlockRef[] {
  return resources(doc, 'aws_s3_bucket');
}

/** `${aws_s3_bucket_<companion>.<name>.id|bucket}`: companions expose their bucket's name as `id` and `bucket`. */
const COMPANION_REFERENCE = /\$\{(aws_s3_bucket_[a-z_]+)\.([\w-]+)\.(?:id|bucket)\}/g;

/**
 * Whether `value` names the bucket: a reference to it (`${aws_s3_bucket.x.id}`, `.bucket`, `.arn`), its literal
 * name or ARN, or a reference to one of its companions (`${aws_s3_bucket_versioning.x.bucket}`, a pattern the
 * provider documentation recommends to order resources).
 */
export function pointsAtBucket(doc: TerraformDocument, value: unknown, bucket: BlockRef): boolean {
  if (refersTo(value, bucket, bucket.body.bucket)) return true;
  if (typeof value !== 'string') return false;
  for (const match of value.matchAll(COMPANION_REFERENCE)) {
    const companion = resources(doc, match[1] as string).find((candidate) => candidate.name === match[2]);
    if (companion && refersTo(companion.body.bucket, bucket, bucket.body.bucket)) return true;
  }
  return false;
}

/** The `aws_s3_bucket_*` companion resources of `type` whose `bucket` argument names the bucket. */
export function companionsOf(doc: TerraformDocument, type: string, bucket: BlockRef): BlockRef[] {
  return resources(doc, type).filter((candidate) => pointsAtBucket(doc, candidate.body.bucket, bucket));
}
