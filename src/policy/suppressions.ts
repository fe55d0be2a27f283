import { isRecord } from './document';
import { DocumentIndex } from './document-index';
import type { Finding, TerraformDocument } from './types';

/** An explicit decision to accept a finding, with the reason reviewers will read. */
export interface Suppression {
  /** Rule id the suppression applies to. */
  rule: string;
  /** Resource address or glob (`*` matches any run of characters); `*` alone suppresses the rule everywhere. */
  address?: string;
  /** Construct path or glob, matched against the resource's `//` metadata path. */
  constructPath?: string;
  /** Stack name the suppression is limited to. */
  stack?: string;
  reason: string;
  /** Where it was declared, e.g. `lifeboat-policy.json: suppressions[2]`. */
  source: string;
}

export interface ParsedSuppressions {
  suppressions: Suppression[];
  /** Every problem found, each naming where it is; a suppression with a problem is not applied. */
  errors: string[];
}

const FILE_KEYS = new Set(['rule', 'address', 'constructPath', 'stack', 'reason']);

/**
 * Reads a suppressions file: `{ "version": 1, "suppressions": [{ "rule", "address" | "constructPath", "stack"?,
 * "reason" }] }`. A suppression without a reason, with an unknown rule, or matching no resource selector is an error.
 */
export function parseSuppressionFile(json: unknown, sourceName: string, knownRules: ReadonlySet<string>): ParsedSuppressions {
  const errors: string[] = [];
  if (!isRecord(json)) return { suppressions: [], errors: [`${sourceName}: must be a JSON object`] };
  if (json.version !== 1) errors.push(`${sourceName}: version must be 1`);
  const unknownTop = Object.keys(json).filter((key) => key !== 'version' && key !== 'suppressions' && key !== '$schema');
  if (unknownTop.length > 0) errors.push(`${sourceName}: unknown keys ${unknownTop.join(', ')}`);
  if (!Array.isArray(json.suppressions)) {
    errors.push(`${sourceName}: suppressions must be an array`);
    return { suppressions: [], errors };
  }
  const suppressions: Suppression[] = [];
  json.suppressions.forEach((entry, index) => {
    const where = `${sourceName}: suppressions[${index}]`;
    if (!isRecord(entry)) {
      errors.push(`${where}: must be an object`);
      return;
    }
    const problems: string[] = [];
    const unknownKeys = Object.keys(entry).filter((key) => !FILE_KEYS.has(key));
    if (unknownKeys.length > 0) problems.push(`unknown keys ${unknownKeys.join(', ')} (allowed: ${[...FILE_KEYS].join(', ')})`);
    problems.push(...ruleProblems(entry.rule, knownRules), ...reasonProblems(entry.reason));
    for (const key of ['address', 'constructPath', 'stack'] as const) {
      if (entry[key] !== undefined && (typeof entry[key] !== 'string' || entry[key] === '')) problems.push(`${key} must be a non-empty string`);
    }
    if (entry.address === undefined && entry.constructPath === undefined) {
      problems.push('needs an address or a constructPath (use "address": "*" to suppress the rule for every resource)');
    }
    if (problems.length > 0) {
      errors.push(...problems.map((problem) => `${where}: ${problem}`));
      return;
    }
    const suppression: Suppression = { rule: entry.rule as string, reason: (entry.reason as string).trim(), source: where };
    if (typeof entry.address === 'string') suppression.address = entry.address;
    if (typeof entry.constructPath === 'string') suppression.constructPath = entry.constructPath;
    if (typeof entry.stack === 'string') suppression.stack = entry.stack;
    suppressions.push(suppression);
  });
  return { suppressions, errors };
}

/**
 * Reads suppressions that a stack author wrote on the resource itself, in its cdktf metadata:
 * `resource.addOverride('//.lifeboat', { suppress: [{ rule, reason }] })` renders
 * `"//": { "lifeboat": { "suppress": [...] } }`. They apply to that resource (or module call) only.
 */
export function suppressionsInDocument(
  doc: TerraformDocument | DocumentIndex,
  stack: string,
  knownRules: ReadonlySet<string>,
): ParsedSuppressions {
  const index = doc instanceof DocumentIndex ? doc : new DocumentIndex(doc);
  const suppressions: Suppression[] = [];
  const errors: string[] = [];
  const blocks = [...index.resourceTypes().flatMap((type) => index.resources(type)), ...index.modules()];
  for (const block of blocks) {
    const meta = block.body['//'];
    if (!isRecord(meta) || meta.lifeboat === undefined) continue;
    const where = `${stack}: ${block.address} "//".lifeboat`;
    if (!isRecord(meta.lifeboat) || !Array.isArray(meta.lifeboat.suppress)) {
      errors.push(`${where}: must be { "suppress": [{ "rule": "...", "reason": "..." }] }`);
      continue;
    }
    meta.lifeboat.suppress.forEach((entry, position) => {
      const entryWhere = `${where}.suppress[${position}]`;
      if (!isRecord(entry)) {
        errors.push(`${entryWhere}: must be an object`);
        return;
      }
      const problems = [...ruleProblems(entry.rule, knownRules), ...reasonProblems(entry.reason)];
      if (problems.length > 0) {
        errors.push(...problems.map((problem) => `${entryWhere}: ${problem}`));
        return;
      }
      suppressions.push({ rule: entry.rule as string, address: block.address, stack, reason: (entry.reason as string).trim(), source: entryWhere });
    });
  }
  return { suppressions, errors };
}

function ruleProblems(rule: unknown, knownRules: ReadonlySet<string>): string[] {
  if (typeof rule !== 'string' || rule === '') return ['rule is required'];
  return knownRules.has(rule) ? [] : [`unknown rule "${rule}" (run "lifeboat check --list-rules")`];
}

function reasonProblems(reason: unknown): string[] {
  return typeof reason === 'string' && reason.trim() !== '' ? [] : ['reason is required: say why this finding is acceptable'];
}

function globMatches(pattern: string, value: string): boolean {
  const regex = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${regex}$`).test(value);
}

export function suppressionMatches(suppression: Suppression, finding: Finding, stack: string): boolean {
  if (suppression.rule !== finding.ruleId) return false;
  if (suppression.stack !== undefined && suppression.stack !== stack) return false;
  if (suppression.address !== undefined && !globMatches(suppression.address, finding.address)) return false;
  if (suppression.constructPath !== undefined) {
    if (finding.constructPath === undefined || !globMatches(suppression.constructPath, finding.constructPath)) return false;
  }
  return true;
}
