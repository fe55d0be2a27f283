import type { DocumentIndex } from './document-index';

/**
 * Types of the policy checks. The checks read the Terraform JSON that `cdktf synth` writes (`cdk.tf.json`), so they
 * apply to any cdktf stack, not only to stacks built with Lifeboat's constructs.
 */

/** One resource or data source body as cdktf writes it: snake_case attributes, blocks as objects or arrays. */
export type TerraformBody = Record<string, unknown>;

/** `resource.<type>.<name>` or `data.<type>.<name>` objects, keyed by type then by name. */
export type TerraformBlocksByType = Record<string, Record<string, TerraformBody>>;

/** The parts of a synthesized `cdk.tf.json` the rules read. Other top-level keys are kept but ignored. */
export interface TerraformDocument {
  resource?: TerraformBlocksByType;
  data?: TerraformBlocksByType;
  [key: string]: unknown;
}

export const POLICY_PACKS = ['data-protection', 'encryption', 'network', 'iam'] as const;
export type PolicyPack = (typeof POLICY_PACKS)[number];

export type Severity = 'error' | 'warning';

export interface Finding {
  /** Id of the rule that produced the finding, e.g. `s3-versioning-enabled`. */
  ruleId: string;
  pack: PolicyPack;
  severity: Severity;
  /** Terraform address of the offending resource, `<type>.<name>` (data sources: `data.<type>.<name>`). */
  address: string;
  /** cdktf construct path from the resource's `//` metadata, when the document carries it. */
  constructPath?: string;
  message: string;
  fix: string;
}

export interface PolicyRule {
  /** Stable, kebab-case id; suppressions name it. */
  id: string;
  pack: PolicyPack;
  severity: Severity;
  /** What the rule requires, one sentence. */
  description: string;
  /** How to satisfy the rule, one or two sentences (findings may give a more specific fix). */
  fix: string;
  /**
   * The findings for one document: a pure function of the index the engine builds once per run (`index.resources`,
   * `index.buckets`, `index.companionsOf`, `index.resolvePolicy`, `index.regionOf`, ...).
   */
  check(index: DocumentIndex): Finding[];
}
