import 'cdktf/lib/testing/adapters/jest';
import { BackupVault, BackupVaultProps, backupVaultProblems } from '../../constructs/backup-vault';
import { cleanupTestApps, onlyResource, resourcesOfType, synthStack, TerraformJson } from '../support/synth';

afterAll(cleanupTestApps);

const PRIMARY = 'eu-west-1';
const DR = 'eu-central-1';
const topics: Record<string, string> = { [PRIMARY]: `arn:aws:sns:${PRIMARY}:111122223333:alerts`, [DR]: `arn:aws:sns:${DR}:111122223333:alerts` };
const primaryKey = { keyArn: `arn:aws:kms:${PRIMARY}:111122223333:key/primary`, region: PRIMARY };
const drKey = { keyArn: `arn:aws:kms:${DR}:111122223333:key/dr`, region: DR };
const databaseArn = `arn:aws:rds:${PRIMARY}:111122223333:db:shop-billing`;

function props(overrides: Partial<BackupVaultProps> = {}): BackupVaultProps {
  return {
    vaultName: 'shop-billing',
    region: PRIMARY,
    encryptionKey: primaryKey,
    rules: [{ name: 'long-term', schedule: 'cron(0 5 1 * ? *)', deleteAfterDays: 2555 }],
    copyTo: { region: DR, encryptionKey: drKey },
    resourceArns: [databaseArn],
    alarmTopics: topics,
    ...overrides,
  };
}

function vaultIn(json: TerraformJson, region: string): [string, Record<string, any>] {
  const found = Object.entries(resourcesOfType(json, 'aws_backup_vault')).filter(([, v]) => v.region === region);
  if (found.length !== 1) throw new Error(`expected one vault in ${region}, found ${found.length}`);
  return found[0];
}

