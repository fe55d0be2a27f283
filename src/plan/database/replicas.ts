/**
 * Read replicas of a database: the same-region replicas (RDS) or reader instances (Aurora) the spec asks for, and
 * the cross-region read replica the region decision chose.
 */
import type { DatabaseNames } from '../../aws/names';
import type { DatabaseRequirement, ReadReplicaRequirement } from '../../spec/types';
import { CATALOGUE } from '../catalogue';
import { DecisionRecord, objectiveOf, objectiveText, type Decision } from '../decide';
import type { ReadReplicaPlan } from '../types';

export interface ReplicasInput {
  db: DatabaseRequirement;
  aurora: boolean;
  names: DatabaseNames;
  primary: string;
  dr: string;
  /** From the region decision: a DR read replica stands by, and whether the spec asked for it. */
  drReplica: boolean;
  requestedDrReplica: ReadReplicaRequirement | null;
}

export function decideReplicas({ db, aurora, names, primary, dr, drReplica, requestedDrReplica }: ReplicasInput): Decision<ReadReplicaPlan[]> {
  const record = new DecisionRecord();
  const replicas: ReadReplicaPlan[] = [];
  let index = 0;
  for (const requested of db.readReplicas) {
    if (requested.regionRole === 'dr') continue;
    index += 1;
    const instanceClass = requested.instanceClass ?? db.instanceClass;
    replicas.push({
      index,
      identifier: names.replica(index),
      region: primary,
      regionRole: 'primary',
      instanceClass: instanceClass ?? '',
      reason: aurora ? 'requested: reader instance in the cluster' : 'requested: same-region read replica',
    });
    if (instanceClass === null) classUnknown(record, `read replica ${index}`);
  }
  if (drReplica) {
    const regionObjective = objectiveText(objectiveOf(db, 'region'));
    const instanceClass = requestedDrReplica?.instanceClass ?? db.instanceClass;
    replicas.push({
      index: 0,
      identifier: names.dr,
      region: dr,
      regionRole: 'dr',
      instanceClass: instanceClass ?? '',
      reason: requestedDrReplica ? 'requested: cross-region read replica' : `region objective ${regionObjective}`,
    });
    if (instanceClass === null) classUnknown(record, 'the cross-region read replica');
    record.mechanism(CATALOGUE.crossRegionReadReplica, dr, 'region', requestedDrReplica ? 'requested' : `region objective ${regionObjective}`);
  }
  return record.done(replicas);
}

function classUnknown(record: DecisionRecord, what: string): void {
  record.finding(
    'LB-DB-INSTANCE-CLASS-UNKNOWN',
    null,
    `${what} needs an instance class and neither the replica nor the database sets one`,
    'set databases.<i>.instanceClass or readReplicas.<j>.instanceClass',
  );
}
