import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { COMMANDS } from '../../src/cli/main';
import { TABLE_WIDTH } from '../../src/cli/table';
import { baseSpec, EXAMPLE_PATH } from '../spec/fixtures';
import { runLifeboat } from '../support/cli';

const ROOT = path.join(__dirname, '..', '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const cli = runLifeboat;

function writeSpec(name: string, doc: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return file;
}

describe('lifeboat (dispatcher)', () => {
  it('lists every command in --help', async () => {
    const { code, stdout } = await cli('--help');
    expect(code).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(stdout).toContain(`  ${name}`);
  });

  it('exits 2 with usage on stderr without a command', async () => {
    const { code, stdout, stderr } = await cli();
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toContain('Usage: lifeboat <command>');
  });

  it('exits 2 on an unknown command, naming it', async () => {
    const { code, stderr } = await cli('deploy');
    expect(code).toBe(2);
    expect(stderr).toContain('unknown command "deploy"');
  });

  it('does not treat inherited object keys as commands', async () => {
    expect((await cli('constructor')).code).toBe(2);
  });

  it.each(['validate', 'plan', 'schema'])('%s --help prints its usage and exits 0', async (name) => {
    const { code, stdout, stderr } = await cli(name, '--help');
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toContain(`Usage: lifeboat ${name}`);
  });

  it.each([
    ['validate'],
    ['validate', 'a.json', 'b.json'],
    ['plan'],
    ['plan', EXAMPLE_PATH, '--colour'],
    ['plan', EXAMPLE_PATH, '--format', 'yaml'],
    ['schema', 'extra'],
  ])('usage error %j exits 2 with a message on stderr', async (...argv) => {
    const { code, stdout, stderr } = await cli(...argv);
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toMatch(/^lifeboat: .+\n\nUsage: lifeboat /);
  });
});

describe('lifeboat validate', () => {
  it('accepts the example', async () => {
    expect(await cli('validate', EXAMPLE_PATH)).toEqual({ code: 0, stdout: `${EXAMPLE_PATH}: valid (3 databases, 2 buckets)\n`, stderr: '' });
  });

  it('lists every problem on stderr and exits 2', async () => {
    const doc = baseSpec();
    doc.regions.dr = 'eu-west-1';
    doc.buckets[0].retention = '3 months';
    const file = writeSpec('invalid.json', doc);
    const { code, stdout, stderr } = await cli('validate', file);
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr.split('\n')).toEqual([
      `${file}: Invalid backup requirements:`,
      expect.stringMatching(/^buckets\.0\.retention: invalid duration "3 months"/),
      'regions.dr: must differ from regions.primary (eu-west-1)',
      '',
    ]);
  });

  it('reports invalid JSON with line and column', async () => {
    const file = writeSpec('broken.json', '{\n  "version": 1\n  "name": "x"\n}');
    const { code, stderr } = await cli('validate', file);
    expect(code).toBe(2);
    expect(stderr).toContain('(json): invalid JSON at line 3 column 3');
  });

  it('reports a missing file', async () => {
    const { code, stderr } = await cli('validate', path.join(dir, 'nope.json'));
    expect(code).toBe(2);
    expect(stderr).toContain('cannot read');
  });
});

