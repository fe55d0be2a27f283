import { blockList, finding, firstBlock, stringList, type BlockRef } from '../document';
import type { DocumentIndex } from '../document-index';
import type { PolicyRule } from '../types';

/** Whether the replication waits for `versioning`: `depends_on` names it, or an argument references it. */
function waitsFor(replication: BlockRef, versioning: BlockRef): boolean {
  if (stringList(replication.body.depends_on).includes(versioning.address)) return true;
  return JSON.stringify(replication.body).includes(`\${${versioning.address}.`);
}

function bucketsReplicatedBy(index: DocumentIndex, replication: BlockRef): BlockRef[] {
  const named = [
    ...index.bucketsNamedBy(replication.body.bucket),
    ...blockList(replication.body.rule).flatMap((rule) => index.bucketsNamedBy(firstBlock(rule.destination)?.bucket)),
  ];
  const byAddress = new Map(named.map((bucket) => [bucket.address, bucket]));
  return [...byAddress.keys()].sort().map((address) => byAddress.get(address) as BlockRef);
}

export const s3ReplicationAfterVersioning: PolicyRule = {
  id: 's3-replication-after-versioning',
  pack: 'data-protection',
  severity: 'error',
  description:
    'Every aws_s3_bucket_replication_configuration is created after the aws_s3_bucket_versioning of BOTH its source ' +
    'and destination buckets (depends_on or a reference); otherwise the first apply races and fails or replicates nothing.',
  fix: 'Add depends_on = [<source versioning>, <destination versioning>] to the replication configuration (cdktf: dependsOn).',
  check(index) {
    return index.resources('aws_s3_bucket_replication_configuration').flatMap((replication) => {
      const missing = bucketsReplicatedBy(index, replication)
        .flatMap((bucket) => index.companionsOf('aws_s3_bucket_versioning', bucket))
        .filter((versioning) => !waitsFor(replication, versioning))
        .map((versioning) => versioning.address);
      if (missing.length === 0) return [];
      return [finding(s3ReplicationAfterVersioning, replication, `Replication does not wait for ${missing.join(', ')}.`)];
    });
  },
};
