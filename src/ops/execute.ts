/**
 * Runs a procedure's steps through the AWS SDK: each call retried on throttling, each wait polled until its real
 * completion condition (or a failure status, or its timeout), progress reported as it goes. Values captured by a step
 * feed later ones. Nothing here decides what to do: the procedure (built from the plan) does.
 */
import * as backup from '@aws-sdk/client-backup';
import * as rds from '@aws-sdk/client-rds';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { FAILED_STATUSES } from './procedures/common';
import { isRef, type CallStep, type Procedure, type Step, type Value, type WaitStep } from './procedures/types';

export interface AwsClients {
  rds(region: string): rds.RDSClient;
  sts(region: string): STSClient;
  /** AWS Backup (restores of recovery points); only procedures with `backup` steps need it. */
  backup?(region: string): backup.BackupClient;
}

export interface ExecuteDependencies {
  clients: AwsClients;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  /** One line of progress for a person. */
  progress: (line: string) => void;
  /** Runs a check step (connects to the restored database); returns true when every check passed. */
  check?: (step: Extract<Step, { kind: 'check' }>, variables: Record<string, string>) => Promise<boolean>;
}

/** SDK inputs whose members are timestamps (the procedure holds ISO strings). */
const TIMESTAMP_MEMBERS = new Set(['RestoreTime', 'RestoreToTime']);

const THROTTLING = /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/;

function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null ? String((error as { name?: unknown }).name ?? '') : '';
}

export function isNotFound(error: unknown): boolean {
  return /NotFound/.test(errorName(error));
}

/** Calls AWS, retrying throttling with exponential backoff (the SDK's own retries come first). */
export async function withRetry<T>(operation: () => Promise<T>, sleep: (ms: number) => Promise<void>, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const throttled = THROTTLING.test(errorName(error)) || (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 429;
      if (!throttled || attempt >= attempts) throw error;
      await sleep(Math.min(20_000, 500 * 2 ** (attempt - 1)));
    }
  }
}

/** Replaces `${NAME}` in strings (and Refs) with run-time values; an unknown name is an error, never sent to AWS. */
export function resolve(value: Value, variables: Record<string, string>, member?: string): unknown {
  if (isRef(value)) return lookup(value.ref, variables);
  if (typeof value === 'string') {
    const text = value.replace(/\$\{([A-Z][A-Z0-9_]*)\}/g, (_match, name: string) => lookup(name, variables));
    return member && TIMESTAMP_MEMBERS.has(member) ? new Date(text) : text;
  }
  if (Array.isArray(value)) return value.map((item: Value) => resolve(item, variables));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, resolve(inner as Value, variables, key)]));
  }
  return value;
}

function lookup(name: string, variables: Record<string, string>): string {
  const found = variables[name];
  if (found === undefined) throw new Error(`no value for \${${name}} (the step that provides it did not run)`);
  return found;
}

/** Evaluates the JMESPath subset captures use: `A[0].B.C`. */
export function query(data: unknown, path: string): unknown {
  let current: unknown = data;
  for (const part of path.split('.')) {
    const match = /^(\w+)((?:\[\d+\])*)$/.exec(part);
    if (!match) throw new Error(`unsupported query ${path}`);
    current = (current as Record<string, unknown> | undefined)?.[match[1] as string];
    for (const index of (match[2] ?? '').matchAll(/\[(\d+)\]/g)) current = (current as unknown[] | undefined)?.[Number(index[1])];
  }
  return current;
}

type CommandClass = new (input: never) => unknown;

const RDS_COMMANDS: Record<string, CommandClass> = {
  RestoreDBInstanceToPointInTime: rds.RestoreDBInstanceToPointInTimeCommand,
  RestoreDBClusterToPointInTime: rds.RestoreDBClusterToPointInTimeCommand,
  CreateDBInstance: rds.CreateDBInstanceCommand,
  CreateDBSubnetGroup: rds.CreateDBSubnetGroupCommand,
  ModifyDBInstance: rds.ModifyDBInstanceCommand,
  ModifyDBCluster: rds.ModifyDBClusterCommand,
  DescribeDBInstanceAutomatedBackups: rds.DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBClusters: rds.DescribeDBClustersCommand,
  DescribeDBInstances: rds.DescribeDBInstancesCommand,
  PromoteReadReplica: rds.PromoteReadReplicaCommand,
  SwitchoverGlobalCluster: rds.SwitchoverGlobalClusterCommand,
  FailoverGlobalCluster: rds.FailoverGlobalClusterCommand,
  ResetDBClusterParameterGroup: rds.ResetDBClusterParameterGroupCommand,
  StartDBInstanceAutomatedBackupsReplication: rds.StartDBInstanceAutomatedBackupsReplicationCommand,
  RestoreDBInstanceFromDBSnapshot: rds.RestoreDBInstanceFromDBSnapshotCommand,
  RestoreDBClusterFromSnapshot: rds.RestoreDBClusterFromSnapshotCommand,
  CreateDBSnapshot: rds.CreateDBSnapshotCommand,
  CreateDBClusterSnapshot: rds.CreateDBClusterSnapshotCommand,
  CopyDBSnapshot: rds.CopyDBSnapshotCommand,
  CopyDBClusterSnapshot: rds.CopyDBClusterSnapshotCommand,
  AddTagsToResource: rds.AddTagsToResourceCommand,
};

