/**
 * The `lifeboat` command: a small dispatcher over a table of subcommands. A new subcommand is one line in
 * COMMANDS: a summary for the help screen and `run(argv) -> exit code` (see exit-codes.ts).
 */
import { EXIT_INVALID, EXIT_OK } from './exit-codes';
import { processOutput, type CommandOutput } from './output';
import {
  CHECK_SUMMARY,
  CHECKPOINT_SUMMARY,
  DIFF_SUMMARY,
  FAILOVER_SUMMARY,
  PLAN_SUMMARY,
  REPORT_SUMMARY,
  RESTORE_SUMMARY,
  RUNBOOK_SUMMARY,
  SCHEMA_SUMMARY,
  STATUS_SUMMARY,
  VALIDATE_SUMMARY,
  VERIFY_DATA_SUMMARY,
} from './summaries';

type Run = (argv: string[], output?: CommandOutput) => Promise<number>;

export interface Command {
  /** One line for `lifeboat --help`. */
  summary: string;
  /** Runs the command with the arguments after its name; resolves to the process exit code. */
  run(argv: string[], output?: CommandOutput): Promise<number>;
}

/**
 * A command whose module is loaded only when it runs: `lifeboat diff` never loads the AWS SDK clients of `restore`,
 * nor `lifeboat --help` the zod schemas of `validate`.
 */
function lazy(summary: string, load: () => Promise<Run>): Command {
  return { summary, run: async (argv, output) => (await load())(argv, output) };
}

export const COMMANDS: Record<string, Command> = {
  validate: lazy(VALIDATE_SUMMARY, async () => (await import('./validate')).runValidate),
  plan: lazy(PLAN_SUMMARY, async () => (await import('./plan')).runPlan),
  schema: lazy(SCHEMA_SUMMARY, async () => (await import('./schema')).runSchema),
  check: lazy(CHECK_SUMMARY, async () => (await import('./check')).runCheck),
  runbook: lazy(RUNBOOK_SUMMARY, async () => (await import('./runbook')).runRunbook),
  diff: lazy(DIFF_SUMMARY, async () => (await import('./diff')).runDiff),
  'verify-data': lazy(VERIFY_DATA_SUMMARY, async () => (await import('./check-data')).runVerifyData),
  report: lazy(REPORT_SUMMARY, async () => (await import('./report')).runReport),
  restore: lazy(RESTORE_SUMMARY, async () => (await import('./restore')).runRestore),
  failover: lazy(FAILOVER_SUMMARY, async () => (await import('./failover')).runFailover),
  status: lazy(STATUS_SUMMARY, async () => (await import('./status')).runStatus),
  checkpoint: lazy(CHECKPOINT_SUMMARY, async () => (await import('./checkpoint')).runCheckpoint),
};

export function mainUsage(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length));
  const lines = names.map((name) => `  ${name.padEnd(width)}  ${COMMANDS[name].summary}`);
  return `Usage: lifeboat <command> [options]

Backup and disaster-recovery objectives in, proven AWS infrastructure out.

Commands:
${lines.join('\n')}

Run "lifeboat <command> --help" for a command's options.
Exit codes: 0 ok, 1 findings / plan errors / differences, 2 invalid input or usage.
`;
}

export async function main(argv: string[], output: CommandOutput = processOutput): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    output.err(mainUsage());
    return EXIT_INVALID;
  }
  if (name === '-h' || name === '--help' || name === 'help') {
    output.out(mainUsage());
    return EXIT_OK;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    output.err(`lifeboat: unknown command ${JSON.stringify(name)}\n\n${mainUsage()}`);
    return EXIT_INVALID;
  }
  return command.run(rest, output);
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
