/**
 * `lifeboat checkpoint <store>`: a manual snapshot of the store's instance or cluster, tagged with the store, a label,
 * who and when; optionally copied to the DR region with the DR-region key; waits with progress when asked. The step
 * a pipeline runs before a migration. Dry-run unless --execute: it names the snapshot(s) it will create first.
 */
import { DescribeDBClusterSnapshotsCommand, DescribeDBClustersCommand, DescribeDBInstancesCommand, DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import type { DatabaseStorePlan } from '../plan/types';
import { executeProcedure, isNotFound, withRetry } from '../ops/execute';
import { checkpointProcedure, checkpointSnapshotId } from '../ops/procedures/checkpoint';
import { touchedResources, type CallStep } from '../ops/procedures/types';
import { stampOf } from '../ops/context';
import { parseCommandArgs, usageError } from './args';
import { EXIT_FINDINGS, EXIT_INVALID, EXIT_OK } from './exit-codes';
import { loadDatabaseStoreForOps } from './ops-plan';
import { executionMode, MUTATING_COMMAND_OPTIONS } from './execution';
import { processOutput, type CommandOutput } from './output';
import { callerName } from './caller';
import { defaultClients, type OpsEnvironment } from './restore';
import { CHECKPOINT_SUMMARY } from './summaries';


export const CHECKPOINT_USAGE = `Usage: lifeboat checkpoint <store> [--label <label>] [--copy-to-dr] [--wait] [options]

${CHECKPOINT_SUMMARY}.
Without --execute nothing changes: it names the snapshot it will create and its tags. The snapshot is tagged with
the store, the label, who took it (the caller's identity) and when; --copy-to-dr copies it to the DR region,
encrypted with the DR-region key of the plan. Manual snapshots are kept until someone deletes them; lifeboat never
deletes. A rerun with the same --snapshot-id resumes (waits, copies) instead of taking another.

Options:
  --label <label>           Why it is taken (lowercase letters, digits, hyphens; default: manual)
  --copy-to-dr              Copy it to the DR region (waits for the snapshot first)
  --wait                    Wait until the snapshot (and its copy) is available, with progress
  --snapshot-id <id>        Identifier (default: <primary>-<label>-<yyyymmddthhmm>)
  --plan <file>             The plan (default: backup_plan.json), or a requirements file (planned on the fly)
  --execute                 Take it (otherwise: dry run)
  --yes                     Confirm --execute where there is no terminal (CI)
  --format <table|json>     Output (default: table)
  -h, --help                Show this help

Exit codes: 0 taken (or dry run OK), 1 refused (the snapshot id exists and is not this checkpoint), 2 error.
`;

const LABEL = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const SNAPSHOT_ID = /^[a-zA-Z](?:[a-zA-Z0-9]|-(?=[a-zA-Z0-9])){0,254}$/;

type Env = { clients: NonNullable<OpsEnvironment['clients']>; sleep: (ms: number) => Promise<void>; now: () => Date };

async function describeSnapshot(env: Env, cluster: boolean, id: string, region: string): Promise<{ status: string; tags: Record<string, string> } | undefined> {
  try {
    const client = env.clients.rds(region);
    const found = cluster
      ? (await withRetry(() => client.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: id })), env.sleep)).DBClusterSnapshots?.[0]
      : (await withRetry(() => client.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: id })), env.sleep)).DBSnapshots?.[0];
    return found ? { status: found.Status ?? 'unknown', tags: Object.fromEntries((found.TagList ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])) } : undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function sourceStatus(env: Env, store: DatabaseStorePlan, region: string): Promise<string> {
  const client = env.clients.rds(region);
  if (store.family === 'aurora') {
    const out = await withRetry(() => client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: store.names.primary })), env.sleep);
    return out.DBClusters?.[0]?.Status ?? 'unknown';
  }
  const out = await withRetry(() => client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: store.names.primary })), env.sleep);
  return out.DBInstances?.[0]?.DBInstanceStatus ?? 'unknown';
}

