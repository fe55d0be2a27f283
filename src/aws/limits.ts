/**
 * AWS limits on names and settings, in one place: the spec rules, the planner and the constructs' validation of
 * explicit props all check against these. A leaf module: it imports nothing from the rest of Lifeboat, so every
 * layer can depend on it without a circle.
 *
 * Sources: the service API references of CreateDBInstance / CreateDBCluster (identifiers, windows),
 * CreateBackupVault / CreateBackupPlan (vault and plan names), CreateFunction, CreateRole, PutRule, PutMetricAlarm,
 * PutDashboard, CreateLogGroup, CreateTopic, CreateAlias, CreateBucket (bucket naming rules), and
 * PutBucketLifecycleConfiguration (1,000 rules).
 */

/** One naming rule: a maximum length, a pattern the whole name must match, and how to describe it to a user. */
export interface NameRule {
  /** What the name is, for messages: `RDS identifier`, `AWS Backup vault name`. */
  readonly what: string;
  readonly min: number;
  readonly max: number;
  readonly pattern: RegExp;
  /** The allowed characters and shape, in words. */
  readonly form: string;
}

export const NAME_RULES = {
  /** DB instance, cluster and snapshot identifiers; DB subnet and parameter group names follow the same form. */
  rdsIdentifier: {
    what: 'RDS identifier',
    min: 1,
    max: 63,
    pattern: /^[a-zA-Z](?:[a-zA-Z0-9]|-(?=[a-zA-Z0-9]))*$/,
    form: 'letters, digits or single hyphens, starting with a letter and not ending with a hyphen',
  },
  /** DB subnet group names: up to 255 characters (RDS stores them lowercase). */
  dbSubnetGroup: {
    what: 'DB subnet group name',
    min: 1,
    max: 255,
    pattern: /^[a-z0-9](?:[a-z0-9._ -])*$/,
    form: 'lowercase letters, digits, periods, underscores, spaces or hyphens',
  },
  /** DB (cluster) parameter group names. */
  dbParameterGroup: {
    what: 'DB parameter group name',
    min: 1,
    max: 255,
    pattern: /^[a-zA-Z](?:[a-zA-Z0-9]|-(?=[a-zA-Z0-9]))*$/,
    form: 'letters, digits or single hyphens, starting with a letter and not ending with a hyphen',
  },
  /** Aurora global cluster identifiers. */
  globalCluster: {
    what: 'Aurora global cluster identifier',
    min: 1,
    max: 63,
    pattern: /^[a-zA-Z](?:[a-zA-Z0-9]|-(?=[a-zA-Z0-9]))*$/,
    form: 'letters, digits or single hyphens, starting with a letter and not ending with a hyphen',
  },
  backupVault: {
    what: 'AWS Backup vault name',
    min: 2,
    max: 50,
    pattern: /^[a-zA-Z0-9_-]+$/,
    form: 'letters, digits, hyphens or underscores',
  },
  backupPlan: {
    what: 'AWS Backup plan name',
    min: 1,
    max: 50,
    pattern: /^[a-zA-Z0-9._-]+$/,
    form: 'letters, digits, periods, hyphens or underscores',
  },
  backupRule: {
    what: 'AWS Backup rule name',
    min: 1,
    max: 50,
    pattern: /^[a-zA-Z0-9._-]+$/,
    form: 'letters, digits, periods, hyphens or underscores',
  },
  backupSelection: {
    what: 'AWS Backup selection name',
    min: 1,
    max: 50,
    pattern: /^[a-zA-Z0-9._-]+$/,
    form: 'letters, digits, periods, hyphens or underscores',
  },
  bucket: {
    what: 'S3 bucket name',
    min: 3,
    max: 63,
    pattern: /^[a-z0-9](?:[a-z0-9]|[.-](?=[a-z0-9]))*$/,
    form: 'lowercase letters, digits, single hyphens or periods, starting and ending with a letter or digit',
  },
  lambdaFunction: {
    what: 'Lambda function name',
    min: 1,
    max: 64,
    pattern: /^[a-zA-Z0-9_-]+$/,
    form: 'letters, digits, hyphens or underscores',
  },
  iamRole: {
    what: 'IAM role name',
    min: 1,
    max: 64,
    pattern: /^[\w+=,.@-]+$/,
    form: "letters, digits or '+=,.@_-'",
  },
  eventRule: {
    what: 'EventBridge rule name',
    min: 1,
    max: 64,
    pattern: /^[\w.-]+$/,
    form: "letters, digits, '.', '-' or '_'",
  },
  alarm: {
    what: 'CloudWatch alarm name',
    min: 1,
    max: 255,
    pattern: /^[\x20-\x7e]+$/,
    form: 'printable ASCII characters',
  },
  dashboard: {
    what: 'CloudWatch dashboard name',
    min: 1,
    max: 255,
    pattern: /^[A-Za-z0-9_-]+$/,
    form: 'letters, digits, hyphens or underscores',
  },
  logGroup: {
    what: 'CloudWatch Logs log group name',
    min: 1,
    max: 512,
    pattern: /^[\w/.#-]+$/,
    form: "letters, digits, '_', '-', '/', '.' or '#'",
  },
  snsTopic: {
    what: 'SNS topic name',
    min: 1,
    max: 256,
    pattern: /^[A-Za-z0-9_-]+$/,
    form: 'letters, digits, hyphens or underscores',
  },
  /** KMS alias names without the `alias/` prefix (the whole name is at most 256 characters). */
  kmsAlias: {
    what: 'KMS alias',
    min: 1,
    max: 256 - 'alias/'.length,
    pattern: /^(?!aws\/)[a-zA-Z0-9/_-]+$/,
    form: "letters, digits, '/', '_' or '-', not starting with 'aws/'",
  },
  /** EC2 security group names (GroupName). */
  securityGroup: {
    what: 'security group name',
    min: 1,
    max: 255,
    pattern: /^(?!sg-)[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/,
    form: "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*, not starting with 'sg-'",
  },
} as const satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NAME_RULES;

/** Bucket names may not end with these suffixes (reserved for access points and directory buckets). */
export const RESERVED_BUCKET_SUFFIXES = ['-s3alias', '--ol-s3', '--x-s3'] as const;
/** Bucket names may not start with these prefixes (S3 User Guide, bucket naming rules). */
export const RESERVED_BUCKET_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'] as const;

/** Why `name` breaks the rule of `kind`, or null when it is valid. */
export function nameProblem(kind: NameKind, name: string): string | null {
  const rule: NameRule = NAME_RULES[kind];
  if (name.length < rule.min || name.length > rule.max) {
    return `${rule.what} "${name}" is ${name.length} characters; AWS allows ${rule.min === 1 ? 'at most' : `${rule.min} to`} ${rule.max}`;
  }
  if (!rule.pattern.test(name)) return `${rule.what} "${name}" must be ${rule.form}`;
  if (kind === 'bucket') {
    const suffix = RESERVED_BUCKET_SUFFIXES.find((s) => name.endsWith(s));
    if (suffix) return `${rule.what} "${name}" must not end with ${suffix} (reserved by S3)`;
    if (/^\d+\.\d+\.\d+\.\d+$/.test(name) || name.startsWith('xn--') || name.startsWith('sthree-')) {
      return `${rule.what} "${name}" must not look like an IP address or start with xn-- or sthree-`;
    }
  }
  return null;
}

/** AWS region codes, e.g. eu-west-1, us-gov-west-1, ap-southeast-3. */
export const REGION_CODE = /^[a-z]{2,4}(?:-gov|-iso[a-z]?)?-(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-[1-9]$/;

/** RDS settings. */
export const RDS_LIMITS = {
  /** Automated backup (PITR) retention in days. */
  backupRetentionDays: { min: 1, max: 35 },
  /** Replica backup retention (0 = none). */
  replicaBackupRetentionDays: { min: 0, max: 35 },
  /** gp3 allocated storage, GiB. */
  storageGb: { min: 20, max: 65_536 },
  /** Backup and maintenance windows last at least this long. */
  minWindowMinutes: 30,
  /** Enhanced Monitoring intervals, seconds. */
  monitoringIntervals: [0, 1, 5, 10, 15, 30, 60] as readonly number[],
  /** Read replicas per source instance. */
  maxReadReplicas: 15,
  /** Aurora backtrack window, seconds (72 hours). */
  backtrackMaxSeconds: 72 * 3_600,
  /** rds.global_db_rpo accepts 20 seconds or more (aurora-postgresql only). */
  globalDbManagedRpoMinSeconds: 20,
} as const;

/** AWS Backup settings. */
export const BACKUP_LIMITS = {
  /** A job must be allowed at least an hour to start. */
  minStartWindowMinutes: 60,
  /** The completion window is at least the start window plus an hour. */
  minCompletionAfterStartMinutes: 60,
  /** Vault lock retention bounds, days (100 years). */
  lockMinRetentionDays: 1,
  lockMaxRetentionDays: 36_500,
  /** Compliance-mode grace time, days (72 hours). */
  lockMinChangeableForDays: 3,
  /** Days a recovery point must stay in cold storage before it may be deleted. */
  coldStorageMinimumDays: 90,
  /** AWS Backup's default start and completion windows when a rule sets none, minutes (CreateBackupPlan). */
  defaultStartWindowMinutes: 60,
  defaultCompletionWindowMinutes: 1_440,
} as const;

/** S3 settings. */
export const S3_LIMITS = {
  /** Rules in one lifecycle configuration. */
  maxLifecycleRules: 1_000,
  /** Transitions Lifeboat writes per rule (the spec allows six). */
  maxTransitions: 6,
  /** Days objects stay in STANDARD_IA / ONEZONE_IA before they may move on. */
  infrequentAccessMinDays: 30,
  /** Longest Object Lock retention S3 accepts (100 years), in days and in years (PutObjectLockConfiguration). */
  objectLockMaxDays: 36_500,
  objectLockMaxYears: 100,
  /** Replication Time Control's only supported time and event threshold, minutes (S3 User Guide, RTC). */
  rtcMinutes: 15,
} as const;

/** Lambda settings. */
export const LAMBDA_LIMITS = {
  /** Bytes of all environment variables of one function. */
  environmentBytes: 4_096,
} as const;

/** IAM settings. */
export const IAM_LIMITS = {
  /** Bytes of all inline policies of one role. */
  inlinePolicyBytes: 10_240,
  /** Characters in a role name (CreateRole). */
  roleNameMax: NAME_RULES.iamRole.max,
} as const;
