import { blockList, isRecord, stringList, type BlockRef } from './document';
import type { DocumentIndex } from './document-index';

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
  /** `NotPrincipal` identifiers: an Allow with NotPrincipal grants everyone else. */
  notPrincipals: string[];
  conditions: PolicyCondition[];
}

export type PolicyResolution =
  | { readable: true; statements: PolicyStatement[] }
  | { readable: false; reason: string };

const POLICY_DOCUMENT_REFERENCE = /^\$\{data\.aws_iam_policy_document\.([\w-]+)\.(?:json|minified_json)\}$/;

/**
 * Reads policy attributes for one document index: a JSON string (tokens inside string values are fine) or a
 * reference to a `data.aws_iam_policy_document` of the same document, including its `source_policy_documents` and
 * `override_policy_documents`. Anything else (e.g. `${jsonencode(...)}`) cannot be evaluated without Terraform.
 * Several rules read the same policies; each string is resolved once per index.
 */
export class PolicyResolver {
  private readonly resolved = new Map<string, PolicyResolution>();

  constructor(private readonly index: DocumentIndex) {}

  resolve(value: unknown): PolicyResolution {
    if (typeof value !== 'string') return this.resolveWithin(value, new Set());
    let resolution = this.resolved.get(value);
    if (!resolution) {
      resolution = this.resolveWithin(value, new Set());
      this.resolved.set(value, resolution);
    }
    return resolution;
  }

  /** Every identity policy of the document: the carriers below plus `aws_iam_role.inline_policy` blocks. */
  identityPolicies(): LocatedPolicy[] {
    const located: LocatedPolicy[] = [];
    for (const carrier of IDENTITY_POLICY_CARRIERS) {
      for (const block of this.index.resources(carrier.type)) {
        located.push({ block, attribute: carrier.attribute, value: block.body[carrier.attribute] });
      }
    }
    for (const role of this.index.resources('aws_iam_role')) {
      blockList(role.body.inline_policy).forEach((inline, position) => {
        if (inline.policy !== undefined) located.push({ block: role, attribute: `inline_policy[${position}].policy`, value: inline.policy });
      });
    }
    return located;
  }

  private resolveWithin(value: unknown, visiting: Set<string>): PolicyResolution {
    if (typeof value !== 'string') return { readable: false, reason: 'the policy is not a string' };
    const reference = POLICY_DOCUMENT_REFERENCE.exec(value.trim());
    if (reference) {
      const name = reference[1] as string;
      const source = this.index.block(`data.aws_iam_policy_document.${name}`);
      if (!source) return { readable: false, reason: `data.aws_iam_policy_document.${name} is not in this document` };
      return this.statementsOfPolicyDocument(source, visiting);
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

  private statementsOfPolicyDocument(source: BlockRef, visiting: Set<string>): PolicyResolution {
    if (visiting.has(source.name)) return { readable: false, reason: `${source.address} includes itself` };
    visiting.add(source.name);
    const statements: PolicyStatement[] = [];
    for (const attribute of ['source_policy_documents', 'override_policy_documents']) {
      for (const included of stringList(source.body[attribute])) {
        const resolved = this.resolveWithin(included, visiting);
        if (!resolved.readable) return resolved;
        statements.push(...resolved.statements);
      }
    }
    for (const json of stringList(source.body.source_json).concat(stringList(source.body.override_json))) {
      const resolved = this.resolveWithin(json, visiting);
      if (!resolved.readable) return resolved;
      statements.push(...resolved.statements);
    }
    statements.push(...blockList(source.body.statement).map(statementFromDocumentBlock));
    visiting.delete(source.name);
    return { readable: true, statements };
  }
}

function statementFromJson(statement: Record<string, unknown>): PolicyStatement {
  return {
    effect: statement.Effect === 'Deny' ? 'Deny' : 'Allow',
    actions: stringList(statement.Action),
    notActions: stringList(statement.NotAction),
    resources: stringList(statement.Resource),
    notResources: stringList(statement.NotResource),
    principals: principalsFromJson(statement.Principal),
    notPrincipals: principalsFromJson(statement.NotPrincipal),
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
    notPrincipals: blockList(statement.not_principals).flatMap((principal) => stringList(principal.identifiers)),
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

/**
 * IAM wildcard match (`*` any run, `?` one character), case-insensitive as IAM action names are. A plain scan with
 * backtracking to the last `*`, linear for the patterns IAM allows, with nothing compiled or cached.
 */
export function actionPatternMatches(pattern: string, action: string): boolean {
  const p = pattern.toLowerCase();
  const a = action.toLowerCase();
  let pi = 0;
  let ai = 0;
  let star = -1;
  let resume = 0;
  while (ai < a.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === a[ai])) {
      pi += 1;
      ai += 1;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi;
      resume = ai;
      pi += 1;
    } else if (star !== -1) {
      pi = star + 1;
      resume += 1;
      ai = resume;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi += 1;
  return pi === p.length;
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
