/**
 * `npm run test:consumer`: Lifeboat as its users get it. From the packed tarball, in a fresh project outside this
 * repository that installs the tarball and the peer dependencies only (older `constructs` and `@cdktf/provider-aws`
 * than this repository's, inside the peer ranges; no tsx, no esbuild), it
 *   1. checks the tarball holds only the compiled library, the prebuilt handler zips, schema.json, README and LICENSE;
 *   2. type-checks a TypeScript app (test/consumer/project) and every ts sample of the README against the shipped
 *      .d.ts with tsc, under CommonJS/node10 resolution (cdktf's template) and node16 (the exports map);
 *   3. on the system Node.js and on Node.js 22 (Lambda's nodejs22.x): runs the app with plain `node` (DisasterRecovery
 *      from a requirements file with other regions and engines than the example; ReplicatedBucket and
 *      ProtectedDatabase beside resources of the app's own), `lifeboat check` on the result, every README sample, and
 *      validate, plan, schema, runbook, diff, verify-data and report through the installed bin (diff and verify-data
 *      against a real PostgreSQL); both runtimes must synthesize the same bytes;
 *   4. runs each shipped handler zip on Node.js 22 with the configuration the synth gave its function, its AWS calls
 *      answered by a local endpoint that records them.
 * LIFEBOAT_CONSUMER_KEEP=1 keeps the temporary directory for inspection; LIFEBOAT_CONSUMER_REUSE=<that directory>
 * reruns steps 3 and 4 in it without packing and installing again (while iterating on them; CI never sets it).
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { bundleHandler, handlerEntry } from '../../scripts/bundle';
import { HANDLER_NAMES } from '../../constructs/private/handler-code';
import { node22 } from '../../scripts/node22';
import globalSetup from '../support/db-global-setup';
import globalTeardown from '../support/db-global-teardown';
import { TEST_DB_ENV } from '../support/db-env';
import { readZip } from '../support/zip';

const root = path.resolve(__dirname, '..', '..');
const project = path.join(__dirname, 'project');
const repoPackage = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
/** Peer versions the consumer pins: the lower ends of the peer ranges, where this repository tests the upper ends. */
const CONSUMER_PEERS = { cdktf: '0.21.0', constructs: '10.4.2', '@cdktf/provider-aws': '21.0.0' };

type Json = Record<string, any>;
interface Runtime {
  name: string;
  node: string;
}