const BACKUP_COMMANDS: Record<string, CommandClass> = {
  StartRestoreJob: backup.StartRestoreJobCommand,
  DescribeRestoreJob: backup.DescribeRestoreJobCommand,
};

function backupClient(deps: ExecuteDependencies, region: string): backup.BackupClient {
  if (!deps.clients.backup) throw new Error('this procedure calls AWS Backup: no AWS Backup client was given');
  return deps.clients.backup(region);
}

export async function runCall(step: CallStep, variables: Record<string, string>, deps: ExecuteDependencies): Promise<unknown> {
  const input = resolve(step.input as Value, variables) as never;
  let send: () => Promise<unknown>;
  if (step.service === 'sts' && step.operation === 'GetCallerIdentity') {
    send = () => deps.clients.sts(step.region).send(new GetCallerIdentityCommand({}));
  } else if (step.service === 'rds' && RDS_COMMANDS[step.operation]) {
    const Command = RDS_COMMANDS[step.operation] as CommandClass;
    send = () => deps.clients.rds(step.region).send(new Command(input) as never);
  } else if (step.service === 'backup' && BACKUP_COMMANDS[step.operation]) {
    const Command = BACKUP_COMMANDS[step.operation] as CommandClass;
    send = () => backupClient(deps, step.region).send(new Command(input) as never);
  } else {
    throw new Error(`${step.service} ${step.operation} is a step for a person; lifeboat does not run it`);
  }
  let output: unknown;
  try {
    output = await withRetry(send, deps.sleep);
  } catch (error) {
    if (step.alreadyExistsOk && /AlreadyExists/.test(errorName(error))) {
      deps.progress(`  ${step.title}: already exists, kept`);
      return undefined;
    }
    throw error;
  }
  for (const capture of step.capture ?? []) {
    const value = query(output, capture.query);
    if (typeof value !== 'string') throw new Error(`${step.title}: the answer has no ${capture.query}`);
    variables[capture.name] = value;
  }
  return output;
}

export class WaitFailed extends Error {
  override readonly name = 'WaitFailed';
}

/**
 * One poll: `done`, or the state seen ("not found yet" when the resource does not answer under that name yet), and
 * `failed` when the state is final without success (the reason, for the person).
 */
async function probe(step: WaitStep, deps: ExecuteDependencies, variables: Record<string, string>): Promise<{ done: boolean; state: string; failed?: string }> {
  const client = deps.clients.rds(step.region);
  const condition = step.condition;
  const call = <T>(operation: () => Promise<T>) => withRetry(operation, deps.sleep);
  try {
    switch (condition.type) {
      case 'db-instance-available':
      case 'db-instance-promoted': {
        const out = await call(() => client.send(new rds.DescribeDBInstancesCommand({ DBInstanceIdentifier: condition.identifier })));
        const instance = out.DBInstances?.[0];
        const status = instance?.DBInstanceStatus ?? 'unknown';
        const secretOk = condition.type !== 'db-instance-available' || !condition.secretActive || instance?.MasterUserSecret?.SecretStatus === 'active';
        const promoted = condition.type !== 'db-instance-promoted' || !instance?.ReadReplicaSourceDBInstanceIdentifier;
        return { done: status === 'available' && secretOk && promoted, state: status };
      }
      case 'db-cluster-available': {
        const out = await call(() => client.send(new rds.DescribeDBClustersCommand({ DBClusterIdentifier: condition.identifier })));
        const cluster = out.DBClusters?.[0];
        const status = cluster?.Status ?? 'unknown';
        return { done: status === 'available' && (!condition.secretActive || cluster?.MasterUserSecret?.SecretStatus === 'active'), state: status };
      }
      case 'global-writer': {
        const out = await call(() => client.send(new rds.DescribeGlobalClustersCommand({ GlobalClusterIdentifier: condition.globalClusterIdentifier })));
        const global = out.GlobalClusters?.[0];
        const writer = global?.GlobalClusterMembers?.find((member) => member.IsWriter)?.DBClusterArn ?? '';
        const failover = global?.FailoverState?.Status;
        return { done: !failover && writer.endsWith(`:cluster:${condition.writerClusterIdentifier}`), state: failover ?? `writer ${writer.split(':').pop()}` };
      }
      case 'db-snapshot-available': {
        const snapshot = condition.cluster
          ? (await call(() => client.send(new rds.DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: condition.identifier })))).DBClusterSnapshots?.[0]
          : (await call(() => client.send(new rds.DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: condition.identifier })))).DBSnapshots?.[0];
        const status = snapshot?.Status ?? 'not found yet';
        // Progress in the state line (so each new percentage is reported); a failure status stays bare to be recognised.
        const moving = (status === 'creating' || status === 'copying' || status === 'pending') && snapshot?.PercentProgress !== undefined;
        // In steps of 10%, so a long copy reports about ten lines rather than one per poll.
        return { done: status === 'available', state: moving ? `${status} ${Math.floor((snapshot?.PercentProgress ?? 0) / 10) * 10}%` : status };
      }
      case 'backup-restore-job': {
        const restoreJobId = resolve(condition.restoreJobId, variables) as string;
        const job = await call(() => backupClient(deps, step.region).send(new backup.DescribeRestoreJobCommand({ RestoreJobId: restoreJobId })));
        const status = job.Status ?? 'unknown';
        if (status === 'FAILED' || status === 'ABORTED') {
          return { done: false, state: status, failed: `restore job ${restoreJobId} ended ${status}: ${job.StatusMessage ?? 'no status message'}` };
        }
        // PercentDone is a string such as "42.00%"; in steps of 10% so a long restore reports about ten lines.
        const percent = Number.parseFloat(job.PercentDone ?? '');
        return { done: status === 'COMPLETED', state: Number.isFinite(percent) && status === 'RUNNING' ? `${status} ${Math.floor(percent / 10) * 10}%` : status };
      }
      case 'automated-backups-replicating': {
        const out = await call(() => client.send(new rds.DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: condition.sourceIdentifier })));
        const status = out.DBInstanceAutomatedBackups?.[0]?.Status ?? 'absent';
        return { done: status === 'replicating', state: status };
      }
    }
  } catch (error) {
    if (isNotFound(error)) return { done: false, state: 'not found yet' };
    throw error;
  }
}

