import { IAM_LIMITS, REGION_CODE, RESERVED_BUCKET_PREFIXES as PREFIXES, RESERVED_BUCKET_SUFFIXES as SUFFIXES, S3_LIMITS } from '../../src/aws/limits';

/**
 * S3 limits and forms the replicated bucket checks its props against (S3 User Guide: bucket naming rules, lifecycle
 * transitions, Object Lock, Replication Time Control); the AWS limits themselves live in `src/aws/limits.ts`. `replicated-bucket.ts` re-exports the public ones.
 */

/** S3 Replication Time Control's only supported time and the event threshold it requires, in minutes. */
export const RTC_MINUTES: number = S3_LIMITS.rtcMinutes;
/** Lowest RPO any S3 replication mechanism is designed for (RTC's 15 minutes), in seconds. */
export const MIN_BUCKET_RPO_SECONDS = RTC_MINUTES * 60;
/** Longest Object Lock retention S3 accepts (100 years), in days. */
export const MAX_OBJECT_LOCK_DAYS: number = S3_LIMITS.objectLockMaxDays;
/** Longest Object Lock retention S3 accepts, in years. */
export const MAX_OBJECT_LOCK_YEARS: number = S3_LIMITS.objectLockMaxYears;
/** S3 keeps objects at least this long before moving them to STANDARD_IA or ONEZONE_IA, and before moving on from them. */
export const INFREQUENT_ACCESS_MIN_DAYS: number = S3_LIMITS.infrequentAccessMinDays;

/** IAM role names are at most 64 characters. */
export const IAM_ROLE_NAME_MAX: number = IAM_LIMITS.roleNameMax;
/** Bucket names: 3-63 lowercase letters, digits or hyphens, starting and ending with a letter or digit. */
export const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** Prefixes and suffixes S3 reserves. */
export const RESERVED_BUCKET_PREFIXES: readonly string[] = PREFIXES;
export const RESERVED_BUCKET_SUFFIXES: readonly string[] = SUFFIXES;
/** The shape of an AWS region code: the same check the spec rules apply. */
export const REGION: RegExp = REGION_CODE;
/** Storage classes with the 30-day minimum before and after a transition. */
export const INFREQUENT_ACCESS: ReadonlySet<string> = new Set(['STANDARD_IA', 'ONEZONE_IA']);
/** Replication metrics S3 publishes per rule, with the SourceBucket, DestinationBucket and RuleId dimensions. */
export const REPLICATION_METRICS: ReadonlySet<string> = new Set([
  'ReplicationLatency',
  'BytesPendingReplication',
  'OperationsPendingReplication',
  'OperationsFailedReplication',
]);
/** Alarm ids name constructs: lowercase letters, digits and hyphens. */
export const ALARM_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

