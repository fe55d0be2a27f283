import { isNonEmptyString, type BlockRef } from './document';
import type { DocumentIndex } from './document-index';

export function dbInstances(index: DocumentIndex): readonly BlockRef[] {
  return index.resources('aws_db_instance');
}

export function rdsClusters(index: DocumentIndex): readonly BlockRef[] {
  return index.resources('aws_rds_cluster');
}

/** A read replica (`replicate_source_db` set) inherits backups, snapshots and encryption rules from its source. */
export function isReadReplica(instance: BlockRef): boolean {
  return isNonEmptyString(instance.body.replicate_source_db);
}

/** A cross-region replica names its source by ARN; a same-region replica by identifier. */
export function isCrossRegionReplica(instance: BlockRef): boolean {
  const source = instance.body.replicate_source_db;
  return typeof source === 'string' && (source.startsWith('arn:') || source.includes('.arn}'));
}
