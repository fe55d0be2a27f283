import { blockList, blockNamed, dataSources, isRecord, resources, stringList, type BlockRef } from './document';
import type { TerraformDocument } from './types';

/** One IAM condition entry: `{ "<operator>": { "<key>": values } }` flattened. */
export interface PolicyCondition {
  operator: string;
  key: string;
  values: string[];
}

/** A policy statement in one shape, whether it came from a JSON string or a `data.aws_iam_policy_document`. */
export interface PolicyStatement {
  effect: 'Allow' | 'Deny';
  actions: string[];
  notActions: string[];
  resources: string[];
  notResources: string[];
  /** Principal identifiers (`*` for anyone); empty for identity policies. */
  principals: string[];
  conditions: PolicyCondition[];
}

export type PolicyResolution =
  | { readable: true; statements: PolicyStatement[] }
  | { readable: false; reason: string };

const POLICY_DOCUMENT_REFERENCE = /^\$\{data\.aws_iam_policy_document\.([\w-]+)\.(?:json|minified_json)\}$/;

// Several rules read the same policies; resolving each once keeps large stacks linear.
const resolutions = new WeakMap<TerraformDocument, Map<string, PolicyResolution>>();

/**
 * Reads a policy attribute: a JSON string (tokens inside string values are fine) or a reference to a
 * `data.aws_iam_policy_document` of the same document, including its `source_policy_documents` and
 * `override_policy_documents`. Anything else (e.g. `${jsonencode(...)}`) cannot be evaluated without Terraform.
 */
export function resolvePolicy(doc: TerraformDocument, value: unknown): PolicyResolution {
  if (typeof value !== 'string') return resolveWithin(doc, value, new Set());
  let memo = resolutions.get(doc);
  if (!memo) {
    memo = new Map();
    resolutions.set(doc, memo);
  }
  let resolved = memo.get(value);
  if (!resolved) {
    resolved = resolveWithin(doc, value, new Set());
    memo.set(value, resolved);
  }
  return resolved;
}

/** Drops the memoized policies of a document (the engine calls it before each run). */
export function forgetResolvedPolicies(doc: TerraformDocument): void {
  resolutions.delete(doc);
}

function resolveWithin(doc: TerraformDocument, value: unknown, visiting: Set<string>): PolicyResolution {
  if (typeof value !== 'string') return { readable: false, reason: 'the policy is not a string' };
  const reference = POLICY_DOCUMENT_REFERENCE.exec(value.trim());
  if (reference) {
    const name = reference[1] as string;
    const source = blockNamed(dataSources(doc, 'aws_iam_policy_document'), name);
    if (!source) return { readable: false, reason: `data.aws_iam_policy_document.${name} is not in this document` };
    return statementsOfPolicyDocument(doc, source, visiting);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { readable: false, reason: `the policy is neither JSON nor a data.aws_iam_policy_document reference: ${abbreviate(value)}` };
  }
  if (!isRecord(parsed)) return { readable: false, reason: 'the policy JSON is not an object' };
  const statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  return { readable: true, statements: statements.filter(isRecord).map(statementFromJson) };
}

function statementsOfPolicyDocument(doc: TerraformDocument, source: BlockRef, visiting: Set<string>): PolicyResolution {
  if (visiting.has(source.name)) return { readable: false, reason: `${source.address} includes itself` };
  visiting.add(source.name);
  const statements: PolicyStatement[] = [];
  for (const attribute of ['source_policy_documents', 'override_policy_documents']) {
    for (const included of stringList(source.body[attribute])) {
      const resolved = resolveWithin(doc, included, visiting);
      if (!resolved.readable) return resolved;
      statements.push(...resolved.statements);
    }
  }
  for (const json of stringList(source.body.source_json).concat(stringList(source.body.override_json))) {
    const resolved = resolveWithin(doc, json, visiting);
    if (!resolved.readable) return resolved;
    statements.push(...resolved.statements);
  }
  statements.push(...blockList(source.body.statement).map(statementFromDocumentBlock));
  visiting.delete(source.name);
  return { readable: true, statements };
}

