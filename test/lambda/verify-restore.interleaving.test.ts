/**
 * Two invocations of the verification handler (an RDS event and a tick, as two Lambda instances with their own
 * clients) advancing the same available run, interleaved at their AWS calls: a scheduler holds every SDK call until
 * it is that invocation's turn. For every pair (i, j) the first invocation makes i calls, the second j calls, then
 * each runs to its end, in both orders: every await point of one is a point where the other can cut in (pairs that
 * give the same interleaving as a smaller one are skipped). Whatever the order, exactly one of them claims the run:
 * one password reset, one evidence record, one result published.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { createVerifyHandler, type VerifyEvent } from '../../lambda/verify-restore';
import { parseVerifyConfig } from '../../lambda/verify-restore/config';
import { createLogger } from '../../lambda/shared/log';
import { FakeEvidenceBucket } from '../support/fake-evidence-bucket';
import { FAKE_REGION, FakeAws } from '../support/fake-rds';
import { EVIDENCE } from './verify-restore-harness';

type Who = 'event' | 'tick';
const T0 = new Date('2026-01-01T00:00:00.000Z');

const config = parseVerifyConfig(
  JSON.stringify({
    namespace: 'Lifeboat',
    evidence: EVIDENCE,
    caBundlePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    checkTimeoutMs: 1000,
    stores: [
      {
        storeId: 'orders',
        kind: 'instance',
        engine: 'postgres',
        sourceIdentifier: 'app-orders',
        restoreRegion: FAKE_REGION,
        instanceClass: 'db.t4g.medium',
        subnetGroupName: 'app-verification',
        securityGroupIds: ['sg-0123456789abcdef0'],
        databaseName: 'orders',
        checks: [{ type: 'tableExists', table: 'orders' }],
        maxLifetimeSeconds: 4 * 3600,
        identifierPrefix: 'lbv-app-orders',
      },
    ],
  }),
);

// SDK clients are slow to create; the fakes mock them (RDS and CloudWatch by prototype, S3 by instance), so one of
// each serves every schedule.
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const rdsClient = new RDSClient({ region: FAKE_REGION, credentials });
const cloudwatchClient = new CloudWatchClient({ region: FAKE_REGION, credentials });
const s3Client = new S3Client({ region: EVIDENCE.region, credentials });

/** Holds each invocation's next SDK call until the schedule releases it. */
class Scheduler {
  private readonly waiting = new Map<Who, () => void>();
  private readonly finished = new Set<Who>();
  readonly counts: Record<Who, number> = { event: 0, tick: 0 };

  gate(who: Who): Promise<void> {
    return new Promise((resolve) => this.waiting.set(who, resolve));
  }

  /** Wraps a client so that each `send` waits for its turn. */
  client<T extends { send: (...args: any[]) => Promise<any> }>(who: Who, inner: T): T {
    return { send: async (...args: any[]) => (await this.gate(who), inner.send(...args)) } as unknown as T;
  }

