/**
 * The planner: requirements in, BackupPlan out. Pure and synchronous (no cdktf, no AWS SDK, no clock), so the same
 * requirements always give the same plan. Each store is planned by small deciders, one per concern
 * (database/{az,corruption,region,replicas,retention,verification}.ts, bucket/{az,corruption,region}.ts): for every
 * failure scope the cheapest option from the catalogue whose design RPO and RTO meet the objective, with why; where
 * nothing AWS offers can, the closest option and an error finding. Then names (names.ts) are decided and checked for
 * the whole plan.
 */
import { FAILURE_SCOPES, type FailureScope, type Requirements } from '../spec/types';
import { planBucket } from './bucket';
import { ESTIMATES_NOTE } from './catalogue';
import { planDatabase } from './database';
import { StoreDecisions } from './decide';
import { planEvidence } from './evidence';
import { FINDING_CODES } from './findings';
import { nameFindings, sharedNames } from './names';
import { PLAN_VERSION, type BackupPlan, type Finding, type StorePlan } from './types';

export function planBackups(req: Requirements): BackupPlan {
  const findings: Finding[] = [];
  const stores: StorePlan[] = [
    ...req.databases.map((db) => planDatabase(req, db, new StoreDecisions(findings, db.id))),
    ...req.buckets.map((bucket) => planBucket(req, bucket, new StoreDecisions(findings, bucket.id))),
  ].sort((a, b) => compare(a.id, b.id));
  const shared = sharedNames(req, stores);
  const evidence = planEvidence(req);
  findings.push(...nameFindings(req, stores, shared, evidence));
  if (stores.length === 0) {
    findings.push({
      severity: FINDING_CODES['LB-PLAN-EMPTY'].severity,
      code: 'LB-PLAN-EMPTY',
      store: null,
      scope: null,
      message: 'the spec has no databases and no buckets: nothing is protected',
      fix: 'add databases or buckets to the spec',
    });
  }
  findings.sort(compareFindings);
  return {
    planVersion: PLAN_VERSION,
    name: req.name,
    environment: req.environment,
    regions: { ...req.regions },
    alerts: { emails: [...req.alerts.emails], httpsEndpoints: [...req.alerts.httpsEndpoints], topicArn: req.alerts.topicArn },
    tags: { ...req.tags },
    network: {
      primary: { ...req.network.primary, subnetIds: [...req.network.primary.subnetIds], securityGroupIds: [...req.network.primary.securityGroupIds] },
      dr: { ...req.network.dr, subnetIds: [...req.network.dr.subnetIds], securityGroupIds: [...req.network.dr.securityGroupIds] },
    },
    estimatesNote: ESTIMATES_NOTE,
    shared,
    evidence,
    stores,
    findings,
    summary: {
      errors: findings.filter((f) => f.severity === 'error').length,
      warnings: findings.filter((f) => f.severity === 'warning').length,
      infos: findings.filter((f) => f.severity === 'info').length,
    },
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

function scopeIndex(scope: FailureScope | null): number {
  return scope === null ? -1 : FAILURE_SCOPES.indexOf(scope);
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    compare(a.store ?? '', b.store ?? '') ||
    scopeIndex(a.scope) - scopeIndex(b.scope) ||
    compare(a.code, b.code) ||
    compare(a.message, b.message)
  );
}
