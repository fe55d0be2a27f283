import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT_INVALID, EXIT_OK } from './exit-codes';
import type { CommandOutput } from './output';

export type ParsedValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

/**
 * util.parseArgs with the CLI's conventions: `-h/--help` on every command; unknown options and a wrong number of
 * arguments are usage errors (exit 2, message and usage on stderr).
 */
export function parseCommandArgs(
  argv: string[],
  options: NonNullable<ParseArgsConfig['options']>,
  usage: string,
  output: CommandOutput,
  positionals: { min: number; max: number },
): { values: ParsedValues; positionals: string[] } | { exit: number } {
  let parsed: { values: ParsedValues; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return usageError((error as Error).message, usage, output);
  }
  if (parsed.values.help === true) {
    output.out(usage);
    return { exit: EXIT_OK };
  }
  const count = parsed.positionals.length;
  if (count < positionals.min || count > positionals.max) {
    const expected = positionals.min === positionals.max ? `${positionals.min}` : `${positionals.min} to ${positionals.max}`;
    return usageError(`expected ${expected} argument${positionals.max === 1 ? '' : 's'}, got ${count}`, usage, output);
  }
  return parsed;
}

export function usageError(message: string, usage: string, output: CommandOutput): { exit: number } {
  output.err(`lifeboat: ${message}\n\n${usage}`);
  return { exit: EXIT_INVALID };
}
