import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { restoreTimeProblems } from '../runbook';
import { writeRunbooks } from '../runbook/write';
import { loadStackAddresses, type StackAddresses } from '../ops/terraform';
import { EXIT_INVALID as EXIT_INVALID_INPUT, EXIT_OK } from './exit-codes';
import { processOutput, type CommandOutput } from './output';
import { readPlanFile } from './plan-file';
import { RUNBOOK_SUMMARY } from './summaries';


export const RUNBOOK_USAGE = `Usage: lifeboat runbook <backup_plan.json> [-o <dir>] [--restore-time <UTC time>] [--terraform <cdk.tf.json>]

${RUNBOOK_SUMMARY}.

Options:
  -o, --out <dir>           Output directory (default: runbooks); runbooks this command wrote
                            earlier for stores no longer in the plan are removed
  --restore-time <time>     Write this restore target time (e.g. 2026-11-25T09:41:00Z) into the
                            commands instead of $RESTORE_TIME (for use during an incident)
  --terraform <path>        The synthesized stack (cdk.tf.json, its directory, or cdktf.out): the
                            Terraform steps name its exact resource addresses (default: looked up
                            in $TF_STACK_DIR/cdk.tf.json when the steps run)
  -h, --help                Show this help

Exit codes: 0 written, 2 invalid input or usage.
`;

/** `lifeboat runbook`: exit 0 when the runbooks were written, 2 on bad input or usage. */
export async function runRunbook(argv: string[], output: CommandOutput = processOutput): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o', default: 'runbooks' },
        'restore-time': { type: 'string' },
        terraform: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    output.err(`lifeboat runbook: ${(error as Error).message}\n\n${RUNBOOK_USAGE}`);
    return EXIT_INVALID_INPUT;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    output.out(RUNBOOK_USAGE);
    return EXIT_OK;
  }
  const usageErrors: string[] = [];
  if (positionals.length !== 1) usageErrors.push('give exactly one backup_plan.json (write it with "lifeboat plan <spec> -o backup_plan.json")');
  const restoreTime = values['restore-time'];
  if (restoreTime !== undefined) usageErrors.push(...restoreTimeProblems(restoreTime).map((problem) => `--restore-time: ${problem}`));
  if (usageErrors.length > 0) {
    output.err(`${usageErrors.map((problem) => `lifeboat runbook: ${problem}`).join('\n')}\n\n${RUNBOOK_USAGE}`);
    return EXIT_INVALID_INPUT;
  }
  const planFile = positionals[0] as string;
  const loaded = readPlanFile(planFile, { requirements: false });
  if ('errors' in loaded) {
    output.err(`${loaded.errors.map((problem) => `lifeboat runbook: ${planFile}: ${problem}`).join('\n')}\n`);
    return EXIT_INVALID_INPUT;
  }
  let addresses: StackAddresses | null = null;
  if (values.terraform !== undefined) {
    try {
      addresses = loadStackAddresses(values.terraform);
    } catch (error) {
      output.err(`lifeboat runbook: --terraform ${values.terraform}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}\n`);
      return EXIT_INVALID_INPUT;
    }
  }
  const { written, removed } = writeRunbooks(loaded.plan, values.out, { restoreTime, planFile: path.basename(planFile), addresses });
  for (const stalePath of removed) output.out(`removed ${stalePath} (store no longer in the plan)\n`);
  for (const target of written) output.out(`wrote ${target}\n`);
  return EXIT_OK;
}