describe('BackupVault', () => {
  it('creates a CMK-encrypted, undeletable vault per region', () => {
    const out = synthStack((stack) => new BackupVault(stack, 'billing-backup', props()));
    expect(vaultIn(out, PRIMARY)[1]).toEqual({
      region: PRIMARY,
      name: 'shop-billing',
      kms_key_arn: primaryKey.keyArn,
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(vaultIn(out, DR)[1]).toEqual({
      region: DR,
      name: 'shop-billing',
      kms_key_arn: drKey.keyArn,
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  it('schedules each rule into the source vault with its lifecycle, copying to the DR vault with its own lifecycle', () => {
    const out = synthStack(
      (stack) =>
        new BackupVault(
          stack,
          'billing-backup',
          props({
            rules: [
              { name: 'region-copy', schedule: 'cron(0 0/6 * * ? *)', deleteAfterDays: 35, startWindowMinutes: 60, completionWindowMinutes: 360 },
              { name: 'long-term', schedule: 'cron(0 5 1 * ? *)', deleteAfterDays: 400, coldStorageAfterDays: 30, copyDeleteAfterDays: 200 },
              { name: 'local-only', schedule: 'cron(0 3 ? * SUN *)', deleteAfterDays: 90, copyToCopyVault: false },
            ],
          }),
        ),
    );
    const [primaryVault] = vaultIn(out, PRIMARY);
    const [drVault] = vaultIn(out, DR);
    const target = `\${aws_backup_vault.${primaryVault}.name}`;
    const destination = `\${aws_backup_vault.${drVault}.arn}`;
    expect(onlyResource(out, 'aws_backup_plan')).toEqual({
      region: PRIMARY,
      name: 'shop-billing',
      rule: [
        {
          rule_name: 'region-copy',
          target_vault_name: target,
          schedule: 'cron(0 0/6 * * ? *)',
          start_window: 60,
          completion_window: 360,
          lifecycle: { delete_after: 35 },
          copy_action: [{ destination_vault_arn: destination, lifecycle: { delete_after: 35 } }],
        },
        {
          rule_name: 'long-term',
          target_vault_name: target,
          schedule: 'cron(0 5 1 * ? *)',
          start_window: 60,
          completion_window: 1440,
          lifecycle: { delete_after: 400, cold_storage_after: 30 },
          copy_action: [{ destination_vault_arn: destination, lifecycle: { delete_after: 200 } }],
        },
        {
          rule_name: 'local-only',
          target_vault_name: target,
          schedule: 'cron(0 3 ? * SUN *)',
          start_window: 60,
          completion_window: 1440,
          lifecycle: { delete_after: 90 },
        },
      ],
    });
  });

  it('selects the resources by ARN with a role AWS Backup can assume, holding the managed policies and both keys', () => {
    const out = synthStack((stack) => new BackupVault(stack, 'billing-backup', props()));
    const [roleName, role] = Object.entries(resourcesOfType(out, 'aws_iam_role'))[0];
    expect(JSON.parse(role.assume_role_policy)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    expect(role.name).toBe('shop-billing-backup');
    expect(onlyResource(out, 'aws_backup_selection')).toMatchObject({
      region: PRIMARY,
      resources: [databaseArn],
      iam_role_arn: `\${aws_iam_role.${roleName}.arn}`,
      plan_id: expect.stringMatching(/^\$\{aws_backup_plan\..+\.id\}$/),
    });
    const attached = Object.values(resourcesOfType(out, 'aws_iam_role_policy_attachment')).map((a) => a.policy_arn);
    expect(attached).toEqual([
      'arn:${data.aws_partition.lifeboat-partition.partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup',
      'arn:${data.aws_partition.lifeboat-partition.partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores',
    ]);
    const kms = JSON.parse(onlyResource(out, 'aws_iam_role_policy').policy);
    expect(kms.Statement[0].Resource).toEqual([primaryKey.keyArn, drKey.keyArn]);
    expect(kms.Statement[1]).toMatchObject({ Action: 'kms:CreateGrant', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } });
  });

  it('alarms on failed backup jobs and failed copy jobs with the AWS/Backup metric names and vault dimension', () => {
    const out = synthStack((stack) => new BackupVault(stack, 'billing-backup', props()));
    const alarms = Object.values(resourcesOfType(out, 'aws_cloudwatch_metric_alarm'));
    expect(alarms.map((a) => [a.metric_name, a.namespace, a.dimensions, a.statistic, a.threshold, a.comparison_operator, a.region])).toEqual([
      ['NumberOfBackupJobsFailed', 'AWS/Backup', { BackupVaultName: 'shop-billing' }, 'Sum', 0, 'GreaterThanThreshold', PRIMARY],
      ['NumberOfCopyJobsFailed', 'AWS/Backup', { BackupVaultName: 'shop-billing' }, 'Sum', 0, 'GreaterThanThreshold', PRIMARY],
    ]);
  });

  it('without a copy vault, creates one vault and no copy alarm', () => {
    const out = synthStack((stack) => new BackupVault(stack, 'billing-backup', props({ copyTo: undefined })));
    expect(Object.keys(resourcesOfType(out, 'aws_backup_vault'))).toHaveLength(1);
    expect(onlyResource(out, 'aws_backup_plan').rule[0]).not.toHaveProperty('copy_action');
    expect(onlyResource(out, 'aws_cloudwatch_metric_alarm').metric_name).toBe('NumberOfBackupJobsFailed');
  });
});

describe('BackupVault lock', () => {
  it('locks both vaults in compliance mode with the 72-hour grace period by default', () => {
    const out = synthStack((stack) => new BackupVault(stack, 'billing-backup', props({ lock: { mode: 'compliance', minRetentionDays: 2555, maxRetentionDays: 3650 } })));
    const locks = Object.values(resourcesOfType(out, 'aws_backup_vault_lock_configuration'));
    expect(locks.map((l) => l.region).sort()).toEqual([DR, PRIMARY].sort());
    for (const lock of locks) {
      expect(lock).toMatchObject({ min_retention_days: 2555, max_retention_days: 3650, changeable_for_days: 3, lifecycle: { prevent_destroy: true } });
    }
  });

  it('expresses governance mode as a lock without changeable_for_days', () => {
    const out = synthStack((stack) => new BackupVault(stack, 'billing-backup', props({ lock: { mode: 'governance', minRetentionDays: 30 } })));
    for (const lock of Object.values(resourcesOfType(out, 'aws_backup_vault_lock_configuration'))) {
      expect(lock).not.toHaveProperty('changeable_for_days');
      expect(lock.min_retention_days).toBe(30);
    }
  });

  it.each([
    [{ mode: 'compliance' as const, minRetentionDays: 0 }, 'lock.minRetentionDays: must be at least 1 day (AWS Backup vault lock limit), got 0'],
    [{ mode: 'compliance' as const, minRetentionDays: 1, maxRetentionDays: 36_501 }, 'lock.maxRetentionDays: must be at most 36500 days (AWS Backup vault lock limit), got 36501'],
    [{ mode: 'compliance' as const, minRetentionDays: 1, changeableForDays: 2 }, 'lock.changeableForDays: must be at least 3 days (72 hours, AWS Backup vault lock limit), got 2'],
    [{ mode: 'governance' as const, minRetentionDays: 1, changeableForDays: 5 }, 'lock.changeableForDays: only applies to compliance mode; a governance lock has no grace period'],
    [{ mode: 'governance' as const, minRetentionDays: 10, maxRetentionDays: 5 }, 'lock.maxRetentionDays: must be >= lock.minRetentionDays (10), got 5'],
  ])('rejects lock %j naming the limit', (lock, message) => {
    const rules = [{ name: 'r', schedule: 'cron(0 5 * * ? *)', deleteAfterDays: 10 }];
    expect(backupVaultProblems(props({ rules, lock }))).toContain(message);
    expect(() => synthStack((stack) => new BackupVault(stack, 'b', props({ rules, lock })))).toThrow(message);
  });

  it('rejects retentions a locked vault would refuse, for the rule and for the copy', () => {
    expect(
      backupVaultProblems(
        props({
          rules: [{ name: 'r', schedule: 'cron(0 5 * * ? *)', deleteAfterDays: 20, copyDeleteAfterDays: 500 }],
          lock: { mode: 'governance', minRetentionDays: 30, maxRetentionDays: 365 },
        }),
      ),
    ).toEqual([
      'rules[0].deleteAfterDays: must be >= lock.minRetentionDays (30) or the locked vault rejects every recovery point, got 20',
      'rules[0].copyDeleteAfterDays: must be <= lock.maxRetentionDays (365) or the locked vault rejects every recovery point, got 500',
    ]);
  });
});

describe('BackupVault validation', () => {
  it('enforces the 90-day cold-storage minimum, the windows, key regions, names and copy target, all at once', () => {
    expect(
      backupVaultProblems(
        props({
          vaultName: 'shop billing',
          encryptionKey: drKey,
          rules: [
            { name: 'r', schedule: 'cron(0 5 * * ? *)', deleteAfterDays: 100, coldStorageAfterDays: 30, startWindowMinutes: 30, completionWindowMinutes: 60, copyColdStorageAfterDays: 20 },
            { name: 'r', schedule: 'daily', deleteAfterDays: 0 },
          ],
          copyTo: { region: PRIMARY, encryptionKey: drKey },
          resourceArns: [],
        }),
      ),
    ).toEqual([
      "vaultName: must be 2-50 letters, digits, '-' or '_' (AWS Backup limit), got 'shop billing'",
      "encryptionKey: must be in region eu-west-1 (the vault's region), got a key in eu-central-1",
      'resourceArns: at least one resource ARN is required, otherwise the plan backs up nothing',
      'copyTo.region: must differ from region eu-west-1; a copy in the same region does not survive a regional outage',
      "copyTo.encryptionKey: must be in region eu-west-1 (the copy vault's region), got a key in eu-central-1",
      'rules[0].deleteAfterDays: must be at least rules[0].coldStorageAfterDays + 90 days (AWS Backup cold-storage minimum), got 100 with cold storage after 30',
      'rules[0].startWindowMinutes: must be at least 60 minutes (AWS Backup limit), got 30',
      'rules[0].completionWindowMinutes: must be at least startWindowMinutes + 60 = 90 minutes (AWS Backup limit), got 60',
      'rules[0].copyDeleteAfterDays: must be at least rules[0].copyColdStorageAfterDays + 90 days (AWS Backup cold-storage minimum), got 100 with cold storage after 20',
      "rules[1].name: 'r' is used by an earlier rule; rule names must be unique in a plan",
      "rules[1].schedule: must be a cron(...) or rate(...) expression, got 'daily'",
      'rules[1].deleteAfterDays: must be a whole number of days >= 1, got 0',
      'rules[1].copyDeleteAfterDays: must be a whole number of days >= 1, got 0',
    ]);
  });

  it('accepts exactly the 90-day gap, and refuses a rule that copies without a copy vault', () => {
    expect(backupVaultProblems(props({ rules: [{ name: 'r', schedule: 'cron(0 5 * * ? *)', deleteAfterDays: 120, coldStorageAfterDays: 30 }] }))).toEqual([]);
    expect(backupVaultProblems(props({ copyTo: undefined, rules: [{ name: 'r', schedule: 'cron(0 5 * * ? *)', deleteAfterDays: 7, copyToCopyVault: true }] }))).toEqual([
      'rules[0].copyToCopyVault: needs copyTo (the region and key of the copy vault)',
    ]);
  });
});
