import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { EncryptionKey } from '../encryption-key';
import { stackNames } from '../../src/aws/names';

/** What a stack-wide key encrypts: `rds` databases and their backups, `s3` buckets. */
export type StackKeyPurpose = 'rds' | 's3';

/** Options of the stack-wide key of one purpose and region. */
export interface StackKeyOptions {
  /** Region of the key. */
  readonly region: string;
  /** Alias prefix, usually the stack (plan) name: the alias is `<prefix>-<purpose>-<region>`. */
  readonly aliasPrefix: string;
  /** Tags for the key. @default none */
  readonly tags?: Record<string, string>;
}

/** Options of {@link stackBucketKey}. */
export type StackBucketKeyOptions = StackKeyOptions;
/** Options of {@link stackDatabaseKey}. */
export type StackDatabaseKeyOptions = StackKeyOptions;

/** The alias of each purpose's key (src/aws/names.ts, which the planner records in the plan). */
const ALIASES: Readonly<Record<StackKeyPurpose, (stackName: string, region: string) => string>> = {
  rds: stackNames.databaseKeyAlias,
  s3: stackNames.bucketKeyAlias,
};

const DESCRIPTIONS: Readonly<Record<StackKeyPurpose, string>> = {
  rds: 'Databases and database backups',
  s3: 'S3 buckets',
};

/**
 * The stack's single KMS key of one purpose in a region, created on first use and shared by every store of the stack
 * (fewer keys to pay for and audit). Its construct id depends only on the purpose and region, so adding or removing
 * stores never replaces it.
 */
export function stackKey(scope: Construct, purpose: StackKeyPurpose, options: StackKeyOptions): EncryptionKey {
  const stack = TerraformStack.of(scope);
  const id = `${purpose}-key-${options.region}`;
  const existing = stack.node.tryFindChild(id);
  if (existing instanceof EncryptionKey) return existing;
  return new EncryptionKey(stack, id, {
    region: options.region,
    alias: ALIASES[purpose](options.aliasPrefix, options.region),
    description: `${DESCRIPTIONS[purpose]} of ${options.aliasPrefix} in ${options.region}`,
    tags: options.tags,
  });
}

/** The stack's S3 key in a region (alias `<prefix>-s3-<region>`), shared by every ReplicatedBucket of the stack. */
export function stackBucketKey(scope: Construct, options: StackBucketKeyOptions): EncryptionKey {
  return stackKey(scope, 's3', options);
}

/** The stack's key in a region for databases and their backups (alias `<prefix>-rds-<region>`). */
export function stackDatabaseKey(scope: Construct, options: StackDatabaseKeyOptions): EncryptionKey {
  return stackKey(scope, 'rds', options);
}