export async function runWait(step: WaitStep, deps: ExecuteDependencies, timeoutSeconds = step.timeoutSeconds, variables: Record<string, string> = {}): Promise<number> {
  const start = deps.now().getTime();
  let last = '';
  for (;;) {
    const { done, state, failed } = await probe(step, deps, variables);
    const elapsed = Math.round((deps.now().getTime() - start) / 1000);
    if (done) {
      deps.progress(`  ${step.title}: done after ${elapsed}s`);
      return elapsed;
    }
    if (failed) throw new WaitFailed(`${step.title}: ${failed} (after ${elapsed}s)`);
    if (FAILED_STATUSES.includes(state)) throw new WaitFailed(`${step.title}: ended in status ${state} after ${elapsed}s`);
    if (state !== last) deps.progress(`  ${step.title}: ${state} (${elapsed}s)`);
    last = state;
    if (elapsed >= timeoutSeconds) {
      throw new WaitFailed(`${step.title}: still ${state} after ${elapsed}s (limit ${timeoutSeconds}s; expected about ${step.expectedSeconds}s). Nothing was deleted; rerun the same command to keep waiting.`);
    }
    await deps.sleep(step.pollSeconds * 1000);
  }
}

export interface StepOutcome {
  step: string;
  title: string;
  result: 'done' | 'skipped' | 'failed';
  seconds: number;
  detail?: string;
}

/**
 * Runs the steps in order from `options.from` (a step id), skipping `options.skip`. Stops at the first failure,
 * which is returned with what was done before it.
 */
export async function executeProcedure(
  procedure: Procedure,
  variables: Record<string, string>,
  deps: ExecuteDependencies,
  options: { skip?: ReadonlySet<string>; timeoutSeconds?: number } = {},
): Promise<{ outcomes: StepOutcome[]; failed: boolean }> {
  const outcomes: StepOutcome[] = [];
  for (const [index, step] of procedure.steps.entries()) {
    const started = deps.now().getTime();
    const seconds = () => Math.round((deps.now().getTime() - started) / 1000);
    if (options.skip?.has(step.id)) {
      outcomes.push({ step: step.id, title: step.title, result: 'skipped', seconds: 0, detail: 'already done' });
      continue;
    }
    deps.progress(`${index + 1}. ${step.title}`);
    try {
      if (step.kind === 'call') await runCall(step, variables, deps);
      else if (step.kind === 'wait') await runWait(step, deps, options.timeoutSeconds ?? step.timeoutSeconds, variables);
      else if (step.kind === 'check') {
        const ok = deps.check ? await deps.check(step, variables) : true;
        if (!ok) {
          outcomes.push({ step: step.id, title: step.title, result: 'failed', seconds: seconds(), detail: 'a verification check failed' });
          return { outcomes, failed: true };
        }
      } else {
        outcomes.push({ step: step.id, title: step.title, result: 'skipped', seconds: 0, detail: 'for a person (see the runbook)' });
        continue;
      }
      outcomes.push({ step: step.id, title: step.title, result: 'done', seconds: seconds() });
    } catch (error) {
      outcomes.push({ step: step.id, title: step.title, result: 'failed', seconds: seconds(), detail: (error as Error).message });
      return { outcomes, failed: true };
    }
  }
  return { outcomes, failed: false };
}
