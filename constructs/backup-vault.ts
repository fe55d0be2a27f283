import { BackupPlan } from '@cdktf/provider-aws/lib/backup-plan';
import { BackupSelection } from '@cdktf/provider-aws/lib/backup-selection';
import { BackupVault as BackupVaultResource } from '@cdktf/provider-aws/lib/backup-vault';
import { BackupVaultLockConfiguration } from '@cdktf/provider-aws/lib/backup-vault-lock-configuration';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { stackAccount } from './account';
import { backupRoleName } from '../src/aws/names';
import type { DatabaseNamesPlan } from '../src/plan/types';
import { backupVaultAlarms } from '../src/plan/alarms';
import { AlarmTopics, ObjectiveAlarm, renderAlarms, StoreAlarm } from './alarm';
import { backupVaultProblems, DEFAULT_COMPLETION_WINDOW_MINUTES, DEFAULT_START_WINDOW_MINUTES, VAULT_LOCK_LIMITS } from './private/backup-vault-validation';
import { ref } from './private/reference';

export { backupVaultProblems, COLD_STORAGE_MINIMUM_DAYS, VAULT_LOCK_LIMITS } from './private/backup-vault-validation';

/** A KMS key and the region it lives in (an `EncryptionKey` satisfies it). */
export interface RegionalKey {
  /** ARN of the customer-managed key. */
  readonly keyArn: string;
  /** Region of the key; RDS and AWS Backup only accept a key from the resource's own region. */
  readonly region: string;
}

/** Vault lock: recovery points cannot be deleted before `minRetentionDays`, even by the account root in compliance mode. */
export interface VaultLockProps {
  /**
   * `governance` lets principals with `backup:DeleteBackupVaultLockConfiguration` remove the lock; `compliance`
   * becomes immutable once `changeableForDays` have passed.
   */
  readonly mode: 'governance' | 'compliance';
  /** Shortest retention a recovery point in the vault may have, at least 1 day. */
  readonly minRetentionDays: number;
  /** Longest retention a recovery point in the vault may have, at most 36500 days. @default no maximum */
  readonly maxRetentionDays?: number;
  /** Compliance mode only: days during which the lock can still be removed, at least 3 (72 hours). @default 3 */
  readonly changeableForDays?: number;
}

/** The vault in another region (usually the DR region) that rules copy their recovery points into. */
export interface CopyVaultProps {
  /** Region of the copy vault; must differ from the source region. */
  readonly region: string;
  /** Customer-managed key of the copy vault, in `region`. */
  readonly encryptionKey: RegionalKey;
}

/** One scheduled AWS Backup rule. */
export interface BackupRuleProps {
  /** Rule name, unique in the plan, 1-50 letters, digits, '-', '_' or '.'. */
  readonly name: string;
  /** AWS Backup schedule expression (UTC), e.g. 'cron(0 5 * * ? *)'. */
  readonly schedule: string;
  /** Days each recovery point is kept in the source vault. */
  readonly deleteAfterDays: number;
  /** Days before recovery points move to cold storage (ignored by services without cold storage, e.g. RDS). @default never */
  readonly coldStorageAfterDays?: number;
  /** Minutes after the scheduled time a job may start before it is cancelled, at least 60. @default 60 */
  readonly startWindowMinutes?: number;
  /** Minutes a started job may run before it is cancelled, at least startWindowMinutes + 60. @default 1440 */
  readonly completionWindowMinutes?: number;
  /** Copy each recovery point into the copy vault. @default true when the vault has `copyTo` */
  readonly copyToCopyVault?: boolean;
  /** Days the copies are kept. @default deleteAfterDays */
  readonly copyDeleteAfterDays?: number;
  /** Days before the copies move to cold storage. @default never */
  readonly copyColdStorageAfterDays?: number;
}

