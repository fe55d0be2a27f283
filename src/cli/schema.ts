import { requirementsJsonSchema } from '../spec/json-schema';
import { parseCommandArgs } from './args';
import { EXIT_OK } from './exit-codes';
import { processOutput, type CommandOutput } from './output';
import { SCHEMA_SUMMARY } from './summaries';


export const SCHEMA_USAGE = `Usage: lifeboat schema [options]

${SCHEMA_SUMMARY} (draft 2020-12), for editors:
add "$schema": "<path to the saved schema>" to the requirements file.
Cross-field rules (unique ids, retention bounds, ...) are checked by "lifeboat validate" only.

Options:
  -h, --help    Show this help
`;

export async function runSchema(argv: string[], output: CommandOutput = processOutput): Promise<number> {
  const args = parseCommandArgs(argv, {}, SCHEMA_USAGE, output, { min: 0, max: 0 });
  if ('exit' in args) return args.exit;
  output.out(`${JSON.stringify(requirementsJsonSchema(), null, 2)}\n`);
  return EXIT_OK;
}