const started = Date.now();
function step(message: string): void {
  process.stdout.write(`[consumer ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
}

interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a command; fails with its output unless it exits with `expect`. */
function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; expect?: number }): RunResult {
  const result = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  const outcome = { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  const expected = options.expect ?? 0;
  if (outcome.status !== expected) {
    throw new Error(
      `${[command, ...args].join(' ')} (in ${options.cwd}) exited ${outcome.status}, expected ${expected}\n--- stdout\n${outcome.stdout}\n--- stderr\n${outcome.stderr}`,
    );
  }
  return outcome;
}

/** The environment in which `node` (and the bin's `#!/usr/bin/env node`) is the given runtime. */
function runtimeEnv(runtime: Runtime, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${path.dirname(runtime.node)}:${process.env.PATH ?? ''}`, ...extra };
}

function sha256Base64(data: Buffer): string {
  return crypto.createHash('sha256').update(data).digest('base64');
}

function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);
}

/** 1. The tarball, and what it may hold. */
function pack(work: string): string {
  step('npm pack (prepack builds the package)');
  const { stdout } = run('npm', ['pack', '--json', '--pack-destination', work], { cwd: root });
  const [info] = JSON.parse(stdout.slice(stdout.indexOf('[')));
  const files: string[] = info.files.map((file: { path: string }) => file.path).sort();
  const allowed = /^(LICENSE|README\.md|package\.json|schema\.json|bin\/lifeboat\.js|dist\/handlers\/[a-z-]+\.zip|dist\/(src|constructs|lambda)\/[\w/.-]+(\.d\.ts|\.js))$/;
  const unexpected = files.filter((file) => !allowed.test(file));
  assert.deepEqual(unexpected, [], `the tarball holds files users do not need: ${unexpected.join(', ')}`);
  for (const required of ['LICENSE', 'README.md', 'schema.json', 'bin/lifeboat.js', 'dist/src/index.d.ts', 'dist/constructs/index.d.ts', ...HANDLER_NAMES.map((name) => `dist/handlers/${name}.zip`)]) {
    assert.ok(files.includes(required), `the tarball lacks ${required}`);
  }
  step(`tarball ${info.filename}: ${files.length} files, ${Math.round(info.size / 1024)} KiB`);
  return path.join(work, info.filename);
}

/** Every installed copy of a package under node_modules (nested ones included). */
function installedCopies(nodeModules: string, name: string): string[] {
  const copies: string[] = [];
  const visit = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir)) {
      if (entry.startsWith('.')) continue;
      const full = path.join(dir, entry);
      if (entry.startsWith('@')) {
        for (const scoped of fs.readdirSync(full)) visitPackage(path.join(full, scoped), `${entry}/${scoped}`);
      } else {
        visitPackage(full, entry);
      }
    }
  };
  const visitPackage = (dir: string, packageName: string): void => {
    if (packageName === name) copies.push(dir);
    visit(path.join(dir, 'node_modules'));
  };
  visit(nodeModules);
  return copies;
}

/** 2. The consumer project: install, then type-check. */
function install(app: string, tarball: string): void {
  fs.mkdirSync(path.join(app, 'readme'), { recursive: true });
  for (const file of fs.readdirSync(project)) fs.copyFileSync(path.join(project, file), path.join(app, file));
  tsBlocks(fs.readFileSync(path.join(root, 'README.md'), 'utf8')).forEach((block, index) => {
    fs.writeFileSync(path.join(app, 'readme', `sample-${index + 1}.ts`), block);
  });
  fs.writeFileSync(
    path.join(app, 'package.json'),
    `${JSON.stringify(
      {
        name: 'lifeboat-consumer',
        version: '1.0.0',
        private: true,
        license: 'UNLICENSED',
        dependencies: { lifeboat: `file:${tarball}`, ...CONSUMER_PEERS },
        // The app's own tools, at the versions this repository uses.
        devDependencies: { typescript: repoPackage.devDependencies.typescript, '@types/node': repoPackage.devDependencies['@types/node'] },
      },
      null,
      2,
    )}\n`,
  );
  step(`npm install lifeboat (tarball) + ${Object.entries(CONSUMER_PEERS).map(([name, version]) => `${name}@${version}`).join(' ')}`);
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app });
  const nodeModules = path.join(app, 'node_modules');
  for (const [name, version] of Object.entries(CONSUMER_PEERS)) {
    const copies = installedCopies(nodeModules, name);
    assert.deepEqual(copies, [path.join(nodeModules, name)], `one copy of ${name} expected (the app's), found ${copies.join(', ')}`);
    assert.equal(JSON.parse(fs.readFileSync(path.join(copies[0], 'package.json'), 'utf8')).version, version);
  }
  for (const devOnly of ['tsx', 'esbuild', '@swc/core', 'jest']) {
    assert.deepEqual(installedCopies(nodeModules, devOnly), [], `${devOnly} must not be installed with lifeboat`);
  }
  const shippedTypeScript = execFileSync('find', [path.join(nodeModules, 'lifeboat'), '-name', '*.ts', '!', '-name', '*.d.ts'], { encoding: 'utf8' }).trim();
  assert.equal(shippedTypeScript, '', `TypeScript sources shipped: ${shippedTypeScript}`);

  const tsc = path.join(nodeModules, 'typescript', 'bin', 'tsc');
  step('tsc (CommonJS, node10 resolution, as cdktf init): the app, the type checks and the README samples; emits out/');
  run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app });
  step('tsc (node16 resolution, through the exports map)');
  run(process.execPath, [tsc, '-p', 'tsconfig.node16.json'], { cwd: app });
}

/**
 * 2b. The entry points as the build bundles them (scripts/entry-bundles.ts): src/ once, in internal.js, read by both
 * `lifeboat` and `lifeboat/constructs` (so a class either exports is one class), and three files loaded in all.
 */
