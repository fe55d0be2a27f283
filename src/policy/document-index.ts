import { constructPathOf, isRecord, type BlockRef } from './document';
import { PolicyResolver, type LocatedPolicy, type PolicyResolution } from './iam';
import { RegionResolver, type Region } from './regions';
import { BucketIndex } from './s3';
import type { TerraformDocument } from './types';

/**
 * Everything the rules look up in one document, built once per `check` run and handed to every rule: the blocks by
 * type (sorted by name, so findings come out in a stable order), buckets and their companions, resolved policies and
 * resource regions. The derived lookups are built on first use and kept for the rest of the run, so a rule asking for
 * the same thing per bucket or per policy keeps the run linear in the stack size. Nothing outlives the index: a new
 * run (or a changed document) gets a new index.
 */
export class DocumentIndex {
  readonly document: TerraformDocument;
  private readonly resourcesByType: ReadonlyMap<string, readonly BlockRef[]>;
  private readonly dataByType: ReadonlyMap<string, readonly BlockRef[]>;
  private readonly moduleCalls: readonly BlockRef[];
  private readonly byAddress = new Map<string, BlockRef>();
  private bucketIndex?: BucketIndex;
  private policyResolver?: PolicyResolver;
  private regionResolver?: RegionResolver;

  constructor(document: TerraformDocument) {
    this.document = document;
    this.resourcesByType = this.indexSection(document.resource, '');
    this.dataByType = this.indexSection(document.data, 'data.');
    const modules = document.module;
    this.moduleCalls = !isRecord(modules)
      ? []
      : Object.keys(modules)
          .sort()
          .flatMap((name) => {
            const body = modules[name];
            if (!isRecord(body)) return [];
            const block: BlockRef = { type: 'module', name, address: `module.${name}`, body };
            const path = constructPathOf(body);
            if (path !== undefined) block.constructPath = path;
            return [block];
          });
  }

  /** The `module.<name>` calls, sorted by name: their resources are not in this document. */
  modules(): readonly BlockRef[] {
    return this.moduleCalls;
  }

  /** Every `resource.<type>.*`, sorted by name. */
  resources(type: string): readonly BlockRef[] {
    return this.resourcesByType.get(type) ?? [];
  }

  /** Every `data.<type>.*`, sorted by name. */
  dataSources(type: string): readonly BlockRef[] {
    return this.dataByType.get(type) ?? [];
  }

  /** The resource types present in the document, sorted. */
  resourceTypes(): string[] {
    return [...this.resourcesByType.keys()];
  }

  /** The block at a Terraform address: `<type>.<name>` or `data.<type>.<name>`. */
  block(address: string): BlockRef | undefined {
    return this.byAddress.get(address);
  }

  /** The buckets (`aws_s3_bucket`), sorted by name. */
  buckets(): readonly BlockRef[] {
    return this.resources('aws_s3_bucket');
  }

  /** The buckets a value names (a reference, a literal name or ARN, or a reference to one of their companions). */
  bucketsNamedBy(value: unknown): BlockRef[] {
    return this.bucketLookup().bucketsNamedBy(value);
  }

  /** The `aws_s3_bucket_<x>` companion resources of `type` whose `bucket` argument names the bucket. */
  companionsOf(type: string, bucket: BlockRef): readonly BlockRef[] {
    return this.bucketLookup().companionsOf(type, bucket);
  }

  /** A policy attribute read into statements, or why it cannot be read offline. */
  resolvePolicy(value: unknown): PolicyResolution {
    this.policyResolver ??= new PolicyResolver(this);
    return this.policyResolver.resolve(value);
  }

  /** Every identity policy of the document (IAM policies, inline role policies), with where it came from. */
  identityPolicies(): LocatedPolicy[] {
    this.policyResolver ??= new PolicyResolver(this);
    return this.policyResolver.identityPolicies();
  }

  /** The AWS region a resource is managed in: its own `region`, else its provider's (by alias). */
  regionOf(block: BlockRef): Region {
    this.regionResolver ??= new RegionResolver(this.document.provider);
    return this.regionResolver.regionOf(block);
  }

  private bucketLookup(): BucketIndex {
    this.bucketIndex ??= new BucketIndex(this);
    return this.bucketIndex;
  }

  private indexSection(section: unknown, addressPrefix: string): Map<string, BlockRef[]> {
    const byType = new Map<string, BlockRef[]>();
    if (!isRecord(section)) return byType;
    for (const type of Object.keys(section).sort()) {
      const byName = section[type];
      if (!isRecord(byName)) continue;
      const blocks: BlockRef[] = [];
      for (const name of Object.keys(byName).sort()) {
        const body = byName[name];
        if (!isRecord(body)) continue;
        const block: BlockRef = { type, name, address: `${addressPrefix}${type}.${name}`, body };
        const path = constructPathOf(body);
        if (path !== undefined) block.constructPath = path;
        blocks.push(block);
        this.byAddress.set(block.address, block);
      }
      byType.set(type, blocks);
    }
    return byType;
  }
}
