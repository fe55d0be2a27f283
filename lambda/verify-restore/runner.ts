import { StandardUnit } from '@aws-sdk/client-cloudwatch';
import type { CheckReport, ConnectionTarget } from '../../src/checks/types';
import type { VerificationRunRecord } from '../../src/evidence/record';
import type { Logger } from '../shared/log';
import type { RegionalMetric } from '../shared/metrics';
import { isThrottlingError } from '../shared/retry';
import type { RunClaim, RunClaims } from './claims';
import { checkedInstanceIdentifier, restoredIdentifier, type VerifyConfig, type VerifyStoreConfig } from './config';
import type { RunEnding, RunRecorder } from './evidence';
import { generateMasterPassword } from './password';
import { isAlreadyExists, isNotFound, type RdsGateway, type RdsResource } from './rds';
import { restoreCompletedAt } from './restore-time';
import { CREATION_TAG_KEYS, isVerificationTagged, TAG, VERIFICATION_TAG_VALUE, type TagMap } from './tags';

/** Metric names (namespace from the config, dimension `StoreId`). */
export const VERIFY_METRICS = {
  /** Seconds from the restore call to the RDS event marking the restored database usable: the measured RTO of a restore. */
  restoreSeconds: 'RestoreSeconds',
  /** Restore target time minus the newest row of the freshness checks: the measured RPO. */
  dataLagSeconds: 'DataLagSeconds',
  /** Number of failed data checks (all of them when the restored database could not be reached). */
  checksFailed: 'ChecksFailed',
  /** 1 when the run restored, connected and passed every check; 0 when it failed in any way. */
  verificationSucceeded: 'VerificationSucceeded',
} as const;

/**
 * Statuses after which a restore will never become available: the run is failed and its resources deleted.
 * (RDS deletes instances in `failed`, `incompatible-restore` or `incompatible-network` only with SkipFinalSnapshot,
 * which the handler always sets.)
 */
export const FAILED_STATUSES: ReadonlySet<string> = new Set([
  'failed',
  'incompatible-restore',
  'incompatible-network',
  'incompatible-parameters',
  'incompatible-option-group',
  'incompatible-credentials',
  'inaccessible-encryption-credentials',
  'inaccessible-encryption-credentials-recoverable',
  'insufficient-capacity',
  'restore-error',
  'storage-full',
]);

/** Time kept free at the end of an invocation for publishing, tagging and the delete call. */
export const RESERVE_MS = 20_000;
/** Below this much remaining time an invocation does not start the password reset + checks; a later one will. */
export const MIN_VERIFY_MS = 60_000;
/** Interval between reads while waiting for a password change to apply. */
export const PASSWORD_POLL_MS = 5_000;
/** Attempts to connect after the password change reads as applied (RDS may take a moment to really apply it). */
export const AUTH_ATTEMPTS = 4;
/** Upper bound of one check run (connection included). */
export const MAX_CHECKS_MS = 300_000;

const AUTH_FAILURE = /password authentication failed|access denied|authentication failed|ER_ACCESS_DENIED/i;

/** What one invocation did for one store; returned by the handler (and asserted by tests). */
export interface StepResult {
  readonly storeId: string;
  readonly step:
    | 'idle'
    | 'started'
    | 'already-running'
    | 'waiting'
    | 'instance-created'
    | 'deferred'
    | 'verified'
    | 'failed'
    | 'deleting'
    | 'blocked';
  readonly runId?: string;
  readonly detail?: string;
}

export interface RunnerDependencies {
  readonly config: VerifyConfig;
  readonly rds: RdsGateway;
  readonly runChecks: (target: ConnectionTarget, checks: VerifyStoreConfig['checks'], options: { restoreTargetTime?: Date; checkTimeoutMs?: number; totalTimeoutMs?: number }) => Promise<CheckReport>;
  readonly publish: (metrics: RegionalMetric[]) => Promise<void>;
  readonly log: Logger;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  /** Atomic claims on runs (conditional creates in the evidence bucket). */
  readonly claims: RunClaims;
  /** Writes each run's evidence record once. */
  readonly recorder: RunRecorder;
}

interface RunTags {
  readonly runId: string;
  readonly startedAt?: Date;
  readonly targetTime?: Date;
  readonly outcome?: string;
}

/** Thrown when a write was about to hit a resource the handler does not own; never caught as a normal failure. */
export class SafetyRefusal extends Error {
  override readonly name = 'SafetyRefusal';
}

