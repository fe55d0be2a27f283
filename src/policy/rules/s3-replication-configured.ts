import { blockList, finding, firstBlock, resources } from '../document';
import { buckets, bucketsNamedBy, companionsOf } from '../s3';
import type { PolicyRule } from '../types';

const REPLICATION = 'aws_s3_bucket_replication_configuration';

function enabledRules(body: Record<string, unknown>): Record<string, unknown>[] {
  return blockList(body.rule).filter((rule) => rule.status === 'Enabled');
}

export const s3ReplicationConfigured: PolicyRule = {
  id: 's3-replication-configured',
  pack: 'data-protection',
  severity: 'error',
  description:
    'Every S3 bucket either replicates (an aws_s3_bucket_replication_configuration with an Enabled rule whose ' +
    'bucket is this bucket) or is itself the destination of such a rule.',
  fix:
    'Add an aws_s3_bucket_replication_configuration for this bucket with an Enabled rule to a bucket in another ' +
    'region (created after versioning on both buckets), or suppress the rule with a reason for buckets that need no copy.',
  check(doc) {
    const destinations = new Set(
      resources(doc, REPLICATION).flatMap((replication) =>
        enabledRules(replication.body).flatMap((rule) => bucketsNamedBy(doc, firstBlock(rule.destination)?.bucket).map((named) => named.address)),
      ),
    );
    return buckets(doc).flatMap((bucket) => {
      const asSource = companionsOf(doc, REPLICATION, bucket);
      if (asSource.some((replication) => enabledRules(replication.body).length > 0)) return [];
      if (destinations.has(bucket.address)) return [];
      const message =
        asSource.length > 0
          ? 'Bucket replication configuration has no rule with status "Enabled".'
          : 'Bucket is neither replicated nor a replication destination: a regional outage loses access to its data.';
      return [finding(s3ReplicationConfigured, bucket, message)];
    });
  },
};
