/**
 * `lifeboat/constructs`: the constructs a user instantiates, their props and the types those props are made of.
 * Everything else in this directory (helpers, renderers of a plan, validation, the Lambda packaging) is private.
 */
export { DisasterRecovery, type DisasterRecoveryProps } from './disaster-recovery';
export {
  ProtectedDatabase,
  type ProtectedDatabaseProps,
  type DisasterRecoveryRegion,
  type ExistingDatabase,
  type ReadReplicaProps,
  type RdsInstanceEngine,
  type RegionalKey,
} from './protected-database';
export { ProtectedAuroraCluster, type ProtectedAuroraClusterProps, type AuroraEngine, type AuroraGlobalSecondaryProps } from './protected-aurora-cluster';
export {
  ReplicatedBucket,
  stackBucketKey,
  type ReplicatedBucketProps,
  type ObjectLockMode,
  type ObjectLockRetention,
  type ReplicaStorageClass,
  type StackBucketKeyOptions,
  type StorageTransition,
  type TransitionStorageClass,
} from './replicated-bucket';
export {
  BackupVault,
  type BackupVaultProps,
  type BackupRuleProps,
  type CopyVaultProps,
  type LongTermBackupOptions,
  type VaultLockProps,
} from './backup-vault';
export { EncryptionKey, type EncryptionKeyProps, type KeyServiceGrant } from './encryption-key';
export { AlertTopics, type AlertTopicsProps } from './alert-topics';
export { EvidenceBucket, type EvidenceBucketProps } from './evidence-bucket';
export { VerificationRestore, type VerificationRestoreProps, type VerificationStore } from './verification-restore';
export { BackupAgeProbe, type BackupAgeProbeProps, type BackupAgeProbeStore } from './backup-age-probe';
export { ReplicationCheck, type ReplicationCheckProps, type ReplicationCheckBucket } from './replication-check';
export type { AlarmTopics } from './alarm';