export async function runCheckpoint(argv: string[], output: CommandOutput = processOutput, environment: OpsEnvironment = {}): Promise<number> {
  const parsed = parseCommandArgs(
    argv,
    {
      ...MUTATING_COMMAND_OPTIONS,
      label: { type: 'string' },
      'copy-to-dr': { type: 'boolean' },
      wait: { type: 'boolean' },
      'snapshot-id': { type: 'string' },
    },
    CHECKPOINT_USAGE,
    output,
    { min: 1, max: 1 },
  );
  if ('exit' in parsed) return parsed.exit;
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const storeId = parsed.positionals[0] as string;
  const label = (values.label as string | undefined) ?? 'manual';
  const problems: string[] = [];
  if (!LABEL.test(label) || label.length > 63) problems.push('--label must be lowercase letters, digits and single hyphens, at most 63 characters (e.g. pre-migration-42)');
  const givenId = values['snapshot-id'] as string | undefined;
  if (givenId !== undefined && !SNAPSHOT_ID.test(givenId)) problems.push('--snapshot-id must start with a letter and hold letters, digits and single hyphens (at most 255 characters)');
  const format = (values.format as string | undefined) ?? 'table';
  if (format !== 'table' && format !== 'json') problems.push('--format must be table or json');
  if (problems.length > 0) return usageError(problems.join('\nlifeboat: '), CHECKPOINT_USAGE, output).exit;

  const found = loadDatabaseStoreForOps('checkpoint', (values.plan as string | undefined) ?? 'backup_plan.json', storeId, output, (bucket) => `${bucket.id} is a bucket: versioning keeps every overwritten or deleted object, there is nothing to snapshot`);
  if ('exit' in found) return found.exit;
  const { plan, store } = found;
  const env: Env = {
    clients: environment.clients ?? defaultClients(),
    sleep: environment.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    now: environment.now ?? (() => new Date()),
  };
  const isTTY = environment.isTTY ?? Boolean(process.stdout.isTTY);
  const mode = executionMode('checkpoint', values, isTTY, output);
  if ('exit' in mode) return mode.exit;
  const execute = mode.execute;
  const say = (text: string) => {
    if (format === 'table') output.out(`${text}\n`);
  };
  const json: Record<string, unknown> = { store: storeId, execute, label };
  const finish = (code: number) => {
    if (format === 'json') output.out(`${JSON.stringify(json, null, 2)}\n`);
    return code;
  };
  const cluster = store.family === 'aurora';
  const region = plan.regions.primary;
  try {
    const status = await sourceStatus(env, store, region);
    const now = env.now();
    const snapshotId = givenId ?? checkpointSnapshotId(store.names.primary, label, stampOf(now.toISOString()));
    const who = await callerName(env, region);
    const procedure = checkpointProcedure(plan, store, {
      snapshotId,
      label,
      createdBy: who,
      createdAt: now.toISOString(),
      copyToDr: values['copy-to-dr'] === true,
      wait: values.wait === true,
    });
    const skip = new Set<string>();
    const ours = (tags: Record<string, string>) => tags['lifeboat:store'] === store.id && tags['lifeboat:checkpoint'] === 'true' && tags['lifeboat:label'] === label;
    const refuse = (message: string) => {
      json.refused = message;
      if (format === 'table') output.err(`lifeboat checkpoint: refused: ${message}\n`);
      return finish(EXIT_FINDINGS);
    };
    const existing = await describeSnapshot(env, cluster, snapshotId, region);
    if (existing) {
      if (!ours(existing.tags)) return refuse(`a snapshot ${snapshotId} already exists in ${region} and is not a "${label}" checkpoint of ${store.id}: choose another --snapshot-id or --label (nothing was changed)`);
      skip.add('snapshot');
      say(`Resuming: ${snapshotId} exists in ${region} (${existing.status}), taken by an earlier run.`);
    } else if (status !== 'available') {
      output.err(`lifeboat checkpoint: ${store.names.primary} is ${status}: RDS takes a snapshot only of an available ${cluster ? 'cluster' : 'instance'} (nothing was changed)\n`);
      return EXIT_INVALID;
    }
    if (values['copy-to-dr'] === true) {
      const copy = await describeSnapshot(env, cluster, snapshotId, plan.regions.dr);
      if (copy) {
        if (!ours(copy.tags)) return refuse(`a snapshot ${snapshotId} already exists in ${plan.regions.dr} and is not a copy of this checkpoint: choose another --snapshot-id (nothing was changed)`);
        skip.add('account').add('copy');
        say(`Resuming: the copy ${snapshotId} exists in ${plan.regions.dr} (${copy.status}).`);
      }
    }
    const snapshotStep = procedure.steps.find((step): step is CallStep => step.kind === 'call' && step.id === 'snapshot') as CallStep;
    const tags = (snapshotStep.input.Tags as { Key: string; Value: string }[]).map((tag) => [tag.Key, tag.Value] as const);
    json.snapshotId = snapshotId;
    json.region = region;
    json.tags = Object.fromEntries(tags);
    json.resources = touchedResources(procedure);
    json.steps = procedure.steps.map((step) => ({ id: step.id, title: step.title }));
    say(`Source: ${cluster ? 'cluster' : 'instance'} ${store.names.primary} (${region}), ${status}`);
    say('Creates:');
    for (const touched of touchedResources(procedure)) say(`  ${touched.action.padEnd(6)} ${touched.resource.kind} ${touched.resource.identifier} (${touched.resource.region})${skip.has(touched.step) ? ' (exists)' : ''}`);
    say('Tags:');
    for (const [key, value] of tags) say(`  ${key.padEnd(22)} ${value}`);
    say('Steps:');
    procedure.steps.forEach((step, index) => say(`  ${index + 1}. ${step.title}${skip.has(step.id) ? ' (done by an earlier run)' : ''}`));
    if (!execute) {
      say('\nDry run: nothing was changed. Add --execute to take it.');
      return finish(EXIT_OK);
    }
    const started = env.now().getTime();
    const result = await executeProcedure(procedure, {}, { clients: env.clients, sleep: env.sleep, now: env.now, progress: (line) => say(line) }, { skip });
    json.outcomes = result.outcomes;
    json.seconds = Math.round((env.now().getTime() - started) / 1000);
    const failed = result.outcomes.find((outcome) => outcome.result === 'failed');
    if (failed) {
      say(`\nStopped at "${failed.title}": ${failed.detail ?? ''}`);
      say(`Nothing was deleted. Rerun with --snapshot-id ${snapshotId} to resume.`);
      if (format === 'table') output.err(`lifeboat checkpoint: ${failed.title}: ${failed.detail ?? 'failed'}\n`);
      return finish(EXIT_INVALID);
    }
    const waited = values.wait === true;
    say(`\nCheckpoint ${snapshotId} (${region})${waited ? ' is available' : ' is being taken'}${values['copy-to-dr'] ? `; its copy in ${plan.regions.dr}${waited ? ' is available' : ' is being copied'}` : ''}.`);
    say(
      cluster
        ? `Restore from it into a NEW cluster: aws rds restore-db-cluster-from-snapshot --snapshot-identifier ${snapshotId} --engine ${store.engine} --db-cluster-identifier <new id> --region ${region}`
        : `Restore from it into a NEW instance: aws rds restore-db-instance-from-db-snapshot --db-snapshot-identifier ${snapshotId} --db-instance-identifier <new id> --region ${region}`,
    );
    if (format === 'table') output.out(`${snapshotId}\n`);
    return finish(EXIT_OK);
  } catch (error) {
    const message = isNotFound(error) ? `source not found: ${(error as Error).message}` : `${(error as Error).name}: ${(error as Error).message}`;
    output.err(`lifeboat checkpoint: ${message}\n`);
    return EXIT_INVALID;
  }
}
