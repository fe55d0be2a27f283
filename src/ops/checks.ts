import type { Check, DatabaseStorePlan } from '../plan/types';

/** The store's verification checks plus its freshness check: exactly what the verification Lambda runs. */
export function storeChecks(store: DatabaseStorePlan): Check[] {
  const verification = store.verification;
  if (!verification) return [];
  const checks = [...verification.checks];
  const fresh = verification.freshness;
  if (fresh && !checks.some((check) => check.type === 'freshness' && check.table === fresh.table && check.column === fresh.column)) {
    checks.push({ type: 'freshness', table: fresh.table, column: fresh.column, maxLagSeconds: fresh.maxLag.seconds });
  }
  return checks;
}