function checkEntryBundles(app: string, runtime: Runtime): void {
  const dist = path.join(app, 'node_modules', 'lifeboat', 'dist');
  const modulesIn = (file: string) => [...fs.readFileSync(path.join(dist, file), 'utf8').matchAll(/^\/\/ ((?:src|constructs|lambda|node_modules)\/\S+)$/gm)].map((m) => m[1]);
  const internal = modulesIn('src/internal.js');
  const constructs = modulesIn('constructs/index.js');
  assert.ok(internal.includes('src/spec/errors.ts') && internal.includes('src/plan/planner.ts'), 'internal.js lacks src/');
  assert.deepEqual(internal.filter((m) => !m.startsWith('src/') && !m.startsWith('node_modules/zod/')), [], 'internal.js holds more than src/ and zod');
  assert.ok(!internal.some((m) => m.startsWith('node_modules/zod/v4/locales/') && !m.endsWith('/en.js')), 'internal.js holds zod locales besides en');
  assert.ok(constructs.includes('constructs/disaster-recovery.ts'), 'the constructs bundle lacks the constructs');
  assert.deepEqual(constructs.filter((m) => m.startsWith('src/') || m.startsWith('node_modules/')), [], 'the constructs bundle holds a second copy of src/ or a package');
  const loaded = run(
    'node',
    ['-e', "require('lifeboat'); require('lifeboat/constructs'); console.log(JSON.stringify(Object.keys(require.cache).filter((f) => f.includes('/node_modules/lifeboat/')).map((f) => f.slice(f.indexOf('/node_modules/lifeboat/') + 23)).sort()))"],
    { cwd: app, env: runtimeEnv(runtime) },
  );
  assert.deepEqual(JSON.parse(loaded.stdout), ['dist/constructs/index.js', 'dist/src/index.js', 'dist/src/internal.js']);
}

interface Synth {
  tickets: Json;
  storage: Json;
  bytes: string;
}

/** 3a. The app with plain node, then `lifeboat check` on what it wrote. */
function synthesize(app: string, runtime: Runtime, dir: string): Synth {
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(app, 'requirements.json'), path.join(dir, 'requirements.json'));
  run('node', [path.join(app, 'out', 'stack.js')], { cwd: dir, env: runtimeEnv(runtime) });
  const read = (stack: string) => fs.readFileSync(path.join(dir, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), 'utf8');
  const tickets = JSON.parse(read('tickets'));
  const storage = JSON.parse(read('tickets-storage'));
  run(path.join(app, 'node_modules', '.bin', 'lifeboat'), ['check', 'cdktf.out'], { cwd: dir, env: runtimeEnv(runtime) });
  run('node', [path.join(app, 'out', 'types.js')], { cwd: dir, env: runtimeEnv(runtime) });
  return { tickets, storage, bytes: read('tickets') + read('tickets-storage') };
}

function resources(doc: Json, type: string): Json[] {
  return Object.values(doc.resource?.[type] ?? {});
}

/** What the synth must contain: the requirements' stores in their regions, the app's own resources, shipped code. */
function checkSynth(app: string, dir: string, synth: Synth): void {
  const engines = resources(synth.tickets, 'aws_db_instance').map((db) => `${db.engine}@${db.region}`).sort();
  assert.ok(engines.includes('postgres@us-east-2') && engines.includes('mariadb@us-east-2'), `RDS instances: ${engines.join(', ')}`);
  const clusters = resources(synth.tickets, 'aws_rds_cluster').map((cluster) => `${cluster.engine}@${cluster.region}`);
  assert.deepEqual(clusters, ['aurora-mysql@us-east-2']);
  assert.ok(resources(synth.tickets, 'aws_s3_bucket').some((bucket) => bucket.region === 'us-west-2'), 'no replica bucket in us-west-2');
  assert.equal(resources(synth.tickets, 'aws_sns_topic').filter((topic) => topic.name === 'tickets-app-events').length, 1);

  const refunds = resources(synth.storage, 'aws_db_instance');
  assert.equal(refunds.length, 1);
  assert.deepEqual(refunds[0].vpc_security_group_ids, ['${aws_security_group.database-access.id}']);
  assert.deepEqual(
    resources(synth.storage, 'aws_s3_bucket_object_lock_configuration').map((lock) => lock.rule.default_retention.mode),
    ['COMPLIANCE', 'COMPLIANCE'],
  );

  // Every function deploys a zip shipped in the package, byte for byte, and the same bytes as bundling from source.
  const functions = resources(synth.tickets, 'aws_lambda_function');
  assert.ok(functions.length >= 3, `expected the verification, probe and replication functions, got ${functions.length}`);
  for (const fn of functions) {
    const name = path.basename(fn.filename, '.zip') as (typeof HANDLER_NAMES)[number];
    assert.ok(HANDLER_NAMES.includes(name), `unexpected function code ${fn.filename}`);
    const shipped = fs.readFileSync(path.join(app, 'node_modules', 'lifeboat', 'dist', 'handlers', `${name}.zip`));
    const deployed = fs.readFileSync(path.join(dir, 'cdktf.out', 'stacks', 'tickets', fn.filename));
    assert.ok(deployed.equals(shipped), `${fn.function_name} deploys other bytes than the shipped ${name}.zip`);
    assert.equal(fn.source_code_hash, sha256Base64(shipped));
    assert.equal(fn.source_code_hash, bundleHandler({ entry: handlerEntry(name), name }).sourceCodeHash, `${name}: the shipped zip differs from a bundle of this checkout's source`);
  }
}

