/**
 * A small stateful fake of AWS Backup's recovery points and restore jobs behind aws-sdk-client-mock, for `lifeboat
 * restore`. It shares the clock and the RDS state of a FakeAws: a restore job is PENDING, then RUNNING with a
 * growing PercentDone, then COMPLETED (or FAILED with a StatusMessage) by that clock, and creates the restored
 * instance or cluster in the RDS fake, the way AWS Backup's restore creates it through RDS.
 *
 * What it checks like AWS does, so a wrong call fails here rather than in an incident: the recovery point exists in a
 * vault of the client's region; ResourceType matches it; IamRoleArn is a role ARN; every Metadata key is a member of
 * RDS's restore-from-snapshot call for that resource type (compared without case); the new identifier is given and
 * free. Pages are tiny (2 items) so callers' pagination is exercised. Every call is recorded with its region.
 */
import {
  BackupClient,
  DescribeRecoveryPointCommand,
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  GetRestoreJobMetadataCommand,
  ListRecoveryPointsByBackupVaultCommand,
  ListRestoreJobsCommand,
  StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import { mockClient } from 'aws-sdk-client-mock';
import { FAKE_ACCOUNT, type FakeAws, type Fault } from './fake-rds';

const MINUTE = 60_000;

export interface FakeRecoveryPoint {
  arn: string;
  resourceArn: string;
  resourceType: 'RDS' | 'Aurora';
  createdAt: Date;
  status: string;
  /** What GetRecoveryPointRestoreMetadata answers (the backed-up configuration). */
  metadata: Record<string, string>;
}

export interface FakeRestoreJob {
  id: string;
  region: string;
  recoveryPointArn: string;
  resourceType: string;
  metadata: Record<string, string>;
  iamRoleArn: string;
  token?: string;
  createdAt: Date;
  due: number;
  outcome: 'COMPLETED' | 'FAILED';
  statusMessage?: string;
  createdResourceArn?: string;
}

/** Members of RestoreDBInstanceFromDBSnapshot / RestoreDBClusterFromSnapshot (the keys AWS Backup's RDS restore takes). */
const INSTANCE_KEYS = [
  'DBInstanceIdentifier', 'DBInstanceClass', 'Port', 'AvailabilityZone', 'DBSubnetGroupName', 'MultiAZ', 'PubliclyAccessible', 'AutoMinorVersionUpgrade',
  'LicenseModel', 'DBName', 'Engine', 'Iops', 'StorageThroughput', 'OptionGroupName', 'StorageType', 'VpcSecurityGroupIds', 'CopyTagsToSnapshot',
  'EnableIAMDatabaseAuthentication', 'EnableCloudwatchLogsExports', 'DBParameterGroupName', 'DeletionProtection', 'NetworkType', 'BackupRetentionPeriod',
  // Information only for RDS instances, accepted and ignored.
  'EngineVersion', 'KmsKeyId', 'Encrypted',
];
const CLUSTER_KEYS = [
  'AvailabilityZones', 'DBClusterIdentifier', 'Engine', 'EngineVersion', 'Port', 'DBSubnetGroupName', 'DatabaseName', 'OptionGroupName', 'VpcSecurityGroupIds',
  'KmsKeyId', 'EnableIAMDatabaseAuthentication', 'BacktrackWindow', 'EnableCloudwatchLogsExports', 'EngineMode', 'DBClusterParameterGroupName', 'DeletionProtection',
  'CopyTagsToSnapshot', 'StorageType', 'Iops', 'PubliclyAccessible', 'NetworkType', 'BackupRetentionPeriod', 'Encrypted',
];

function backupError(name: string, message = name, status = 400): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

async function regionOf(getClient: () => { config: { region?: unknown } }): Promise<string> {
  const configured = getClient?.()?.config?.region;
  return typeof configured === 'function' ? String(await (configured as () => Promise<string>)()) : String(configured ?? 'unknown');
}

function lookup(metadata: Record<string, string>, key: string): string | undefined {
  return Object.entries(metadata).find(([candidate]) => candidate.toLowerCase() === key.toLowerCase())?.[1];
}

export class FakeBackup {
  readonly backup = mockClient(BackupClient);
  /** Recovery points by `<region>/<vault>`. */
  readonly vaults = new Map<string, FakeRecoveryPoint[]>();
  readonly jobs: FakeRestoreJob[] = [];
  readonly calls: { command: string; region: string; input: any; error?: string }[] = [];
  /** How long a restore job runs, and how the next jobs into an identifier end. */
  restoreMs = 25 * MINUTE;
  readonly outcomes = new Map<string, { status: 'FAILED'; message: string }>();
  private readonly faults = new Map<string, Fault[]>();
  private nextJob = 1;

  /** Commands the fake does not implement that were sent: must stay empty. */
  readonly unsupported: string[] = [];

  constructor(private readonly rds: FakeAws) {
    this.backup.onAnyCommand().callsFake((input: unknown) => {
      this.unsupported.push(JSON.stringify(input));
      throw backupError('UnsupportedByFake');
    });
    this.handle(ListRecoveryPointsByBackupVaultCommand, 'ListRecoveryPointsByBackupVault', (input, region) => {
      const points = this.vault(region, input.BackupVaultName).filter((point) => !input.ByResourceArn || point.resourceArn === input.ByResourceArn);
      const { items, NextToken } = this.page(points, input);
      return {
        RecoveryPoints: items.map((point) => ({ RecoveryPointArn: point.arn, BackupVaultName: input.BackupVaultName, ResourceArn: point.resourceArn, ResourceType: point.resourceType, CreationDate: point.createdAt, Status: point.status })),
        ...(NextToken ? { NextToken } : {}),
      };
    });
    this.handle(DescribeRecoveryPointCommand, 'DescribeRecoveryPoint', (input, region) => {
      const point = this.point(region, input.BackupVaultName, input.RecoveryPointArn);
      return { RecoveryPointArn: point.arn, BackupVaultName: input.BackupVaultName, ResourceArn: point.resourceArn, ResourceType: point.resourceType, CreationDate: point.createdAt, Status: point.status };
    });
    this.handle(GetRecoveryPointRestoreMetadataCommand, 'GetRecoveryPointRestoreMetadata', (input, region) => {
      const point = this.point(region, input.BackupVaultName, input.RecoveryPointArn);
      return { RecoveryPointArn: point.arn, ResourceType: point.resourceType, RestoreMetadata: { ...point.metadata } };
    });
    this.handle(StartRestoreJobCommand, 'StartRestoreJob', (input, region) => this.start(input, region));
    this.handle(DescribeRestoreJobCommand, 'DescribeRestoreJob', (input) => {
      const job = this.jobs.find((candidate) => candidate.id === input.RestoreJobId);
      if (!job) throw backupError('ResourceNotFoundException', `restore job ${input.RestoreJobId} not found`, 404);
      return this.describe(job);
    });
    this.handle(ListRestoreJobsCommand, 'ListRestoreJobs', (input, region) => {
      const jobs = this.jobs.filter(
        (job) => job.region === region && (!input.ByResourceType || job.resourceType === input.ByResourceType) && (!input.ByCreatedAfter || job.createdAt.getTime() >= input.ByCreatedAfter.getTime()),
      );
      const { items, NextToken } = this.page(jobs, input);
      return { RestoreJobs: items.map((job) => this.describe(job)), ...(NextToken ? { NextToken } : {}) };
    });
    this.handle(GetRestoreJobMetadataCommand, 'GetRestoreJobMetadata', (input) => {
      const job = this.jobs.find((candidate) => candidate.id === input.RestoreJobId);
      if (!job) throw backupError('ResourceNotFoundException', `restore job ${input.RestoreJobId} not found`, 404);
      return { RestoreJobId: job.id, Metadata: { ...job.metadata } };
    });
  }

  /** A recovery point of `resourceArn` in the vault `<region>/<vault>`, `ageMs` old. */
  addRecoveryPoint(region: string, vault: string, point: { id: string; resourceArn: string; ageMs: number; status?: string; metadata?: Record<string, string> }): string {
    const cluster = point.resourceArn.includes(':cluster:');
    const arn = `arn:aws:rds:${region}:${FAKE_ACCOUNT}:${cluster ? 'cluster-snapshot' : 'snapshot'}:awsbackup:${point.id}`;
    const list = this.vaults.get(`${region}/${vault}`) ?? [];
    list.push({ arn, resourceArn: point.resourceArn, resourceType: cluster ? 'Aurora' : 'RDS', createdAt: new Date(this.rds.clock.now().getTime() - point.ageMs), status: point.status ?? 'COMPLETED', metadata: point.metadata ?? {} });
    this.vaults.set(`${region}/${vault}`, list);
    return arn;
  }

  addVault(region: string, vault: string): void {
    if (!this.vaults.has(`${region}/${vault}`)) this.vaults.set(`${region}/${vault}`, []);
  }

  inject(command: string, fault: Fault): void {
    this.faults.set(command, [...(this.faults.get(command) ?? []), fault]);
  }

  callsOf(command: string): { command: string; region: string; input: any; error?: string }[] {
    return this.calls.filter((call) => call.command === command);
  }

  restore(): void {
    this.backup.restore();
  }

  private vault(region: string, name: string): FakeRecoveryPoint[] {
    const found = this.vaults.get(`${region}/${name}`);
    if (!found) throw backupError('ResourceNotFoundException', `backup vault ${name} not found in ${region}`, 404);
    return found;
  }

  private point(region: string, vault: string, arn: string): FakeRecoveryPoint {
    const found = this.vault(region, vault).find((point) => point.arn === arn);
    if (!found) throw backupError('ResourceNotFoundException', `recovery point ${arn} not found in vault ${vault} (${region})`, 404);
    return found;
  }

  private start(input: any, region: string) {
    if (input.IdempotencyToken) {
      const same = this.jobs.find((job) => job.token === input.IdempotencyToken && job.recoveryPointArn === input.RecoveryPointArn);
      if (same) return { RestoreJobId: same.id, RecoveryPointArn: same.recoveryPointArn };
    }
    const point = [...this.vaults.entries()].filter(([key]) => key.startsWith(`${region}/`)).flatMap(([, points]) => points).find((candidate) => candidate.arn === input.RecoveryPointArn);
    if (!point) throw backupError('ResourceNotFoundException', `recovery point ${input.RecoveryPointArn} not found in ${region}`, 404);
    if (point.status !== 'COMPLETED') throw backupError('InvalidRequestException', `recovery point is ${point.status}`);
    if (input.ResourceType !== undefined && input.ResourceType !== point.resourceType) throw backupError('InvalidParameterValueException', `ResourceType ${input.ResourceType} is not the recovery point's ${point.resourceType}`);
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(input.IamRoleArn ?? '')) throw backupError('InvalidParameterValueException', `IamRoleArn ${input.IamRoleArn} is not a role ARN`);
    const metadata: Record<string, string> = input.Metadata ?? {};
    const allowed = new Set((point.resourceType === 'Aurora' ? CLUSTER_KEYS : INSTANCE_KEYS).map((key) => key.toLowerCase()));
    const unknown = Object.keys(metadata).filter((key) => !allowed.has(key.toLowerCase()));
    if (unknown.length > 0) throw backupError('InvalidParameterValueException', `unknown restore metadata ${unknown.join(', ')}`);
    for (const [key, value] of Object.entries(metadata)) if (typeof value !== 'string') throw backupError('SerializationException', `metadata ${key} must be a string`);
    const identifier = lookup(metadata, point.resourceType === 'Aurora' ? 'DBClusterIdentifier' : 'DBInstanceIdentifier');
    if (!identifier) throw backupError('InvalidParameterValueException', 'the metadata names no new identifier');
    if (!lookup(metadata, 'Engine')) throw backupError('InvalidParameterValueException', 'the metadata needs Engine');
    const kind = point.resourceType === 'Aurora' ? 'cluster' : 'instance';
    const outcome = this.outcomes.get(identifier);
    const now = this.rds.clock.now().getTime();
    const job: FakeRestoreJob = {
      id: `restore-job-${this.nextJob++}`,
      region,
      recoveryPointArn: point.arn,
      resourceType: point.resourceType,
      metadata: { ...metadata },
      iamRoleArn: input.IamRoleArn,
      token: input.IdempotencyToken,
      createdAt: new Date(now),
      due: now + this.restoreMs,
      outcome: outcome ? 'FAILED' : 'COMPLETED',
      statusMessage: outcome?.message,
    };
    // AWS Backup restores through RDS, which creates the resource at once (creating); a failed job leaves none here.
    if (!outcome) job.createdResourceArn = this.rds.addRestoringResource(kind, identifier, lookup(metadata, 'Engine') as string, this.restoreMs);
    this.jobs.push(job);
    return { RestoreJobId: job.id, RecoveryPointArn: point.arn };
  }

  private describe(job: FakeRestoreJob) {
    const now = this.rds.clock.now().getTime();
    const done = now >= job.due;
    const status = done ? job.outcome : now - job.createdAt.getTime() < MINUTE ? 'PENDING' : 'RUNNING';
    const percent = done ? 100 : Math.min(99, ((now - job.createdAt.getTime()) / (job.due - job.createdAt.getTime())) * 100);
    return {
      RestoreJobId: job.id,
      RecoveryPointArn: job.recoveryPointArn,
      ResourceType: job.resourceType,
      CreationDate: job.createdAt,
      Status: status,
      PercentDone: `${percent.toFixed(2)}%`,
      IamRoleArn: job.iamRoleArn,
      ...(done && job.outcome === 'FAILED' ? { StatusMessage: job.statusMessage } : {}),
      // AWS Backup reports the created resource once the job completed.
      ...(done && job.createdResourceArn ? { CreatedResourceArn: job.createdResourceArn, CompletionDate: new Date(job.due) } : {}),
    };
  }

  private page<T>(items: T[], input: { NextToken?: string; MaxResults?: number }): { items: T[]; NextToken?: string } {
    const start = input.NextToken ? Number(input.NextToken) : 0;
    const next = start + Math.min(input.MaxResults ?? 1000, 2);
    return { items: items.slice(start, next), ...(next < items.length ? { NextToken: String(next) } : {}) };
  }

  private handle(command: any, name: string, run: (input: any, region: string) => unknown): void {
    this.backup.on(command).callsFake(async (input: any, getClient: () => { config: { region?: unknown } }) => {
      await this.rds.settle();
      const region = await regionOf(getClient);
      const call: { command: string; region: string; input: any; error?: string } = { command: name, region, input };
      this.calls.push(call);
      for (const fault of this.faults.get(name) ?? []) {
        const error = fault(input, this.rds);
        if (error) {
          call.error = error.name;
          throw error;
        }
      }
      try {
        return await run(input, region);
      } catch (error) {
        call.error = (error as Error).name;
        throw error;
      }
    });
  }
}
