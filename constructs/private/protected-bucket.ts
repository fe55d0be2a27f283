import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import type { Construct } from 'constructs';
import type { EncryptionKey } from '../encryption-key';
import type { ObjectLockRetention, ProtectedBucketResources, StorageTransition } from '../replicated-bucket';
import { bucketPolicy } from './bucket-policies';
import { dependOn, ref } from './reference';

export interface ProtectedBucketOptions {
  readonly region: string;
  readonly name: string;
  readonly key: EncryptionKey;
  readonly retentionDays: number;
  readonly transitions: StorageTransition[];
  readonly abortDays: number;
  readonly objectLock?: ObjectLockRetention;
  readonly tags?: Record<string, string>;
}

/** One bucket with every protection Lifeboat requires; both sides of a ReplicatedBucket are built here. */
export function protectedBucket(scope: Construct, options: ProtectedBucketOptions): ProtectedBucketResources {
  const { region } = options;
  const bucket = new S3Bucket(scope, 'bucket', {
    region,
    bucket: options.name,
    // Object Lock can only be switched on when the bucket is created, and replicating locked objects needs it on
    // both sides.
    objectLockEnabled: options.objectLock !== undefined,
    forceDestroy: false,
    tags: options.tags,
    lifecycle: { preventDestroy: true },
  });
  // Read once and shared by the bucket's configurations.
  const bucketId = ref(bucket, 'id');
  const bucketArn = ref(bucket, 'arn');
  const versioning = new S3BucketVersioningA(scope, 'versioning', {
    region,
    bucket: bucketId,
    versioningConfiguration: { status: 'Enabled' },
  });
  new S3BucketServerSideEncryptionConfigurationA(scope, 'encryption', {
    region,
    bucket: bucketId,
    rule: [
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: options.key.keyArn },
        bucketKeyEnabled: true,
        // SSE-C objects are encrypted with keys S3 never keeps: nobody but the writer could ever read the replica.
        blockedEncryptionTypes: ['SSE-C'],
      },
    ],
  });
  const publicAccessBlock = new S3BucketPublicAccessBlock(scope, 'public-access-block', {
    region,
    bucket: bucketId,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketOwnershipControls(scope, 'ownership', {
    region,
    bucket: bucketId,
    rule: { objectOwnership: 'BucketOwnerEnforced' },
  });
  const policy = new S3BucketPolicy(scope, 'policy', {
    region,
    bucket: bucketId,
    policy: JSON.stringify(bucketPolicy(bucketArn, options.key.keyArn)),
  });
  // S3 rejects concurrent public-access-block and policy updates on one bucket ("conflicting conditional operation").
  dependOn(policy, [publicAccessBlock]);
  const lifecycle = new S3BucketLifecycleConfiguration(scope, 'lifecycle', {
    region,
    bucket: bucketId,
    rule: [
      {
        id: 'retention',
        status: 'Enabled',
        // AWS provider 6 requires a filter (or prefix) on every rule; the empty one selects every object.
        filter: [{}],
        noncurrentVersionExpiration: [{ noncurrentDays: options.retentionDays }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: options.abortDays }],
        expiration: [{ expiredObjectDeleteMarker: true }],
        ...(options.transitions.length > 0
          ? {
              transition: options.transitions.map((t) => ({ days: t.afterDays, storageClass: t.storageClass })),
              noncurrentVersionTransition: options.transitions.map((t) => ({
                noncurrentDays: t.afterDays,
                storageClass: t.storageClass,
              })),
            }
          : {}),
      },
    ],
  });
  // Rules on noncurrent versions are rejected or ignored until versioning is on.
  dependOn(lifecycle, [versioning]);
  const objectLock = options.objectLock
    ? new S3BucketObjectLockConfigurationA(scope, 'object-lock', {
        region,
        bucket: bucketId,
        rule: {
          defaultRetention: {
            // S3's API spells the modes in capitals; props use the spec's casing.
            mode: options.objectLock.mode.toUpperCase(),
            ...(options.objectLock.years !== undefined ? { years: options.objectLock.years } : { days: options.objectLock.days }),
          },
        },
      })
    : undefined;
  return { bucket, versioning, key: options.key, objectLock };
}
