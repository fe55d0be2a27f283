/**
 * Synth cost of the full example and of a 200-store spec: Lifeboat (plan + DisasterRecovery, as `npm run synth`)
 * against a baseline that writes the same resources directly with provider classes, alternating in fresh processes.
 */
import { execFileSync } from 'node:child_process';
import { buildSync } from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const ROUNDS = 5;
/**
 * The worker compiled once with esbuild (Lifeboat's own TypeScript in one file, every package left in node_modules),
 * so neither side pays for transpiling at run time, as with a published package. It lives in bench/ so that
 * `__dirname`-relative paths (the Lambda handlers) resolve as in the repository.
 */
const WORKER = path.join(__dirname, '.synth-worker.cjs');
buildSync({
  entryPoints: [path.join(__dirname, 'synth-worker.ts')],
  outfile: WORKER,
  bundle: true,
  packages: 'external',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'silent',
});
/** bundleHandler's cross-process build cache (constructs/lambda-bundle.ts); cleared for the first-synth column. */
const BUILD_CACHE = path.join(os.tmpdir(), 'lifeboat-bundles', 'builds');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-bench-synth-'));

interface Sample {
  ms: number;
  maxRssMiB: number;
  resources: number;
}

function run(mode: 'lifeboat' | 'baseline', input: string, outdir: string): Sample {
  fs.rmSync(outdir, { recursive: true, force: true });
  const output = execFileSync(process.execPath, [WORKER, mode, input, outdir], {
    cwd: root,
    encoding: 'utf8',
  });
  return JSON.parse(output.trim().split('\n').pop() as string) as Sample;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** 200 stores: the example's three databases and two buckets repeated under new ids (40 of each). */
function largeSpec(): string {
  const example = JSON.parse(fs.readFileSync(path.join(root, 'examples', 'backup_requirements.json'), 'utf8'));
  const databases: unknown[] = [];
  const buckets: unknown[] = [];
  for (let i = 0; i < 40; i += 1) {
    for (const db of example.databases) databases.push({ ...db, id: `${db.id}-${String(i).padStart(2, '0')}` });
    for (const bucket of example.buckets) buckets.push({ ...bucket, id: `${bucket.id}-${String(i).padStart(2, '0')}` });
  }
  const file = path.join(work, 'requirements-200.json');
  fs.writeFileSync(file, JSON.stringify({ ...example, databases, buckets }, null, 2));
  return file;
}

const cases = [
  { name: 'example (5 stores)', spec: path.join(root, 'examples', 'backup_requirements.json') },
  { name: '200 stores', spec: largeSpec() },
];

const rows: string[] = [];
for (const testCase of cases) {
  const lifeboatOut = path.join(work, 'lifeboat');
  const baselineOut = path.join(work, 'baseline');
  const cold: Sample[] = [];
  const lifeboat: Sample[] = [];
  const baseline: Sample[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    process.stderr.write(`synth ${testCase.name}: round ${round + 1}/${ROUNDS}\n`);
    fs.rmSync(BUILD_CACHE, { recursive: true, force: true });
    cold.push(run('lifeboat', testCase.spec, lifeboatOut));
    lifeboat.push(run('lifeboat', testCase.spec, lifeboatOut));
    const stackDir = fs.readdirSync(path.join(lifeboatOut, 'stacks'))[0];
    const tfJson = path.join(work, 'baseline-input.tf.json');
    fs.copyFileSync(path.join(lifeboatOut, 'stacks', stackDir, 'cdk.tf.json'), tfJson);
    baseline.push(run('baseline', tfJson, baselineOut));
  }
  const cMs = median(cold.map((s) => s.ms));
  const lMs = median(lifeboat.map((s) => s.ms));
  const bMs = median(baseline.map((s) => s.ms));
  const lRss = median(lifeboat.map((s) => s.maxRssMiB));
  const bRss = median(baseline.map((s) => s.maxRssMiB));
  rows.push(
    `| ${testCase.name} | ${lifeboat[0].resources} | ${cMs} (${(cMs / bMs).toFixed(2)}x) | ${lMs} | ${bMs} | ${(lMs / bMs).toFixed(2)}x | ${lRss} | ${bRss} | ${(lRss / bRss).toFixed(2)}x |`,
  );
}
fs.rmSync(work, { recursive: true, force: true });
fs.rmSync(WORKER, { force: true });

process.stdout.write(
  [
    '## Synth: DisasterRecovery vs the same resources written with provider classes',
    '',
    `Each row: ${ROUNDS} rounds alternating a fresh \`node\` process that plans the spec and synthesizes it with`,
    'DisasterRecovery (as `npm run synth`) and a fresh process that builds the identical resources (read back from that',
    "synth's cdk.tf.json) directly with `@cdktf/provider-aws` classes, deep-path imports in both; one worker, compiled",
    'ahead of time with esbuild (packages stay in node_modules), runs both sides. Time is from process start',
    'to synth written (includes node start-up, module loading, planning, bundling of the Lambda handlers, and',
    'writing cdktf.out); peak memory is the process maxRSS. Medians. Goal: within 1.2x of the baseline; 200 stores < 10 s.',
    '"first synth" clears the Lambda bundle cache before the run (esbuild bundles the three handlers, about 1.2 s here);',
    '"Lifeboat ms" is every later synth, which reuses the bundles while none of their input files changed.',
    '',
    '| spec | resources | first synth ms (vs baseline) | Lifeboat ms | baseline ms | time ratio | Lifeboat MiB | baseline MiB | memory ratio |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n') + '\n',
);
