import { resources, resourcesReferring, type BlockRef } from './document';
import type { TerraformDocument } from './types';

export function buckets(doc: TerraformDocument): BlockRef[] {
  return resources(doc, 'aws_s3_bucket');
}

/**
 * The `aws_s3_bucket_*` companion resources of `type` whose `bucket` argument points at the bucket, by reference
 * (`${aws_s3_bucket.x.id}`, `.bucket`) or by its literal name.
 */
export function companionsOf(doc: TerraformDocument, type: string, bucket: BlockRef): BlockRef[] {
  return resourcesReferring(doc, type, 'bucket', bucket, bucket.body.bucket);
}
