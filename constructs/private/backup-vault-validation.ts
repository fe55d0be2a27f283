/**
 * Validation of BackupVault props against AWS Backup's and IAM's limits, every problem at once, each naming the prop.
 */
import { BACKUP_LIMITS, IAM_LIMITS } from '../../src/aws/limits';
import type { BackupVaultProps, VaultLockProps } from '../backup-vault';
import { backupRoleName } from '../../src/aws/names';

/** AWS Backup vault lock limits (AWS Backup Developer Guide, vault-lock). */
export const VAULT_LOCK_LIMITS = {
  /** Smallest `min_retention_days` AWS Backup accepts. */
  minRetentionDays: BACKUP_LIMITS.lockMinRetentionDays,
  /** Largest `max_retention_days` AWS Backup accepts (100 years). */
  maxRetentionDays: BACKUP_LIMITS.lockMaxRetentionDays,
  /** Shortest grace period before a compliance-mode lock becomes immutable (72 hours). */
  minChangeableForDays: BACKUP_LIMITS.lockMinChangeableForDays,
} as const;

/** Days a recovery point must stay in cold storage before it may be deleted (AWS Backup Lifecycle API). */
export const COLD_STORAGE_MINIMUM_DAYS: number = BACKUP_LIMITS.coldStorageMinimumDays;

/** Vault names: 2-50 letters, digits, '-' or '_'. */
export const VAULT_NAME_PATTERN = /^[a-zA-Z0-9_-]{2,50}$/;
/** Rule names: 1-50 letters, digits, '-', '_' or '.'. */
export const RULE_NAME_PATTERN = /^[a-zA-Z0-9._-]{1,50}$/;
/** IAM role names are at most 64 characters. */
export const IAM_ROLE_NAME_MAX: number = IAM_LIMITS.roleNameMax;
/** AWS Backup's default start and completion windows, minutes. */
export const DEFAULT_START_WINDOW_MINUTES: number = BACKUP_LIMITS.defaultStartWindowMinutes;
export const DEFAULT_COMPLETION_WINDOW_MINUTES: number = BACKUP_LIMITS.defaultCompletionWindowMinutes;

function isWholeNumber(value: number | undefined): value is number {
  return value !== undefined && Number.isInteger(value);
}

/** Every problem with the props at once, each naming the prop and the limit. */
export function backupVaultProblems(props: BackupVaultProps): string[] {
  const problems: string[] = [];
  if (!VAULT_NAME_PATTERN.test(props.vaultName)) {
    problems.push(`vaultName: must be 2-50 letters, digits, '-' or '_' (AWS Backup limit), got '${props.vaultName}'`);
  }
  if (backupRoleName(props.vaultName).length > IAM_ROLE_NAME_MAX) {
    problems.push(`vaultName: the backup role name '${backupRoleName(props.vaultName)}' exceeds ${IAM_ROLE_NAME_MAX} characters (IAM limit)`);
  }
  if (props.encryptionKey.region !== props.region) {
    problems.push(`encryptionKey: must be in region ${props.region} (the vault's region), got a key in ${props.encryptionKey.region}`);
  }
  if (props.resourceArns.length === 0) {
    problems.push('resourceArns: at least one resource ARN is required, otherwise the plan backs up nothing');
  }
  if (props.copyTo) {
    if (props.copyTo.region === props.region) {
      problems.push(`copyTo.region: must differ from region ${props.region}; a copy in the same region does not survive a regional outage`);
    }
    if (props.copyTo.encryptionKey.region !== props.copyTo.region) {
      problems.push(
        `copyTo.encryptionKey: must be in region ${props.copyTo.region} (the copy vault's region), got a key in ${props.copyTo.encryptionKey.region}`,
      );
    }
  }
  if (props.rules.length === 0) {
    problems.push('rules: at least one rule is required, otherwise nothing is ever backed up');
  }
  const seen = new Set<string>();
  props.rules.forEach((rule, index) => {
    const at = `rules[${index}]`;
    if (!RULE_NAME_PATTERN.test(rule.name)) {
      problems.push(`${at}.name: must be 1-50 letters, digits, '-', '_' or '.' (AWS Backup limit), got '${rule.name}'`);
    } else if (seen.has(rule.name)) {
      problems.push(`${at}.name: '${rule.name}' is used by an earlier rule; rule names must be unique in a plan`);
    }
    seen.add(rule.name);
    if (!rule.schedule.startsWith('cron(') && !rule.schedule.startsWith('rate(')) {
      problems.push(`${at}.schedule: must be a cron(...) or rate(...) expression, got '${rule.schedule}'`);
    }
    if (!isWholeNumber(rule.deleteAfterDays) || rule.deleteAfterDays < 1) {
      problems.push(`${at}.deleteAfterDays: must be a whole number of days >= 1, got ${rule.deleteAfterDays}`);
    }
    problems.push(...coldStorageProblems(`${at}.coldStorageAfterDays`, rule.coldStorageAfterDays, `${at}.deleteAfterDays`, rule.deleteAfterDays));
    const startWindow = rule.startWindowMinutes ?? DEFAULT_START_WINDOW_MINUTES;
    const completionWindow = rule.completionWindowMinutes ?? DEFAULT_COMPLETION_WINDOW_MINUTES;
    if (!isWholeNumber(startWindow) || startWindow < BACKUP_LIMITS.minStartWindowMinutes) {
      problems.push(`${at}.startWindowMinutes: must be at least ${BACKUP_LIMITS.minStartWindowMinutes} minutes (AWS Backup limit), got ${startWindow}`);
    }
    const minCompletion = startWindow + BACKUP_LIMITS.minCompletionAfterStartMinutes;
    if (!isWholeNumber(completionWindow) || completionWindow < minCompletion) {
      problems.push(
        `${at}.completionWindowMinutes: must be at least startWindowMinutes + ${BACKUP_LIMITS.minCompletionAfterStartMinutes} = ${minCompletion} minutes (AWS Backup limit), got ${completionWindow}`,
      );
    }
    if (rule.copyToCopyVault === true && !props.copyTo) {
      problems.push(`${at}.copyToCopyVault: needs copyTo (the region and key of the copy vault)`);
    }
    if (props.copyTo && (rule.copyToCopyVault ?? true)) {
      const copyDeleteAfter = rule.copyDeleteAfterDays ?? rule.deleteAfterDays;
      if (!isWholeNumber(copyDeleteAfter) || copyDeleteAfter < 1) {
        problems.push(`${at}.copyDeleteAfterDays: must be a whole number of days >= 1, got ${copyDeleteAfter}`);
      }
      problems.push(
        ...coldStorageProblems(`${at}.copyColdStorageAfterDays`, rule.copyColdStorageAfterDays, `${at}.copyDeleteAfterDays`, copyDeleteAfter),
      );
    }
  });
  if (props.lock) problems.push(...vaultLockProblems(props, props.lock));
  return problems;
}

