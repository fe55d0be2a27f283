/**
 * Small stateful fakes of the S3 bucket settings and the AWS Backup vaults `lifeboat status` reads, behind
 * aws-sdk-client-mock. Buckets hold versioning, replication rules and Object Lock configuration; vaults hold their
 * lock and recovery points. Every call is recorded (with the client's region) so tests can assert status only reads.
 */
import { BackupClient, DescribeBackupVaultCommand, ListRecoveryPointsByBackupVaultCommand } from '@aws-sdk/client-backup';
import {
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  S3Client,
  S3ServiceException,
  type ReplicationRule,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

export interface FakeBucket {
  region: string;
  versioning: 'Enabled' | 'Suspended' | null;
  replicationRules: ReplicationRule[];
  objectLock: { mode: 'GOVERNANCE' | 'COMPLIANCE'; days?: number; years?: number } | null;
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
    this.s3.on(GetObjectLockConfigurationCommand).callsFake(async (input: { Bucket: string }, getClient) => {
      await record('GetObjectLockConfiguration', input, getClient as never);
      const found = bucket(input.Bucket);
      if (!found.objectLock) throw s3Error('ObjectLockConfigurationNotFoundError');
      const lock = found.objectLock;
      return { ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: lock.mode, ...(lock.days ? { Days: lock.days } : {}), ...(lock.years ? { Years: lock.years } : {}) } } } };
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
  addReplicatedBuckets(source: string, replica: string, options: { ruleId?: string; rtc?: boolean; objectLock?: FakeBucket['objectLock']; regions?: [string, string] } = {}): void {
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
    this.buckets.set(source, { region: primary, versioning: 'Enabled', replicationRules: [rule], objectLock: options.objectLock ?? null });
    this.buckets.set(replica, { region: dr, versioning: 'Enabled', replicationRules: [], objectLock: options.objectLock ?? null });
  }

  addVault(region: string, name: string, vault: Partial<FakeVault> = {}): void {
    this.vaults.set(`${region}/${name}`, { locked: false, recoveryPoints: [], ...vault });
  }

  restore(): void {
    this.s3.restore();
    this.backup.restore();
  }
}
