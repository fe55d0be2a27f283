import fc from 'fast-check';
import { planBackups } from '../../src/plan/planner';
import { serializePlan } from '../../src/plan/serialize';
import { RequirementsError } from '../../src/spec/errors';
import { parseRequirements } from '../../src/spec/requirements';
import { exampleSpec } from '../spec/fixtures';

type Outcome = 'plan' | 'invalid';

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`property violated: ${message}`);
}

/** Parse + plan; a RequirementsError is a clean outcome, anything else thrown fails the property. */
function run(doc: unknown): { outcome: Outcome; errors: number } {
  let requirements;
  try {
    requirements = parseRequirements(doc);
  } catch (error) {
    if (error instanceof RequirementsError) {
      check(error.issues.length > 0, 'a RequirementsError lists at least one issue');
      check(error.issues.every((i) => i.path.length > 0 && i.message.length > 0), 'every issue has a path and a message');
      return { outcome: 'invalid', errors: 0 };
    }
    throw error;
  }
  const plan = planBackups(requirements);
  check(serializePlan(plan).endsWith('}\n'), 'the plan serialises');
  const errors = plan.findings.filter((f) => f.severity === 'error').length;
  check(plan.summary.errors === errors, 'summary counts the error findings');
  const unmet = plan.stores.some((store) => Object.values(store.scopes).some((scope) => !scope.met));
  check(!unmet || errors > 0, 'every unmet scope comes with an error finding');
  return { outcome: 'plan', errors };
}

const EXAMPLE = exampleSpec();

const durationLike = fc.oneof(
  fc.tuple(fc.integer({ min: -2, max: 400 }), fc.constantFrom('s', 'm', 'h', 'd', 'y', 'w', '', ' d')).map(([n, u]) => `${n}${u}`),
  fc.constantFrom('5m', '15m', '20s', '19s', '1h', '35d', '36d', '7y', '0', 'rate(1 day)', 'cron(0 4 * * ? *)'),
);

/** A walk from the root: at each level the next number picks a child; the walk ends where the numbers do. */
const walk = fc.array(fc.nat(), { minLength: 1, maxLength: 6 });

type Mutation =
  | { kind: 'set'; walk: number[]; value: unknown }
  | { kind: 'delete'; walk: number[] }
  | { kind: 'duration'; walk: number[]; value: string }
  | { kind: 'duplicate'; walk: number[] };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), walk, value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ kind: fc.constant('delete' as const), walk }),
  fc.record({ kind: fc.constant('duration' as const), walk, value: durationLike }),
  fc.record({ kind: fc.constant('duplicate' as const), walk }),
);

/** The container and key a walk ends at, or null when it starts at a leaf. */
function locate(doc: unknown, steps: number[]): { parent: any; key: string | number } | null {
  let parent: any = null;
  let key: string | number = '';
  let node: any = doc;
  for (const step of steps) {
    if (node === null || typeof node !== 'object') break;
    const keys: (string | number)[] = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (keys.length === 0) break;
    parent = node;
    key = keys[step % keys.length];
    node = node[key];
  }
  return parent === null ? null : { parent, key };
}

function applyMutations(mutations: Mutation[]): unknown {
  const doc = structuredClone(EXAMPLE);
  for (const m of mutations) {
    const target = locate(doc, m.walk);
    if (!target) continue;
    const { parent, key } = target;
    if (m.kind === 'set' || m.kind === 'duration') parent[key] = m.value;
    else if (m.kind === 'delete') {
      if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
      else delete parent[key];
    } else if (Array.isArray(parent)) parent.push(structuredClone(parent[key as number]));
    else parent[`${key}Copy`] = structuredClone(parent[key]);
  }
  return doc;
}

