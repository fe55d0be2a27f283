import * as fs from 'node:fs';
import { planBackups } from '../plan';
import type { BackupPlan } from '../plan/types';
import { issueLines, RequirementsError } from '../spec/errors';
import { parseJsonText, parseRequirements } from '../spec/requirements';

/** How a command reads the file it is given. */
export interface PlanFileOptions {
  /** Whether a requirements file is accepted too, and planned here. */
  requirements: boolean;
  /** Appended to "no such file", e.g. how to make the file. @default nothing */
  missingHint?: string;
}

const STORE_ID = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Reads a `backup_plan.json` (or, with `requirements`, a requirements file, planned here) for the commands that act
 * on a plan: runbook, report, status, checkpoint, restore, failover. Every problem comes back at once, without the
 * file name (the caller prefixes its command and the file).
 */
export function readPlanFile(file: string, options: PlanFileOptions): { plan: BackupPlan } | { errors: string[] } {
  let json: unknown;
  try {
    json = parseJsonText(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { errors: [`no such file${options.missingHint ? ` (${options.missingHint})` : ''}`] };
    if (error instanceof RequirementsError) return { errors: issueLines(error.issues) };
    return { errors: [(error as Error).message] };
  }
  const isPlan = json !== null && typeof json === 'object' && !Array.isArray(json) && 'planVersion' in json;
  if (isPlan || !options.requirements) {
    const errors = planShapeProblems(json);
    return errors.length > 0 ? { errors } : { plan: json as BackupPlan };
  }
  return planOnTheFly(json);
}

/** What a plan must have for the commands that read it; a plan from `lifeboat plan` has all of it. */
export function planShapeProblems(json: unknown): string[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return ['expected a backup plan object (write it with "lifeboat plan <spec> -o backup_plan.json")'];
  const plan = json as Partial<BackupPlan>;
  const errors: string[] = [];
  if (plan.planVersion !== 1) errors.push(`planVersion must be 1 (this lifeboat reads plan version 1), got ${JSON.stringify(plan.planVersion ?? null)}`);
  if (typeof plan.name !== 'string') errors.push('name: missing');
  if (typeof plan.regions?.primary !== 'string' || typeof plan.regions?.dr !== 'string') errors.push('regions.primary and regions.dr: missing');
  if (!Array.isArray(plan.network?.primary?.securityGroupIds) || !Array.isArray(plan.network?.dr?.subnetIds)) errors.push('network: missing');
  if (!Array.isArray(plan.stores)) {
    errors.push('stores: missing');
    return errors;
  }
  plan.stores.forEach((store, index) => {
    if (typeof store?.id !== 'string' || !STORE_ID.test(store.id)) errors.push(`stores[${index}].id: must be a lowercase store id`);
    if (store?.kind !== 'database' && store?.kind !== 'bucket') errors.push(`stores[${index}].kind: must be database or bucket`);
    if (typeof store?.names !== 'object' || store.names === null) errors.push(`stores[${index}].names: missing`);
    if (typeof store?.scopes !== 'object' || store.scopes === null) errors.push(`stores[${index}].scopes: missing`);
    if (!Array.isArray(store?.alarms)) errors.push(`stores[${index}].alarms: missing`);
  });
  return errors;
}

/** Requirements planned as `lifeboat plan` would; a plan with errors is refused as `lifeboat plan -o` refuses it. */
function planOnTheFly(json: unknown): { plan: BackupPlan } | { errors: string[] } {
  let plan: BackupPlan;
  try {
    plan = planBackups(parseRequirements(json));
  } catch (error) {
    if (error instanceof RequirementsError) return { errors: issueLines(error.issues) };
    throw error;
  }
  const errors = plan.findings
    .filter((finding) => finding.severity === 'error')
    .map((finding) => `${finding.store ?? '(plan)'}: ${finding.code}: ${finding.message}; fix: ${finding.fix}`);
  return errors.length > 0 ? { errors } : { plan };
}