describe('lifeboat plan', () => {
  it('prints a table of objective vs design per store and scope, within 100 columns', async () => {
    const { code, stdout, stderr } = await cli('plan', EXAMPLE_PATH);
    expect([code, stderr]).toEqual([0, '']);
    const lines = stdout.split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(TABLE_WIDTH);
    expect(lines).toContain('STORE       SCOPE       RPO  DESIGN  RTO  DESIGN  MET  MECHANISMS');
    expect(lines).toContain('orders      az           5m      0s  15m      2m  yes  multi-az');
    expect(lines).toContain('            region      30s      1s  10m      2m  yes  aurora-global-database');
    expect(stdout).toContain('FINDINGS: 0 errors, 0 warnings, 5 infos');
    expect(stdout).toContain('Plan OK');
  });

  it('--format json prints the plan and -o writes the same bytes', async () => {
    const out = path.join(dir, 'backup_plan.json');
    const { code, stdout } = await cli('plan', EXAMPLE_PATH, '--format', 'json', '-o', out);
    expect(code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe(stdout);
    expect(JSON.parse(stdout)).toMatchObject({ planVersion: 1, name: 'shop', summary: { errors: 0 } });
  });

  it('exits 1 when the plan has errors, marking the unmet scope', async () => {
    const doc = baseSpec();
    doc.buckets[0].rpo = '5m';
    const { code, stdout, stderr } = await cli('plan', writeSpec('s3-rpo.json', doc));
    expect(code).toBe(1);
    expect(stdout).toContain('region       5m     15m   1h      5m  NO   s3-replication-rtc');
    expect(stdout).toContain('ERROR   LB-S3-RPO-BELOW-RTC  documents/region');
    expect(stderr).toBe('lifeboat plan: 1 error (see findings)\n');
  });

  it('writes no plan file when the plan has errors, and says so', async () => {
    const doc = baseSpec();
    doc.buckets[0].rpo = '5m';
    const spec = writeSpec('s3-rpo-out.json', doc);
    const out = path.join(dir, 'erroring', 'backup_plan.json');
    const fresh = await cli('plan', spec, '-o', out);
    expect(fresh.code).toBe(1);
    expect(fresh.stderr).toBe(`lifeboat plan: 1 error (see findings); ${out} was not written\n`);
    expect(fs.existsSync(out)).toBe(false);
    // A plan file from an earlier, passing run is left alone, and the message says it is not this run's.
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, 'earlier plan');
    const again = await cli('plan', spec, '-o', out);
    expect(again.stderr).toBe(`lifeboat plan: 1 error (see findings); ${out} was not written (the file there is from an earlier run)\n`);
    expect(fs.readFileSync(out, 'utf8')).toBe('earlier plan');
  });

  it('writes -o atomically: the whole plan or the previous file, never a temporary left behind', async () => {
    const folder = path.join(dir, 'atomic', 'nested');
    const out = path.join(folder, 'backup_plan.json');
    const written = await cli('plan', EXAMPLE_PATH, '--format', 'json', '-o', out);
    expect(written.code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe(written.stdout);
    expect(fs.readdirSync(folder)).toEqual(['backup_plan.json']);
    // The target is a folder: the rename fails, the error names the file, and the temporary file is gone.
    const blocked = path.join(dir, 'atomic', 'blocked');
    fs.mkdirSync(path.join(blocked, 'backup_plan.json'), { recursive: true });
    const failed = await cli('plan', EXAMPLE_PATH, '-o', path.join(blocked, 'backup_plan.json'));
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain(`lifeboat: cannot write ${path.join(blocked, 'backup_plan.json')}: `);
    expect(fs.readdirSync(blocked)).toEqual(['backup_plan.json']);
  });

  it('exits 2 on an invalid spec without writing a plan', async () => {
    const out = path.join(dir, 'never.json');
    const { code } = await cli('plan', writeSpec('bad.json', { version: 1 }), '-o', out);
    expect(code).toBe(2);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('wraps long mechanism lists instead of overflowing narrow terminals', async () => {
    const { renderPlanTable } = await import('../../src/cli/table');
    const { planBackups } = await import('../../src/plan/planner');
    const { loadRequirements } = await import('../../src/spec/requirements');
    const text = renderPlanTable(planBackups(loadRequirements(EXAMPLE_PATH)), 80);
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(text).toContain('s3-object-lock');
  });
});

describe('lifeboat schema', () => {
  it('prints a JSON Schema', async () => {
    const { code, stdout } = await cli('schema');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' });
  });
});

describe('bin/lifeboat.js', () => {
  it('plans the example as a child process', async () => {
    const { stdout } = await promisify(execFile)('node', ['bin/lifeboat.js', 'plan', 'examples/backup_requirements.json'], { cwd: ROOT });
    expect(stdout).toContain('Backup plan "shop" (production): primary eu-west-1, DR eu-central-1');
    expect(stdout).toContain('Plan OK');
  });

  it('exits 2 for usage errors as a child process', async () => {
    await expect(promisify(execFile)('node', ['bin/lifeboat.js', 'plan'], { cwd: ROOT })).rejects.toMatchObject({ code: 2 });
  });
});