/** 3b. Every README sample, compiled above, run with plain node in a directory of its own. */
function runReadmeSamples(app: string, runtime: Runtime, dir: string): number {
  const samples = fs.readdirSync(path.join(app, 'out', 'readme')).filter((file) => file.endsWith('.js'));
  for (const sample of samples) {
    const cwd = path.join(dir, sample.replace(/\.js$/, ''));
    fs.mkdirSync(cwd, { recursive: true });
    fs.copyFileSync(path.join(root, 'examples', 'backup_requirements.json'), path.join(cwd, 'backup_requirements.json'));
    run('node', [path.join(app, 'out', 'readme', sample)], { cwd, env: runtimeEnv(runtime) });
  }
  return samples.length;
}

interface Databases {
  source: string;
  target: string;
  admin: (url: string, sql: string) => Promise<void>;
}

async function createDatabases(): Promise<Databases> {
  const adminUrl = new URL(process.env[TEST_DB_ENV.postgresUrl] as string);
  const ca = process.env[TEST_DB_ENV.postgresCa] as string;
  const query = async (url: string, sql: string) => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const urls: string[] = [];
  const databaseUrl = (name: string) => {
    const url = new URL(adminUrl.toString());
    url.pathname = `/${name}`;
    return url;
  };
  await query(adminUrl.toString(), 'CREATE DATABASE tickets_source');
  const source = databaseUrl('tickets_source').toString();
  await query(source, 'CREATE TABLE public.seats (id integer PRIMARY KEY, label text NOT NULL, booked_at timestamptz NOT NULL)');
  await query(source, "INSERT INTO public.seats SELECT g, 'seat ' || g, now() - g * interval '1 minute' FROM generate_series(1, 500) g");
  // The target starts as an exact copy (a restore would be one).
  await query(adminUrl.toString(), 'CREATE DATABASE tickets_target TEMPLATE tickets_source');
  for (const name of ['tickets_source', 'tickets_target']) {
    // The CLI connects as a user would: TLS verified against the server's certificate.
    const url = databaseUrl(name);
    url.searchParams.set('sslmode', 'verify-full');
    url.searchParams.set('sslrootcert', ca);
    urls.push(url.toString());
  }
  return { source: urls[0], target: urls[1], admin: query };
}

