/**
 * The `lifeboat` command: a small dispatcher over a table of subcommands. A new subcommand is one line in
 * COMMANDS: a summary for the help screen and `run(argv) -> exit code` (see exit-codes.ts).
 */
import { CHECK_SUMMARY, runCheck } from './check';
import { CHECKPOINT_SUMMARY, runCheckpoint } from './checkpoint';
import { VERIFY_DATA_SUMMARY, runVerifyData } from './check-data';
import { DIFF_SUMMARY, runDiff } from './diff';
import { EXIT_INVALID, EXIT_OK } from './exit-codes';
import { FAILOVER_SUMMARY, runFailover } from './failover';
import { processOutput, type CommandOutput } from './output';
import { PLAN_SUMMARY, runPlan } from './plan';
import { REPORT_SUMMARY, runReport } from './report';
import { RESTORE_SUMMARY, runRestore } from './restore';
import { RUNBOOK_SUMMARY, runRunbook } from './runbook';
import { SCHEMA_SUMMARY, runSchema } from './schema';
import { STATUS_SUMMARY, runStatus } from './status';
import { VALIDATE_SUMMARY, runValidate } from './validate';

export interface Command {
  /** One line for `lifeboat --help`. */
  summary: string;
  /** Runs the command with the arguments after its name; resolves to the process exit code. */
  run(argv: string[], output?: CommandOutput): Promise<number>;
}

export const COMMANDS: Record<string, Command> = {
  validate: { summary: VALIDATE_SUMMARY, run: runValidate },
  plan: { summary: PLAN_SUMMARY, run: runPlan },
  schema: { summary: SCHEMA_SUMMARY, run: runSchema },
  check: { summary: CHECK_SUMMARY, run: runCheck },
  runbook: { summary: RUNBOOK_SUMMARY, run: runRunbook },
  diff: { summary: DIFF_SUMMARY, run: runDiff },
  'verify-data': { summary: VERIFY_DATA_SUMMARY, run: runVerifyData },
  report: { summary: REPORT_SUMMARY, run: runReport },
  restore: { summary: RESTORE_SUMMARY, run: (argv, output) => runRestore(argv, output) },
  failover: { summary: FAILOVER_SUMMARY, run: (argv, output) => runFailover(argv, output) },
  status: { summary: STATUS_SUMMARY, run: (argv, output) => runStatus(argv, output) },
  checkpoint: { summary: CHECKPOINT_SUMMARY, run: (argv, output) => runCheckpoint(argv, output) },
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
