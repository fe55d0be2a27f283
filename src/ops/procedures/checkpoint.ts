/**
 * A checkpoint: a manual snapshot of a database store (instance or cluster), tagged with the store, a label, who
 * and when, optionally copied to the DR region with the DR-region key. Built from the plan (pure); `lifeboat
 * checkpoint` runs it, and a runbook can print it.
 */
import type { BackupPlan, DatabaseStorePlan } from '../../plan/types';
import { arnPartition, operatorDatabaseNames } from '../names';
import { tags, waitStep } from './common';
import type { Procedure, Step } from './types';

export interface CheckpointOptions {
  /** Identifier of the snapshot (the same in both regions). */
  snapshotId: string;
  /** Why it was taken (`pre-migration-42`). */
  label: string;
  /** Who takes it, for the `lifeboat:created-by` tag. */
  createdBy: string;
  /** ISO time it is taken, for the `lifeboat:created-at` tag. */
  createdAt: string;
  /** Also copy it to the DR region. @default false */
  copyToDr?: boolean;
  /** Wait until the snapshot (and its copy) is available. @default false (a copy always waits for the source first) */
  wait?: boolean;
}

/** A snapshot identifier: a letter first, letters, digits and single hyphens, at most 255 characters. */
export function checkpointSnapshotId(primary: string, label: string, stamp: string): string {
  return `${primary}-${label}-${stamp}`.replace(/-+/g, '-').slice(0, 255).replace(/-$/, '');
}

export function checkpointProcedure(plan: BackupPlan, store: DatabaseStorePlan, options: CheckpointOptions): Procedure {
  const names = operatorDatabaseNames(plan, store);
  const cluster = store.family === 'aurora';
  const region = plan.regions.primary;
  const drRegion = plan.regions.dr;
  const id = options.snapshotId;
  const snapshotTags = tags(plan, store, {
    'lifeboat:checkpoint': 'true',
    'lifeboat:label': options.label,
    'lifeboat:created-by': options.createdBy,
    'lifeboat:created-at': options.createdAt,
    'lifeboat:snapshot-of': names.primary,
  });
  const steps: Step[] = [
    {
      kind: 'call',
      id: 'snapshot',
      title: `Take the manual snapshot ${id} of ${names.primary}`,
      service: 'rds',
      operation: cluster ? 'CreateDBClusterSnapshot' : 'CreateDBSnapshot',
      region,
      input: cluster
        ? { DBClusterSnapshotIdentifier: id, DBClusterIdentifier: names.primary, Tags: snapshotTags }
        : { DBSnapshotIdentifier: id, DBInstanceIdentifier: names.primary, Tags: snapshotTags },
      creates: [{ kind: 'db-snapshot', identifier: id, region }],
      alreadyExistsOk: true,
      note: 'Manual snapshots are kept until deleted (automated backups expire with the retention); the snapshot uses the store key.',
    },
  ];
  if (options.wait || options.copyToDr) {
    steps.push(waitStep('snapshot-available', `Wait until ${id} is available`, region, { type: 'db-snapshot-available', identifier: id, cluster }, 1200));
  }
  if (options.copyToDr) {
    const sourceArn = `arn:${arnPartition(region)}:rds:${region}:\${ACCOUNT_ID}:${cluster ? 'cluster-snapshot' : 'snapshot'}:${id}`;
    const copyTags = tags(plan, store, {
      'lifeboat:checkpoint': 'true',
      'lifeboat:label': options.label,
      'lifeboat:created-by': options.createdBy,
      'lifeboat:created-at': options.createdAt,
      'lifeboat:snapshot-of': names.primary,
      'lifeboat:copy-of': `${region}/${id}`,
    });
    steps.push(
      { kind: 'call', id: 'account', title: 'Read the account id (for the snapshot ARN)', service: 'sts', operation: 'GetCallerIdentity', region, input: {}, capture: [{ name: 'ACCOUNT_ID', query: 'Account' }] },
      {
        kind: 'call',
        id: 'copy',
        title: `Copy ${id} to ${drRegion}, encrypted with ${names.kmsKey.dr}`,
        service: 'rds',
        operation: cluster ? 'CopyDBClusterSnapshot' : 'CopyDBSnapshot',
        region: drRegion,
        input: cluster
          ? { SourceDBClusterSnapshotIdentifier: sourceArn, TargetDBClusterSnapshotIdentifier: id, KmsKeyId: names.kmsKey.dr, SourceRegion: region, CopyTags: false, Tags: copyTags }
          : { SourceDBSnapshotIdentifier: sourceArn, TargetDBSnapshotIdentifier: id, KmsKeyId: names.kmsKey.dr, SourceRegion: region, CopyTags: false, Tags: copyTags },
        creates: [{ kind: 'db-snapshot', identifier: id, region: drRegion }],
        alreadyExistsOk: true,
        note: 'A KMS key belongs to one region: the copy is re-encrypted with the DR-region key the plan uses there.',
      },
    );
    if (options.wait) steps.push(waitStep('copy-available', `Wait until the copy ${id} is available in ${drRegion}`, drRegion, { type: 'db-snapshot-available', identifier: id, cluster }, 3600));
  }
  return {
    id: 'checkpoint',
    storeId: store.id,
    title: 'Take a checkpoint (manual snapshot)',
    summary: `A manual snapshot of ${names.primary}${options.copyToDr ? `, copied to ${drRegion}` : ''}, kept until someone deletes it: the point to restore to if a migration goes wrong.`,
    command: `lifeboat checkpoint ${store.id} --label ${options.label}${options.copyToDr ? ' --copy-to-dr' : ''}`,
    variables: [],
    steps,
  };
}
