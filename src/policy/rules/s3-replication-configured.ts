import { blockList, finding, firstBlock, type BlockRef } from '../document';
import type { DocumentIndex } from '../document-index';
import { sameRegion, type Region } from '../regions';
import type { Finding, PolicyRule } from '../types';

const REPLICATION = 'aws_s3_bucket_replication_configuration';

function enabledRules(rules: unknown): Record<string, unknown>[] {
  return blockList(rules).filter((rule) => rule.status === 'Enabled');
}

/** What the enabled replication rules of a document protect, by bucket address. */
interface Coverage {
  /** Buckets with a copy that is not certainly in their own region (as a source or as a destination). */
  crossRegion: Set<string>;
  /** Buckets whose only copies are certainly in their own region, with the bucket on the other side. */
  sameRegion: Map<string, { other: BlockRef; region: string; asSource: boolean }>;
}

/**
 * Follows every enabled rule from its source bucket to its destination. A destination outside the stack (another
 * account's bucket named by ARN) cannot be located and counts as a copy elsewhere; a destination whose region is an
 * expression or comes from another provider configuration is not certainly in the same region and counts too.
 */
function coverage(index: DocumentIndex): Coverage {
  const result: Coverage = { crossRegion: new Set(), sameRegion: new Map() };
  const follow = (sources: readonly BlockRef[], sourceRegion: Region, rules: Record<string, unknown>[]) => {
    for (const rule of rules) {
      const destinations = index.bucketsNamedBy(firstBlock(rule.destination)?.bucket);
      if (destinations.length === 0) sources.forEach((source) => result.crossRegion.add(source.address));
      for (const destination of destinations) {
        if (!sameRegion(sourceRegion, index.regionOf(destination))) {
          result.crossRegion.add(destination.address);
          sources.forEach((source) => result.crossRegion.add(source.address));
          continue;
        }
        for (const source of sources) {
          result.sameRegion.set(source.address, { other: destination, region: sourceRegion.value, asSource: true });
          result.sameRegion.set(destination.address, { other: source, region: sourceRegion.value, asSource: false });
        }
      }
    }
  };
  for (const replication of index.resources(REPLICATION)) {
    const sources = index.bucketsNamedBy(replication.body.bucket);
    // The configuration is applied in its source bucket's region; use its own when the bucket is not in the stack.
    follow(sources, index.regionOf(sources[0] ?? replication), enabledRules(replication.body.rule));
  }
  // The bucket's own (deprecated) inline replication_configuration { rules { ... } }, as older stacks write it.
  for (const bucket of index.buckets()) {
    for (const inline of blockList(bucket.body.replication_configuration)) follow([bucket], index.regionOf(bucket), enabledRules(inline.rules));
  }
  return result;
}

export const s3ReplicationConfigured: PolicyRule = {
  id: 's3-replication-configured',
  pack: 'data-protection',
  severity: 'error',
  description:
    'Every S3 bucket has a copy in another region: it is the bucket of an aws_s3_bucket_replication_configuration ' +
    '(or has an inline replication_configuration) with an Enabled rule, or the destination of such a rule, and the ' +
    'other bucket is not in the same region ' +
    '(same-region replication is no protection against a regional outage).',
  fix:
    'Add an aws_s3_bucket_replication_configuration for this bucket with an Enabled rule to a bucket in another ' +
    'region (created after versioning on both buckets), or suppress the rule with a reason for buckets that need no copy.',
  check(index) {
    const covered = coverage(index);
    return index.buckets().flatMap((bucket): Finding[] => {
      if (covered.crossRegion.has(bucket.address)) return [];
      const same = covered.sameRegion.get(bucket.address);
      if (same !== undefined) {
        const message = same.asSource
          ? `Bucket replicates only to ${same.other.address}, in the same region (${same.region}): a regional outage takes both copies.`
          : `Bucket is a replica of ${same.other.address} in the same region (${same.region}): a regional outage takes both copies.`;
        return [finding(s3ReplicationConfigured, bucket, message)];
      }
      const configured = index.companionsOf(REPLICATION, bucket).length > 0 || blockList(bucket.body.replication_configuration).length > 0;
      const message =
        configured
          ? 'Bucket replication configuration has no rule with status "Enabled".'
          : 'Bucket is neither replicated nor a replication destination: a regional outage loses access to its data.';
      return [finding(s3ReplicationConfigured, bucket, message)];
    });
  },
};
