import { blockList, finding, firstBlock, type BlockRef } from '../document';
import type { DocumentIndex } from '../document-index';
import { sameRegion, type Region } from '../regions';
import type { Finding, PolicyRule } from '../types';

const REPLICATION = 'aws_s3_bucket_replication_configuration';

function enabledRules(rules: unknown): Record<string, unknown>[] {
  return blockList(rules).filter((rule) => rule.status === 'Enabled');
}

/** What the enabled replication rules protect, by address of the buckets of the document being checked. */
interface Coverage {
  /** Buckets with a copy that is not certainly in their own region (as a source or as a destination). */
  crossRegion: Set<string>;
  /** Buckets whose only copies are certainly in their own region, with the bucket on the other side. */
  sameRegion: Map<string, { other: string; region: string; asSource: boolean }>;
}

/** One replication source: the buckets it names in its own stack, its region, and its enabled rules. */
interface Replication {
  index: DocumentIndex;
  sources: readonly BlockRef[];
  region: Region;
  rules: Record<string, unknown>[];
}

/** Every replication of a stack: the aws_s3_bucket_replication_configuration resources and inline blocks. */
function replicationsOf(index: DocumentIndex): Replication[] {
  const found: Replication[] = index.resources(REPLICATION).map((replication) => {
    const sources = index.bucketsNamedBy(replication.body.bucket);
    // The configuration is applied in its source bucket's region; use its own when the bucket is not in the stack.
    return { index, sources, region: index.regionOf(sources[0] ?? replication), rules: enabledRules(replication.body.rule) };
  });
  // The bucket's own (deprecated) inline replication_configuration { rules { ... } }, as older stacks write it.
  for (const bucket of index.buckets()) {
    for (const inline of blockList(bucket.body.replication_configuration)) {
      found.push({ index, sources: [bucket], region: index.regionOf(bucket), rules: enabledRules(inline.rules) });
    }
  }
  return found;
}

/**
 * Regions of two stacks are certainly the same only as equal literals: an expression or a provider without a region
 * means something of its own in each stack.
 */
function certainlySame(a: Region, b: Region, acrossStacks: boolean): boolean {
  return acrossStacks ? a.literal && b.literal && a.value === b.value : sameRegion(a, b);
}

/**
 * Follows every enabled rule from its source bucket to its destination: in the stack, or in another stack of the
 * run (a cdktf cross-stack reference, or a literal name). A destination found nowhere (another account's bucket) counts
 * as a copy elsewhere; so does a destination whose region is not certainly the source's.
 */
function coverage(index: DocumentIndex): Coverage {
  const result: Coverage = { crossRegion: new Set(), sameRegion: new Map() };
  const label = (owner: DocumentIndex, block: BlockRef) => (owner === index ? block.address : `${owner.link?.stack ?? '?'}: ${block.address}`);
  const record = (replication: Replication, destination: { index: DocumentIndex; block: BlockRef }) => {
    const destinationRegion = destination.index.regionOf(destination.block);
    const ours = (owner: DocumentIndex) => owner === index;
    if (!certainlySame(replication.region, destinationRegion, replication.index !== destination.index)) {
      if (ours(destination.index)) result.crossRegion.add(destination.block.address);
      if (ours(replication.index)) replication.sources.forEach((source) => result.crossRegion.add(source.address));
      return;
    }
    for (const source of replication.sources) {
      const region = replication.region.value;
      if (ours(replication.index)) result.sameRegion.set(source.address, { other: label(destination.index, destination.block), region, asSource: true });
      if (ours(destination.index)) result.sameRegion.set(destination.block.address, { other: label(replication.index, source), region, asSource: false });
    }
  };
  for (const replication of replicationsOf(index)) {
    for (const rule of replication.rules) {
      const value = firstBlock(rule.destination)?.bucket;
      const local = index.bucketsNamedBy(value).map((block) => ({ index, block }));
      const destinations = local.length > 0 ? local : index.bucketsInOtherStacks(value);
      if (destinations.length === 0) replication.sources.forEach((source) => result.crossRegion.add(source.address));
      destinations.forEach((destination) => record(replication, destination));
    }
  }
  // Rules of the other stacks whose destination is one of this stack's buckets.
  for (const other of index.otherStacks()) {
    for (const replication of replicationsOf(other)) {
      for (const rule of replication.rules) {
        const value = firstBlock(rule.destination)?.bucket;
        if (other.bucketsNamedBy(value).length > 0) continue;
        other
          .bucketsInOtherStacks(value)
          .filter((destination) => destination.index === index)
          .forEach((destination) => record(replication, destination));
      }
    }
  }
  return result;
}

export const s3ReplicationConfigured: PolicyRule = {
  id: 's3-replication-configured',
  pack: 'data-protection',
  severity: 'error',
  description:
    'Every S3 bucket has a copy in another region: it is the bucket of an aws_s3_bucket_replication_configuration ' +
    '(or has an inline replication_configuration) with an Enabled rule, or the destination of such a rule (also from ' +
    'another stack checked in the same run), and the other bucket is not in the same region ' +
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
          ? `Bucket replicates only to ${same.other}, in the same region (${same.region}): a regional outage takes both copies.`
          : `Bucket is a replica of ${same.other} in the same region (${same.region}): a regional outage takes both copies.`;
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