function coldStorageProblems(coldName: string, cold: number | undefined, deleteName: string, deleteAfter: number): string[] {
  if (cold === undefined) return [];
  if (!isWholeNumber(cold) || cold < 1) return [`${coldName}: must be a whole number of days >= 1, got ${cold}`];
  if (deleteAfter < cold + COLD_STORAGE_MINIMUM_DAYS) {
    return [
      `${deleteName}: must be at least ${coldName} + ${COLD_STORAGE_MINIMUM_DAYS} days (AWS Backup cold-storage minimum), got ${deleteAfter} with cold storage after ${cold}`,
    ];
  }
  return [];
}

function vaultLockProblems(props: BackupVaultProps, lock: VaultLockProps): string[] {
  const problems: string[] = [];
  const { minRetentionDays, maxRetentionDays } = lock;
  if (!isWholeNumber(minRetentionDays) || minRetentionDays < VAULT_LOCK_LIMITS.minRetentionDays) {
    problems.push(`lock.minRetentionDays: must be at least ${VAULT_LOCK_LIMITS.minRetentionDays} day (AWS Backup vault lock limit), got ${minRetentionDays}`);
  }
  if (maxRetentionDays !== undefined) {
    if (!isWholeNumber(maxRetentionDays) || maxRetentionDays > VAULT_LOCK_LIMITS.maxRetentionDays) {
      problems.push(
        `lock.maxRetentionDays: must be at most ${VAULT_LOCK_LIMITS.maxRetentionDays} days (AWS Backup vault lock limit), got ${maxRetentionDays}`,
      );
    } else if (maxRetentionDays < minRetentionDays) {
      problems.push(`lock.maxRetentionDays: must be >= lock.minRetentionDays (${minRetentionDays}), got ${maxRetentionDays}`);
    }
  }
  if (lock.mode === 'compliance') {
    const changeable = lock.changeableForDays ?? VAULT_LOCK_LIMITS.minChangeableForDays;
    if (!isWholeNumber(changeable) || changeable < VAULT_LOCK_LIMITS.minChangeableForDays) {
      problems.push(
        `lock.changeableForDays: must be at least ${VAULT_LOCK_LIMITS.minChangeableForDays} days (72 hours, AWS Backup vault lock limit), got ${changeable}`,
      );
    }
  } else if (lock.changeableForDays !== undefined) {
    problems.push('lock.changeableForDays: only applies to compliance mode; a governance lock has no grace period');
  }
  // A locked vault rejects recovery points whose retention falls outside its bounds, so every backup would fail.
  props.rules.forEach((rule, index) => {
    const retentions: [string, number][] = [[`rules[${index}].deleteAfterDays`, rule.deleteAfterDays]];
    if (props.copyTo && (rule.copyToCopyVault ?? true)) {
      retentions.push([`rules[${index}].copyDeleteAfterDays`, rule.copyDeleteAfterDays ?? rule.deleteAfterDays]);
    }
    for (const [name, days] of retentions) {
      if (days < minRetentionDays) {
        problems.push(`${name}: must be >= lock.minRetentionDays (${minRetentionDays}) or the locked vault rejects every recovery point, got ${days}`);
      }
      if (maxRetentionDays !== undefined && days > maxRetentionDays) {
        problems.push(`${name}: must be <= lock.maxRetentionDays (${maxRetentionDays}) or the locked vault rejects every recovery point, got ${days}`);
      }
    }
  });
  return problems;
}

/** Long-term retention of one database through AWS Backup, as the database constructs take it. */
