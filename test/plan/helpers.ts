import { planBackups } from '../../src/plan/planner';
import type { BackupPlan, BucketStorePlan, DatabaseStorePlan } from '../../src/plan/types';
import { parseRequirements } from '../../src/spec/requirements';
import { baseSpec } from '../spec/fixtures';

/** Plans the base spec after `mutate` edits its raw JSON. */
export function planWith(mutate: (doc: Record<string, any>) => void): BackupPlan {
  const doc = baseSpec();
  mutate(doc);
  return planBackups(parseRequirements(JSON.parse(JSON.stringify(doc))));
}

export function database(plan: BackupPlan, id = 'orders'): DatabaseStorePlan {
  const store = plan.stores.find((s) => s.id === id);
  if (store?.kind !== 'database') throw new Error(`no database ${id}`);
  return store;
}

export function bucket(plan: BackupPlan, id = 'documents'): BucketStorePlan {
  const store = plan.stores.find((s) => s.id === id);
  if (store?.kind !== 'bucket') throw new Error(`no bucket ${id}`);
  return store;
}

export function codes(plan: BackupPlan): string[] {
  return plan.findings.map((f) => f.code);
}

/** A database edit applied to databases[0]. */
export function db(fields: Record<string, unknown>): (doc: Record<string, any>) => void {
  return (doc) => Object.assign(doc.databases[0], fields);
}

/** Switches databases[0] to an Aurora engine (no storageGb). */
export function aurora(engine: 'aurora-postgresql' | 'aurora-mysql', fields: Record<string, unknown> = {}): (doc: Record<string, any>) => void {
  return (doc) => {
    delete doc.databases[0].storageGb;
    Object.assign(doc.databases[0], { engine, engineVersion: engine === 'aurora-mysql' ? '8.0' : '16' }, fields);
  };
}
