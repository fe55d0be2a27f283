/**
 * Lifeboat's public API (cdktf-free): the requirements spec, the planner and the CLI entry point.
 * Constructs are imported from `constructs/` by deep path so that users of the planner never load cdktf.
 */
export * from './spec';
export * from './plan';
export { main as runCli, COMMANDS, type Command } from './cli/main';
export { EXIT_OK, EXIT_FINDINGS, EXIT_INVALID } from './cli/exit-codes';
export { renderPlanTable } from './cli/table';
export * as policy from './policy';
export { renderRunbooks, type RunbookFile } from './runbook';
export * as checks from './checks';
export * as fingerprint from './fingerprint';
