/**
 * `lifeboat failover <store>`: move a database's writes to its standby in the DR region, dry-run by default. A
 * cross-region read replica is promoted; an Aurora global database is switched over (planned: no data loss) or failed
 * over allowing data loss (unplanned). Before acting it measures the standby's lag and refuses when the writes that
 * would be lost exceed the store's region RPO (or --max-data-loss). Afterwards it says what it did, the data-loss
 * window, and prints the fail-back steps.
 */
import { GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeDBInstancesCommand, DescribeGlobalClustersCommand } from '@aws-sdk/client-rds';
import type { AlarmPlan, BackupPlan, DatabaseStorePlan } from '../plan/types';
import { tryParseDuration } from '../spec/duration';
import { executeProcedure, isNotFound, withRetry } from '../ops/execute';
import { globalFailoverProcedure, globalSwitchoverProcedure, promoteReplicaProcedure, replicaFailbackProcedure } from '../ops/procedures/database';
import { touchedResources, type Procedure } from '../ops/procedures/types';
import { renderProcedure } from '../ops/render';
import { loadStackAddresses } from '../ops/terraform';
import { stampOf } from '../ops/context';
import { parseCommandArgs, usageError } from './args';
import { EXIT_FINDINGS, EXIT_INVALID, EXIT_OK } from './exit-codes';
import { loadDatabaseStoreForOps } from './ops-plan';
import { executionMode, MUTATING_COMMAND_OPTIONS } from './execution';
import { processOutput, type CommandOutput } from './output';
import { callerName } from './caller';
import { defaultClients, type OpsEnvironment } from './restore';
import { FAILOVER_SUMMARY } from './summaries';


export const FAILOVER_USAGE = `Usage: lifeboat failover <store> [--planned|--unplanned] [--max-data-loss <duration>] [options]

${FAILOVER_SUMMARY}.
Without --execute nothing changes: it reads the standby, measures its lag, compares it with the store's region RPO
and prints every step. A cross-region read replica is promoted (one-way); an Aurora global database is switched
over (--planned, the default for it: both regions healthy, nothing is lost) or failed over allowing data loss
(--unplanned: the primary region is down). A rerun finds a promotion or failover in progress and waits for it.

Options:
  --planned                 Both regions healthy. Global database: switchover. Replica: promote only at no lag
                            (stop the writers first)
  --unplanned               The primary region is down: accept losing the standby's lag (default for a replica)
  --max-data-loss <dur>     Accept up to this much lost data (90s, 5m) instead of the region RPO (no loss when the
                            plan sets none), or an unknown lag
  --plan <file>             The plan (default: backup_plan.json), or a requirements file (planned on the fly)
  --terraform <path>        cdk.tf.json of the stack: exact addresses in the printed fail-back steps
  --execute                 Fail over (otherwise: dry run)
  --yes                     Confirm --execute where there is no terminal (CI)
  --format <table|json>     Output (default: table)
  -h, --help                Show this help

Exit codes: 0 done (or dry run OK), 1 refused (lag above the allowed data loss, another failover in progress),
2 error (no standby, standby missing, a step failed).
`;

/** How far back a lag datapoint may be and still count as "now". */
const LAG_LOOKBACK_SECONDS = 300;

interface Standby {
  kind: 'replica' | 'global';
  identifier: string;
  region: string;
  /** The lag metric: the plan's alarm when it has one, else the metric RDS publishes. */
  metric: { namespace: string; metricName: string; dimensions: Record<string, string>; unit: 'Seconds' | 'Milliseconds' };
}

