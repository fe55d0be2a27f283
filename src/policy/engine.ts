import { DocumentIndex } from './document-index';
import { ALL_RULES } from './rules';
import { suppressionMatches, suppressionsInDocument, type Suppression } from './suppressions';
import type { Finding, PolicyPack, PolicyRule, TerraformDocument } from './types';

/** One synthesized stack to check. */
export interface PolicyInput {
  /** Stack name, reported with every finding. */
  stack: string;
  document: TerraformDocument;
}

export interface PolicyOptions {
  /** Packs to run. @default every pack */
  packs?: readonly PolicyPack[];
  /** Rules to choose from. @default ALL_RULES */
  rules?: readonly PolicyRule[];
  /** Suppressions from a suppressions file; `//` metadata suppressions are read from the documents. @default none */
  suppressions?: readonly Suppression[];
}

export interface StackFinding extends Finding {
  stack: string;
}

export interface SuppressedFinding extends StackFinding {
  suppression: { reason: string; source: string };
}

export interface PolicyReport {
  /** Findings no suppression covers, sorted by stack, address, rule. */
  findings: StackFinding[];
  /** Findings a suppression covers: listed, never hidden. */
  suppressed: SuppressedFinding[];
  /** Suppressions that matched no finding (stale, or misspelled addresses). */
  unusedSuppressions: Suppression[];
  /** Invalid `//` metadata suppressions; a non-empty list makes the input invalid. */
  errors: string[];
  /** Ids of the rules that ran. */
  rules: string[];
}

export function selectRules(options: Pick<PolicyOptions, 'packs' | 'rules'> = {}): PolicyRule[] {
  const rules = options.rules ?? ALL_RULES;
  return options.packs === undefined ? [...rules] : rules.filter((rule) => options.packs?.includes(rule.pack));
}

/**
 * Runs the rules over one document and returns its findings, without suppressions. The document is indexed once
 * for this run (a document given again, changed or not, is indexed again).
 */
export function checkDocument(document: TerraformDocument | DocumentIndex, options: Pick<PolicyOptions, 'packs' | 'rules'> = {}): Finding[] {
  const index = document instanceof DocumentIndex ? document : new DocumentIndex(document);
  return sortFindings(selectRules(options).flatMap((rule) => rule.check(index)));
}

/** Runs the rules over every stack and applies file and metadata suppressions. */
export function checkDocuments(inputs: readonly PolicyInput[], options: PolicyOptions = {}): PolicyReport {
  const rules = selectRules(options);
  const knownRules = new Set((options.rules ?? ALL_RULES).map((rule) => rule.id));
  const report: PolicyReport = { findings: [], suppressed: [], unusedSuppressions: [], errors: [], rules: rules.map((rule) => rule.id) };
  const used = new Set<Suppression>();
  const fileSuppressions = options.suppressions ?? [];
  // Every stack is indexed first, so that a rule can follow a cross-stack reference into another stack of the run.
  // Two inputs with the same stack name are both checked, but only the first can be referenced by name.
  const stacks = new Map<string, DocumentIndex>();
  const indexes = new Map<PolicyInput, DocumentIndex>();
  for (const input of inputs) {
    const index = new DocumentIndex(input.document, { stack: input.stack, stacks });
    indexes.set(input, index);
    if (!stacks.has(input.stack)) stacks.set(input.stack, index);
  }
  for (const input of [...inputs].sort((a, b) => compare(a.stack, b.stack))) {
    const index = indexes.get(input) as DocumentIndex;
    const fromMetadata = suppressionsInDocument(index, input.stack, knownRules);
    report.errors.push(...fromMetadata.errors);
    const candidates = [...fromMetadata.suppressions, ...fileSuppressions];
    for (const found of checkDocument(index, { rules })) {
      const stackFinding: StackFinding = { stack: input.stack, ...found };
      const suppression = candidates.find((candidate) => suppressionMatches(candidate, found, input.stack));
      if (suppression === undefined) {
        report.findings.push(stackFinding);
      } else {
        used.add(suppression);
        report.suppressed.push({ ...stackFinding, suppression: { reason: suppression.reason, source: suppression.source } });
      }
    }
    report.unusedSuppressions.push(...fromMetadata.suppressions.filter((suppression) => !used.has(suppression) && ruleRan(rules, suppression)));
  }
  report.unusedSuppressions.push(...fileSuppressions.filter((suppression) => !used.has(suppression) && ruleRan(rules, suppression)));
  return report;
}

function ruleRan(rules: readonly PolicyRule[], suppression: Suppression): boolean {
  return rules.some((rule) => rule.id === suppression.rule);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => compare(a.address, b.address) || compare(a.ruleId, b.ruleId) || compare(a.message, b.message));
}
