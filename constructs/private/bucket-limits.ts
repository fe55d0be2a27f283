/**
 * S3 limits and forms the replicated bucket checks its props against (S3 User Guide: bucket naming rules, lifecycle
 * transitions, Object Lock, Replication Time Control). `replicated-bucket.ts` re-exports the public ones.
 */

/** S3 Replication Time Control's only supported time and the event threshold it requires, in minutes. */
export const RTC_MINUTES = 15;
/** Lowest RPO any S3 replication mechanism is designed for (RTC's 15 minutes), in seconds. */
export const MIN_BUCKET_RPO_SECONDS = RTC_MINUTES * 60;
/** Longest Object Lock retention S3 accepts (100 years), in days. */
export const MAX_OBJECT_LOCK_DAYS = 36_500;
/** Longest Object Lock retention S3 accepts, in years. */
export const MAX_OBJECT_LOCK_YEARS = 100;
/** S3 keeps objects at least this long before moving them to STANDARD_IA or ONEZONE_IA, and before moving on from them. */
export const INFREQUENT_ACCESS_MIN_DAYS = 30;

/** IAM role names are at most 64 characters. */
export const IAM_ROLE_NAME_MAX = 64;
/** Bucket names: 3-63 lowercase letters, digits or hyphens, starting and ending with a letter or digit. */
export const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** Prefixes and suffixes S3 reserves. */
export const RESERVED_BUCKET_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
export const RESERVED_BUCKET_SUFFIXES = ['-s3alias', '--ol-s3', '--x-s3'];
/** The shape of an AWS region code. */
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
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