function statementFromJson(statement: Record<string, unknown>): PolicyStatement {
  return {
    effect: statement.Effect === 'Deny' ? 'Deny' : 'Allow',
    actions: stringList(statement.Action),
    notActions: stringList(statement.NotAction),
    resources: stringList(statement.Resource),
    notResources: stringList(statement.NotResource),
    principals: principalsFromJson(statement.Principal),
    conditions: conditionsFromJson(statement.Condition),
  };
}

function principalsFromJson(principal: unknown): string[] {
  if (typeof principal === 'string') return [principal];
  if (!isRecord(principal)) return [];
  return Object.keys(principal)
    .sort()
    .flatMap((type) => stringList(principal[type]));
}

function conditionsFromJson(condition: unknown): PolicyCondition[] {
  if (!isRecord(condition)) return [];
  return Object.keys(condition).flatMap((operator) => {
    const entries = condition[operator];
    if (!isRecord(entries)) return [];
    return Object.keys(entries).map((key) => ({ operator, key, values: scalarList(entries[key]) }));
  });
}

function statementFromDocumentBlock(statement: Record<string, unknown>): PolicyStatement {
  return {
    effect: statement.effect === 'Deny' ? 'Deny' : 'Allow',
    actions: stringList(statement.actions),
    notActions: stringList(statement.not_actions),
    resources: stringList(statement.resources),
    notResources: stringList(statement.not_resources),
    principals: blockList(statement.principals).flatMap((principal) => stringList(principal.identifiers)),
    conditions: blockList(statement.condition).map((condition) => ({
      operator: typeof condition.test === 'string' ? condition.test : '',
      key: typeof condition.variable === 'string' ? condition.variable : '',
      values: scalarList(condition.values),
    })),
  };
}

/** IAM accepts `false` and `"false"`; compare as strings. */
function scalarList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.filter((item) => ['string', 'boolean', 'number'].includes(typeof item)).map((item) => String(item));
}

function abbreviate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const patternCache = new Map<string, RegExp>();

/** IAM wildcard match (`*` any run, `?` one character), case-insensitive as IAM action names are. */
export function actionPatternMatches(pattern: string, action: string): boolean {
  let regex = patternCache.get(pattern);
  if (!regex) {
    const source = pattern
      .split('')
      .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    regex = new RegExp(`^${source}$`, 'i');
    patternCache.set(pattern, regex);
  }
  return regex.test(action);
}


/** Whether an Allow statement grants `action` (through `Action` or through a `NotAction` that does not exclude it). */
export function grantsAction(statement: PolicyStatement, action: string): boolean {
  if (statement.effect !== 'Allow') return false;
  if (statement.actions.some((pattern) => actionPatternMatches(pattern, action))) return true;
  return statement.notActions.length > 0 && !statement.notActions.some((pattern) => actionPatternMatches(pattern, action));
}

export function isFullWildcard(pattern: string): boolean {
  return pattern === '*' || pattern === '*:*';
}

/** Resource attributes and the attachments that carry identity policies. */
export const IDENTITY_POLICY_CARRIERS: ReadonlyArray<{ type: string; attribute: string }> = [
  { type: 'aws_iam_policy', attribute: 'policy' },
  { type: 'aws_iam_role_policy', attribute: 'policy' },
  { type: 'aws_iam_user_policy', attribute: 'policy' },
  { type: 'aws_iam_group_policy', attribute: 'policy' },
];

/** A policy found in a document, with where it came from. */
export interface LocatedPolicy {
  block: BlockRef;
  /** `policy` or `inline_policy[<n>].policy`, for messages. */
  attribute: string;
  value: unknown;
}

/** Every identity policy of the document: the carriers above plus `aws_iam_role.inline_policy` blocks. */
export function identityPolicies(doc: TerraformDocument): LocatedPolicy[] {
  const located: LocatedPolicy[] = [];
  for (const carrier of IDENTITY_POLICY_CARRIERS) {
    for (const block of resources(doc, carrier.type)) {
      located.push({ block, attribute: carrier.attribute, value: block.body[carrier.attribute] });
    }
  }
  for (const role of resources(doc, 'aws_iam_role')) {
    blockList(role.body.inline_policy).forEach((inline, index) => {
      if (inline.policy !== undefined) located.push({ block: role, attribute: `inline_policy[${index}].policy`, value: inline.policy });
    });
  }
  return located;
}
