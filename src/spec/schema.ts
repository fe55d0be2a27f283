/**
 * The structural schema of backup_requirements.json (version 1), in zod 4. It checks types, shapes, enums and
 * per-field formats only; rules that relate fields to each other live in `rules.ts`, which runs even when this
 * schema fails so that every problem is reported at once. No transforms here, so `z.toJSONSchema` can export it.
 */
import * as z from 'zod';
import { RDS_LIMITS, REGION_CODE } from '../aws/limits';
import { DURATION_FORMS } from './duration';
import {
  ENGINES,
  LOCK_MODES,
  REGION_ROLES,
  REPLICA_STORAGE_CLASSES,
  TRANSITION_STORAGE_CLASSES,
} from './types';

export const NAME_MAX = 24;
export const STORE_ID_MAX = 32;
export const MAX_USER_TAGS = 40;
export const MAX_READ_REPLICAS = RDS_LIMITS.maxReadReplicas;
export const STORAGE_GB_MIN = RDS_LIMITS.storageGb.min;
export const STORAGE_GB_MAX = RDS_LIMITS.storageGb.max;

const DNS_LABEL = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*$/;
const DNS_LABEL_FORM = 'lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen';
export { REGION_CODE };
const SQL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,62}(?:\.[A-Za-z_][A-Za-z0-9_$]{0,62})?$/;
const SQL_IDENTIFIER_FORM = 'a SQL identifier (letters, digits, _ or $; optionally schema-qualified as schema.table)';

const duration = z
  .string({ error: `expected a duration string: ${DURATION_FORMS}` })
  .regex(/^[1-9][0-9]{0,9}[smhdy]$/, {
    error: (issue) => `invalid duration ${JSON.stringify(issue.input)}: expected ${DURATION_FORMS}`,
  })
  .meta({ description: `Duration: ${DURATION_FORMS}` });

