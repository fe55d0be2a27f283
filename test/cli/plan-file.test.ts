import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXAMPLE_PATH } from '../spec/fixtures';
import { runLifeboat } from '../support/cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-plan-file-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const cli = runLifeboat;

function write(name: string, doc: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return file;
}

/** Each command that reads a plan, with the arguments that reach the read (nothing runs against AWS before it). */
const READERS: Array<[string, (file: string) => string[]]> = [
  ['runbook', (file) => ['runbook', file, '-o', path.join(dir, 'runbooks')]],
  ['report', (file) => ['report', file, '--records', dir]],
  ['status', (file) => ['status', '--plan', file]],
  ['checkpoint', (file) => ['checkpoint', 'orders', '--plan', file]],
  ['restore', (file) => ['restore', 'orders', '--to', 'latest', '--plan', file]],
  ['failover', (file) => ['failover', 'orders', '--plan', file]],
];

describe('every command that reads a backup_plan.json reads it the same way', () => {
  const wrongVersion = write('plan-v2.json', { planVersion: 2, name: 'shop', stores: [{ id: 'orders', kind: 'queue' }] });
  const problems = [
    'planVersion must be 1 (this lifeboat reads plan version 1), got 2',
    'regions.primary and regions.dr: missing',
    'network: missing',
    'stores[0].kind: must be database or bucket',
    'stores[0].names: missing',
    'stores[0].scopes: missing',
    'stores[0].alarms: missing',
  ];

  it.each(READERS)('%s names every problem of a plan it cannot use, and exits 2', async (command, argv) => {
    const result = await cli(...argv(wrongVersion));
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').filter(Boolean)).toEqual(problems.map((problem) => `lifeboat ${command}: ${wrongVersion}: ${problem}`));
  });

  it.each(READERS)('%s says where a file is not valid JSON (line and column)', async (command, argv) => {
    const broken = write(`broken-${command}.json`, '{\n  "planVersion": 1,\n  oops\n}');
    const result = await cli(...argv(broken));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^lifeboat ${command}: ${broken}: \\(json\\): .*line 3`));
  });

  it('operator commands refuse requirements whose plan has errors, as `lifeboat plan -o` does, naming the finding and its fix', async () => {
    const example = JSON.parse(fs.readFileSync(EXAMPLE_PATH, 'utf8'));
    const ledger = example.databases.find((database: { id: string }) => database.id === 'ledger');
    ledger.verification.region = 'dr';
    const spec = write('spec-with-plan-error.json', example);
    for (const [command, argv] of READERS.filter(([name]) => name === 'report' || name === 'status' || name === 'checkpoint')) {
      const result = await cli(...argv(spec));
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^lifeboat ${command}: ${spec}: ledger: LB-VERIFY-NO-BACKUPS-IN-REGION: .*; fix: .*verification.region`, 'm'));
    }
  });

  it('a missing plan tells an operator how to make one', async () => {
    const missing = path.join(dir, 'backup_plan.json');
    const result = await cli('status', '--plan', missing);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`lifeboat status: ${missing}: no such file (write it with "lifeboat plan <spec> -o backup_plan.json", or pass --plan)\n`);
  });
});
