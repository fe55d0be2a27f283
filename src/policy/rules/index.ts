import type { PolicyRule } from '../types';
import { cloudwatchAlarmActions } from './cloudwatch-alarm-actions';
import { iamNoWildcardAdmin } from './iam-no-wildcard-admin';
import { iamPolicyReadable } from './iam-policy-readable';
import { iamRdsDestructiveConditioned } from './iam-rds-destructive-conditioned';
import { kmsKeyRotation } from './kms-key-rotation';
import { noForceDestroy } from './no-force-destroy';
import { noUncheckedModules } from './no-unchecked-modules';
import { preventDestroy } from './prevent-destroy';
import { rdsBackupRetention } from './rds-backup-retention';
import { rdsDeletionProtection } from './rds-deletion-protection';
import { rdsFinalSnapshot } from './rds-final-snapshot';
import { rdsNotPublic } from './rds-not-public';
import { rdsRetainAutomatedBackups } from './rds-retain-automated-backups';
import { rdsStorageEncrypted } from './rds-storage-encrypted';
import { s3NoPublicAcl } from './s3-no-public-acl';
import { s3NoPublicPolicy } from './s3-no-public-policy';
import { s3ObjectLockWhenRequired } from './s3-object-lock-when-required';
import { s3PublicAccessBlock } from './s3-public-access-block';
import { s3ReplicationAfterVersioning } from './s3-replication-after-versioning';
import { s3ReplicationConfigured } from './s3-replication-configured';
import { s3SseKms } from './s3-sse-kms';
import { s3TlsOnly } from './s3-tls-only';
import { s3VersioningEnabled } from './s3-versioning-enabled';
import { sgNoPublicIngress } from './sg-no-public-ingress';

/** Every rule, grouped by pack then by id: the order findings are reported in for one resource. */
export const ALL_RULES: readonly PolicyRule[] = [
  cloudwatchAlarmActions,
  noForceDestroy,
  noUncheckedModules,
  preventDestroy,
  rdsBackupRetention,
  rdsDeletionProtection,
  rdsFinalSnapshot,
  rdsRetainAutomatedBackups,
  s3ObjectLockWhenRequired,
  s3ReplicationAfterVersioning,
  s3ReplicationConfigured,
  s3VersioningEnabled,
  kmsKeyRotation,
  rdsStorageEncrypted,
  s3SseKms,
  s3TlsOnly,
  rdsNotPublic,
  s3NoPublicAcl,
  s3NoPublicPolicy,
  s3PublicAccessBlock,
  sgNoPublicIngress,
  iamNoWildcardAdmin,
  iamPolicyReadable,
  iamRdsDestructiveConditioned,
];

export {
  cloudwatchAlarmActions,
  iamNoWildcardAdmin,
  iamPolicyReadable,
  iamRdsDestructiveConditioned,
  kmsKeyRotation,
  noForceDestroy,
  noUncheckedModules,
  preventDestroy,
  rdsBackupRetention,
  rdsDeletionProtection,
  rdsFinalSnapshot,
  rdsNotPublic,
  rdsRetainAutomatedBackups,
  rdsStorageEncrypted,
  s3NoPublicAcl,
  s3NoPublicPolicy,
  s3ObjectLockWhenRequired,
  s3PublicAccessBlock,
  s3ReplicationAfterVersioning,
  s3ReplicationConfigured,
  s3SseKms,
  s3TlsOnly,
  s3VersioningEnabled,
  sgNoPublicIngress,
};