const dnsLabel = (max: number) =>
  z
    .string()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` })
    .regex(DNS_LABEL, { error: `must be ${DNS_LABEL_FORM}` });

const region = z
  .string()
  .regex(REGION_CODE, { error: (issue) => `${JSON.stringify(issue.input)} is not an AWS region code (e.g. eu-west-1)` });

const sqlIdentifier = z.string().regex(SQL_IDENTIFIER, { error: `must be ${SQL_IDENTIFIER_FORM}` });

const scopeObjectives = z
  .strictObject({ az: duration.optional(), region: duration.optional(), corruption: duration.optional() })
  .meta({ description: 'Objective per failure scope: az outage, region outage, corruption (logical damage)' });

const tagKey = z
  .string()
  .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, {
    error: 'tag keys are 1-128 characters of letters, digits, spaces and _ . : / = + - @',
  });
const tagValue = z
  .string()
  .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u, {
    error: 'tag values are 0-256 characters of letters, digits, spaces and _ . : / = + - @',
  });

const regionNetwork = z.strictObject({
  vpcId: z.string().regex(/^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, { error: 'must be a VPC id (vpc- and 8 or 17 hex digits)' }),
  subnetIds: z
    .array(
      z.string().regex(/^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, { error: 'must be a subnet id (subnet- and 8 or 17 hex digits)' }),
    )
    .min(2, { error: 'needs at least 2 subnets in different AZs (RDS DB subnet groups require 2 AZs)' })
    .max(20, { error: 'at most 20 subnets' }),
  securityGroupIds: z
    .array(z.string().regex(/^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, { error: 'must be a security group id (sg- and 8 or 17 hex digits)' }))
    .max(5, { error: 'at most 5 security groups' })
    .optional(),
});

const retention = z.strictObject({
  pointInTime: duration.meta({ description: 'Point-in-time recovery window, 1d-35d (RDS automated backups)' }),
  longTerm: duration.optional().meta({ description: 'Long-term retention through AWS Backup (>= pointInTime)' }),
  lock: z
    .strictObject({
      mode: z.enum(LOCK_MODES),
      changeableFor: duration.optional().meta({ description: 'Compliance mode grace time before the lock is immutable (>= 3d)' }),
    })
    .optional(),
});

const readReplica = z.strictObject({
  region: z.string().meta({ description: '"primary", "dr", or the code of one of those two regions' }),
  instanceClass: z.string().optional(),
});

const instanceClass = z
  .string()
  .regex(/^db\.[a-z0-9]+(?:\.[a-z0-9]+)?$/, { error: 'must be an RDS instance class such as db.r6g.large or db.serverless' });

const sqlExpectation = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('noRows') }),
  z.strictObject({ type: z.literal('someRows') }),
  z.strictObject({ type: z.literal('value'), value: z.union([z.string(), z.number(), z.boolean(), z.null()]) }),
]);

const check = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('tableExists'), table: sqlIdentifier }),
  z.strictObject({
    type: z.literal('rowCount'),
    table: sqlIdentifier,
    min: z.int().min(0).optional(),
    max: z.int().min(0).optional(),
  }),
  z.strictObject({ type: z.literal('freshness'), table: sqlIdentifier, column: sqlIdentifier, maxLag: duration.optional() }),
  z.strictObject({
    type: z.literal('sql'),
    name: dnsLabel(63),
    sql: z.string().min(1).max(10_000),
    expect: sqlExpectation,
  }),
]);

const verification = z.strictObject({
  schedule: z
    .string()
    .meta({ description: 'EventBridge rate(...) or cron(...) expression, or a duration (every 1h..3d)' }),
  region: z.enum(REGION_ROLES).optional(),
  checks: z.array(check).max(100).optional(),
  freshness: z
    .strictObject({ table: sqlIdentifier, column: sqlIdentifier, maxLag: duration.optional() })
    .optional(),
  maxLifetime: duration.optional(),
  instanceClass: instanceClass.optional(),
});

const database = z.strictObject({
  id: dnsLabel(STORE_ID_MAX),
  engine: z.enum(ENGINES),
  engineVersion: z
    .string()
    .regex(/^[0-9][0-9A-Za-z._-]{0,63}$/, { error: 'must be an engine version such as 16 or 8.0 (a major version), or 16.4 with autoMinorVersionUpgrade: false' })
    .optional()
    .meta({ description: 'Major version (16, 8.0, 10.11) while autoMinorVersionUpgrade is on; a full version (16.4) only with it off' }),
  autoMinorVersionUpgrade: z
    .boolean()
    .optional()
    .meta({ description: 'RDS applies minor engine upgrades in the maintenance window (default true); false pins a full engineVersion' }),
  instanceClass: instanceClass.optional(),
  storageGb: z
    .int()
    .min(STORAGE_GB_MIN, { error: `must be at least ${STORAGE_GB_MIN} GiB (RDS gp3 minimum)` })
    .max(STORAGE_GB_MAX, { error: `must be at most ${STORAGE_GB_MAX} GiB (RDS maximum)` })
    .optional(),
  existing: z
    .strictObject({
      identifier: z
        .string()
        .regex(/^[A-Za-z](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,62}$/, { error: 'must be an RDS instance or cluster identifier' }),
    })
    .optional(),
  rpo: scopeObjectives.optional(),
  rto: scopeObjectives.optional(),
  retention,
  readReplicas: z.array(readReplica).max(MAX_READ_REPLICAS, { error: `at most ${MAX_READ_REPLICAS} read replicas` }).optional(),
  multiAz: z
    .boolean()
    .optional()
    .meta({ description: 'true forces a standby in a second AZ (Aurora: a reader instance there), false forbids it; absent lets the planner decide' }),
  backtrack: duration.optional().meta({ description: 'Aurora MySQL backtrack window (<= 72h)' }),
  verification: verification.optional(),
});

const bucket = z.strictObject({
  id: dnsLabel(STORE_ID_MAX),
  rpo: duration.optional().meta({ description: 'Region-scope RPO (>= 15m); defaults.rpo.region when absent' }),
  rto: duration.optional().meta({ description: 'Region-scope RTO; defaults.rto.region when absent' }),
  retention: duration.meta({ description: 'How long overwritten and deleted versions are kept' }),
  objectLock: z
    .strictObject({
      mode: z.enum(LOCK_MODES),
      days: z.int().min(1).max(36_500).optional(),
      years: z.int().min(1).max(100).optional(),
    })
    .optional(),
  transitions: z
    .array(z.strictObject({ after: duration, storageClass: z.enum(TRANSITION_STORAGE_CLASSES) }))
    .max(6)
    .optional(),
  replicaStorageClass: z.enum(REPLICA_STORAGE_CLASSES).optional(),
});

export const requirementsSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'Editor hint; ignored' }),
    version: z.literal(1, { error: 'must be 1 (the only spec version)' }),
    name: dnsLabel(NAME_MAX).meta({ description: `Prefix of every resource name, at most ${NAME_MAX} characters` }),
    environment: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, { error: 'must be 1-32 letters, digits, _ or -, starting with a letter or digit' }),
    tags: z.record(tagKey, tagValue).optional(),
    regions: z.strictObject({ primary: region, dr: region }),
    alerts: z.strictObject({
      emails: z.array(z.email({ error: 'must be an email address' })).max(20).optional(),
      httpsEndpoints: z
        .array(z.url({ protocol: /^https$/, error: 'must be an https:// URL' }))
        .max(20)
        .optional(),
      topicArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, { error: 'must be an SNS topic ARN' })
        .optional(),
    }),
    network: z.strictObject({ primary: regionNetwork, dr: regionNetwork }),
    defaults: z.strictObject({ rpo: scopeObjectives.optional(), rto: scopeObjectives.optional() }).optional(),
    databases: z.array(database).max(10_000).optional(),
    buckets: z.array(bucket).max(10_000).optional(),
    evidence: z
      .strictObject({
        lock: z
          .strictObject({
            mode: z.enum(LOCK_MODES).optional().meta({ description: 'Object Lock mode of the evidence records (default governance)' }),
            days: z.int().min(1).max(36_500).optional().meta({ description: 'Days each record is locked (default 400)' }),
          })
          .optional(),
      })
      .optional()
      .meta({ description: 'The evidence bucket (DR region) that keeps a locked record of every verification run' }),
  })
  .meta({ title: 'Lifeboat backup requirements (version 1)' });

export type RequirementsInput = z.infer<typeof requirementsSchema>;
export type DatabaseInput = z.infer<typeof database>;
export type BucketInput = z.infer<typeof bucket>;
export type CheckInput = z.infer<typeof check>;
