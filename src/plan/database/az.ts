/**
 * AZ scope of a database: point-in-time restore into another AZ, or a standby in a second AZ (Multi-AZ; for Aurora a
 * reader instance there). An explicit `multiAz` wins; without one, the cheapest option meeting the objective.
 */
import type { DatabaseRequirement } from '../../spec/types';
import { CATALOGUE } from '../catalogue';
import { cheapest, chooseReason, DecisionRecord, human, meets, objectiveOf, objectiveText, opt, optionText, scopePlan, type Decision, type Objective } from '../decide';
import type { ScopePlan } from '../types';

export interface AzDecision {
  scope: ScopePlan;
  multiAz: boolean;
  /** What an adopted database cannot be made to have. */
  cannotEnforce: string[];
}

export function decideAz(db: DatabaseRequirement, aurora: boolean, primary: string): Decision<AzDecision> {
  const record = new DecisionRecord();
  const objective = objectiveOf(db, 'az');
  const options = [opt(CATALOGUE.pitr), opt(CATALOGUE.multiAz)];
  const found = cheapest(options, objective);
  const standbyWord = aurora ? 'a reader instance in a second AZ' : 'Multi-AZ';
  let multiAz = db.multiAz === true;
  let scope: ScopePlan;
  if (db.multiAz === true) {
    const chosen = opt(CATALOGUE.multiAz);
    const met = meets(chosen, objective);
    scope = scopePlan('az', objective, chosen, met, `multiAz requested (${standbyWord}): ${optionText(chosen)}`);
    if (!met) belowFailover(record, objective, standbyWord);
  } else if (found && found.kinds[0] === 'rds-pitr') {
    scope = scopePlan('az', objective, found, true, chooseReason(found, objective, options));
  } else if (db.multiAz === false) {
    const chosen = opt(CATALOGUE.pitr);
    scope = scopePlan('az', objective, chosen, false, `multiAz: false, and ${optionText(chosen)} does not meet ${objectiveText(objective)}`);
    record.finding(
      'LB-DB-MULTI-AZ-REFUSED',
      'az',
      `the AZ objective (${objectiveText(objective)}) needs ${standbyWord}, but the spec sets multiAz: false`,
      `remove multiAz: false, or relax the az objective to RPO >= ${human(CATALOGUE.pitr.rpoSeconds)} and RTO >= ${human(CATALOGUE.pitr.rtoSeconds)}`,
    );
  } else {
    const chosen = found ?? opt(CATALOGUE.multiAz);
    multiAz = true;
    scope = scopePlan('az', objective, chosen, found !== null, chooseReason(chosen, objective, options));
    if (!found) belowFailover(record, objective, standbyWord);
  }
  const cannotEnforce: string[] = [];
  if (multiAz) {
    record.mechanism(CATALOGUE.multiAz, primary, 'az', db.multiAz === true ? 'requested (multiAz: true)' : `az objective ${objectiveText(objective)}`);
    if (db.existing) cannotEnforce.push(aurora ? 'a reader instance in a second AZ' : 'Multi-AZ');
  } else {
    record.mechanism(CATALOGUE.pitr, primary, 'az', 'restore into another AZ');
  }
  return record.done({ scope, multiAz, cannotEnforce });
}

function belowFailover(record: DecisionRecord, objective: Objective, standbyWord: string): void {
  record.finding(
    'LB-DB-AZ-RTO-BELOW-FAILOVER',
    'az',
    `az RTO ${human(objective.rto ?? 0)} is below the ${human(CATALOGUE.multiAz.rtoSeconds)} design failover time of ${standbyWord}`,
    `relax the az RTO to at least ${human(CATALOGUE.multiAz.rtoSeconds)}`,
  );
}
