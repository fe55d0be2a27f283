import { planBackups } from '../../src/plan/planner';
import { serializePlan } from '../../src/plan/serialize';
import { parseRequirements } from '../../src/spec/requirements';
import { exampleSpec } from '../spec/fixtures';

const planJson = (doc: unknown) => serializePlan(planBackups(parseRequirements(doc)));

function shuffleKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shuffleKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, shuffleKeys(v)]));
}

describe('serializePlan', () => {
  it('gives the same bytes for the same spec', () => {
    expect(planJson(exampleSpec())).toBe(planJson(exampleSpec()));
  });

  it('gives the same bytes when stores, and keys, are reordered in the spec', () => {
    const reordered = exampleSpec();
    reordered.databases.reverse();
    reordered.buckets.reverse();
    expect(planJson(shuffleKeys(reordered))).toBe(planJson(exampleSpec()));
  });

  it('does not depend on how the plan object was built', () => {
    const plan = planBackups(parseRequirements(exampleSpec()));
    expect(serializePlan(shuffleKeys(plan) as typeof plan)).toBe(serializePlan(plan));
  });

  it('leaves other stores byte-identical when a store is added', () => {
    const before = JSON.parse(planJson(exampleSpec()));
    const grown = exampleSpec();
    grown.databases.unshift({ id: 'analytics', engine: 'mariadb', engineVersion: '10.11', instanceClass: 'db.r6g.large', storageGb: 50, retention: { pointInTime: '7d' } });
    const after = JSON.parse(planJson(grown));
    for (const store of before.stores) {
      expect(after.stores.find((s: { id: string }) => s.id === store.id)).toEqual(store);
    }
    expect(after.stores.map((s: { id: string }) => s.id)).toEqual(['analytics', 'audit-logs', 'billing', 'documents', 'ledger', 'orders']);
  });

  it('is versioned JSON with stores sorted by id and a trailing newline', () => {
    const text = planJson(exampleSpec());
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.startsWith('{\n  "planVersion": 1,\n')).toBe(true);
    const parsed = JSON.parse(text);
    expect(parsed.stores.map((s: { id: string }) => s.id)).toEqual(['audit-logs', 'billing', 'documents', 'ledger', 'orders']);
    expect(parsed.estimatesNote).toContain('estimates');
  });
});

describe('the example', () => {
  const plan = planBackups(parseRequirements(exampleSpec()));

  it('is plan-clean: zero errors and zero warnings', () => {
    expect(plan.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(plan.summary).toEqual({ errors: 0, warnings: 0, infos: plan.findings.length });
  });

  it('meets every objective it states', () => {
    for (const store of plan.stores) {
      for (const scope of Object.values(store.scopes)) expect({ store: store.id, scope: scope.scope, met: scope.met }).toEqual({ store: store.id, scope: scope.scope, met: true });
    }
  });

  it('chooses the mechanisms the scenario calls for', () => {
    const kinds = Object.fromEntries(plan.stores.map((s) => [s.id, s.mechanisms.map((m) => m.kind)]));
    expect(kinds.orders).toEqual(['rds-pitr', 'multi-az', 'cross-region-backup-replication']);
    expect(kinds.ledger).toEqual(['rds-pitr', 'multi-az', 'aurora-global-database']);
    expect(kinds.billing).toEqual(['rds-pitr', 'multi-az', 'cross-region-backup-replication', 'aws-backup']);
    expect(kinds.documents).toEqual(['s3-versioning', 's3-replication-rtc', 's3-lifecycle']);
    expect(kinds['audit-logs']).toEqual(['s3-versioning', 's3-replication', 's3-object-lock', 's3-lifecycle']);
  });
});
