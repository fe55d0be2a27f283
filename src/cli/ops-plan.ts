import * as fs from 'node:fs';
import { planBackups } from '../plan';
import type { BackupPlan } from '../plan/types';
import { loadRequirements } from '../spec/requirements';

/** The plan an operator command reads: `backup_plan.json`, or a requirements file planned on the fly. */
export function loadPlanForOps(file: string): { plan: BackupPlan } | { errors: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    return { errors: [`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (write it with "lifeboat plan <spec> -o backup_plan.json", or pass --plan)' : (error as Error).message}`] };
  }
  const candidate = json as { planVersion?: unknown; stores?: unknown };
  if (candidate && candidate.planVersion === 1 && Array.isArray(candidate.stores)) return { plan: json as BackupPlan };
  try {
    return { plan: planBackups(loadRequirements(file)) };
  } catch (error) {
    return { errors: [`${file}: neither a backup plan nor valid requirements: ${(error as Error).message}`] };
  }
}