/** Specs built from valid pieces with random objectives, so many of them reach the planner. */
const objective = fc.constantFrom('1s', '19s', '20s', '30s', '1m', '299s', '5m', '10m', '15m', '1h', '3h', '4h', '1d');
const scopes = fc.record({ az: objective, region: objective, corruption: objective }, { requiredKeys: [] });
const generatedDatabase = (id: string) =>
  fc.record({
    engine: fc.constantFrom('postgres', 'mysql', 'mariadb', 'aurora-postgresql', 'aurora-mysql'),
    rpo: scopes,
    rto: scopes,
    pointInTime: fc.integer({ min: 1, max: 36 }),
    longTerm: fc.option(fc.constantFrom('30d', '35d', '1y', '7y'), { nil: undefined }),
    lock: fc.option(fc.constantFrom('governance', 'compliance'), { nil: undefined }),
    multiAz: fc.option(fc.boolean(), { nil: undefined }),
    drReplica: fc.boolean(),
    existing: fc.boolean(),
    verification: fc.option(fc.constantFrom('primary', 'dr'), { nil: undefined }),
  }).map((g) => {
    const isAurora = g.engine.startsWith('aurora');
    return {
      id,
      engine: g.engine,
      ...(g.existing ? { existing: { identifier: `legacy-${id}` } } : { engineVersion: '16', instanceClass: 'db.r6g.large' }),
      ...(isAurora || g.existing ? {} : { storageGb: 100 }),
      rpo: g.rpo,
      rto: g.rto,
      retention: { pointInTime: `${g.pointInTime}d`, ...(g.longTerm ? { longTerm: g.longTerm } : {}), ...(g.lock && g.longTerm ? { lock: { mode: g.lock } } : {}) },
      ...(g.multiAz === undefined ? {} : { multiAz: g.multiAz }),
      ...(g.drReplica ? { readReplicas: [{ region: 'dr' }] } : {}),
      ...(g.verification ? { verification: { schedule: '1d', region: g.verification, checks: [{ type: 'rowCount', table: 't', min: 1 }] } } : {}),
    };
  });
const generatedBucket = (id: string) =>
  fc.record({
    rpo: objective,
    rto: fc.option(objective, { nil: undefined }),
    replica: fc.option(fc.constantFrom('STANDARD', 'GLACIER', 'DEEP_ARCHIVE', 'ONEZONE_IA'), { nil: undefined }),
    lock: fc.option(fc.constantFrom('governance', 'compliance'), { nil: undefined }),
  }).map((g) => ({
    id,
    rpo: g.rpo,
    ...(g.rto ? { rto: g.rto } : {}),
    retention: '1y',
    ...(g.replica ? { replicaStorageClass: g.replica } : {}),
    ...(g.lock ? { objectLock: { mode: g.lock, days: 30 } } : {}),
  }));
const generatedSpec = fc
  .tuple(fc.array(fc.nat({ max: 1 }), { minLength: 0, maxLength: 4 }), fc.nat({ max: 3 }))
  .chain(([dbs, buckets]) =>
    fc.tuple(fc.tuple(...dbs.map((_, i) => generatedDatabase(`db${i}`))), fc.tuple(...Array.from({ length: buckets }, (_, i) => generatedBucket(`bucket${i}`)))),
  )
  .map(([databases, buckets]) => ({ ...structuredClone(EXAMPLE), databases, buckets }));

describe('parse + plan never throw anything but RequirementsError', () => {
  it('holds for 6,000 mutated copies of the example', () => {
    const outcomes: Record<Outcome, number> = { plan: 0, invalid: 0 };
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        outcomes[run(applyMutations(mutations)).outcome] += 1;
      }),
      { numRuns: 6_000, seed: 20_261_125 },
    );
    expect(outcomes.plan).toBeGreaterThan(100);
    expect(outcomes.invalid).toBeGreaterThan(1_000);
  });

  it('holds for 4,000 generated specs with random objectives', () => {
    const outcomes: Record<Outcome, number> = { plan: 0, invalid: 0 };
    let withErrors = 0;
    fc.assert(
      fc.property(generatedSpec, (doc) => {
        const { outcome, errors } = run(doc);
        outcomes[outcome] += 1;
        if (errors > 0) withErrors += 1;
      }),
      { numRuns: 4_000, seed: 7 },
    );
    expect(outcomes.plan).toBeGreaterThan(1_000);
    expect(withErrors).toBeGreaterThan(100);
  });
});
