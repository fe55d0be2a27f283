/**
 * Small stateful fakes of the S3 bucket settings, the evidence bucket and the AWS Backup vaults `lifeboat status`
 * reads, behind aws-sdk-client-mock. Buckets hold versioning, replication rules and Object Lock configuration; the
 * evidence bucket (one per region, versioned: the report's fake) holds the records the Lambda functions write;
 * vaults hold their lock and recovery points. Every call is recorded (with the client's region) so tests can assert
 * status only reads.
 */
import { BackupClient, DescribeBackupVaultCommand, GetBackupPlanCommand, ListBackupPlansCommand, ListRecoveryPointsByBackupVaultCommand } from '@aws-sdk/client-backup';
import {
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  ListObjectVersionsCommand,
  S3Client,
  GetBucketLifecycleConfigurationCommand,
  S3ServiceException,
  type LifecycleRule,
  type ReplicationRule,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { evidenceKey, serializeEvidence, type ReplicaCheckSummaryRecord, type VerificationRunRecord } from '../../src/evidence/record';
import { FakeEvidenceBucket } from './fake-evidence';

export interface FakeBucket {
  region: string;
  versioning: 'Enabled' | 'Suspended' | null;
  replicationRules: ReplicationRule[];
  objectLock: { mode: 'GOVERNANCE' | 'COMPLIANCE'; days?: number; years?: number } | null;
  /** Lifecycle rules (none: S3 answers NoSuchLifecycleConfiguration). */
  lifecycleRules: LifecycleRule[];
}

export interface FakeVault {
  locked: boolean;
  minRetentionDays?: number;
  maxRetentionDays?: number;
  recoveryPoints: { arn: string; createdAt: Date; status: string }[];
}

function s3Error(name: string, status = 404): Error {
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });
}

async function regionOf(getClient: () => { config: { region?: unknown } }): Promise<string> {
  const configured = getClient?.()?.config?.region;
  return typeof configured === 'function' ? String(await (configured as () => Promise<string>)()) : String(configured ?? 'unknown');
}

export class FakeS3AndBackup {
  readonly s3 = mockClient(S3Client);
  readonly backup = mockClient(BackupClient);
  readonly buckets = new Map<string, FakeBucket>();
  /** Vaults by `<region>/<name>`. */
  readonly vaults = new Map<string, FakeVault>();
  readonly calls: { command: string; region: string; input: unknown }[] = [];
  /** AWS Backup plans by `<region>/<name>`: their rules, and where each copies to. */
  readonly backupPlans = new Map<string, { id: string; rules: { name: string; copyTo?: { region: string; vault: string } }[] }>();
  /** Evidence buckets by name, each answering in its region only (elsewhere S3 answers PermanentRedirect). */
  readonly evidence = new Map<string, { region: string; bucket: FakeEvidenceBucket }>();

