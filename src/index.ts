/**
 * `lifeboat`: the cdktf-free API (the requirements spec, the planner, the policy engine, data checks, table
 * fingerprints, runbooks and the evidence record format). The constructs are `lifeboat/constructs`, so a user of the planner never loads cdktf;
 * the command line is the package's `bin`, not part of this API.
 */
export * from './spec';
export * from './plan';
export * as policy from './policy';
export { renderRunbooks, type RunbookFile } from './runbook';
export * as checks from './checks';
export * as fingerprint from './fingerprint';
export * as evidence from './evidence';
