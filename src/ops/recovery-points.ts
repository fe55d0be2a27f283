/**
 * AWS Backup recovery points of a database store, read for `lifeboat restore`: the plan's vault in the primary region
 * and, when a rule copies, the vault of the same name in the DR region. RDS and Aurora recovery points are RDS
 * snapshots (`awsbackup:job-...`, `awsbackup:copyjob-...`), so their ARNs are snapshot ARNs; AWS Backup restores them
 * with StartRestoreJob into a NEW instance or cluster. Reads only; the restore itself is a procedure step.
 */
import {
  DescribeRecoveryPointCommand,
  GetRecoveryPointRestoreMetadataCommand,
  GetRestoreJobMetadataCommand,
  ListRecoveryPointsByBackupVaultCommand,
  ListRestoreJobsCommand,
  type BackupClient,
} from '@aws-sdk/client-backup';
import type { BackupPlan, DatabaseStorePlan } from '../plan/types';
import { isNotFound, withRetry } from './execute';

export interface RecoveryPoint {
  arn: string;
  vault: string;
  region: string;
  /** When the backup job started: the data is as of about this time (the restore point). */
  createdAt: Date;
  status: string;
  resourceArn: string;
}

export interface BackupEnvironment {
  backup(region: string): BackupClient;
  sleep: (ms: number) => Promise<void>;
}

/** Statuses of a recovery point AWS Backup can restore (PARTIAL, EXPIRED, DELETING, STOPPED, CREATING cannot). */
const RESTORABLE = new Set(['COMPLETED', 'AVAILABLE']);

export function restorable(point: RecoveryPoint): boolean {
  return RESTORABLE.has(point.status);
}

/** The vaults holding the store's recovery points, per region: the primary vault, and the DR copy vault when a rule copies. */
export function storeVaults(plan: BackupPlan, store: DatabaseStorePlan): { region: string; role: 'primary' | 'dr'; vault: string }[] {
  const vault = store.names.awsBackup?.vault;
  if (!store.awsBackup || !vault) return [];
  return [
    { region: plan.regions.primary, role: 'primary' as const, vault },
    ...(store.awsBackup.rules.some((rule) => rule.copyToDr) ? [{ region: plan.regions.dr, role: 'dr' as const, vault }] : []),
  ];
}

/** `arn:<partition>:rds:<primary region>:<account>:db:<id>` (or `:cluster:`): the resource AWS Backup protects. */
export function storeResourceArn(plan: BackupPlan, store: DatabaseStorePlan, account: { id: string; partition: string }): string {
  return `arn:${account.partition}:rds:${plan.regions.primary}:${account.id}:${store.family === 'aurora' ? 'cluster' : 'db'}:${store.names.primary}`;
}

/** Every recovery point of `resourceArn` in one vault, newest first (all pages). */
export async function listRecoveryPoints(env: BackupEnvironment, region: string, vault: string, resourceArn: string): Promise<RecoveryPoint[]> {
  const points: RecoveryPoint[] = [];
  let token: string | undefined;
  do {
    const page = await withRetry(
      () => env.backup(region).send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: vault, ByResourceArn: resourceArn, NextToken: token, MaxResults: 100 })),
      env.sleep,
    );
    for (const point of page.RecoveryPoints ?? []) {
      if (!point.RecoveryPointArn || !point.CreationDate) continue;
      points.push({ arn: point.RecoveryPointArn, vault, region, createdAt: point.CreationDate, status: point.Status ?? 'unknown', resourceArn: point.ResourceArn ?? resourceArn });
    }
    token = page.NextToken;
  } while (token);
  return points.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/** One recovery point by ARN in the vault of its region; undefined when the vault has no such point. */
export async function describeRecoveryPoint(env: BackupEnvironment, region: string, vault: string, arn: string): Promise<RecoveryPoint | undefined> {
  try {
    const out = await withRetry(() => env.backup(region).send(new DescribeRecoveryPointCommand({ BackupVaultName: vault, RecoveryPointArn: arn })), env.sleep);
    return { arn, vault, region, createdAt: out.CreationDate ?? new Date(0), status: out.Status ?? 'unknown', resourceArn: out.ResourceArn ?? '' };
  } catch (error) {
    if (isNotFound(error) || /ResourceNotFound|InvalidParameterValue/.test((error as Error).name)) return undefined;
    throw error;
  }
}

/** The configuration AWS Backup recorded when it made the recovery point (GetRecoveryPointRestoreMetadata). */
export async function backedUpMetadata(env: BackupEnvironment, point: RecoveryPoint): Promise<Record<string, string>> {
  const out = await withRetry(
    () => env.backup(point.region).send(new GetRecoveryPointRestoreMetadataCommand({ BackupVaultName: point.vault, RecoveryPointArn: point.arn })),
    env.sleep,
  );
  return { ...(out.RestoreMetadata ?? {}) };
}

export interface ExistingRestoreJob {
  id: string;
  status: string;
  statusMessage?: string;
  createdResourceArn?: string;
}

/**
 * An earlier restore job of this recovery point into `target` (a rerun after an interruption): AWS Backup cannot
 * filter jobs by target, so the jobs of the recovery point's resource type created since the point was made are
 * listed, and the metadata of each job of this recovery point says which identifier it restores into.
 */
export async function findRestoreJob(
  env: BackupEnvironment,
  point: RecoveryPoint,
  resourceType: 'RDS' | 'Aurora',
  target: string,
): Promise<ExistingRestoreJob | undefined> {
  const client = env.backup(point.region);
  const matches: (ExistingRestoreJob & { createdAt: number })[] = [];
  let token: string | undefined;
  do {
    const page = await withRetry(() => client.send(new ListRestoreJobsCommand({ ByResourceType: resourceType, ByCreatedAfter: point.createdAt, NextToken: token, MaxResults: 100 })), env.sleep);
    for (const job of page.RestoreJobs ?? []) {
      if (job.RecoveryPointArn !== point.arn || !job.RestoreJobId) continue;
      const createdResource = job.CreatedResourceArn ?? '';
      let into = createdResource.split(':').pop() === target;
      if (!into) {
        const metadata = await withRetry(() => client.send(new GetRestoreJobMetadataCommand({ RestoreJobId: job.RestoreJobId })), env.sleep);
        const identifier = Object.entries(metadata.Metadata ?? {}).find(([key]) => ['dbinstanceidentifier', 'dbclusteridentifier'].includes(key.toLowerCase()))?.[1];
        into = identifier?.toLowerCase() === target;
      }
      if (into) {
        matches.push({ id: job.RestoreJobId, status: job.Status ?? 'unknown', statusMessage: job.StatusMessage, createdResourceArn: job.CreatedResourceArn, createdAt: job.CreationDate?.getTime() ?? 0 });
      }
    }
    token = page.NextToken;
  } while (token);
  const newest = matches.sort((a, b) => b.createdAt - a.createdAt)[0];
  if (!newest) return undefined;
  const { createdAt: _createdAt, ...job } = newest;
  return job;
}

/** `arn:aws:rds:<region>:<account>:snapshot:awsbackup:job-...` -> its region; undefined for anything else. */
export function recoveryPointRegion(arn: string): string | undefined {
  const match = /^arn:aws[a-z-]*:(rds|backup):([a-z0-9-]+):\d{12}:/.exec(arn);
  return match?.[2];
}
