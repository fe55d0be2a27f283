import type { BackupPlan, DatabaseStorePlan } from '../plan/types';
import { EXIT_INVALID } from './exit-codes';
import type { CommandOutput } from './output';
import { readPlanFile } from './plan-file';

/** The plan an operator command reads: `backup_plan.json`, or a requirements file planned on the fly; errors name the file. */
export function loadPlanForOps(file: string): { plan: BackupPlan } | { errors: string[] } {
  const loaded = readPlanFile(file, { requirements: true, missingHint: 'write it with "lifeboat plan <spec> -o backup_plan.json", or pass --plan' });
  return 'errors' in loaded ? { errors: loaded.errors.map((error) => `${file}: ${error}`) } : loaded;
}

/**
 * The plan and the database store a command acts on, or the exit code after saying what is wrong (the plan's errors,
 * or the store is not one of its databases: the ids it has, and `bucketHint` when the id names a bucket).
 */
export function loadDatabaseStoreForOps(
  command: string,
  file: string,
  storeId: string,
  output: CommandOutput,
  bucketHint?: (bucket: Extract<BackupPlan['stores'][number], { kind: 'bucket' }>) => string,
): { plan: BackupPlan; store: DatabaseStorePlan } | { exit: number } {
  const loaded = loadPlanForOps(file);
  if ('errors' in loaded) {
    output.err(loaded.errors.map((error) => `lifeboat ${command}: ${error}\n`).join(''));
    return { exit: EXIT_INVALID };
  }
  const store = loaded.plan.stores.find((candidate) => candidate.id === storeId);
  if (!store || store.kind !== 'database') {
    const ids = loaded.plan.stores.filter((candidate) => candidate.kind === 'database').map((candidate) => candidate.id);
    const hint = store?.kind === 'bucket' && bucketHint ? ` (${bucketHint(store)})` : '';
    output.err(`lifeboat ${command}: no database store "${storeId}" in the plan${hint} (databases: ${ids.join(', ')})\n`);
    return { exit: EXIT_INVALID };
  }
  return { plan: loaded.plan, store };
}
