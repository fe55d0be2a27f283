/**
 * Drives the verification-restore handler against the stateful RDS fake the way AWS would: a schedule `start`, RDS
 * events delivered by an EventBridge rule for the verification prefix, and a periodic `tick`; the fake clock moves
 * one tick interval per round.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { RDSClient } from '@aws-sdk/client-rds';
import { createVerifyHandler, type VerifyEvent, type VerifyResult } from '../../lambda/verify-restore';
import type { VerifyConfig } from '../../lambda/verify-restore/config';
import { createLogger } from '../../lambda/shared/log';
import { FakeEvidenceBucket } from '../support/fake-evidence-bucket';
import { FAKE_REGION, type FakeAws } from '../support/fake-rds';

export interface Harness {
  readonly fake: FakeAws;
  /** The evidence bucket the handler writes its records and claims to. */
  readonly evidence: FakeEvidenceBucket;
  readonly logs: string[];
  readonly outcomes: { event: string; result?: VerifyResult; error?: string }[];
  invoke(event: VerifyEvent): Promise<VerifyResult | undefined>;
  /** Delivers events and ticks until no temporary resource is left (or `maxRounds`). Returns the rounds used. */
  drive(options?: { maxRounds?: number; tickMs?: number }): Promise<number>;
}

/** Lambda timeout the harness gives each invocation (the construct's setting). */
export const LAMBDA_TIMEOUT_MS = 600_000;

/** The evidence bucket of the test configurations. */
export const EVIDENCE = { bucket: 'lifeboat-evidence-test', region: 'eu-central-1' } as const;

/** The prefixes the verification role may write under: one per store. */
export function verifyEvidencePrefixes(config: VerifyConfig): string[] {
  return config.stores.map((store) => `verify-restore/${store.storeId}/`);
}

export function createHarness(fake: FakeAws, config: VerifyConfig, options: { timeoutMs?: number; evidence?: FakeEvidenceBucket } = {}): Harness {
  const logs: string[] = [];
  const outcomes: Harness['outcomes'] = [];
  const evidence = options.evidence ?? new FakeEvidenceBucket({ bucket: config.evidence.bucket, writablePrefixes: verifyEvidencePrefixes(config) });
  fakes.push(evidence);
  const handler = createVerifyHandler({
    config,
    s3: () => evidence.client,
    rds: new RDSClient({ region: FAKE_REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
    cloudwatch: (region) => new CloudWatchClient({ region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
    now: () => fake.clock.now(),
    sleep: fake.clock.sleep,
    retry: { random: () => 0.5 },
    logger: createLogger('verify-restore', (line) => logs.push(line), () => fake.clock.now()),
  });
  const prefixes = config.stores.map((store) => store.identifierPrefix);

  async function invoke(event: VerifyEvent): Promise<VerifyResult | undefined> {
    const deadline = fake.clock.now().getTime() + (options.timeoutMs ?? LAMBDA_TIMEOUT_MS);
    const label = 'action' in event ? event.action : `rds:${event.detail.SourceIdentifier}`;
    try {
      const result = await handler(event, { getRemainingTimeInMillis: () => deadline - fake.clock.now().getTime() });
      outcomes.push({ event: label, result });
      return result;
    } catch (error) {
      // Lambda would log the error and (for async invocations) retry; the next tick resumes from the tags.
      outcomes.push({ event: label, error: `${(error as Error).name}: ${(error as Error).message}` });
      return undefined;
    }
  }

  async function drive(driveOptions: { maxRounds?: number; tickMs?: number } = {}): Promise<number> {
    const maxRounds = driveOptions.maxRounds ?? 300;
    for (let round = 1; round <= maxRounds; round++) {
      await fake.settle();
      for (const event of fake.takeBridgeEvents()) {
        if (prefixes.some((prefix) => event.detail.SourceIdentifier.startsWith(prefix))) await invoke(event as unknown as VerifyEvent);
      }
      await invoke({ action: 'tick' });
      await fake.settle();
      if (fake.temporaryResources().length === 0 && fake.pendingBridgeEventCount() === 0) return round;
      fake.clock.advance(driveOptions.tickMs ?? 60_000);
    }
    return maxRounds;
  }

  return { fake, evidence, logs, outcomes, invoke, drive };
}

const fakes: FakeEvidenceBucket[] = [];

/** Restores the evidence buckets' mocks (call in afterEach, next to FakeAws.restore). */
export function restoreEvidenceFakes(): void {
  for (const bucket of fakes.splice(0, fakes.length)) bucket.restore();
}
