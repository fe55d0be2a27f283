import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderRunbooks } from '../../src/runbook';
import { awsCommands, fixturePlan, planWithDrReplica } from './helpers';

/** Members of every input shape of an SDK client, keyed by lowercased shape name. */
function inputShapes(client: string): Map<string, Set<string>> {
  const directory = path.join(__dirname, '..', '..', 'node_modules', '@aws-sdk', client, 'dist-types', 'ts3.4', 'models');
  const text = fs
    .readdirSync(directory)
    .filter((file) => file.startsWith('models_'))
    .map((file) => fs.readFileSync(path.join(directory, file), 'utf8'))
    .join('\n');
  const shapes = new Map<string, Set<string>>();
  for (const match of text.matchAll(/export interface (\w+) \{([\s\S]*?)\n\}/g)) {
    const members = [...(match[2] ?? '').matchAll(/^\s+(\w+)\??:/gm)].map((member) => (member[1] ?? '').toLowerCase());
    shapes.set((match[1] ?? '').toLowerCase(), new Set(members));
  }
  return shapes;
}

const CLIENTS: Record<string, { client: string; suffixes: string[] }> = {
  rds: { client: 'client-rds', suffixes: ['message'] },
  s3api: { client: 'client-s3', suffixes: ['request'] },
  cloudwatch: { client: 'client-cloudwatch', suffixes: ['input'] },
  backup: { client: 'client-backup', suffixes: ['input'] },
};
/** Options of the CLI itself, not of the API. */
const GLOBAL_OPTIONS = new Set(['region', 'output', 'query', 'max-items']);
/** `aws rds wait <waiter>` polls the describe call behind it. */
const WAITERS: Record<string, string> = {
  'db-instance-available': 'describedbinstances',
  'db-cluster-available': 'describedbclusters',
};

function problemsOf(command: string[], shapesByService: Map<string, Map<string, Set<string>>>): string[] {
  const [, service = '', operation = '', ...rest] = command;
  const known = CLIENTS[service];
  if (!known) return [];
  const shapes = shapesByService.get(service) as Map<string, Set<string>>;
  let shapeName = operation.replace(/-/g, '');
  let args = rest;
  if (operation === 'wait') {
    shapeName = WAITERS[rest[0] ?? ''] ?? `unknown waiter ${rest[0]}`;
    args = rest.slice(1);
  }
  const members = known.suffixes.map((suffix) => shapes.get(`${shapeName}${suffix}`)).find((found) => found !== undefined);
  if (!members) return [`aws ${service} ${operation}: no such operation`];
  const problems: string[] = [];
  for (const word of args.filter((arg) => arg.startsWith('--'))) {
    const flag = word.slice(2);
    if (GLOBAL_OPTIONS.has(flag)) continue;
    const member = flag.replace(/^no-/, '').replace(/-/g, '');
    if (!members.has(member)) problems.push(`aws ${service} ${operation}: unknown option --${flag}`);
  }
  if (!args.includes('--region')) problems.push(`aws ${service} ${operation}: no --region`);
  return problems;
}

describe('every aws command in the runbooks', () => {
  const shapesByService = new Map(Object.entries(CLIENTS).map(([service, { client }]) => [service, inputShapes(client)]));
  const variants = {
    'example plan': renderRunbooks(fixturePlan()),
    'example plan, restore time given': renderRunbooks(fixturePlan(), { restoreTime: '2026-11-25T09:41:00Z' }),
    'plan with a cross-region read replica': renderRunbooks(planWithDrReplica()),
  };

  it.each(Object.entries(variants))('names a real operation with real options and a region (%s)', (_name, files) => {
    const commands = files.flatMap((file) => awsCommands(file.content));
    expect(commands.length).toBeGreaterThan(60);
    const problems = commands.flatMap((command) => problemsOf(command, shapesByService));
    expect(problems).toEqual([]);
  });

  it('catches a misspelled option (the check itself can fail)', () => {
    expect(problemsOf(['aws', 'rds', 'restore-db-instance-to-point-in-time', '--restore-when', 'x', '--region', 'eu-west-1'], shapesByService)).toEqual([
      'aws rds restore-db-instance-to-point-in-time: unknown option --restore-when',
    ]);
    expect(problemsOf(['aws', 'rds', 'promote-replica', '--region', 'eu-west-1'], shapesByService)).toEqual(['aws rds promote-replica: no such operation']);
    expect(problemsOf(['aws', 'rds', 'describe-db-instances'], shapesByService)).toEqual(['aws rds describe-db-instances: no --region']);
  });
});