/** 3c. Every command through the installed bin. */
async function runCli(app: string, runtime: Runtime, dir: string, databases: Databases): Promise<void> {
  const lifeboat = path.join(app, 'node_modules', '.bin', 'lifeboat');
  const cli = (args: string[], expect = 0) => run(lifeboat, args, { cwd: dir, env: runtimeEnv(runtime), expect });
  // Every command the CLI lists (commands added later included) answers --help from the installed package.
  const commands = [...(/Commands:\n([\s\S]*?)\n\n/.exec(cli(['--help']).stdout)?.[1] ?? '').matchAll(/^ {2}(\S+)/gm)].map((match) => match[1]);
  assert.ok(commands.length >= 9, `lifeboat --help lists ${commands.join(', ')}`);
  for (const command of commands) assert.match(cli([command, '--help']).stdout, new RegExp(`Usage: lifeboat ${command}\\b`));
  assert.match(cli(['validate', 'requirements.json']).stdout, /valid \(3 databases, 1 bucket/);
  const spec = JSON.parse(fs.readFileSync(path.join(dir, 'requirements.json'), 'utf8'));
  fs.writeFileSync(path.join(dir, 'invalid.json'), JSON.stringify({ ...spec, version: 2 }));
  assert.match(cli(['validate', 'invalid.json'], 2).stderr + cli(['validate', 'invalid.json'], 2).stdout, /version: must be 1/);
  cli(['plan', 'requirements.json', '-o', 'backup_plan.json']);
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'backup_plan.json'), 'utf8')).name, 'tickets');
  fs.writeFileSync(path.join(dir, 'unmeetable.json'), JSON.stringify({ ...spec, buckets: [{ ...spec.buckets[0], rpo: '5m' }] }));
  assert.match(cli(['plan', 'unmeetable.json'], 1).stdout, /LB-S3-RPO-BELOW-RTC/);
  const schema = JSON.parse(cli(['schema']).stdout);
  assert.deepEqual(schema, JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'lifeboat', 'schema.json'), 'utf8')), 'schema.json differs from lifeboat schema');
  cli(['runbook', 'backup_plan.json', '-o', 'runbooks']);
  for (const file of ['README.md', 'seats.md', 'sessions.md', 'payments.md', 'receipts.md']) {
    assert.ok(fs.existsSync(path.join(dir, 'runbooks', file)), `runbooks/${file} missing`);
  }
  assert.match(cli(['verify-data', '--url', databases.source, '--spec', 'requirements.json', '--database', 'seats']).stdout, /3 passed, 0 failed/);
  cli(['diff', '--source', databases.source, '--target', databases.target]);
  await databases.admin(databases.target.split('?')[0], "UPDATE public.seats SET label = 'moved' WHERE id = 42");
  assert.match(cli(['diff', '--source', databases.source, '--target', databases.target], 1).stdout, /42/);
  await databases.admin(databases.target.split('?')[0], "UPDATE public.seats SET label = 'seat 42' WHERE id = 42");
  // No evidence yet (nothing deployed): every verified store fails its verdict (payments has no verification), exit 1.
  fs.mkdirSync(path.join(dir, 'evidence'), { recursive: true });
  const report = JSON.parse(cli(['report', 'backup_plan.json', '--records', 'evidence', '--since', '30d', '--now', '2026-12-01T00:00:00Z', '--format', 'json'], 1).stdout);
  assert.deepEqual(report.stores.map((store: Json) => `${store.id}: ${store.verdict.status}`), ['payments: unverified', 'receipts: fail', 'seats: fail', 'sessions: fail']);
}

/** Values Terraform would fill in at apply time, for the references a function's environment holds. */
function applyTimeValues(value: string): string {
  return value
    .replace(/\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}/g, '111122223333')
    .replace(/\$\{data\.aws_partition\.[\w-]+\.partition\}/g, 'aws')
    .replace(/\$\{aws_security_group\.[\w-]+\.id\}/g, 'sg-0123456789abcdef9');
}

interface Recorded {
  target: string;
  host: string;
}

