/**
 * The main job as a user runs it (`npm run synth` = `tsx stacks/main.ts`), in a fresh process and a temp directory.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkDocument } from '../../src/policy';

const root = path.resolve(__dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const dirs: string[] = [];

/** Runs the main job in a fresh temp directory; `outDir` (relative to it) is LIFEBOAT_OUT_DIR, default the directory. */
function runMain(requirements: string, outDir = '.'): { dir: string; status: number | null; stdout: string; stderr: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-main-'));
  dirs.push(dir);
  const result = spawnSync(tsx, [path.join(root, 'stacks', 'main.ts')], {
    cwd: dir,
    env: { ...process.env, LIFEBOAT_REQUIREMENTS: requirements, LIFEBOAT_OUT_DIR: path.join(dir, outDir) },
    encoding: 'utf8',
  });
  return { dir, status: result.status, stdout: result.stdout, stderr: result.stderr };
}

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run synth on the embedded example', () => {
  const example = path.join(root, 'examples', 'backup_requirements.json');
  let first: ReturnType<typeof runMain>;
  let second: ReturnType<typeof runMain>;

  beforeAll(() => {
    first = runMain(example);
    second = runMain(example);
  }, 180_000);

  it('writes cdktf.out, backup_plan.json and a runbook per store', () => {
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(fs.existsSync(path.join(first.dir, 'cdktf.out', 'stacks', 'shop', 'cdk.tf.json'))).toBe(true);
    const plan = JSON.parse(fs.readFileSync(path.join(first.dir, 'backup_plan.json'), 'utf8'));
    expect(plan.summary.errors).toBe(0);
    expect(fs.readdirSync(path.join(first.dir, 'runbooks')).sort()).toEqual([
      'README.md',
      ...plan.stores.map((store: { id: string }) => `${store.id}.md`).sort(),
    ]);
  });

  it('synthesizes the same bytes every time', () => {
    const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
    expect(read(second.dir, 'cdktf.out/stacks/shop/cdk.tf.json')).toBe(read(first.dir, 'cdktf.out/stacks/shop/cdk.tf.json'));
    expect(read(second.dir, 'backup_plan.json')).toBe(read(first.dir, 'backup_plan.json'));
    expect(read(second.dir, 'runbooks/orders.md')).toBe(read(first.dir, 'runbooks/orders.md'));
  });

  it('passes every policy rule with zero findings', () => {
    const doc = JSON.parse(fs.readFileSync(path.join(first.dir, 'cdktf.out', 'stacks', 'shop', 'cdk.tf.json'), 'utf8'));
    expect(checkDocument(doc)).toEqual([]);
  });

  it('passes `lifeboat check` on the whole cdktf.out', () => {
    const output = execFileSync(process.execPath, [path.join(root, 'bin', 'lifeboat.js'), 'check', path.join(first.dir, 'cdktf.out')], {
      encoding: 'utf8',
    });
    expect(output).toMatch(/^0 finding\(s\)/m);
  });
});

describe('npm run synth on invalid requirements', () => {
  it('exits 1 with every problem listed and writes nothing', () => {
    const result = runMain(path.join(root, 'examples', 'invalid', 'bucket-rules.json'));
    expect(result.status).toBe(1);
    const expected = fs.readFileSync(path.join(root, 'examples', 'invalid', 'bucket-rules.expected.txt'), 'utf8').trim();
    for (const line of expected.split('\n')) expect(result.stderr).toContain(line);
    expect(fs.readdirSync(result.dir)).toEqual([]);
  });
});

describe('npm run synth with LIFEBOAT_OUT_DIR', () => {
  const example = path.join(root, 'examples', 'backup_requirements.json');

  it('creates a missing output folder and says so', () => {
    const result = runMain(example, 'build/dr');
    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(result.stdout.split('\n')[0]).toBe('Created build/dr/');
    expect(fs.readdirSync(path.join(result.dir, 'build', 'dr')).sort()).toEqual(['backup_plan.json', 'cdktf.out', 'runbooks']);
  }, 120_000);

  it('creates nothing when the requirements are invalid', () => {
    const result = runMain(path.join(root, 'examples', 'invalid', 'bucket-rules.json'), 'build/dr');
    expect(result.status).toBe(1);
    expect(fs.readdirSync(result.dir)).toEqual([]);
  }, 120_000);

  it('refuses a file where the folder should be, saying what to do', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-main-'));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'out'), 'not a folder');
    const result = spawnSync(tsx, [path.join(root, 'stacks', 'main.ts')], {
      cwd: dir,
      env: { ...process.env, LIFEBOAT_REQUIREMENTS: example, LIFEBOAT_OUT_DIR: path.join(dir, 'out') },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `LIFEBOAT_OUT_DIR (${path.join(dir, 'out')}) is a file, not a folder: point LIFEBOAT_OUT_DIR to a folder (a missing one is created)\n`,
    );
    expect(fs.readdirSync(dir)).toEqual(['out']);
    expect(fs.readFileSync(path.join(dir, 'out'), 'utf8')).toBe('not a folder');
  }, 120_000);
});