export interface BackupVaultProps {
  /** Vault name, 2-50 letters, digits, '-' or '_'; the copy vault has the same name in its region. */
  readonly vaultName: string;
  /** Backup plan name. @default vaultName */
  readonly planName?: string;
  /** Name of the service role of the selection (IAM names are global). @default `<vaultName>-backup` */
  readonly roleName?: string;
  /** Selection name. @default 'protected-resources' */
  readonly selectionName?: string;
  /** Region of the source vault, the plan and the selection (the region of the protected resources). */
  readonly region: string;
  /** Customer-managed key of the source vault, in `region`. */
  readonly encryptionKey: RegionalKey;
  /** Scheduled rules, at least one. */
  readonly rules: BackupRuleProps[];
  /** Vault in another region that rules copy into. @default no copy vault */
  readonly copyTo?: CopyVaultProps;
  /** Vault lock applied to the source vault and to the copy vault. @default no lock */
  readonly lock?: VaultLockProps;
  /** ARNs of the resources backed up by this plan (RDS instances, Aurora clusters). */
  readonly resourceArns: string[];
  /** SNS topic per region for the failed-backup and failed-copy alarms. */
  readonly alarmTopics: AlarmTopics;
  /**
   * The failed-backup and failed-copy alarms, as planned (a database store's `AWS/Backup` alarms).
   * @default planned here by `backupVaultAlarms` (src/plan/alarms), named `<alarmNamePrefix>-backup-jobs-failed`, ...
   */
  readonly alarms?: readonly StoreAlarm[];
  /** Prefix of the alarm names when they are planned here. @default vaultName */
  readonly alarmNamePrefix?: string;
  /** Tags for every resource. @default none */
  readonly tags?: Record<string, string>;
}

/**
 * Long-term retention with AWS Backup: a vault encrypted with a customer-managed key, an optional vault lock, a plan
 * with scheduled rules (lifecycle, optional cold storage, optional cross-region copy into a locked vault in another
 * region), a selection by resource ARN with its own service role, and alarms on failed backup and copy jobs.
 */
export class BackupVault extends Construct {
  /** The source vault. */
  public readonly vault: BackupVaultResource;
  /** The copy vault in another region, when `copyTo` is set. */
  public readonly copyVault?: BackupVaultResource;
  /** The backup plan. */
  public readonly plan: BackupPlan;
  /** The service role AWS Backup assumes to back up and restore the selected resources. */
  public readonly role: IamRole;
  /** Alarms on failed backup jobs and (when a rule copies) failed copy jobs. */
  public readonly alarms: ObjectiveAlarm[] = [];