/** 4. A shipped zip on Node.js 22 with its synthesized configuration; AWS answered by a recording endpoint. */
async function runShippedHandlers(app: string, synth: Synth, dir: string, node22Path: string): Promise<string[]> {
  const requests: Recorded[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const target = (request.headers['x-amz-target'] as string | undefined) ?? /Action=([A-Za-z]+)/.exec(body)?.[1] ?? `${request.method} ${request.url}`;
      requests.push({ target, host: request.headers.host ?? '' });
      response.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' });
      response.end(JSON.stringify({ __type: 'AccessDeniedException', message: 'recorded by the consumer test' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const summaries: string[] = [];
  try {
    const targets = resources(synth.tickets, 'aws_cloudwatch_event_target');
    const seen = new Set<string>();
    for (const fn of resources(synth.tickets, 'aws_lambda_function')) {
      const name = path.basename(fn.filename, '.zip');
      if (seen.has(name)) continue;
      seen.add(name);
      const code = path.join(dir, name);
      fs.mkdirSync(code, { recursive: true });
      const [entry] = readZip(fs.readFileSync(path.join(app, 'node_modules', 'lifeboat', 'dist', 'handlers', `${name}.zip`)));
      fs.writeFileSync(path.join(code, entry.name), entry.data);
      // The event a schedule sends this function (a verification's start when it has one), else an empty one.
      const key = Object.entries(synth.tickets.resource.aws_lambda_function).find(([, value]) => value === fn)?.[0];
      const inputs = targets.filter((t) => t.arn === `\${aws_lambda_function.${key}.arn}` && t.input).map((t) => t.input as string);
      const event = inputs.find((input) => input.includes('"start"')) ?? inputs[0] ?? '{}';
      const before = requests.length;
      const script = `require('./index.js').handler(${event}, { getRemainingTimeInMillis: () => 60000, awsRequestId: 'consumer-test' })
  .then((r) => { process.stdout.write('\\nRESULT resolved ' + JSON.stringify(r).slice(0, 200)); }, (e) => { process.stdout.write('\\nRESULT rejected ' + String(e && e.message).slice(0, 200)); });`;
      const environment = Object.fromEntries(Object.entries((fn.environment?.variables ?? {}) as Record<string, string>).map(([key, value]) => [key, applyTimeValues(value)]));
      assert.doesNotMatch(JSON.stringify(environment), /\$\{/, `${name}: a Terraform reference the test does not fill in`);
      const outcome = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(node22Path, ['-e', script], {
          cwd: code,
          env: {
            PATH: process.env.PATH ?? '',
            ...environment,
            AWS_REGION: fn.region,
            AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
            AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
            AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
            AWS_MAX_ATTEMPTS: '1',
            AWS_LAMBDA_FUNCTION_NAME: fn.function_name,
          },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk) => (stdout += chunk));
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
      const calls = requests.slice(before).map((r) => r.target);
      assert.equal(outcome.status, 0, `${name} crashed on Node.js 22:\n${outcome.stdout}\n${outcome.stderr}`);
      const result = /^RESULT (resolved|rejected) /m.exec(outcome.stdout);
      assert.ok(result, `${name} did not settle:\n${outcome.stdout}\n${outcome.stderr}`);
      assert.ok(calls.length > 0, `${name} made no AWS call on Node.js 22:\n${outcome.stdout}\n${outcome.stderr}`);
      summaries.push(`${name}: ${result[1]} after ${calls.length} AWS calls (${[...new Set(calls)].slice(0, 4).join(', ')})`);
    }
  } finally {
    server.close();
  }
  return summaries;
}

async function main(): Promise<void> {
  const node22Path = node22();
  const runtimes: Runtime[] = [
    { name: `Node.js ${process.version}`, node: process.execPath },
    { name: `Node.js ${execFileSync(node22Path, ['--version'], { encoding: 'utf8' }).trim()}`, node: node22Path },
  ];
  const reuse = process.env.LIFEBOAT_CONSUMER_REUSE;
  const work = reuse ?? fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-consumer-'));
  fs.chmodSync(work, 0o755);
  const app = path.join(work, 'app');
  let databasesStarted = false;
  try {
    if (reuse) {
      for (const dir of fs.readdirSync(work).filter((name) => /^(run-\d+|handlers)$/.test(name))) fs.rmSync(path.join(work, dir), { recursive: true });
    } else {
      install(app, pack(work));
    }
    step('starting the test PostgreSQL');
    await globalSetup();
    databasesStarted = true;
    const databases = await createDatabases();
    let reference: Synth | undefined;
    for (const [index, runtime] of runtimes.entries()) {
      const dir = path.join(work, `run-${index + 1}`);
      step(`${runtime.name}: the entry bundles (src/ once, three files loaded)`);
      checkEntryBundles(app, runtime);
      step(`${runtime.name}: synth with plain node, lifeboat check`);
      const synth = synthesize(app, runtime, dir);
      checkSynth(app, dir, synth);
      if (reference) assert.equal(synth.bytes, reference.bytes, `${runtime.name} synthesizes other bytes than ${runtimes[0].name}`);
      reference ??= synth;
      step(`${runtime.name}: README samples`);
      const samples = runReadmeSamples(app, runtime, path.join(dir, 'readme'));
      step(`${runtime.name}: ${samples} README samples ran; CLI validate, plan, schema, runbook, verify-data, diff, report through the installed bin`);
      await runCli(app, runtime, dir, databases);
    }
    step('shipped handler zips on Node.js 22 with their synthesized configuration');
    for (const line of await runShippedHandlers(app, reference as Synth, path.join(work, 'handlers'), node22Path)) step(`  ${line}`);
    step('passed');
  } finally {
    if (databasesStarted) await globalTeardown();
    if (process.env.LIFEBOAT_CONSUMER_KEEP || reuse) step(`kept ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`consumer test FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