function standbyOf(store: DatabaseStorePlan): Standby | null {
  const alarm = (id: string): AlarmPlan | undefined => store.alarms.find((candidate) => candidate.id === id);
  if (store.globalDatabase) {
    const global = store.globalDatabase;
    const planned = alarm('global-replication-lag');
    return {
      kind: 'global',
      identifier: global.secondaryClusterIdentifier,
      region: global.secondaryRegion,
      metric: {
        namespace: planned?.namespace ?? 'AWS/RDS',
        metricName: planned?.metricName ?? 'AuroraGlobalDBReplicationLag',
        dimensions: planned?.dimensions ?? { DBClusterIdentifier: global.secondaryClusterIdentifier },
        unit: 'Milliseconds',
      },
    };
  }
  const replica = store.readReplicas.find((candidate) => candidate.index === 0);
  if (!replica) return null;
  const planned = alarm('replica-lag');
  return {
    kind: 'replica',
    identifier: replica.identifier,
    region: replica.region,
    metric: {
      namespace: planned?.namespace ?? 'AWS/RDS',
      metricName: planned?.metricName ?? 'ReplicaLag',
      dimensions: planned?.dimensions ?? { DBInstanceIdentifier: replica.identifier },
      unit: 'Seconds',
    },
  };
}

function noStandbyMessage(plan: BackupPlan, store: DatabaseStorePlan): string {
  const alternatives: string[] = [];
  if (store.crossRegionBackupReplication) alternatives.push(`restore the replicated backups there: lifeboat restore ${store.id} --region dr --to latest`);
  if (store.awsBackup?.rules.some((rule) => rule.copyToDr)) alternatives.push(`restore an AWS Backup copy in ${plan.regions.dr} (lifeboat runbook ${store.id})`);
  return (
    `${store.id} has no standby in ${plan.regions.dr} (no cross-region read replica, no Aurora global database), so there is nothing to fail over to` +
    (alternatives.length > 0 ? `; ${alternatives.join('; or ')}` : '; the plan has no regional protection for it')
  );
}

function human(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds * 10) / 10}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  return `${Math.round(seconds / 360) / 10}h`;
}

interface Lag {
  seconds: number;
  at: Date;
}

async function measureLag(standby: Standby, env: { clients: NonNullable<OpsEnvironment['clients']>; sleep: (ms: number) => Promise<void>; now: () => Date }): Promise<Lag | null> {
  const end = env.now();
  const out = await withRetry(
    () =>
      env.clients.cloudwatch(standby.region).send(
        new GetMetricStatisticsCommand({
          Namespace: standby.metric.namespace,
          MetricName: standby.metric.metricName,
          Dimensions: Object.entries(standby.metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
          StartTime: new Date(end.getTime() - LAG_LOOKBACK_SECONDS * 1000),
          EndTime: end,
          Period: 60,
          Statistics: ['Maximum'],
        }),
      ),
    env.sleep,
  );
  const newest = (out.Datapoints ?? [])
    .filter((point) => point.Timestamp && typeof point.Maximum === 'number')
    .sort((a, b) => (b.Timestamp as Date).getTime() - (a.Timestamp as Date).getTime())[0];
  if (!newest) return null;
  const value = newest.Maximum as number;
  return { seconds: standby.metric.unit === 'Milliseconds' ? value / 1000 : value, at: newest.Timestamp as Date };
}

/** What an earlier run (or a person) already did: the promotion or failover is done, or under way. */
type Progress = { state: 'not-started' } | { state: 'in-progress'; detail: string } | { state: 'done'; detail: string } | { state: 'other-failover'; detail: string };

async function progressOf(
  store: DatabaseStorePlan,
  standby: Standby,
  env: { clients: NonNullable<OpsEnvironment['clients']>; sleep: (ms: number) => Promise<void> },
): Promise<Progress> {
  const client = env.clients.rds(standby.region);
  if (standby.kind === 'replica') {
    const out = await withRetry(() => client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: standby.identifier })), env.sleep);
    const instance = out.DBInstances?.[0];
    const status = instance?.DBInstanceStatus ?? 'unknown';
    if (instance?.ReadReplicaSourceDBInstanceIdentifier) {
      if (status === 'available') return { state: 'not-started' };
      // RDS reports a replica under promotion as `modifying` until it is standalone; anything else is not ours to wait on.
      return status === 'modifying'
        ? { state: 'in-progress', detail: `${standby.identifier} is being promoted (modifying)` }
        : { state: 'other-failover', detail: `${standby.identifier} is ${status}, not available` };
    }
    return status === 'available'
      ? { state: 'done', detail: `${standby.identifier} is already a standalone primary` }
      : { state: 'in-progress', detail: `${standby.identifier} is no longer a replica and is ${status}` };
  }
  const global = store.globalDatabase as NonNullable<DatabaseStorePlan['globalDatabase']>;
  const out = await withRetry(() => client.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: global.globalClusterIdentifier })), env.sleep);
  const found = out.GlobalClusters?.[0];
  const isTarget = (arn: string | undefined) => (arn ?? '').endsWith(`:cluster:${standby.identifier}`);
  const failover = found?.FailoverState;
  if (failover?.Status) {
    return isTarget(failover.ToDbClusterArn)
      ? { state: 'in-progress', detail: `a ${failover.IsDataLossAllowed ? 'failover' : 'switchover'} to ${standby.identifier} is ${failover.Status}` }
      : { state: 'other-failover', detail: `${global.globalClusterIdentifier} is ${failover.Status} towards ${failover.ToDbClusterArn ?? 'another cluster'}` };
  }
  const writer = found?.GlobalClusterMembers?.find((member) => member.IsWriter)?.DBClusterArn;
  return isTarget(writer) ? { state: 'done', detail: `${standby.identifier} already writes for ${global.globalClusterIdentifier}` } : { state: 'not-started' };
}

