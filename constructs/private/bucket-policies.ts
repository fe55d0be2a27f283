/**
 * The IAM documents of a replicated bucket: its bucket policy and the replication role's policy. Pure functions of
 * ARNs and regions, so tests can read them without synthesizing.
 */

/** Bucket policy: TLS only, and no object written under another encryption than this bucket's key. */
export function bucketPolicy(bucketArn: string, keyArn: string): Record<string, unknown> {
  const objects = `${bucketArn}/*`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [bucketArn, objects],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      // Writes that name nothing get the default (this key). Writes asking for SSE-S3 or another KMS key are refused:
      // the replication role can decrypt only this key, so such objects would silently never reach the DR region.
      // Replication itself uses s3:ReplicateObject, which these statements do not cover.
      {
        Sid: 'DenyOtherEncryption',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: objects,
        Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': ['aws:kms', 'aws:kms:dsse'] } },
      },
      {
        Sid: 'DenyOtherKmsKeys',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: objects,
        Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': keyArn } },
      },
    ],
  };
}

export interface ReplicationPolicyInput {
  readonly sourceArn: string;
  readonly replicaArn: string;
  readonly sourceKeyArn: string;
  readonly replicaKeyArn: string;
  readonly sourceRegion: string;
  readonly replicaRegion: string;
  readonly objectLock: boolean;
}

/**
 * Exactly what S3 replication needs (S3 User Guide, "Setting up permissions for live replication", "Replicating
 * encrypted objects", "Using Object Lock with S3 Replication"), scoped to these two buckets and keys.
 */
export function replicationPolicy(input: ReplicationPolicyInput): Record<string, unknown> {
  const sourceReads = ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'];
  if (input.objectLock) sourceReads.push('s3:GetObjectRetention', 's3:GetObjectLegalHold');
  // With S3 Bucket Keys the KMS encryption context is the BUCKET ARN, not the object ARN; objects written with the
  // bucket key explicitly disabled carry the object ARN. Both stay inside this one bucket.
  const context = (bucketArn: string) => ({ 'kms:EncryptionContext:aws:s3:arn': [bucketArn, `${bucketArn}/*`] });
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadSourceReplicationConfiguration',
        Effect: 'Allow',
        Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
        Resource: input.sourceArn,
      },
      { Sid: 'ReadSourceVersions', Effect: 'Allow', Action: sourceReads, Resource: `${input.sourceArn}/*` },
      {
        Sid: 'WriteReplicas',
        Effect: 'Allow',
        Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
        Resource: `${input.replicaArn}/*`,
      },
      {
        Sid: 'DecryptSourceObjects',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: input.sourceKeyArn,
        Condition: {
          StringEquals: { 'kms:ViaService': s3ServiceHost(input.sourceRegion) },
          StringLike: context(input.sourceArn),
        },
      },
      {
        // kms:Decrypt on the replica key: S3 verifies the integrity of a bucket key with Decrypt before reusing it.
        Sid: 'EncryptReplicas',
        Effect: 'Allow',
        Action: ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: input.replicaKeyArn,
        Condition: {
          StringEquals: { 'kms:ViaService': s3ServiceHost(input.replicaRegion) },
          StringLike: context(input.replicaArn),
        },
      },
    ],
  };
}

function s3ServiceHost(region: string): string {
  return region.startsWith('cn-') ? `s3.${region}.amazonaws.com.cn` : `s3.${region}.amazonaws.com`;
}
