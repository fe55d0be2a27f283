import * as fs from 'node:fs';
import { planBackups } from '../plan/planner';
import { serializePlan } from '../plan/serialize';
import { parseCommandArgs, usageError } from './args';
import { EXIT_FINDINGS, EXIT_INVALID, EXIT_OK } from './exit-codes';
import { loadOrReport } from './load';
import { processOutput, writeFileAtomically, type CommandOutput } from './output';
import { renderPlanTable } from './table';
import { PLAN_SUMMARY } from './summaries';


export const PLAN_USAGE = `Usage: lifeboat plan <backup_requirements.json> [options]

${PLAN_SUMMARY}.
Prints, per store and failure scope (az, region, corruption), the objective beside the
design RPO/RTO of the chosen mechanisms, and the findings.

Options:
  -o, --output <file>        Also write the plan as JSON (e.g. backup_plan.json), only when
                             the plan has no errors
  --format <table|json>      What to print on stdout (default: table)
  -h, --help                 Show this help

Exit codes: 0 no errors, 1 the plan has errors (the CI gate), 2 invalid input or usage.
`;

export async function runPlan(argv: string[], output: CommandOutput = processOutput): Promise<number> {
  const args = parseCommandArgs(
    argv,
    { output: { type: 'string', short: 'o' }, format: { type: 'string', default: 'table' } },
    PLAN_USAGE,
    output,
    { min: 1, max: 1 },
  );
  if ('exit' in args) return args.exit;
  const format = args.values.format;
  if (format !== 'table' && format !== 'json') {
    return usageError(`--format must be table or json, not ${JSON.stringify(format)}`, PLAN_USAGE, output).exit;
  }
  const requirements = loadOrReport(args.positionals[0], output);
  if (!requirements) return EXIT_INVALID;
  const plan = planBackups(requirements);
  const json = serializePlan(plan);
  const target = args.values.output;
  const errors = plan.summary.errors;
  if (typeof target === 'string' && errors === 0) {
    try {
      writeFileAtomically(target, json);
    } catch (error) {
      output.err(`lifeboat: cannot write ${target}: ${(error as Error).message}\n`);
      return EXIT_INVALID;
    }
  }
  output.out(format === 'json' ? json : renderPlanTable(plan));
  if (errors > 0) {
    // A plan with errors is not a plan to deploy, so none is written; a file left there by an earlier run is not
    // ours to delete, but it must not pass for this run's plan.
    const notWritten =
      typeof target !== 'string' ? '' : `; ${target} was not written${fs.existsSync(target) ? ' (the file there is from an earlier run)' : ''}`;
    output.err(`lifeboat plan: ${errors} error${errors === 1 ? '' : 's'} (see findings)${notWritten}\n`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}
