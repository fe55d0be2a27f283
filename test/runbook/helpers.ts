import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BackupPlan, DatabaseStorePlan } from '../../src/plan/types';

export const PLAN_FIXTURE = path.join(__dirname, 'fixtures', 'backup_plan.json');

/** The plan the example requirements produced when these tests were written (frozen so the snapshot is stable). */
export function fixturePlan(): BackupPlan {
  return JSON.parse(fs.readFileSync(PLAN_FIXTURE, 'utf8')) as BackupPlan;
}

export function databaseStore(plan: BackupPlan, id: string): DatabaseStorePlan {
  const store = plan.stores.find((candidate) => candidate.id === id);
  if (store?.kind !== 'database') throw new Error(`fixture has no database store ${id}`);
  return store;
}

/** The orders store with a cross-region read replica instead of replicated backups, the other region procedure. */
export function planWithDrReplica(): BackupPlan {
  const plan = fixturePlan();
  const orders = databaseStore(plan, 'orders');
  orders.crossRegionBackupReplication = null;
  orders.readReplicas = [
    { index: 0, identifier: orders.names.dr, region: plan.regions.dr, regionRole: 'dr', instanceClass: 'db.r6g.large', reason: 'region RPO' },
    { index: 1, identifier: `${orders.names.primary}-1`, region: plan.regions.primary, regionRole: 'primary', instanceClass: 'db.r6g.large', reason: 'requested' },
  ];
  return plan;
}

/** Every `aws ...` command of a Markdown runbook, continuation lines joined, as shell words (quotes removed). */
export function awsCommands(markdown: string): string[][] {
  const joined = markdown.replace(/ \\\n\s*/g, ' ');
  const commands: string[][] = [];
  for (const line of joined.split('\n')) {
    let at = line.indexOf('aws ');
    while (at !== -1) {
      const before = at === 0 ? ' ' : line[at - 1];
      if (before === ' ' || before === '(' || before === '"') {
        commands.push(shellWords(line.slice(at)));
      }
      at = line.indexOf('aws ', at + 4);
    }
  }
  return commands;
}

/** Splits one command into words, honouring quotes, stopping at an unquoted `)`, `|`, `>` or `&&`. */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | null = null;
  let depth = 0;
  let started = false;
  for (const char of text) {
    if (quote) {
      if (char === quote && depth === 0) quote = null;
      else {
        if (quote === '"' && char === '(' ) depth++;
        if (quote === '"' && char === ')' && depth > 0) depth--;
        current += char;
      }
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      started = true;
      continue;
    }
    if (char === ' ') {
      if (started) words.push(current);
      current = '';
      started = false;
      continue;
    }
    if (char === ')' || char === '|' || char === '>' || char === '&') {
      // `2>&1`: the descriptor number belongs to the redirection, not to the command.
      if (char === '>' && /^\d+$/.test(current)) started = false;
      break;
    }
    current += char;
    started = true;
  }
  if (started) words.push(current);
  return words;
}