function parseTime(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function runTags(tags: TagMap): RunTags {
  return {
    runId: tags[TAG.runId] ?? 'unknown',
    startedAt: parseTime(tags[TAG.startedAt]),
    targetTime: parseTime(tags[TAG.targetTime]),
    outcome: tags[TAG.outcome],
  };
}

/** `orders-20261125T120000Z`: readable, sortable, and unique per store and second. */
export function runIdFor(storeId: string, startedAt: Date): string {
  return `${storeId}-${startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
}

/**
 * The verification state machine. Each method reads the current state from RDS (tags on the temporary resources),
 * takes at most one step per resource, and returns; every step is safe to repeat, so a crashed or timed-out
 * invocation is resumed by the next event or tick.
 */
export class VerifyRunner {
  constructor(private readonly deps: RunnerDependencies) {}

  stores(): readonly VerifyStoreConfig[] {
    return this.deps.config.stores;
  }

  store(storeId: string): VerifyStoreConfig {
    const store = this.deps.config.stores.find((candidate) => candidate.storeId === storeId);
    if (!store) throw new Error(`unknown store "${storeId}" (configured: ${this.deps.config.stores.map((s) => s.storeId).join(', ')})`);
    return store;
  }

  /** The store whose temporary instance or cluster carries `identifier`, if any. */
  storeForIdentifier(identifier: string): VerifyStoreConfig | undefined {
    const id = identifier.toLowerCase();
    return this.deps.config.stores.find(
      (store) => restoredIdentifier(store).toLowerCase() === id || checkedInstanceIdentifier(store).toLowerCase() === id,
    );
  }

  /**
   * True only for a resource this handler created for `store`: verification tag, the store's tag, an identifier under
   * the store's prefix, and never the source. Everything else is left alone.
   */
  owns(store: VerifyStoreConfig, resource: RdsResource): boolean {
    const id = resource.identifier.toLowerCase();
    return (
      isVerificationTagged(resource.tags) &&
      resource.tags[TAG.store] === store.storeId &&
      id.startsWith(store.identifierPrefix.toLowerCase()) &&
      id !== store.sourceIdentifier.toLowerCase()
    );
  }

  // ---------------------------------------------------------------------------------------------------------- start

  async start(storeId: string): Promise<StepResult> {
    const store = this.store(storeId);
    const { log } = this.deps;
    const fixed = store.kind === 'instance' ? await this.deps.rds.instance(restoredIdentifier(store)) : await this.deps.rds.cluster(restoredIdentifier(store));
    if (fixed && !this.owns(store, fixed)) {
      // Same name but not ours (untagged, or tagged for another store): never touch it; report so a person can.
      log.error('blocked-by-foreign-resource', { storeId, identifier: fixed.identifier, tags: fixed.tags });
      await this.endBeforeRestore(store, `blocked: ${fixed.identifier} exists and is not a verification resource of this store`);
      return { storeId, step: 'blocked', detail: fixed.identifier };
    }
    const active = fixed ?? (await this.runOfSource(store));
    if (active) {
      log.info('run-already-active', { storeId, identifier: active.identifier, runId: active.tags[TAG.runId], status: active.status });
      return { storeId, step: 'already-running', runId: active.tags[TAG.runId], detail: active.identifier };
    }

    const latest = await this.latestRestorableTime(store);
    if (!latest.time) {
      log.error('source-not-restorable', { storeId, source: store.sourceIdentifier, reason: latest.reason });
      await this.endBeforeRestore(store, latest.reason);
      return { storeId, step: 'failed', detail: latest.reason };
    }
    // RDS requires the restore time to be before the latest restorable time; one second earlier is always accepted
    // and overstates the measured data lag by at most that second (never understates it).
    const targetTime = new Date(Math.floor(latest.time.getTime() / 1000) * 1000 - 1000);
    const startedAt = this.deps.now();
    const runId = runIdFor(store.storeId, startedAt);
    const tags: TagMap = {
      [TAG.verification]: VERIFICATION_TAG_VALUE,
      [TAG.runId]: runId,
      [TAG.source]: store.sourceIdentifier,
      [TAG.store]: store.storeId,
      [TAG.targetTime]: targetTime.toISOString(),
      [TAG.startedAt]: startedAt.toISOString(),
    };
    try {
      await this.restore(store, targetTime, tags);
    } catch (error) {
      if (isAlreadyExists(error)) {
        log.info('run-already-active', { storeId, identifier: restoredIdentifier(store), reason: 'concurrent start' });
        return { storeId, step: 'already-running', detail: restoredIdentifier(store) };
      }
      if (isNotFound(error)) {
        log.error('source-missing', { storeId, source: store.sourceIdentifier, error });
        await this.endBeforeRestore(store, 'source-missing', { runId, startedAt, targetTime });
        return { storeId, step: 'failed', detail: 'source-missing' };
      }
      if (isClientFault(error)) {
        log.error('restore-refused', { storeId, runId, error });
        await this.endBeforeRestore(store, `restore-refused: ${errorLabel(error)}`, { runId, startedAt, targetTime });
        return { storeId, step: 'failed', runId, detail: errorLabel(error) };
      }
      throw error;
    }
    log.info('restore-started', { storeId, runId, identifier: restoredIdentifier(store), targetTime: targetTime.toISOString() });
    return { storeId, step: 'started', runId };
  }

  /** A verification resource restored from the store's source under another name (e.g. an earlier prefix). */
  private async runOfSource(store: VerifyStoreConfig): Promise<RdsResource | undefined> {
    const all = store.kind === 'instance' ? await this.deps.rds.allInstances() : await this.deps.rds.allClusters();
    return all.find(
      (resource) =>
        isVerificationTagged(resource.tags) &&
        resource.tags[TAG.source] === store.sourceIdentifier &&
        resource.identifier.toLowerCase() !== store.sourceIdentifier.toLowerCase(),
    );
  }

  private async latestRestorableTime(store: VerifyStoreConfig): Promise<{ time?: Date; reason: string }> {
    if (store.sourceAutomatedBackupsArn) {
      const time = await this.deps.rds.automatedBackupsLatestTime(store.sourceAutomatedBackupsArn);
      return { time, reason: time ? 'ok' : 'replicated-backups-missing' };
    }
    const source = store.kind === 'instance' ? await this.deps.rds.instance(store.sourceIdentifier) : await this.deps.rds.cluster(store.sourceIdentifier);
    if (!source) return { reason: 'source-missing' };
    return { time: source.latestRestorableTime, reason: source.latestRestorableTime ? 'ok' : 'no-restorable-time' };
  }

  private async restore(store: VerifyStoreConfig, targetTime: Date, tags: TagMap): Promise<void> {
    const tagList = Object.keys(tags)
      .sort()
      .map((Key) => ({ Key, Value: tags[Key] }));
    if (store.kind === 'instance') {
      await this.deps.rds.restoreInstance({
        ...(store.sourceAutomatedBackupsArn
          ? { SourceDBInstanceAutomatedBackupsArn: store.sourceAutomatedBackupsArn }
          : { SourceDBInstanceIdentifier: store.sourceIdentifier }),
        TargetDBInstanceIdentifier: restoredIdentifier(store),
        RestoreTime: targetTime,
        DBInstanceClass: store.instanceClass,
        DBSubnetGroupName: store.subnetGroupName,
        VpcSecurityGroupIds: [...store.securityGroupIds],
        ...(store.port !== undefined ? { Port: store.port } : {}),
        MultiAZ: false,
        PubliclyAccessible: false,
        DeletionProtection: false,
        CopyTagsToSnapshot: false,
        AutoMinorVersionUpgrade: false,
        // The copy never needs backups of its own: none are taken, none can be left behind. (The retention of the
        // SOURCE decides how far back a point-in-time restore can go; this setting has no bearing on it.)
        BackupRetentionPeriod: 0,
        Tags: tagList,
      });
    } else {
      await this.deps.rds.restoreCluster({
        SourceDBClusterIdentifier: store.sourceIdentifier,
        DBClusterIdentifier: restoredIdentifier(store),
        // A full copy, not copy-on-write: the run must prove the backups restore, independently of the source volume.
        RestoreType: 'full-copy',
        RestoreToTime: targetTime,
        DBSubnetGroupName: store.subnetGroupName,
        VpcSecurityGroupIds: [...store.securityGroupIds],
        ...(store.port !== undefined ? { Port: store.port } : {}),
        DeletionProtection: false,
        CopyTagsToSnapshot: false,
        Tags: tagList,
      });
    }
  }

  // -------------------------------------------------------------------------------------------------------- advance

  /** Takes the next step of the store's run, if one exists. `remainingMs` is the invocation's time left. */
  async advance(store: VerifyStoreConfig, remainingMs: () => number): Promise<StepResult> {
    return store.kind === 'instance' ? this.advanceInstance(store, remainingMs) : this.advanceCluster(store, remainingMs);
  }

  private async advanceInstance(store: VerifyStoreConfig, remainingMs: () => number): Promise<StepResult> {
    const instance = await this.deps.rds.instance(restoredIdentifier(store));
    if (!instance) return { storeId: store.storeId, step: 'idle' };
    if (!this.owns(store, instance)) return this.ignoreForeign(store, instance);
    const run = runTags(instance.tags);
    if (instance.status === 'deleting') return { storeId: store.storeId, step: 'deleting', runId: run.runId };
    if (run.outcome) return this.remove(store, run, instance, undefined);
    if (FAILED_STATUSES.has(instance.status)) return this.failClaimed(store, run, instance, undefined, 'failed', `restore ended in status ${instance.status}`, remainingMs);
    if (this.expired(store, run, instance)) return this.failClaimed(store, run, instance, undefined, 'swept', `no result within ${store.maxLifetimeSeconds}s (status ${instance.status})`, remainingMs);
    if (instance.status !== 'available') return { storeId: store.storeId, step: 'waiting', runId: run.runId, detail: instance.status };
    return this.verify(store, run, instance, instance, remainingMs);
  }

  private async advanceCluster(store: VerifyStoreConfig, remainingMs: () => number): Promise<StepResult> {
    const cluster = await this.deps.rds.cluster(restoredIdentifier(store));
    if (!cluster) return { storeId: store.storeId, step: 'idle' };
    if (!this.owns(store, cluster)) return this.ignoreForeign(store, cluster);
    const run = runTags(cluster.tags);
    const rawInstance = await this.deps.rds.instance(checkedInstanceIdentifier(store));
    if (rawInstance && !this.owns(store, rawInstance)) return this.ignoreForeign(store, rawInstance);
    const instance = rawInstance;
    if (cluster.status === 'deleting') return { storeId: store.storeId, step: 'deleting', runId: run.runId };
    if (run.outcome) return this.remove(store, run, cluster, instance);
    const failedStatus = [cluster, instance].find((resource) => resource && FAILED_STATUSES.has(resource.status));
    if (failedStatus) return this.failClaimed(store, run, cluster, instance, 'failed', `restore ended in status ${failedStatus.status} (${failedStatus.identifier})`, remainingMs);
    if (this.expired(store, run, cluster)) {
      return this.failClaimed(store, run, cluster, instance, 'swept', `no result within ${store.maxLifetimeSeconds}s (cluster ${cluster.status}, instance ${instance?.status ?? 'absent'})`, remainingMs);
    }
    if (cluster.status !== 'available') return { storeId: store.storeId, step: 'waiting', runId: run.runId, detail: cluster.status };
    if (!instance) return this.createClusterInstance(store, run, cluster);
    if (instance.status !== 'available') return { storeId: store.storeId, step: 'waiting', runId: run.runId, detail: instance.status };
    return this.verify(store, run, cluster, instance, remainingMs);
  }

  private async createClusterInstance(store: VerifyStoreConfig, run: RunTags, cluster: RdsResource): Promise<StepResult> {
    // Exactly the run's creation tags (the IAM policy allows no other keys on create).
    const creationTags = CREATION_TAG_KEYS.filter((key) => cluster.tags[key] !== undefined)
      .slice()
      .sort()
      .map((Key) => ({ Key, Value: cluster.tags[Key] }));
    try {
      await this.deps.rds.createInstance({
        DBInstanceIdentifier: checkedInstanceIdentifier(store),
        DBClusterIdentifier: cluster.identifier,
        Engine: store.engine,
        DBInstanceClass: store.instanceClass,
        PubliclyAccessible: false,
        AutoMinorVersionUpgrade: false,
        Tags: creationTags,
      });
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
    }
    this.deps.log.info('cluster-instance-created', { storeId: store.storeId, runId: run.runId, identifier: checkedInstanceIdentifier(store) });
    return { storeId: store.storeId, step: 'instance-created', runId: run.runId };
  }

  private expired(store: VerifyStoreConfig, run: RunTags, resource: RdsResource): boolean {
    const started = run.startedAt ?? resource.createdAt;
    if (!started) return false;
    return this.deps.now().getTime() - started.getTime() > store.maxLifetimeSeconds * 1000;
  }

  private ignoreForeign(store: VerifyStoreConfig, resource: RdsResource): StepResult {
    this.deps.log.warn('foreign-resource-ignored', {
      storeId: store.storeId,
      identifier: resource.identifier,
      reason: isVerificationTagged(resource.tags) ? `tagged for store ${resource.tags[TAG.store] ?? '(none)'}` : 'no verification tag',
    });
    return { storeId: store.storeId, step: 'blocked', detail: resource.identifier };
  }

  // --------------------------------------------------------------------------------------------------------- verify

  /**
   * Claims the run, then password, checks, record, metrics, delete. The password lives only in this invocation's
   * memory: it is set, waited for and used here, and an invocation that runs out of time simply leaves the instance
   * for the next one, which sets a new password. Nothing secret is stored in tags, logs, records or the environment.
   */
  private async verify(
    store: VerifyStoreConfig,
    run: RunTags,
    passwordHolder: RdsResource,
    instance: RdsResource,
    remainingMs: () => number,
  ): Promise<StepResult> {
    const { log } = this.deps;
    if (remainingMs() - RESERVE_MS < MIN_VERIFY_MS) {
      log.info('verify-deferred', { storeId: store.storeId, runId: run.runId, reason: 'not enough time left in this invocation' });
      return { storeId: store.storeId, step: 'deferred', runId: run.runId, detail: 'time' };
    }
    const clusterInstance = passwordHolder === instance ? undefined : instance;
    return this.whileClaimed(store, run, passwordHolder, clusterInstance, remainingMs, false, () =>
      this.verifyClaimed(store, run, passwordHolder, instance, remainingMs),
    );
  }

  /**
   * Runs `step` holding the run's claim (see RunClaims): RDS events (including the one our own password change
   * emits), ticks and retried starts can invoke the handler concurrently, and a second invocation resetting the
   * password or deleting the instance under a running check would publish a false failure. Without the claim the
   * step is deferred. A run that already has its record ended in an invocation that stopped before its cleanup: the
   * cleanup is finished from the record instead. `unclaimedIfUnavailable`: a run past its lifetime is still failed and
   * deleted when the claim cannot be read at all (evidence bucket unreachable), so it never outlives its lifetime.
   */
  private async whileClaimed(
    store: VerifyStoreConfig,
    run: RunTags,
    main: RdsResource,
    clusterInstance: RdsResource | undefined,
    remainingMs: () => number,
    unclaimedIfUnavailable: boolean,
    step: () => Promise<StepResult>,
  ): Promise<StepResult> {
    const { log } = this.deps;
    const startedAt = run.startedAt ?? main.createdAt;
    let claim: RunClaim | undefined;
    try {
      claim = await this.deps.claims.acquire(store.storeId, run.runId, new Date(this.deps.now().getTime() + remainingMs()));
    } catch (error) {
      if (!unclaimedIfUnavailable) throw error;
      log.error('claim-unavailable', { storeId: store.storeId, runId: run.runId, error });
      return step();
    }
    if (!claim) {
      log.info('verify-deferred', { storeId: store.storeId, runId: run.runId, reason: 'another invocation holds this run' });
      return { storeId: store.storeId, step: 'deferred', runId: run.runId, detail: 'busy' };
    }
    log.info('run-claimed', { storeId: store.storeId, runId: run.runId, attempt: claim.attempt });
    let result: StepResult | undefined;
    try {
      const recorded = startedAt ? await this.deps.recorder.existing(store.storeId, run.runId, startedAt) : undefined;
      result = recorded ? await this.finishRecorded(store, run, main, clusterInstance, recorded, true) : await step();
      return result;
    } finally {
      // Hand the run back at once when this invocation stops short, instead of blocking it until the claim expires.
      if (result?.step !== 'verified' && result?.step !== 'failed') await this.releaseClaim(store, run, claim);
    }
  }

  private async releaseClaim(store: VerifyStoreConfig, run: RunTags, claim: RunClaim): Promise<void> {
    try {
      await this.deps.claims.release(claim);
    } catch (error) {
      // The claim then simply expires at its deadline.
      this.deps.log.warn('claim-release-failed', { storeId: store.storeId, runId: run.runId, error });
    }
  }

  private async verifyClaimed(
    store: VerifyStoreConfig,
    run: RunTags,
    passwordHolder: RdsResource,
    instance: RdsResource,
    remainingMs: () => number,
  ): Promise<StepResult> {
    const { log } = this.deps;
    const clusterInstance = passwordHolder === instance ? undefined : instance;
    const password = generateMasterPassword();
    await this.guarded(store, passwordHolder, () => this.deps.rds.setMasterPassword(passwordHolder, password));
    log.info('master-password-reset', { storeId: store.storeId, runId: run.runId, identifier: passwordHolder.identifier });

    const ready = await this.waitForPassword(store, passwordHolder, instance, remainingMs);
    if (!ready) {
      log.info('verify-deferred', { storeId: store.storeId, runId: run.runId, reason: 'password change not applied in time' });
      return { storeId: store.storeId, step: 'deferred', runId: run.runId, detail: 'password' };
    }
    const availableAt = this.deps.now();
    if (!ready.endpoint || !ready.masterUsername) {
      return this.fail(store, run, passwordHolder, clusterInstance, 'failed', 'restored instance has no endpoint');
    }
    const target: ConnectionTarget = {
      engine: store.engine,
      host: ready.endpoint.host,
      port: ready.endpoint.port,
      user: ready.masterUsername,
      password,
      database: store.databaseName,
      tls: { ca: this.deps.config.caBundlePem, servername: ready.endpoint.host, rejectUnauthorized: true },
    };
    let report: CheckReport | undefined;
    let checksStartedAt: Date | undefined;
    for (let attempt = 1; attempt <= AUTH_ATTEMPTS; attempt++) {
      const budget = Math.min(MAX_CHECKS_MS, remainingMs() - RESERVE_MS);
      if (budget < 1000) break;
      checksStartedAt = this.deps.now();
      report = await this.deps.runChecks(target, store.checks, {
        restoreTargetTime: run.targetTime,
        checkTimeoutMs: this.deps.config.checkTimeoutMs,
        totalTimeoutMs: budget,
      });
      if (report.connected || !AUTH_FAILURE.test(report.error ?? '')) break;
      log.info('password-not-yet-active', { storeId: store.storeId, runId: run.runId, attempt });
      report = undefined;
      await this.deps.sleep(PASSWORD_POLL_MS);
    }
    if (!report) {
      log.info('verify-deferred', { storeId: store.storeId, runId: run.runId, reason: 'new password not accepted yet' });
      return { storeId: store.storeId, step: 'deferred', runId: run.runId, detail: 'authentication' };
    }
    const checksEndedAt = this.deps.now();
    const restore = await this.restoreTimes(store, run, instance);
    const succeeded = report.ok && report.connected;
    log.info('verification-finished', {
      storeId: store.storeId,
      runId: run.runId,
      succeeded,
      restoreSeconds: restore.seconds,
      dataLagSeconds: report.dataLagSeconds,
      checksFailed: report.connected ? report.failed : Math.max(report.failed, store.checks.length),
      connected: report.connected,
      error: report.error,
      results: report.results.map((result) => ({ name: result.name, ok: result.ok, message: result.message })),
    });
    const failedChecks = report.results.filter((result) => !result.ok).map((result) => result.name);
    const reason = succeeded
      ? undefined
      : !report.connected
        ? `could not connect: ${report.error ?? 'unknown error'}`
        : `${failedChecks.length} check(s) failed: ${failedChecks.join(', ')}`;
    return this.finish(store, run, passwordHolder, clusterInstance, {
      outcome: succeeded ? 'succeeded' : 'failed',
      reason,
      restoreSeconds: restore.seconds,
      restoreEndedAt: restore.endedAt,
      availableAt,
      checksStartedAt,
      checksEndedAt,
      report,
    });
  }

  /** Polls until RDS reports the password change applied and the instance available; undefined when time runs out. */
  private async waitForPassword(
    store: VerifyStoreConfig,
    passwordHolder: RdsResource,
    instance: RdsResource,
    remainingMs: () => number,
  ): Promise<RdsResource | undefined> {
    for (;;) {
      await this.deps.sleep(PASSWORD_POLL_MS);
      const holder = passwordHolder.kind === 'instance' ? await this.deps.rds.instance(passwordHolder.identifier) : await this.deps.rds.cluster(passwordHolder.identifier);
      const current = passwordHolder === instance ? holder : await this.deps.rds.instance(instance.identifier);
      if (!holder || !current || !this.owns(store, holder) || !this.owns(store, current)) return undefined;
      if (holder.status === 'available' && !holder.passwordPending && current.status === 'available') return current;
      if (remainingMs() - RESERVE_MS - PASSWORD_POLL_MS < MIN_VERIFY_MS / 2) return undefined;
    }
  }

  /** When RDS reported the restored database usable (RDS events, not polling), and the restore time that gives. */
  private async restoreTimes(store: VerifyStoreConfig, run: RunTags, instance: RdsResource | undefined): Promise<{ seconds?: number; endedAt?: Date }> {
    if (!run.startedAt || !instance) return {};
    const events = await this.deps.rds.events(instance.identifier, 'db-instance', run.startedAt, this.deps.now());
    const completed = restoreCompletedAt(events, store.kind);
    if (!completed) {
      this.deps.log.warn('restore-event-missing', { storeId: store.storeId, runId: run.runId, identifier: instance.identifier });
      return {};
    }
    return { seconds: Math.max(0, Math.round((completed.getTime() - run.startedAt.getTime()) / 1000)), endedAt: completed };
  }

  // ------------------------------------------------------------------------------------------------- fail / remove

  /** Fails (or sweeps) a run holding its claim, so it never ends under a running verification. */
  private failClaimed(
    store: VerifyStoreConfig,
    run: RunTags,
    main: RdsResource,
    clusterInstance: RdsResource | undefined,
    outcome: 'failed' | 'swept',
    reason: string,
    remainingMs: () => number,
  ): Promise<StepResult> {
    return this.whileClaimed(store, run, main, clusterInstance, remainingMs, outcome === 'swept', () => this.fail(store, run, main, clusterInstance, outcome, reason));
  }

  private async fail(
    store: VerifyStoreConfig,
    run: RunTags,
    main: RdsResource,
    clusterInstance: RdsResource | undefined,
    outcome: 'failed' | 'swept',
    reason: string,
  ): Promise<StepResult> {
    this.deps.log.error('verification-failed', { storeId: store.storeId, runId: run.runId, identifier: main.identifier, outcome, reason });
    const restore = await this.restoreTimes(store, run, main.kind === 'instance' ? main : clusterInstance);
    const result = await this.finish(store, run, main, clusterInstance, { outcome, reason, restoreSeconds: restore.seconds, restoreEndedAt: restore.endedAt });
    return { ...result, detail: `${reason}; ${result.detail ?? 'deleting'}` };
  }

  /**
   * Ends a run: its record first (the conditional create makes this invocation the one that ends it), then the
   * metrics, the outcome tag and the delete. If the record exists already, another invocation ended the run and this
   * one publishes nothing. If the record cannot be written at all, the result still reaches CloudWatch and the
   * temporary resources are still deleted (the report then reads the metrics for that run).
   */
  private async finish(
    store: VerifyStoreConfig,
    run: RunTags,
    main: RdsResource,
    clusterInstance: RdsResource | undefined,
    ending: Omit<RunEnding, 'runId' | 'startedAt' | 'targetTime'>,
  ): Promise<StepResult> {
    const { log } = this.deps;
    const startedAt = run.startedAt ?? main.createdAt ?? this.deps.now();
    const record = this.deps.recorder.build(store, { ...ending, runId: run.runId, startedAt, targetTime: run.targetTime });
    let written = true;
    try {
      written = await this.deps.recorder.write(record);
    } catch (error) {
      log.error('evidence-write-failed', { storeId: store.storeId, runId: run.runId, error });
    }
    if (!written) {
      log.warn('run-already-recorded', { storeId: store.storeId, runId: run.runId });
      const existing = await this.deps.recorder.existing(store.storeId, run.runId, startedAt);
      return this.finishRecorded(store, run, main, clusterInstance, existing ?? record, false);
    }
    log.info('evidence-recorded', { storeId: store.storeId, runId: run.runId, outcome: record.outcome });
    return this.finishRecorded(store, run, main, clusterInstance, record, true);
  }

  /** Metrics (when `publish`), outcome tag and delete of a run whose record exists. */
  private async finishRecorded(
    store: VerifyStoreConfig,
    run: RunTags,
    main: RdsResource,
    clusterInstance: RdsResource | undefined,
    record: VerificationRunRecord,
    publish: boolean,
  ): Promise<StepResult> {
    if (publish) await this.publish(store, recordMetrics(record));
    const outcome = record.outcome === 'succeeded' ? 'succeeded' : 'failed';
    const marked = await this.markOutcome(store, run, main, outcome);
    const removal = await this.remove(store, run, marked, clusterInstance);
    return { storeId: store.storeId, step: outcome === 'succeeded' ? 'verified' : 'failed', runId: run.runId, detail: removal.detail };
  }

  /** A run that ended before anything was restored (source missing, restore refused, name blocked): record + metric. */
  private async endBeforeRestore(store: VerifyStoreConfig, reason: string, run?: { runId: string; startedAt: Date; targetTime?: Date }): Promise<void> {
    const startedAt = run?.startedAt ?? this.deps.now();
    const ending: RunEnding = { runId: run?.runId ?? runIdFor(store.storeId, startedAt), startedAt, targetTime: run?.targetTime, outcome: 'failed', reason };
    const record = this.deps.recorder.build(store, ending);
    let written = true;
    try {
      written = await this.deps.recorder.write(record);
    } catch (error) {
      this.deps.log.error('evidence-write-failed', { storeId: store.storeId, runId: ending.runId, error });
    }
    if (!written) {
      // The same start was delivered twice within the second: its twin recorded and published it.
      this.deps.log.warn('run-already-recorded', { storeId: store.storeId, runId: ending.runId });
      return;
    }
    this.deps.log.info('publishing-failure', { storeId: store.storeId, reason });
    await this.publish(store, recordMetrics(record));
  }

  private async markOutcome(store: VerifyStoreConfig, run: RunTags, resource: RdsResource, outcome: 'succeeded' | 'failed'): Promise<RdsResource> {
    await this.guarded(store, resource, () => this.deps.rds.addTags(resource, { [TAG.outcome]: outcome }));
    this.deps.log.info('outcome-recorded', { storeId: store.storeId, runId: run.runId, outcome });
    return { ...resource, tags: { ...resource.tags, [TAG.outcome]: outcome } };
  }

  /**
   * Deletes the run's resources: the instance (standalone), or the cluster's instance and then, once it is gone, the
   * cluster. A refused delete (e.g. the instance is busy) is logged and retried by the next event or tick; the
   * outcome tag already recorded means that retry only deletes.
   */
  private async remove(store: VerifyStoreConfig, run: RunTags, main: RdsResource, clusterInstance: RdsResource | undefined): Promise<StepResult> {
    const target = main.kind === 'cluster' && clusterInstance ? clusterInstance : main;
    if (target.status === 'deleting') return { storeId: store.storeId, step: 'deleting', runId: run.runId, detail: `${target.identifier} deleting` };
    try {
      await this.guarded(store, target, () => this.deps.rds.delete(target, main.kind === 'cluster'));
    } catch (error) {
      if (error instanceof SafetyRefusal) throw error;
      if (isNotFound(error)) return { storeId: store.storeId, step: 'deleting', runId: run.runId, detail: `${target.identifier} gone` };
      if (!isClientFault(error)) throw error;
      this.deps.log.warn('delete-refused', { storeId: store.storeId, runId: run.runId, identifier: target.identifier, error });
      return { storeId: store.storeId, step: 'deleting', runId: run.runId, detail: `delete of ${target.identifier} refused: ${errorLabel(error)}` };
    }
    this.deps.log.info('delete-requested', { storeId: store.storeId, runId: run.runId, identifier: target.identifier });
    return { storeId: store.storeId, step: 'deleting', runId: run.runId, detail: `${target.identifier} deleting` };
  }

  /**
   * Re-reads THAT resource right before a write and refuses unless this handler owns it (see `owns`). The IAM policy
   * enforces the same with aws:ResourceTag conditions; this check makes a wrong identifier fail loudly in code too.
   */
  private async guarded(store: VerifyStoreConfig, resource: RdsResource, write: () => Promise<void>): Promise<void> {
    const fresh = resource.kind === 'instance' ? await this.deps.rds.instance(resource.identifier) : await this.deps.rds.cluster(resource.identifier);
    if (!fresh) {
      const gone = new Error(`${resource.identifier} no longer exists`);
      gone.name = 'DBInstanceNotFoundFault';
      throw gone;
    }
    if (!this.owns(store, fresh)) {
      this.deps.log.error('write-refused', { storeId: store.storeId, identifier: resource.identifier, tags: fresh.tags });
      throw new SafetyRefusal(`refusing to modify ${resource.identifier}: not a verification resource of store ${store.storeId}`);
    }
    await write();
  }

  // ---------------------------------------------------------------------------------------------------------- sweep

  /**
   * Reports verification-looking resources the handler will not touch: untagged resources named under a store's
   * prefix, and tagged resources of stores no longer configured. (Expired runs of configured stores are failed and
   * deleted by `advance`, which every tick runs for every store.)
   */
  async reportStrays(): Promise<string[]> {
    const [instances, clusters] = await Promise.all([
      this.deps.rds.allInstances(),
      this.deps.config.stores.some((store) => store.kind === 'cluster') ? this.deps.rds.allClusters() : Promise.resolve([]),
    ]);
    const strays: string[] = [];
    for (const resource of [...instances, ...clusters]) {
      const id = resource.identifier.toLowerCase();
      const store = this.deps.config.stores.find((candidate) => id.startsWith(candidate.identifierPrefix.toLowerCase()));
      const tagged = isVerificationTagged(resource.tags);
      if (store && !tagged) {
        this.deps.log.warn('untagged-resource-ignored', { identifier: resource.identifier, kind: resource.kind, storeId: store.storeId });
        strays.push(resource.identifier);
      } else if (tagged && !this.deps.config.stores.some((candidate) => this.owns(candidate, resource))) {
        this.deps.log.warn('unmanaged-verification-resource', { identifier: resource.identifier, kind: resource.kind, store: resource.tags[TAG.store] });
        strays.push(resource.identifier);
      }
    }
    return strays;
  }

  // -------------------------------------------------------------------------------------------------------- metrics

  private async publish(store: VerifyStoreConfig, values: Record<string, number>): Promise<void> {
    const timestamp = this.deps.now();
    const units: Record<string, StandardUnit> = {
      [VERIFY_METRICS.restoreSeconds]: StandardUnit.Seconds,
      [VERIFY_METRICS.dataLagSeconds]: StandardUnit.Seconds,
      [VERIFY_METRICS.checksFailed]: StandardUnit.Count,
      [VERIFY_METRICS.verificationSucceeded]: StandardUnit.Count,
    };
    await this.deps.publish(
      Object.keys(values)
        .sort()
        .map((name) => ({
          region: store.restoreRegion,
          name,
          value: values[name],
          unit: units[name],
          dimensions: { StoreId: store.storeId },
          timestamp,
        })),
    );
  }
}

/**
 * The metrics of a run, from its record, so the two always agree: `VerificationSucceeded` always; `ChecksFailed`
 * when the checks ran (every check not passed, so all of them when no connection opened); `RestoreSeconds` and
 * `DataLagSeconds` when measured.
 */
export function recordMetrics(record: VerificationRunRecord): Record<string, number> {
  const metrics: Record<string, number> = { [VERIFY_METRICS.verificationSucceeded]: record.outcome === 'succeeded' ? 1 : 0 };
  if (record.steps.checks.startedAt !== null) metrics[VERIFY_METRICS.checksFailed] = record.checks.filter((check) => check.result !== 'passed').length;
  if (record.restoreSeconds !== null) metrics[VERIFY_METRICS.restoreSeconds] = record.restoreSeconds;
  if (record.dataLagSeconds !== null) metrics[VERIFY_METRICS.dataLagSeconds] = record.dataLagSeconds;
  return metrics;
}

/** A 4xx answer from RDS (the request was refused as made), as opposed to throttling or a server/network failure. */
function isClientFault(error: unknown): boolean {
  if (error === null || typeof error !== 'object' || isThrottlingError(error)) return false;
  const fault = (error as { $fault?: unknown }).$fault;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return fault === 'client' || (typeof status === 'number' && status >= 400 && status < 500);
}

function errorLabel(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