  constructor() {
    const bucket = (name: string) => {
      const found = this.buckets.get(name);
      if (!found) throw s3Error('NoSuchBucket');
      return found;
    };
    const record = async (command: string, input: unknown, getClient: () => { config: { region?: unknown } }) => {
      this.calls.push({ command, region: await regionOf(getClient), input });
    };
    this.s3.on(GetBucketVersioningCommand).callsFake(async (input: { Bucket: string }, getClient) => {
      await record('GetBucketVersioning', input, getClient as never);
      const found = bucket(input.Bucket);
      return found.versioning ? { Status: found.versioning } : {};
    });
    this.s3.on(GetBucketReplicationCommand).callsFake(async (input: { Bucket: string }, getClient) => {
      await record('GetBucketReplication', input, getClient as never);
      const found = bucket(input.Bucket);
      if (found.replicationRules.length === 0) throw s3Error('ReplicationConfigurationNotFoundError');
      return { ReplicationConfiguration: { Role: 'arn:aws:iam::123456789012:role/replication', Rules: found.replicationRules } };
    });
    this.s3.on(GetBucketLifecycleConfigurationCommand).callsFake(async (input: { Bucket: string }, getClient) => {
      await record('GetBucketLifecycleConfiguration', input, getClient as never);
      const found = bucket(input.Bucket);
      if (found.lifecycleRules.length === 0) throw s3Error('NoSuchLifecycleConfiguration');
      return { Rules: found.lifecycleRules };
    });
    this.s3.on(GetObjectLockConfigurationCommand).callsFake(async (input: { Bucket: string }, getClient) => {
      await record('GetObjectLockConfiguration', input, getClient as never);
      const found = bucket(input.Bucket);
      if (!found.objectLock) throw s3Error('ObjectLockConfigurationNotFoundError');
      const lock = found.objectLock;
      return { ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: lock.mode, ...(lock.days ? { Days: lock.days } : {}), ...(lock.years ? { Years: lock.years } : {}) } } } };
    });
    const evidenceBucket = async (command: string, input: { Bucket: string }, getClient: () => { config: { region?: unknown } }) => {
      const region = await regionOf(getClient);
      this.calls.push({ command, region, input });
      const found = this.evidence.get(input.Bucket);
      if (!found) throw s3Error('NoSuchBucket');
      if (found.region !== region) throw s3Error('PermanentRedirect', 301);
      return found.bucket;
    };
    this.s3.on(ListObjectVersionsCommand).callsFake(async (input: { Bucket: string }, getClient) => (await evidenceBucket('ListObjectVersions', input, getClient as never)).list(input));
    this.s3.on(GetObjectCommand).callsFake(async (input: { Bucket: string; Key: string; VersionId?: string }, getClient) =>
      (await evidenceBucket('GetObject', input, getClient as never)).get(input.Key, input.VersionId),
    );
    this.backup.on(ListBackupPlansCommand).callsFake(async (input: { NextToken?: string }, getClient) => {
      const region = await regionOf(getClient as never);
      this.calls.push({ command: 'ListBackupPlans', region, input });
      // One plan per page, so pagination is exercised.
      const plans = [...this.backupPlans.entries()].filter(([key]) => key.startsWith(`${region}/`)).sort(([a], [b]) => (a < b ? -1 : 1));
      const index = input.NextToken ? Number(input.NextToken) : 0;
      const page = plans.slice(index, index + 1).map(([key, plan]) => ({ BackupPlanName: key.slice(region.length + 1), BackupPlanId: plan.id }));
      return { BackupPlansList: page, ...(index + 1 < plans.length ? { NextToken: String(index + 1) } : {}) };
    });
    this.backup.on(GetBackupPlanCommand).callsFake(async (input: { BackupPlanId: string }, getClient) => {
      const region = await regionOf(getClient as never);
      this.calls.push({ command: 'GetBackupPlan', region, input });
      const found = [...this.backupPlans.entries()].find(([key, plan]) => key.startsWith(`${region}/`) && plan.id === input.BackupPlanId);
      if (!found) throw Object.assign(new Error(`backup plan ${input.BackupPlanId} not found`), { name: 'ResourceNotFoundException' });
      const [key, plan] = found;
      return {
        BackupPlanId: plan.id,
        BackupPlan: {
          BackupPlanName: key.slice(region.length + 1),
          Rules: plan.rules.map((rule) => ({
            RuleName: rule.name,
            TargetBackupVaultName: key.slice(region.length + 1),
            CopyActions: rule.copyTo ? [{ DestinationBackupVaultArn: `arn:aws:backup:${rule.copyTo.region}:123456789012:backup-vault:${rule.copyTo.vault}` }] : [],
          })),
        },
      };
    });
    this.backup.on(DescribeBackupVaultCommand).callsFake(async (input: { BackupVaultName: string }, getClient) => {
      const region = await regionOf(getClient as never);
      this.calls.push({ command: 'DescribeBackupVault', region, input });
      const vault = this.vaults.get(`${region}/${input.BackupVaultName}`);
      if (!vault) throw Object.assign(new Error(`vault ${input.BackupVaultName} not found`), { name: 'ResourceNotFoundException' });
      return { BackupVaultName: input.BackupVaultName, Locked: vault.locked, MinRetentionDays: vault.minRetentionDays, MaxRetentionDays: vault.maxRetentionDays, NumberOfRecoveryPoints: vault.recoveryPoints.length };
    });
    this.backup.on(ListRecoveryPointsByBackupVaultCommand).callsFake(async (input: { BackupVaultName: string }, getClient) => {
      const region = await regionOf(getClient as never);
      this.calls.push({ command: 'ListRecoveryPointsByBackupVault', region, input });
      const vault = this.vaults.get(`${region}/${input.BackupVaultName}`);
      if (!vault) throw Object.assign(new Error(`vault ${input.BackupVaultName} not found`), { name: 'ResourceNotFoundException' });
      return { RecoveryPoints: vault.recoveryPoints.map((point) => ({ RecoveryPointArn: point.arn, CreationDate: point.createdAt, Status: point.status, BackupVaultName: input.BackupVaultName })) };
    });
  }

  /** A source bucket replicating to `replica` with rule `ruleId` (RTC when asked), and the replica bucket. */
  addReplicatedBuckets(
    source: string,
    replica: string,
    options: { ruleId?: string; rtc?: boolean; objectLock?: FakeBucket['objectLock']; regions?: [string, string]; noncurrentDays?: number } = {},
  ): void {
    // As the stack writes it: one rule keeping noncurrent versions for the retention (none when not given).
    const lifecycle = (): LifecycleRule[] =>
      options.noncurrentDays === undefined
        ? []
        : [{ ID: 'retention', Status: 'Enabled', Filter: {}, NoncurrentVersionExpiration: { NoncurrentDays: options.noncurrentDays }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }];
    const [primary, dr] = options.regions ?? ['eu-west-1', 'eu-central-1'];
    const rule: ReplicationRule = {
      ID: options.ruleId ?? 'lifeboat-dr',
      Status: 'Enabled',
      Priority: 1,
      Filter: {},
      DeleteMarkerReplication: { Status: 'Enabled' },
      Destination: {
        Bucket: `arn:aws:s3:::${replica}`,
        ...(options.rtc ? { ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } }, Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } } } : { Metrics: { Status: 'Enabled' } }),
      },
    };
    this.buckets.set(source, { region: primary, versioning: 'Enabled', replicationRules: [rule], objectLock: options.objectLock ?? null, lifecycleRules: lifecycle() });
    this.buckets.set(replica, { region: dr, versioning: 'Enabled', replicationRules: [], objectLock: options.objectLock ?? null, lifecycleRules: lifecycle() });
  }

  /** An evidence bucket (empty) in `region`; its records are put with the methods below or on the returned fake. */
  addEvidenceBucket(name: string, region: string): FakeEvidenceBucket {
    const bucket = new FakeEvidenceBucket(name);
    this.evidence.set(name, { region, bucket });
    return bucket;
  }

  /**
   * The record a verification run writes when it ends (as the handler builds it), put into `bucket` under its key.
   * `endedAt` is when the run ended; the restore began `restoreSeconds` (default 20 minutes) before the checks.
   */
  addVerificationRun(
    bucket: string,
    run: { store: string; region: string; source: string; endedAt: Date; outcome?: 'succeeded' | 'failed' | 'swept'; restoreSeconds?: number | null; dataLagSeconds?: number | null; reason?: string },
  ): VerificationRunRecord {
    const outcome = run.outcome ?? 'succeeded';
    const restoreSeconds = run.restoreSeconds === undefined ? 1200 : run.restoreSeconds;
    const ended = run.endedAt.getTime();
    const restoreEnd = ended - 5 * 60_000;
    const started = restoreEnd - (restoreSeconds ?? 1200) * 1000;
    const iso = (ms: number) => new Date(ms).toISOString();
    const stamp = iso(started).replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const connected = outcome === 'succeeded';
    const record: VerificationRunRecord = {
      formatVersion: 1,
      kind: 'verification-run',
      store: run.store,
      region: run.region,
      runId: `${run.store}-${stamp}`,
      handlerVersion: 'test',
      recordedAt: iso(ended),
      engine: 'postgres',
      source: { identifier: run.source, kind: 'instance', automatedBackupsArn: null },
      targetTime: iso(started - 60_000),
      startedAt: iso(started),
      endedAt: iso(ended),
      steps: {
        restore: { startedAt: iso(started), endedAt: iso(restoreEnd) },
        available: { startedAt: iso(restoreEnd), endedAt: iso(restoreEnd + 60_000) },
        checks: connected ? { startedAt: iso(restoreEnd + 60_000), endedAt: iso(restoreEnd + 120_000) } : { startedAt: null, endedAt: null },
        delete: { startedAt: iso(restoreEnd + 120_000), endedAt: null },
      },
      restoreSeconds,
      dataLagSeconds: run.dataLagSeconds === undefined ? 30 : run.dataLagSeconds,
      connected,
      checks: [],
      outcome,
      reason: outcome === 'succeeded' ? null : (run.reason ?? 'the restored instance did not accept connections'),
    };
    this.putRecord(bucket, evidenceKey(record), serializeEvidence(record));
    return record;
  }

  /** The daily summary the replica check writes for one bucket store and UTC day (`day`: `yyyy-mm-dd`). */
  addReplicaCheckDay(bucket: string, summary: { store: string; region: string; day: string; sampled?: number; missing?: number; mismatched?: number; failedRuns?: number }): ReplicaCheckSummaryRecord {
    const start = `${summary.day}T00:00:00.000Z`;
    const record: ReplicaCheckSummaryRecord = {
      formatVersion: 1,
      kind: 'replica-check',
      store: summary.store,
      region: summary.region,
      runId: `${summary.store}-${summary.day.replace(/-/g, '')}`,
      handlerVersion: 'test',
      recordedAt: new Date(Date.parse(start) + 86_400_000).toISOString(),
      period: { start, end: new Date(Date.parse(start) + 86_400_000).toISOString() },
      runs: 24,
      failedRuns: summary.failedRuns ?? 0,
      sampled: summary.sampled ?? 240,
      missing: summary.missing ?? 0,
      mismatched: summary.mismatched ?? 0,
      sizeOnly: 0,
    };
    this.putRecord(bucket, evidenceKey(record), serializeEvidence(record));
    return record;
  }

  /** Any text under any key (a damaged or misplaced record). */
  putRecord(bucket: string, key: string, text: string): void {
    const found = this.evidence.get(bucket);
    if (!found) throw new Error(`no evidence bucket ${bucket} in the fake`);
    found.bucket.put(key, text);
  }

  /** An AWS Backup plan in `region` with these rules (a rule with `copyTo` copies each recovery point there). */
  addBackupPlan(region: string, name: string, rules: { name: string; copyTo?: { region: string; vault: string } }[]): void {
    this.backupPlans.set(`${region}/${name}`, { id: `plan-${this.backupPlans.size + 1}`, rules });
  }

  addVault(region: string, name: string, vault: Partial<FakeVault> = {}): void {
    this.vaults.set(`${region}/${name}`, { locked: false, recoveryPoints: [], ...vault });
  }

  restore(): void {
    this.s3.restore();
    this.backup.restore();
  }
}
