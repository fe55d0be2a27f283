import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import {
  ALL_RULES,
  checkDocuments,
  formatReportJson,
  formatReportTable,
  loadPolicyInputs,
  parseSuppressionFile,
  POLICY_PACKS,
  PolicyInputError,
  type PolicyPack,
  type Suppression,
} from '../policy';
import { EXIT_FINDINGS, EXIT_INVALID as EXIT_INVALID_INPUT, EXIT_OK } from './exit-codes';
import { processOutput, type CommandOutput } from './output';
import { CHECK_SUMMARY } from './summaries';


export const CHECK_USAGE = `Usage: lifeboat check <cdk.tf.json | cdktf.out directory>... [options]

${CHECK_SUMMARY}.
Works on any cdktf stack: the rules read the JSON that "cdktf synth" writes. Anything else
(package.json, backup_requirements.json, a plan, HCL) is refused with exit 2, never reported clean.

Options:
  --format <table|json>     Output format (default: table)
  --pack <name>             Run only this pack; repeat or comma-separate
                            (${POLICY_PACKS.join(', ')})
  --suppressions <file>     Suppressions file (lifeboat-policy.json), each entry with a reason
  --list-rules              Print every rule with its pack and description, then exit
  -h, --help                Show this help

Exit codes: 0 no unsuppressed findings, 1 findings, 2 invalid input or usage.
`;

/** `lifeboat check`: exit 0 when clean, 1 on unsuppressed findings, 2 on bad input or usage. */
export async function runCheck(argv: string[], output: CommandOutput = processOutput): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'table' },
        pack: { type: 'string', multiple: true },
        suppressions: { type: 'string' },
        'list-rules': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    output.err(`lifeboat check: ${(error as Error).message}\n\n${CHECK_USAGE}`);
    return EXIT_INVALID_INPUT;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    output.out(CHECK_USAGE);
    return EXIT_OK;
  }
  if (values['list-rules']) {
    output.out(listRules());
    return EXIT_OK;
  }
  const usageErrors: string[] = [];
  if (values.format !== 'table' && values.format !== 'json') usageErrors.push(`--format must be table or json, not "${values.format}"`);
  const packs = (values.pack ?? []).flatMap((value) => value.split(',')).map((value) => value.trim());
  const unknownPacks = packs.filter((pack) => !(POLICY_PACKS as readonly string[]).includes(pack));
  if (unknownPacks.length > 0) usageErrors.push(`unknown pack ${unknownPacks.join(', ')} (known: ${POLICY_PACKS.join(', ')})`);
  if (positionals.length === 0) usageErrors.push('give a cdk.tf.json file or a cdktf.out directory');
  if (usageErrors.length > 0) {
    output.err(`${usageErrors.map((problem) => `lifeboat check: ${problem}`).join('\n')}\n\n${CHECK_USAGE}`);
    return EXIT_INVALID_INPUT;
  }

  const inputErrors: string[] = [];
  let suppressions: Suppression[] = [];
  if (values.suppressions !== undefined) {
    const loaded = loadSuppressions(values.suppressions);
    suppressions = loaded.suppressions;
    inputErrors.push(...loaded.errors);
  }
  const inputs = positionals.flatMap((target) => {
    try {
      return loadPolicyInputs(target);
    } catch (error) {
      if (error instanceof PolicyInputError) {
        inputErrors.push(error.message);
        return [];
      }
      throw error;
    }
  });
  const report = checkDocuments(inputs, { packs: packs.length > 0 ? (packs as PolicyPack[]) : undefined, suppressions });
  inputErrors.push(...report.errors);
  if (inputErrors.length > 0) {
    output.err(`${inputErrors.map((problem) => `lifeboat check: ${problem}`).join('\n')}\n`);
    return EXIT_INVALID_INPUT;
  }
  output.out(values.format === 'json' ? formatReportJson(report) : formatReportTable(report));
  return report.findings.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

function loadSuppressions(file: string): { suppressions: Suppression[]; errors: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    return { suppressions: [], errors: [`${file}: ${(error as Error).message}`] };
  }
  return parseSuppressionFile(json, file, new Set(ALL_RULES.map((rule) => rule.id)));
}

function listRules(): string {
  const width = Math.max(...ALL_RULES.map((rule) => rule.id.length));
  return `${ALL_RULES.map((rule) => `${rule.id.padEnd(width)}  ${rule.pack}  ${rule.severity}\n    ${rule.description}`).join('\n')}\n`;
}
