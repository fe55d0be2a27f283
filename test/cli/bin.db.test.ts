/**
 * The `lifeboat` command as a user in a checkout runs it: `node bin/lifeboat.js <command>` in a fresh process, every
 * command, diff and verify-data against the real test PostgreSQL (their drivers load by dynamic import, which only a
 * real process exercises). A checkout always runs its TypeScript source: a stale build must not shadow it. The
 * installed package's bin is exercised by the consumer test (npm run test:consumer).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { createPostgresDatabase, type TestDatabase } from '../support/databases';

const root = path.resolve(__dirname, '..', '..');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function lifeboat(bin: string, args: string[], cwd: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let work: string;
let source: TestDatabase;
let target: TestDatabase;
const bin = path.join(root, 'bin', 'lifeboat.js');

async function sql(url: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-bin-'));
  [source, target] = await Promise.all([createPostgresDatabase('bin_source'), createPostgresDatabase('bin_target')]);
  for (const db of [source, target]) {
    await sql(db.url, 'CREATE TABLE public.orders (id integer PRIMARY KEY, total integer NOT NULL, created_at timestamptz NOT NULL)');
    await sql(db.url, "INSERT INTO public.orders SELECT g, g * 10, now() - g * interval '1 second' FROM generate_series(1, 200) g");
  }
  await sql(target.url, 'UPDATE public.orders SET total = 0 WHERE id = 7');
  const spec = JSON.parse(fs.readFileSync(path.join(root, 'examples', 'backup_requirements.json'), 'utf8'));
  const orders = spec.databases.find((db: { id: string }) => db.id === 'orders');
  orders.verification.checks = [{ type: 'tableExists', table: 'public.orders' }, { type: 'rowCount', table: 'public.orders', min: 100 }];
  fs.writeFileSync(path.join(work, 'spec.json'), JSON.stringify(spec));
  fs.copyFileSync(path.join(root, 'test', 'policy', 'fixtures', 'clean.tf.json'), path.join(work, 'cdk.tf.json'));
});

afterAll(async () => {
  fs.rmSync(work, { recursive: true, force: true });
  await Promise.all([source?.drop(), target?.drop()]);
});

describe('bin/lifeboat.js in a checkout', () => {
  it('runs every command from source, as a separate process', async () => {
    const [help, validate, plan, schema, check, diff, verify] = await Promise.all([
      lifeboat(bin, ['--help'], work),
      lifeboat(bin, ['validate', 'spec.json'], work),
      lifeboat(bin, ['plan', 'spec.json', '-o', 'backup_plan.json'], work),
      lifeboat(bin, ['schema'], work),
      lifeboat(bin, ['check', 'cdk.tf.json'], work),
      lifeboat(bin, ['diff', '--source', source.url, '--target', target.url], work),
      lifeboat(bin, ['verify-data', '--url', source.url, '--spec', 'spec.json', '--database', 'orders'], work),
    ]);
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining('Commands:') });
    const commands = [...(/Commands:\n([\s\S]*?)\n\n/.exec(help.stdout)?.[1] ?? '').matchAll(/^ {2}(\S+)/gm)].map((match) => match[1]);
    expect(commands).toEqual(expect.arrayContaining(['validate', 'plan', 'schema', 'check', 'runbook', 'diff', 'verify-data', 'report']));
    expect(validate).toMatchObject({ code: 0, stdout: expect.stringContaining('valid (3 databases, 2 buckets)') });
    expect(plan.code).toBe(0);
    expect(JSON.parse(schema.stdout).title).toMatch(/Lifeboat backup requirements/);
    expect(check).toMatchObject({ code: 0, stdout: expect.stringContaining('0 finding(s)') });
    // One changed row: exit 1 and the key named, after both drivers' dynamic imports resolved.
    expect(diff.stderr).toBe('');
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(/public\.orders/);
    expect(verify.stderr).toBe('');
    expect(verify).toMatchObject({ code: 0, stdout: expect.stringMatching(/3 passed, 0 failed/) });

    fs.mkdirSync(path.join(work, 'evidence'), { recursive: true });
    const [runbook, report] = await Promise.all([
      lifeboat(bin, ['runbook', 'backup_plan.json', '-o', 'runbooks'], work),
      lifeboat(bin, ['report', 'backup_plan.json', '--records', 'evidence', '--since', '30d', '--now', '2026-12-01T00:00:00Z'], work),
    ]);
    expect(runbook.code).toBe(0);
    expect(fs.existsSync(path.join(work, 'runbooks', 'orders.md'))).toBe(true);
    // No evidence recorded: every store fails its verdict, exit 1.
    expect(report).toMatchObject({ code: 1, stdout: expect.stringContaining('| orders | postgres | FAIL: no verification run since 2026-11-01 00:00Z |') });
  }, 300_000);

  it('ignores a stale build: the source it runs is the code being edited', async () => {
    // A checkout whose dist/ holds an old CLI: the same bin, source and dependencies, linked.
    const checkout = path.join(work, 'checkout');
    fs.mkdirSync(path.join(checkout, 'bin'), { recursive: true });
    fs.copyFileSync(bin, path.join(checkout, 'bin', 'lifeboat.js'));
    for (const dir of ['src', 'node_modules', 'lambda', 'constructs']) fs.symlinkSync(path.join(root, dir), path.join(checkout, dir));
    fs.mkdirSync(path.join(checkout, 'dist', 'src', 'cli'), { recursive: true });
    fs.writeFileSync(
      path.join(checkout, 'dist', 'src', 'cli', 'main.js'),
      "exports.main = async () => { process.stdout.write('stale build\\n'); return 3; };\n",
    );
    const validate = await lifeboat(path.join(checkout, 'bin', 'lifeboat.js'), ['validate', 'spec.json'], work);
    expect(validate).toMatchObject({ code: 0, stdout: expect.stringContaining('valid (3 databases, 2 buckets)') });

    // Without src/ (an installed package), the compiled CLI is what runs.
    fs.unlinkSync(path.join(checkout, 'src'));
    const installed = await lifeboat(path.join(checkout, 'bin', 'lifeboat.js'), ['validate', 'spec.json'], work);
    expect(installed).toMatchObject({ code: 3, stdout: 'stale build\n' });
  }, 120_000);
});
