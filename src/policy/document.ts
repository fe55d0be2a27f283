import type { Finding, PolicyRule, TerraformBody, TerraformDocument } from './types';

/** A resource or data source located in a document. */
export interface BlockRef {
  type: string;
  name: string;
  /** `<type>.<name>` for resources, `data.<type>.<name>` for data sources. */
  address: string;
  body: TerraformBody;
  constructPath?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export { isRecord };

// Rules ask for the same types many times per run; caching per section keeps large stacks linear.
const blockCache = new WeakMap<object, Map<string, BlockRef[]>>();

/** Drops what was cached about a document (the engine calls it before each run, in case the document changed). */
export function forgetDocumentCache(doc: TerraformDocument): void {
  for (const section of [doc.resource, doc.data]) if (isRecord(section)) blockCache.delete(section);
}

function blocksOf(section: unknown, type: string, addressPrefix: string): BlockRef[] {
  if (!isRecord(section)) return [];
  let byType = blockCache.get(section);
  if (!byType) {
    byType = new Map();
    blockCache.set(section, byType);
  }
  const cached = byType.get(type);
  if (cached) return cached;
  const byName = section[type];
  const blocks = !isRecord(byName)
    ? []
    : Object.keys(byName)
        .sort()
        .flatMap((name) => {
          const body = byName[name];
          if (!isRecord(body)) return [];
          const ref: BlockRef = { type, name, address: `${addressPrefix}${type}.${name}`, body };
          const path = constructPathOf(body);
          if (path !== undefined) ref.constructPath = path;
          return [ref];
        });
  byType.set(type, blocks);
  return blocks;
}

const nameIndexes = new WeakMap<readonly BlockRef[], Map<string, BlockRef>>();

/** The block named `name` among cached blocks (from `resources` or `dataSources`), in constant time. */
export function blockNamed(blocks: readonly BlockRef[], name: string): BlockRef | undefined {
  let byName = nameIndexes.get(blocks);
  if (!byName) {
    byName = new Map(blocks.map((block) => [block.name, block]));
    nameIndexes.set(blocks, byName);
  }
  return byName.get(name);
}

/** Every `resource.<type>.*` of the document, sorted by name so findings come out in a stable order. */
export function resources(doc: TerraformDocument, type: string): BlockRef[] {
  return blocksOf(doc.resource, type, '');
}

/** Every `data.<type>.*` of the document, sorted by name. */
export function dataSources(doc: TerraformDocument, type: string): BlockRef[] {
  return blocksOf(doc.data, type, 'data.');
}

/** The resource types present in the document, sorted. */
export function resourceTypes(doc: TerraformDocument): string[] {
  return isRecord(doc.resource) ? Object.keys(doc.resource).sort() : [];
}

export function constructPathOf(body: TerraformBody): string | undefined {
  const meta = body['//'];
  if (!isRecord(meta) || !isRecord(meta.metadata)) return undefined;
  const path = meta.metadata.path;
  return typeof path === 'string' ? path : undefined;
}

/**
 * Blocks with at most one element are written as an object by cdktf and as a one-element array by other tools;
 * both mean the same thing.
 */
export function blockList(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.filter(isRecord);
  return isRecord(value) ? [value] : [];
}

export function firstBlock(value: unknown): Record<string, unknown> | undefined {
  return blockList(value)[0];
}

/** Terraform accepts `true` and `"true"` for booleans. */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

export function isFalse(value: unknown): boolean {
  return value === false || value === 'false';
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** A list attribute, or a single string (a token that Terraform expands to a list), as strings. */
export function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return typeof value === 'string' ? [value] : [];
}

/**
 * Whether `value` points at `target`: an interpolation such as `${aws_s3_bucket.docs.id}` or `.arn`, or, when the
 * target has a literal name, that name or its ARN.
 */
export function refersTo(value: unknown, target: BlockRef, literalName?: unknown): boolean {
  if (typeof value !== 'string') return false;
  const prefix = `${target.type}.${target.name}`;
  for (const match of value.matchAll(/\$\{([^}]*)\}/g)) {
    const expression = match[1] ?? '';
    let at = expression.indexOf(prefix);
    while (at !== -1) {
      const before = at === 0 ? '' : expression[at - 1];
      const after = expression[at + prefix.length];
      const startsToken = before === '' || !/[\w.-]/.test(before ?? '');
      if (startsToken && (after === '.' || after === '[' || after === undefined)) return true;
      at = expression.indexOf(prefix, at + 1);
    }
  }
  if (isNonEmptyString(literalName) && !literalName.includes('${')) {
    const arn = /^arn:[\w-]+:s3:::(.+)$/.exec(value);
    return value === literalName || (arn !== null && arn[1] === literalName);
  }
  return false;
}

export function finding(rule: PolicyRule, block: BlockRef, message: string, fix?: string): Finding {
  const result: Finding = {
    ruleId: rule.id,
    pack: rule.pack,
    severity: rule.severity,
    address: block.address,
    message,
    fix: fix ?? rule.fix,
  };
  if (block.constructPath !== undefined) result.constructPath = block.constructPath;
  return result;
}
