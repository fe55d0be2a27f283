import { EXIT_INVALID } from './exit-codes';
import type { CommandOutput } from './output';

/** The options every command that changes AWS resources takes: the plan, the execution rule and the output format. */
export const MUTATING_COMMAND_OPTIONS = {
  plan: { type: 'string' },
  execute: { type: 'boolean' },
  yes: { type: 'boolean' },
  format: { type: 'string' },
} as const;

/**
 * The one rule for every command that changes AWS resources: nothing changes without `--execute`, and without a
 * terminal (CI, a pipe) `--execute` must be confirmed with `--yes`. Returns whether to act, or the exit code of a
 * refusal (already reported on `output.err`).
 */
export function executionMode(
  command: string,
  values: { execute?: unknown; yes?: unknown },
  isTTY: boolean,
  output: CommandOutput,
): { execute: boolean } | { exit: number } {
  const execute = values.execute === true;
  if (execute && !isTTY && values.yes !== true) {
    output.err(`lifeboat ${command}: --execute without a terminal needs --yes (nothing was changed)\n`);
    return { exit: EXIT_INVALID };
  }
  return { execute };
}
