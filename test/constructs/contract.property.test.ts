/**
 * The contract as a property: every spec that validates and plans without errors synthesizes with DisasterRecovery
 * and passes every policy rule of `lifeboat check`. The generator covers every engine, region mode and option, and
 * id shapes that stress naming (ids that extend each other, ids equal to function suffixes, the longest names the
 * spec allows). Seeded and bounded: synth takes about a second per spec.
 */
import 'cdktf/lib/testing/adapters/jest';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import fc from 'fast-check';
import { DisasterRecovery } from '../../constructs/disaster-recovery';
import { planBackups } from '../../src/plan/planner';
import type { BackupPlan } from '../../src/plan/types';
import { checkDocument } from '../../src/policy/engine';
import { RequirementsError } from '../../src/spec/errors';
import { parseRequirements } from '../../src/spec/requirements';
import { baseSpec } from '../spec/fixtures';
import { cleanupTestApps, synthStack } from '../support/synth';

afterAll(cleanupTestApps);

/** Stack names: short, and the longest the spec allows (24). */
const stackName = fc.constantFrom('shop', 'a', 'x-very-long-stack-nam-24');
/** Store ids that are prefixes or suffixes of each other, equal to names Lifeboat appends, or long. */
const ID_POOL = ['orders', 'orders-dr', 'orders-1', 'orders-dr-1', 'orders-global', 'dr', 'verify', 'tick', 'rds-events', 'billing', 'b', 'ledger-archive-v2', 'i'.repeat(27)];

// Objectives AWS can meet (corruption needs at least PITR's 5 minutes), so most specs reach synth.
const scopes = fc.record(
  {
    az: fc.constantFrom('1m', '5m', '15m'),
    region: fc.constantFrom('20s', '30s', '1m', '5m', '1h', '4h', '5h', '10h', '26h'),
    corruption: fc.constantFrom('5m', '15m', '1h'),
  },
  { requiredKeys: [] },
);
const rtos = fc.record({ az: fc.constantFrom('5m', '15m', '1h', '4h'), region: fc.constantFrom('15m', '1h', '4h'), corruption: fc.constantFrom('1h', '4h') }, { requiredKeys: [] });

const database = (id: string) =>
  fc
    .record({
      engine: fc.constantFrom('postgres', 'mysql', 'mariadb', 'aurora-postgresql', 'aurora-mysql'),
      rpo: scopes,
      rto: rtos,
      pointInTime: fc.integer({ min: 1, max: 35 }),
      longTerm: fc.option(fc.constantFrom('35d', '1y', '7y'), { nil: undefined }),
      lock: fc.option(fc.constantFrom('governance', 'compliance'), { nil: undefined }),
      multiAz: fc.option(fc.constant(true), { nil: undefined }),
      replicas: fc.constantFrom([], ['primary'], ['dr'], ['primary', 'dr'], ['primary', 'primary']),
      existing: fc.boolean(),
      backtrack: fc.boolean(),
      pinned: fc.boolean(),
      verification: fc.option(fc.constantFrom('primary', 'dr'), { nil: undefined }),
      freshness: fc.boolean(),
    })
    .map((g) => {
      const aurora = g.engine.startsWith('aurora');
      const major = g.engine === 'mariadb' ? '10.11' : g.engine.endsWith('mysql') ? '8.0' : '16';
      const version = g.pinned && !aurora ? { engineVersion: `${major}.${g.engine === 'postgres' ? 4 : 3}`, autoMinorVersionUpgrade: false } : { engineVersion: major };
      return {
        id,
        engine: g.engine,
        ...(g.existing ? { existing: { identifier: `legacy-${id}` }, instanceClass: 'db.r6g.large' } : { ...version, instanceClass: 'db.r6g.large' }),
        ...(aurora || g.existing ? {} : { storageGb: 100 }),
        rpo: g.rpo,
        rto: g.rto,
        retention: {
          pointInTime: `${g.pointInTime}d`,
          ...(g.longTerm ? { longTerm: g.longTerm } : {}),
          ...(g.lock && g.longTerm ? { lock: { mode: g.lock } } : {}),
        },
        ...(g.multiAz === undefined ? {} : { multiAz: g.multiAz }),
        ...(g.replicas.length > 0 ? { readReplicas: g.replicas.map((region) => ({ region })) } : {}),
        ...(g.backtrack && g.engine === 'aurora-mysql' && !g.existing ? { backtrack: '24h' } : {}),
        ...(g.verification
          ? {
              verification: {
                schedule: '1d',
                region: g.verification,
                checks: [{ type: 'rowCount', table: 'public.t', min: 1 }],
                ...(g.freshness ? { freshness: { table: 'public.t', column: 'created_at' } } : {}),
              },
            }
          : {}),
      };
    });

const bucket = (id: string) =>
  fc
    .record({
      rpo: fc.constantFrom('15m', '1h', '4h'),
      rto: fc.option(fc.constantFrom('15m', '1h', '1d'), { nil: undefined }),
      replica: fc.option(fc.constantFrom('STANDARD', 'STANDARD_IA', 'GLACIER_IR'), { nil: undefined }),
      lock: fc.option(fc.constantFrom('governance', 'compliance'), { nil: undefined }),
      transitions: fc.boolean(),
    })
    .map((g) => ({
      id,
      rpo: g.rpo,
      ...(g.rto ? { rto: g.rto } : {}),
      retention: '1y',
      ...(g.replica ? { replicaStorageClass: g.replica } : {}),
      ...(g.lock ? { objectLock: { mode: g.lock, days: 30 } } : {}),
      ...(g.transitions ? { transitions: [{ after: '30d', storageClass: 'STANDARD_IA' }, { after: '90d', storageClass: 'GLACIER' }] } : {}),
    }));

const spec = fc
  .record({
    name: stackName,
    ids: fc.shuffledSubarray(ID_POOL, { minLength: 1, maxLength: 4 }),
    kinds: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    topic: fc.boolean(),
  })
  .chain(({ name, ids, kinds, topic }) =>
    fc
      .tuple(...ids.map((id, i) => (kinds[i] ? database(id) : bucket(id))))
      .map((stores) => {
        const doc = baseSpec();
        doc.name = name;
        doc.databases = stores.filter((s) => 'engine' in s);
        doc.buckets = stores.filter((s) => !('engine' in s));
        if (topic) doc.alerts = { topicArn: 'arn:aws:sns:eu-west-1:123456789012:oncall' };
        return doc;
      }),
  );

/** The plan of a spec, or null when validate or plan refuses it (the contract only covers accepted specs). */
function accepted(doc: unknown): BackupPlan | null {
  try {
    const plan = planBackups(parseRequirements(doc));
    return plan.summary.errors === 0 ? plan : null;
  } catch (error) {
    if (error instanceof RequirementsError) return null;
    throw error;
  }
}

describe('the validate/plan/synth contract', () => {
  it('every spec that validates and plans without errors synthesizes and passes every policy rule', () => {
    let synthesized = 0;
    fc.assert(
      fc.property(spec, (doc) => {
        const plan = accepted(doc);
        if (!plan) return;
        const json = synthStack((stack) => {
          new AwsProvider(stack, 'aws', { region: plan.regions.primary });
          new DisasterRecovery(stack, 'lifeboat', { plan });
        });
        expect(checkDocument(json as never)).toEqual([]);
        synthesized += 1;
      }),
      { numRuns: 36, seed: 20_261_201, endOnFailure: true },
    );
    // The property must not hold vacuously: most generated specs reach synth.
    expect(synthesized).toBeGreaterThanOrEqual(18);
  });
});