  async run(tasks: Record<Who, () => Promise<unknown>>, choose: (ready: Who[]) => Who): Promise<void> {
    const all = (Object.keys(tasks) as Who[]).map((who) => tasks[who]().finally(() => this.finished.add(who)));
    const live = () => (Object.keys(tasks) as Who[]).filter((who) => !this.finished.has(who));
    for (let guard = 0; guard < 100_000; guard++) {
      // Let every live invocation reach its next SDK call (or its end); sockets of the check may take a moment.
      for (let spin = 0; live().some((who) => !this.waiting.has(who)); spin++) {
        if (spin > 1_000_000) throw new Error(`an invocation neither called AWS nor finished: ${live().join(', ')}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (live().length === 0) break;
      const who = choose([...this.waiting.keys()].filter((candidate) => live().includes(candidate)));
      const release = this.waiting.get(who)!;
      this.waiting.delete(who);
      this.counts[who] += 1;
      release();
    }
    await Promise.all(all);
  }
}

/** First `first` makes `i` calls, then `second` makes `j`, then each runs to its end (first, then second). */
function preemptAt(first: Who, second: Who, i: number, j: number): (ready: Who[]) => Who {
  let made: Record<Who, number> = { event: 0, tick: 0 };
  return (ready) => {
    const pick = (who: Who) => {
      made = { ...made, [who]: made[who] + 1 };
      return who;
    };
    if (made[first] < i && ready.includes(first)) return pick(first);
    if (made[second] < j && ready.includes(second)) return pick(second);
    return pick(ready.includes(first) ? first : second);
  };
}

interface Outcome {
  restores: number;
  passwordResets: number;
  records: number;
  published: number;
  calls: Record<Who, number>;
}

/**
 * `advance`: the run's instance is available and an RDS event and a tick both advance it. `start`: two deliveries of
 * the schedule's start event (EventBridge delivers at least once) race to start the run.
 */
async function race(choose: (ready: Who[]) => Who, options: { ignoreConditions?: boolean; scenario?: 'advance' | 'start' } = {}): Promise<Outcome> {
  const scenario = options.scenario ?? 'advance';
  // A 5-second password change: one poll, so each invocation makes few calls and every interleaving stays cheap.
  const fake = new FakeAws({ start: T0, endpoint: { host: '127.0.0.1', port: 1 }, timings: { passwordResetMs: 5_000 } });
  const bucket = new FakeEvidenceBucket({ bucket: EVIDENCE.bucket, writablePrefixes: ['verify-restore/orders/'], ignoreConditions: options.ignoreConditions, client: s3Client });
  try {
    fake.addSourceInstance('app-orders');
    const handlerFor = (scheduler?: Scheduler, who?: Who) => {
      const wrap = <T extends { send: (...args: any[]) => Promise<any> }>(client: T): T => (scheduler && who ? scheduler.client(who, client) : client);
      return createVerifyHandler({
        config,
        rds: wrap(rdsClient),
        s3: () => wrap(bucket.client),
        cloudwatch: () => wrap(cloudwatchClient),
        now: () => fake.clock.now(),
        sleep: fake.clock.sleep,
        retry: { random: () => 0.5 },
        logger: createLogger('verify-restore', () => undefined, () => fake.clock.now()),
      });
    };
    if (scenario === 'advance') {
      await handlerFor()({ action: 'start', storeId: 'orders' });
      fake.clock.advance(20 * 60_000);
      await fake.settle();
      fake.takeBridgeEvents();
    }

    const scheduler = new Scheduler();
    const onEvent = handlerFor(scheduler, 'event');
    const onTick = handlerFor(scheduler, 'tick');
    const deadline = fake.clock.now().getTime() + 600_000;
    const context = { getRemainingTimeInMillis: () => deadline - fake.clock.now().getTime() };
    // The RDS event in AWS's sample form (`rds:<identifier>`).
    const event: VerifyEvent = { source: 'aws.rds', 'detail-type': 'RDS DB Instance Event', detail: { SourceIdentifier: 'rds:lbv-app-orders-run', EventCategories: ['restoration'] } };
    const start: VerifyEvent = { action: 'start', storeId: 'orders' };
    await scheduler.run(
      scenario === 'advance'
        ? { event: () => onEvent(event, context), tick: () => onTick({ action: 'tick' }, context) }
        : { event: () => onEvent(start, context), tick: () => onTick(start, context) },
      choose,
    );
    expect(bucket.violations).toEqual([]);
    expect(fake.violations).toEqual([]);
    return {
      restores: [...fake.callsOf('RestoreDBInstanceToPointInTime')].filter((call) => !call.error).length,
      passwordResets: fake.callsOf('ModifyDBInstance').filter((call) => !call.error).length,
      records: bucket.keys('verify-restore/orders/2026/').length,
      published: fake.metrics.filter((metric) => metric.name === 'VerificationSucceeded').length,
      calls: scheduler.counts,
    };
  } finally {
    bucket.restore();
    fake.restore();
  }
}

describe('two invocations interleaved at every AWS call', () => {
  it('never both claim the run: one password reset, one record, one published result', async () => {
    // Each order run without interruption gives the number of calls each side can make in it.
    const calls: Record<Who, number> = { event: 0, tick: 0 };
    for (const [first, second] of [['event', 'tick'], ['tick', 'event']] as [Who, Who][]) {
      const alone = await race(preemptAt(first, second, Number.MAX_SAFE_INTEGER, 0));
      expect(alone).toMatchObject({ passwordResets: 1, records: 1, published: 1 });
      calls.event = Math.max(calls.event, alone.calls.event);
      calls.tick = Math.max(calls.tick, alone.calls.tick);
    }
    let schedules = 0;
    const started = Date.now();
    for (const [first, second] of [['event', 'tick'], ['tick', 'event']] as [Who, Who][]) {
      for (let i = 0; i <= calls[first]; i++) {
        for (let j = 0; j <= calls[second]; j++) {
          const outcome = await race(preemptAt(first, second, i, j));
          schedules += 1;
          if (outcome.passwordResets !== 1 || outcome.records !== 1 || outcome.published !== 1) {
            throw new Error(`${first} ${i} calls, then ${second} ${j} calls: ${JSON.stringify(outcome)}`);
          }
          // The second ended before its j-th call: every larger j is this same interleaving.
          if (outcome.calls[second] < j) break;
        }
      }
    }
    if (process.env.INTERLEAVING_STATS) console.log(JSON.stringify({ calls, schedules, ms: Date.now() - started }));
    expect(schedules).toBeGreaterThan(100);
  }, 120_000);

  it('two deliveries of a start never start two runs: the fixed restore identifier admits one restore', async () => {
    let schedules = 0;
    for (const [first, second] of [['event', 'tick'], ['tick', 'event']] as [Who, Who][]) {
      for (let i = 0; i <= 8; i++) {
        for (let j = 0; j <= 8; j++) {
          const outcome = await race(preemptAt(first, second, i, j), { scenario: 'start' });
          schedules += 1;
          if (outcome.restores !== 1 || outcome.records !== 0 || outcome.published !== 0) {
            throw new Error(`${first} ${i} calls, then ${second} ${j} calls: ${JSON.stringify(outcome)}`);
          }
          if (outcome.calls[second] < j) break;
        }
      }
    }
    expect(schedules).toBeGreaterThan(20);
  }, 120_000);

  it('has teeth: with a bucket that ignores If-None-Match, some interleaving lets both invocations claim the run', async () => {
    const longest = 20;
    const broken: string[] = [];
    for (let i = 0; i <= longest && broken.length === 0; i++) {
      for (let j = 0; j <= longest && broken.length === 0; j++) {
        const outcome = await race(preemptAt('event', 'tick', i, j), { ignoreConditions: true }).catch(() => undefined);
        if (outcome && outcome.passwordResets > 1) broken.push(`${i}/${j}`);
      }
    }
    expect(broken).not.toEqual([]);
  }, 120_000);
});
