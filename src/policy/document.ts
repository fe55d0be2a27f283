import type { Finding, PolicyRule, TerraformBody } from './types';

/**
 * Shapes and small readers shared by the rules: how cdktf writes blocks, booleans and lists, references between
 * resources, and the finding a rule reports. Lookups over a whole document are on `DocumentIndex`.
 */

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
