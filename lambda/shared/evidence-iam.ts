import type { PolicyStatement } from '../verify-restore/iam';

export interface EvidenceWriterPolicyProps {
  /** ARN partition, e.g. `aws`. */
  readonly partition: string;
  /** Evidence bucket name. */
  readonly bucket: string;
  /** Region of the evidence bucket (S3 uses the key through `s3.<region>.amazonaws.com`). */
  readonly region: string;
  /** ARN of the bucket's KMS key. */
  readonly kmsKeyArn: string;
  /** Key prefixes (each ending in `/`) the function may create objects under and read back. */
  readonly prefixes: readonly string[];
}

/**
 * What a handler needs to keep evidence, and nothing more: create objects only under its own prefixes and only as
 * conditional creates (`s3:if-none-match` present: it can never replace a record, even before Object Lock and the
 * bucket policy are considered), read and list them back (claims are read before they are superseded), and use the
 * bucket's key through S3 only. No delete, no retention or legal-hold change, no other bucket.
 */
export function evidenceWriterStatements(props: EvidenceWriterPolicyProps): PolicyStatement[] {
  const prefixes = [...new Set(props.prefixes)].sort();
  const bad = prefixes.filter((prefix) => !/^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9.-]*)*\/$/.test(prefix));
  if (bad.length > 0 || prefixes.length === 0) {
    throw new Error(`evidenceWriterStatements: prefixes must be lowercase path segments ending in "/", got ${JSON.stringify(props.prefixes)}`);
  }
  const bucketArn = `arn:${props.partition}:s3:::${props.bucket}`;
  return [
    {
      Sid: 'CreateEvidenceOnceUnderOwnPrefix',
      Effect: 'Allow',
      Action: ['s3:PutObject'],
      Resource: prefixes.map((prefix) => `${bucketArn}/${prefix}*`),
      Condition: { Null: { 's3:if-none-match': 'false' } },
    },
    {
      Sid: 'ReadOwnEvidence',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: prefixes.map((prefix) => `${bucketArn}/${prefix}*`),
    },
    {
      Sid: 'ListOwnEvidence',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [bucketArn],
      Condition: { StringLike: { 's3:prefix': prefixes.map((prefix) => `${prefix}*`) } },
    },
    {
      Sid: 'EncryptEvidenceThroughS3',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: [props.kmsKeyArn],
      Condition: { StringEquals: { 'kms:ViaService': `s3.${props.region}.amazonaws.com` } },
    },
  ];
}
