import { parseCommandArgs } from './args';
import { EXIT_INVALID, EXIT_OK } from './exit-codes';
import { loadOrReport } from './load';
import { processOutput, type CommandOutput } from './output';
import { VALIDATE_SUMMARY } from './summaries';


export const VALIDATE_USAGE = `Usage: lifeboat validate <backup_requirements.json> [options]

${VALIDATE_SUMMARY}, one per line as path.to.field: message.
Checks structure and cross-field rules; "lifeboat plan" also checks what AWS can deliver.

Options:
  -h, --help    Show this help

Exit codes: 0 valid, 2 invalid file or usage.
`;

export async function runValidate(argv: string[], output: CommandOutput = processOutput): Promise<number> {
  const args = parseCommandArgs(argv, {}, VALIDATE_USAGE, output, { min: 1, max: 1 });
  if ('exit' in args) return args.exit;
  const file = args.positionals[0];
  const requirements = loadOrReport(file, output);
  if (!requirements) return EXIT_INVALID;
  output.out(`${file}: valid (${requirements.databases.length} databases, ${requirements.buckets.length} buckets)\n`);
  return EXIT_OK;
}
