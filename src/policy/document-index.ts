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
/** A block and the index (stack) it belongs to. */
export interface StackBlock {
  index: DocumentIndex;
  block: BlockRef;
}

/** The stacks checked together in one run, by name: what cdktf cross-stack references point into. */
export interface StackLink {
  stack: string;
  stacks: ReadonlyMap<string, DocumentIndex>;
}

/** `${data.terraform_remote_state.<name>.outputs.<output>}`, as cdktf writes a reference into another stack. */
const REMOTE_OUTPUT = /\$\{data\.terraform_remote_state\.([\w-]+)\.outputs\.([\w-]+)\}/g;
/** cdktf names the remote state of stack `<id>` `cross-stack-reference-input-<id>`. */
const CROSS_STACK_INPUT = /^cross-stack-reference-input-(.+)$/;
const S3_ARN = /^arn:[\w-]+:s3:::([^/]+)$/;

export class DocumentIndex {
  readonly document: TerraformDocument;
  /** The stack's name and the other stacks of the run, when several are checked together. */
  readonly link?: StackLink;
  private readonly resourcesByType: ReadonlyMap<string, readonly BlockRef[]>;
  private readonly dataByType: ReadonlyMap<string, readonly BlockRef[]>;
  private readonly moduleCalls: readonly BlockRef[];
  private readonly byAddress = new Map<string, BlockRef>();
  private bucketIndex?: BucketIndex;
  private policyResolver?: PolicyResolver;
  private regionResolver?: RegionResolver;

  constructor(document: TerraformDocument, link?: StackLink) {
    this.document = document;
    if (link !== undefined) this.link = link;
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

  /**
   * The buckets of the other stacks of the run that a value names: through a cdktf cross-stack reference (a remote
   * state output whose value references the bucket), or by the bucket's literal name or ARN.
   */
  bucketsInOtherStacks(value: unknown): StackBlock[] {
    if (typeof value !== 'string' || this.link === undefined) return [];
    const found: StackBlock[] = [];
    for (const match of value.matchAll(REMOTE_OUTPUT)) {
      const input = CROSS_STACK_INPUT.exec(match[1] as string);
      const other = input ? this.link.stacks.get(input[1] as string) : undefined;
      const output = other?.document.output;
      const exported = isRecord(output) && isRecord(output[match[2] as string]) ? (output[match[2] as string] as Record<string, unknown>).value : undefined;
      if (other && other !== this) other.bucketsNamedBy(exported).forEach((block) => found.push({ index: other, block }));
    }
    if (!value.includes('${')) {
      const name = S3_ARN.exec(value)?.[1] ?? value;
      for (const other of this.otherStacks()) {
        other.bucketsNamedBy(name).forEach((block) => found.push({ index: other, block }));
      }
    }
    return found;
  }

  /** The other stacks checked in the same run, sorted by name. */
  otherStacks(): DocumentIndex[] {
    if (this.link === undefined) return [];
    return [...this.link.stacks.keys()]
      .sort()
      .map((name) => this.link?.stacks.get(name) as DocumentIndex)
      .filter((other) => other !== this);
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
        const written = byName[name];
        // HCL's JSON syntax also allows a block body as a list of one object.
        const body = Array.isArray(written) && written.length === 1 ? written[0] : written;
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