  constructor(scope: Construct, id: string, props: BackupVaultProps) {
    super(scope, id);
    const problems = backupVaultProblems(props);
    if (problems.length > 0) {
      throw new Error(`BackupVault ${props.vaultName}:\n  ${problems.join('\n  ')}`);
    }

    const tags = props.tags;
    const { partition } = stackAccount(this);

    this.vault = this.createVault('vault', props.vaultName, props.region, props.encryptionKey, props.lock, tags);
    const copyTo = props.copyTo;
    const copyVault = copyTo ? this.createVault('copy-vault', props.vaultName, copyTo.region, copyTo.encryptionKey, props.lock, tags) : undefined;
    this.copyVault = copyVault;
    const copies = (rule: BackupRuleProps) => copyVault !== undefined && (rule.copyToCopyVault ?? true);

    this.plan = new BackupPlan(this, 'plan', {
      region: props.region,
      name: props.planName ?? props.vaultName,
      rule: props.rules.map((rule) => ({
        ruleName: rule.name,
        targetVaultName: ref(this.vault, 'name'),
        schedule: rule.schedule,
        startWindow: rule.startWindowMinutes ?? DEFAULT_START_WINDOW_MINUTES,
        completionWindow: rule.completionWindowMinutes ?? DEFAULT_COMPLETION_WINDOW_MINUTES,
        lifecycle: { deleteAfter: rule.deleteAfterDays, coldStorageAfter: rule.coldStorageAfterDays },
        copyAction:
          copyVault && copies(rule)
            ? [
                {
                  destinationVaultArn: ref(copyVault, 'arn'),
                  lifecycle: {
                    deleteAfter: rule.copyDeleteAfterDays ?? rule.deleteAfterDays,
                    coldStorageAfter: rule.copyColdStorageAfterDays,
                  },
                },
              ]
            : undefined,
      })),
      tags,
    });

    this.role = new IamRole(this, 'role', {
      name: props.roleName ?? backupRoleName(props.vaultName),
      description: `AWS Backup service role for vault ${props.vaultName}`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
      tags,
    });
    for (const policy of ['AWSBackupServiceRolePolicyForBackup', 'AWSBackupServiceRolePolicyForRestores']) {
      new IamRolePolicyAttachment(this, `role-${policy}`, {
        role: ref(this.role, 'name'),
        policyArn: `arn:${partition}:iam::aws:policy/service-role/${policy}`,
      });
    }
    // The keys delegate to IAM, so the role needs its own grant on the source key (snapshots of CMK-encrypted
    // databases) and on the copy key (re-encryption in the destination region).
    const keyArns = [props.encryptionKey.keyArn, ...(copyTo ? [copyTo.encryptionKey.keyArn] : [])];
    new IamRolePolicy(this, 'role-kms', {
      name: 'use-vault-keys',
      role: ref(this.role, 'name'),
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'UseVaultAndSourceKeys',
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
            Resource: keyArns,
          },
          {
            Sid: 'GrantKeysToAwsServices',
            Effect: 'Allow',
            Action: 'kms:CreateGrant',
            Resource: keyArns,
            Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
          },
        ],
      }),
    });

    new BackupSelection(this, 'selection', {
      region: props.region,
      // Selection names are per plan and limited to 50 characters, so a fixed name never collides or overflows.
      name: props.selectionName ?? 'protected-resources',
      planId: ref(this.plan, 'id'),
      iamRoleArn: ref(this.role, 'arn'),
      resources: props.resourceArns,
    });

    const copyRegion = copyTo && props.rules.some(copies) ? copyTo.region : null;
    const alarms =
      props.alarms ?? backupVaultAlarms({ prefix: props.alarmNamePrefix ?? props.vaultName, region: props.region, vaultName: props.vaultName, copyRegion });
    this.alarms.push(...Object.values(renderAlarms(this, alarms, { topics: props.alarmTopics, tags })));
  }

  private createVault(
    id: string,
    name: string,
    region: string,
    key: RegionalKey,
    lock: VaultLockProps | undefined,
    tags: Record<string, string> | undefined,
  ): BackupVaultResource {
    const vault = new BackupVaultResource(this, id, {
      region,
      name,
      kmsKeyArn: key.keyArn,
      forceDestroy: false,
      tags,
      lifecycle: { preventDestroy: true },
    });
    if (lock) {
      new BackupVaultLockConfiguration(this, `${id}-lock`, {
        region,
        backupVaultName: ref(vault, 'name'),
        minRetentionDays: lock.minRetentionDays,
        maxRetentionDays: lock.maxRetentionDays,
        // Terraform expresses compliance mode as the presence of changeable_for_days.
        changeableForDays: lock.mode === 'compliance' ? (lock.changeableForDays ?? VAULT_LOCK_LIMITS.minChangeableForDays) : undefined,
        lifecycle: { preventDestroy: true },
      });
    }
    return vault;
  }
}

export interface LongTermBackupOptions {
  /** Scheduled rules, at least one. Rules copy into the DR region when the database has one, unless they opt out. */
  readonly rules: BackupRuleProps[];
  /** Vault lock on both vaults. @default no lock */
  readonly lock?: VaultLockProps;
}

/** The `BackupVault` props for one database: vault named after the database, copy vault in its DR region. */
export function longTermBackupVaultProps(
  options: LongTermBackupOptions,
  database: {
    vaultName: string;
    planName?: string;
    roleName?: string;
    selectionName?: string;
    region: string;
    encryptionKey: RegionalKey;
    dr?: { region: string; encryptionKey: RegionalKey };
    resourceArn: string;
    alarmTopics: AlarmTopics;
    alarms?: readonly StoreAlarm[];
    tags?: Record<string, string>;
  },
): BackupVaultProps {
  return {
    vaultName: database.vaultName,
    planName: database.planName,
    roleName: database.roleName,
    selectionName: database.selectionName,
    region: database.region,
    encryptionKey: database.encryptionKey,
    rules: options.rules,
    copyTo: database.dr ? { region: database.dr.region, encryptionKey: database.dr.encryptionKey } : undefined,
    lock: options.lock,
    resourceArns: [database.resourceArn],
    alarmTopics: database.alarmTopics,
    alarms: database.alarms,
    tags: database.tags,
  };
}

/** The vault, plan, role and selection names of a database's long-term backup, from its names (src/plan/names.ts). */
export function backupNames(names: DatabaseNamesPlan): { vaultName: string; planName?: string; roleName?: string; selectionName?: string } {
  if (!names.awsBackup) return { vaultName: names.primary };
  const { vault, plan, role, selection } = names.awsBackup;
  return { vaultName: vault, planName: plan, roleName: role, selectionName: selection };
}
