/**
 * Corruption scope of a database (logical damage or human error, which replicas copy faithfully): point-in-time
 * recovery, or for aurora-mysql a backtrack, requested or added when PITR is not enough.
 */
import type { DatabaseRequirement } from '../../spec/types';
import { CATALOGUE, LIMITS } from '../catalogue';
import { cheapest, chooseReason, DecisionRecord, human, meets, objectiveOf, objectiveText, opt, optionText, scopePlan, type Decision, type Objective } from '../decide';
import type { ScopePlan } from '../types';

export interface CorruptionDecision {
  scope: ScopePlan;
  /** Aurora MySQL backtrack window, requested or added; null without backtrack. */
  backtrackSeconds: number | null;
  cannotEnforce: string[];
}

const TAIL = 'replicas, Multi-AZ and global databases copy corruption faithfully, so only backups serve this scope';

export function decideCorruption(db: DatabaseRequirement, primary: string): Decision<CorruptionDecision> {
  const record = new DecisionRecord();
  const objective = objectiveOf(db, 'corruption');
  const pitr = opt(CATALOGUE.pitr);
  const backtrack = opt(CATALOGUE.auroraBacktrack);
  const options = db.engine === 'aurora-mysql' ? [pitr, backtrack] : [pitr];
  const found = cheapest(options, objective);
  let backtrackSeconds: number | null = db.backtrackSeconds;
  let scope: ScopePlan;
  if (db.backtrackSeconds !== null) {
    scope = scopePlan('corruption', objective, backtrack, meets(backtrack, objective), `backtrack requested (${human(db.backtrackSeconds)} window): ${optionText(backtrack)}`);
  } else if (found) {
    scope = scopePlan('corruption', objective, found, true, `${chooseReason(found, objective, options)}; ${TAIL}`);
    if (found === backtrack) backtrackSeconds = LIMITS.backtrackDefaultWindowSeconds;
  } else {
    const best = options[options.length - 1];
    scope = scopePlan('corruption', objective, best, false, `${optionText(best)} does not meet ${objectiveText(objective)}; ${TAIL}`);
    if (best === backtrack) backtrackSeconds = LIMITS.backtrackDefaultWindowSeconds;
  }
  if (!scope.met) unmetFindings(record, objective, scope.mechanisms.includes('aurora-backtrack'));
  const cannotEnforce: string[] = [];
  if (backtrackSeconds !== null) {
    record.mechanism(
      CATALOGUE.auroraBacktrack,
      primary,
      'corruption',
      db.backtrackSeconds !== null ? `requested: ${human(backtrackSeconds)} window` : `corruption objective ${objectiveText(objective)}; ${human(backtrackSeconds)} window`,
    );
    if (db.existing) cannotEnforce.push('backtrack (it can only be enabled when a cluster is created)');
  } else {
    record.mechanism(CATALOGUE.pitr, primary, 'corruption', 'restore to the moment before the damage');
  }
  return record.done({ scope, backtrackSeconds, cannotEnforce });
}

function unmetFindings(record: DecisionRecord, objective: Objective, usesBacktrack: boolean): void {
  const { rpo, rto } = objective;
  if (rpo !== null && rpo < (usesBacktrack ? CATALOGUE.auroraBacktrack.rpoSeconds : CATALOGUE.pitr.rpoSeconds)) {
    record.finding(
      'LB-DB-CORRUPTION-RPO-BELOW-PITR',
      'corruption',
      `corruption RPO ${human(rpo)} is below the ${human(CATALOGUE.pitr.rpoSeconds)} design RPO of point-in-time recovery (transaction logs are uploaded every 5 minutes)`,
      `relax the corruption RPO to at least ${human(CATALOGUE.pitr.rpoSeconds)}, or use aurora-mysql (backtrack rewinds to the second)`,
    );
  }
  if (rto !== null && usesBacktrack && rto < CATALOGUE.auroraBacktrack.rtoSeconds) {
    record.finding(
      'LB-DB-CORRUPTION-RTO-BELOW-BACKTRACK',
      'corruption',
      `corruption RTO ${human(rto)} is below the ${human(CATALOGUE.auroraBacktrack.rtoSeconds)} design time of an Aurora backtrack`,
      `relax the corruption RTO to at least ${human(CATALOGUE.auroraBacktrack.rtoSeconds)}`,
    );
  } else if (rto !== null && !usesBacktrack && rto < CATALOGUE.pitr.rtoSeconds) {
    record.finding(
      'LB-DB-CORRUPTION-RTO-BELOW-RESTORE',
      'corruption',
      `corruption RTO ${human(rto)} is below the ${human(CATALOGUE.pitr.rtoSeconds)} design time of restoring a new instance from backups`,
      `relax the corruption RTO to at least ${human(CATALOGUE.pitr.rtoSeconds)}, or use aurora-mysql with backtrack (${human(CATALOGUE.auroraBacktrack.rtoSeconds)})`,
    );
  }
}