export async function runFailover(argv: string[], output: CommandOutput = processOutput, environment: OpsEnvironment = {}): Promise<number> {
  const parsed = parseCommandArgs(
    argv,
    {
      ...MUTATING_COMMAND_OPTIONS,
      planned: { type: 'boolean' },
      unplanned: { type: 'boolean' },
      'max-data-loss': { type: 'string' },
      terraform: { type: 'string' },
    },
    FAILOVER_USAGE,
    output,
    { min: 1, max: 1 },
  );
  if ('exit' in parsed) return parsed.exit;
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const storeId = parsed.positionals[0] as string;
  const problems: string[] = [];
  if (values.planned === true && values.unplanned === true) problems.push('--planned and --unplanned exclude each other: choose one');
  let maxDataLoss: number | null = null;
  if (values['max-data-loss'] !== undefined) {
    const text = values['max-data-loss'] as string;
    const result = text === '0s' ? { seconds: 0 } : tryParseDuration(text);
    if ('error' in result) problems.push(`--max-data-loss: ${result.error}`);
    else maxDataLoss = result.seconds;
  }
  const format = (values.format as string | undefined) ?? 'table';
  if (format !== 'table' && format !== 'json') problems.push('--format must be table or json');
  if (problems.length > 0) return usageError(problems.join('\nlifeboat: '), FAILOVER_USAGE, output).exit;

  const found = loadDatabaseStoreForOps('failover', (values.plan as string | undefined) ?? 'backup_plan.json', storeId, output, (bucket) => `${bucket.id} is a bucket: its replica ${bucket.names.replica} is readable now, there is nothing to fail over`);
  if ('exit' in found) return found.exit;
  const { plan, store } = found;
  const standby = standbyOf(store);
  if (!standby) {
    output.err(`lifeboat failover: ${noStandbyMessage(plan, store)}\n`);
    return EXIT_INVALID;
  }
  const planned = standby.kind === 'global' ? values.unplanned !== true : values.planned === true;
  const env = {
    clients: environment.clients ?? defaultClients(),
    sleep: environment.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    now: environment.now ?? (() => new Date()),
  };
  const isTTY = environment.isTTY ?? Boolean(process.stdout.isTTY);
  const mode = executionMode('failover', values, isTTY, output);
  if ('exit' in mode) return mode.exit;
  const execute = mode.execute;
  const json: Record<string, unknown> = { store: storeId, execute, mode: planned ? 'planned' : 'unplanned', standby: { kind: standby.kind, identifier: standby.identifier, region: standby.region } };
  const say = (text: string) => {
    if (format === 'table') output.out(`${text}\n`);
  };
  const finish = (code: number) => {
    if (format === 'json') output.out(`${JSON.stringify(json, null, 2)}\n`);
    return code;
  };
  const refuse = (message: string) => {
    json.refused = message;
    if (format === 'table') output.err(`lifeboat failover: refused: ${message}\n`);
    return finish(EXIT_FINDINGS);
  };

  try {
    const progress = await progressOf(store, standby, env);
    const rpo = store.scopes.region.objective.rpo?.seconds ?? null;
    const kindText = standby.kind === 'replica' ? 'cross-region read replica' : `secondary cluster of the global database ${store.globalDatabase?.globalClusterIdentifier}`;
    say(`Standby: ${standby.identifier} (${standby.region}), ${kindText}`);
    say(
      `Mode: ${planned ? 'planned' : 'unplanned'} (${
        standby.kind === 'global'
          ? planned
            ? 'switchover: waits until the secondary is in sync, nothing committed is lost'
            : 'failover allowing data loss: for a primary region that is down'
          : planned
            ? 'promotion once the replica has no lag: stop the writers first'
            : 'promotion: writes the replica had not received are lost'
      })`,
    );
    say(`Region objective: RPO ${rpo === null ? 'none set' : human(rpo)}${maxDataLoss !== null ? `; --max-data-loss ${human(maxDataLoss)}` : ''}`);
    if (progress.state === 'other-failover') return refuse(`${progress.detail}: wait until it is over, then rerun (nothing was changed)`);

    let lag: Lag | null = null;
    const skip = new Set<string>();
    if (progress.state === 'not-started') {
      lag = await measureLag(standby, env);
      json.lag = lag ? { seconds: lag.seconds, at: lag.at.toISOString(), metric: standby.metric.metricName } : null;
      say(`Measured lag: ${lag ? `${human(lag.seconds)} (${standby.metric.metricName} at ${lag.at.toISOString()})` : `unknown (no ${standby.metric.metricName} datapoint in the last ${LAG_LOOKBACK_SECONDS / 60} minutes)`}`);
      const losesData = !(standby.kind === 'global' && planned);
      // A switchover loses nothing whatever the lag (it waits for the secondary); everything else loses the lag.
      // Without a region RPO in the plan nothing says how much loss is acceptable: none is, unless --max-data-loss.
      const allowed = maxDataLoss ?? (standby.kind === 'replica' && planned ? 0 : (rpo ?? 0));
      json.allowedDataLossSeconds = losesData ? allowed : 0;
      if (losesData && lag === null && maxDataLoss === null) {
        return refuse(
          `the lag of ${standby.identifier} is unknown (replication may have stopped, or the primary region stopped publishing it), so the data loss is unknown: ` +
            'pass --max-data-loss <duration> to accept it (nothing was changed)',
        );
      }
      if (losesData && lag !== null && lag.seconds > allowed) {
        const limit =
          maxDataLoss !== null
            ? `--max-data-loss ${human(maxDataLoss)}`
            : standby.kind === 'replica' && planned
              ? 'no loss (--planned)'
              : rpo === null
                ? 'no loss (the plan sets no region RPO)'
                : `the region RPO ${human(rpo)}`;
        return refuse(`${standby.identifier} lags ${human(lag.seconds)}, more than ${limit}: failing over now would lose up to ${human(lag.seconds)} of writes. Pass --max-data-loss ${Math.ceil(lag.seconds)}s to accept that (nothing was changed)`);
      }
    } else {
      say(`Found: ${progress.detail} (an earlier run); no lag check, carrying on from there`);
      json.resumed = progress.detail;
      skip.add(standby.kind === 'replica' ? 'promote' : planned ? 'switchover' : 'failover');
    }

    // The standby's region: during an outage the primary region's STS may be down with everything else there.
    const who = await callerName(env, standby.region);
    const procedure: Procedure =
      standby.kind === 'replica'
        ? (promoteReplicaProcedure(store) as Procedure)
        : planned
          ? (globalSwitchoverProcedure(plan, store, 'to-dr') as Procedure)
          : (globalFailoverProcedure(plan, store, who) as Procedure);
    json.steps = procedure.steps.map((step) => ({ id: step.id, title: step.title }));
    json.resources = touchedResources(procedure);
    say('Steps:');
    procedure.steps.forEach((step, index) => say(`  ${index + 1}. ${step.title}${skip.has(step.id) ? ' (done by an earlier run)' : ''}`));
    say('Creates or changes:');
    for (const touched of touchedResources(procedure)) say(`  ${touched.action.padEnd(6)} ${touched.resource.kind} ${touched.resource.identifier} (${touched.resource.region})`);
    if (!execute) {
      say('\nDry run: nothing was changed. Add --execute to fail over.');
      return finish(EXIT_OK);
    }

    const started = env.now();
    const result = await executeProcedure(procedure, {}, { clients: env.clients, sleep: env.sleep, now: env.now, progress: (line) => say(line) }, { skip });
    const seconds = Math.round((env.now().getTime() - started.getTime()) / 1000);
    json.outcomes = result.outcomes;
    json.seconds = seconds;
    const failed = result.outcomes.find((outcome) => outcome.result === 'failed');
    if (failed) {
      say(`\nStopped at "${failed.title}": ${failed.detail ?? ''}`);
      say('Nothing was deleted. Rerun the same command: it finds what is done and carries on.');
      if (format === 'table') output.err(`lifeboat failover: ${failed.title}: ${failed.detail ?? 'failed'}\n`);
      return finish(EXIT_INVALID);
    }
    const window =
      standby.kind === 'global' && planned
        ? { seconds: 0, text: 'none: the switchover waited until the secondary was in sync' }
        : lag
          ? { seconds: lag.seconds, text: `up to ${human(lag.seconds)}: writes committed on the primary in the ${human(lag.seconds)} before it stopped replicating (lag measured ${lag.at.toISOString()})` }
          : progress.state === 'not-started'
            ? { seconds: null, text: `unknown (no lag measured; accepted with --max-data-loss ${human(maxDataLoss ?? 0)})` }
            : { seconds: null, text: 'measured by the earlier run that started it' };
    json.dataLossWindow = window;
    const writer = standby.kind === 'replica' ? `${standby.identifier} is a standalone primary` : `${standby.identifier} writes for ${store.globalDatabase?.globalClusterIdentifier}`;
    say(`\nDone in ${human(seconds)}: ${writer} in ${standby.region}.`);
    say(`Data-loss window: ${window.text}.`);
    const options = { stamp: stampOf(started.toISOString()), createdBy: who, addresses: values.terraform ? loadStackAddresses(values.terraform as string) : null };
    const failback =
      standby.kind === 'replica'
        ? (replicaFailbackProcedure(plan, store, options) as Procedure)
        : (globalSwitchoverProcedure(plan, store, 'to-primary') as Procedure);
    json.failback = failback.steps.map((step) => ({ id: step.id, title: step.title }));
    const intro =
      standby.kind === 'global' && !planned
        ? [`Once ${plan.regions.primary} is back, Aurora rejoins ${store.names.primary} to ${store.globalDatabase?.globalClusterIdentifier} as a secondary (check it is a member and in sync first); then switch over back:`]
        : [];
    say(`\nTo fail back later (nothing below has run):\n\n${renderProcedure(failback, '## Fail back', {}, intro)}`);
    return finish(EXIT_OK);
  } catch (error) {
    const message = isNotFound(error) ? `standby not found: ${(error as Error).message}` : `${(error as Error).name}: ${(error as Error).message}`;
    output.err(`lifeboat failover: ${message}\n`);
    return EXIT_INVALID;
  }
}
