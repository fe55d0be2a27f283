/**
 * `lifeboat plan` on generated specs of 10, 1,000 and 10,000 stores: in-process phases (parse + validate, plan,
 * serialize) and the whole command in a fresh process, as CI runs it. With LIFEBOAT_BENCH_BASELINE set to another
 * checkout of Lifeboat (e.g. `git worktree add <dir> <commit>`, its node_modules linked), that checkout is measured
 * in the same run, its rounds interleaved with this one's, so the ratio is side by side on the same machine load.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { planBackups } from '../src/plan/planner';
import { serializePlan } from '../src/plan/serialize';
import { parseRequirements } from '../src/spec/requirements';

const root = path.resolve(__dirname, '..');

/** The phases of one checkout, and how its rows are labelled. */
interface Side {
  label: string;
  root: string;
  parse: (text: string) => unknown;
  plan: (requirements: unknown) => unknown;
  serialize: (plan: unknown) => string;
}

const sides: Side[] = [
  {
    label: 'this commit',
    root,
    parse: (text) => parseRequirements(JSON.parse(text)),
    plan: (requirements) => planBackups(requirements as Parameters<typeof planBackups>[0]),
    serialize: (plan) => serializePlan(plan as Parameters<typeof serializePlan>[0]),
  },
];
/** What the baselines this bench has been run against are, by commit, for the notes under the table. */
const KNOWN_BASELINES: Record<string, string> = {
  fe147b3: 'the planner before its split into deciders (8e83761)',
  '74a6ce7': 'the planner before names and alarms were added to the plan',
};
const baselineRoot = process.env.LIFEBOAT_BENCH_BASELINE;
if (baselineRoot) {
  const commit = execFileSync('git', ['-C', baselineRoot, 'log', '-1', '--format=%h (%cs)'], { encoding: 'utf8' }).trim();
  /* eslint-disable @typescript-eslint/no-require-imports -- another checkout's modules, loaded by path */
  const baseline = {
    planner: require(path.join(baselineRoot, 'src', 'plan', 'planner')),
    serialize: require(path.join(baselineRoot, 'src', 'plan', 'serialize')),
    requirements: require(path.join(baselineRoot, 'src', 'spec', 'requirements')),
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  sides.push({
    label: `baseline ${commit}`,
    root: baselineRoot,
    parse: (text) => baseline.requirements.parseRequirements(JSON.parse(text)),
    plan: (requirements) => baseline.planner.planBackups(requirements),
    serialize: (plan) => baseline.serialize.serializePlan(plan),
  });
}
const example = JSON.parse(fs.readFileSync(path.join(root, 'examples', 'backup_requirements.json'), 'utf8'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-bench-plan-'));

/** `count` stores cycling through the example's three databases and two buckets, with unique ids. */
function generate(count: number): unknown {
  const templates = [...example.databases.map((d: object) => ['db', d]), ...example.buckets.map((b: object) => ['bucket', b])];
  const databases: unknown[] = [];
  const buckets: unknown[] = [];
  for (let i = 0; i < count; i += 1) {
    const [kind, template] = templates[i % templates.length] as [string, { id: string }];
    const store = { ...template, id: `${template.id.replace(/-/g, '').slice(0, 8)}-${i}` };
    (kind === 'db' ? databases : buckets).push(store);
  }
  return { ...example, databases, buckets };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const result = fn();
  return [result, performance.now() - start];
}

interface Samples {
  parse: number[];
  plan: number[];
  serialize: number[];
  cli: number[];
  bytes: number;
  /** SHA-256 of the serialized plan, to tell whether the sides plan the same bytes. */
  digest: string;
}

/** One round of the three phases of `side`, timed. */
function round(side: Side, text: string, samples: Samples, keep: boolean): void {
  const [requirements, tParse] = time(() => side.parse(text));
  const [planned, tPlan] = time(() => side.plan(requirements));
  const [json, tSerialize] = time(() => side.serialize(planned));
  samples.bytes = json.length;
  if (!keep) {
    samples.digest = createHash('sha256').update(json).digest('hex');
    return; // the first round warms the JIT; the process column shows a cold start
  }
  samples.parse.push(tParse);
  samples.plan.push(tPlan);
  samples.serialize.push(tSerialize);
}

function cliRun(side: Side, specFile: string): number {
  const start = performance.now();
  execFileSync(process.execPath, [path.join(side.root, 'bin', 'lifeboat.js'), 'plan', specFile, '--format', 'json', '-o', path.join(work, 'plan.json')], {
    stdio: 'ignore',
  });
  return performance.now() - start;
}

const rows: string[] = [];
/** Per size: whether the baseline planned the same bytes, and each side's median phases. */
const sizes: { count: number; sameBytes: boolean; medians: { parse: number; plan: number; serialize: number }[] }[] = [];
for (const count of [10, 1_000, 10_000]) {
  process.stderr.write(`plan: ${count} stores\n`);
  const text = JSON.stringify(generate(count));
  const samples = sides.map((): Samples => ({ parse: [], plan: [], serialize: [], cli: [], bytes: 0, digest: '' }));
  const rounds = count >= 10_000 ? 5 : 9;
  for (let r = 0; r <= rounds; r += 1) sides.forEach((side, i) => round(side, text, samples[i], r > 0));
  const specFile = path.join(work, `spec-${count}.json`);
  fs.writeFileSync(specFile, text);
  for (let r = 0; r < 3; r += 1) sides.forEach((side, i) => samples[i].cli.push(cliRun(side, specFile)));
  sizes.push({
    count,
    sameBytes: samples.every((s) => s.digest === samples[0].digest),
    medians: samples.map((s) => ({ parse: median(s.parse), plan: median(s.plan), serialize: median(s.serialize) })),
  });
  sides.forEach((side, i) => {
    const s = samples[i];
    const total = median(s.parse) + median(s.plan) + median(s.serialize);
    const label = sides.length > 1 ? ` ${side.label} |` : '';
    rows.push(
      `| ${count.toLocaleString('en-US')} |${label} ${median(s.parse).toFixed(0)} | ${median(s.plan).toFixed(0)} | ${median(s.serialize).toFixed(0)} | ${total.toFixed(0)} | ${median(s.cli).toFixed(0)} | ${(s.bytes / 2 ** 20).toFixed(1)} |`,
    );
  });
}
const empty = (() => {
  const samples: number[] = [];
  for (let round = 0; round < 3; round += 1) {
    const start = performance.now();
    execFileSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
    samples.push(performance.now() - start);
  }
  return median(samples);
})();
fs.rmSync(work, { recursive: true, force: true });

process.stdout.write(
  [
    '## `lifeboat plan`: 10, 1,000 and 10,000 generated stores',
    '',
    "Specs cycle through the example's five stores under new ids. In-process columns: median of warm rounds (after one",
    'JIT warm-up round) of parse + validate (`parseRequirements(JSON.parse(text))`), `planBackups`, `serializePlan`.',
    '`CLI` is the whole `node bin/lifeboat.js plan <spec> --format json -o plan.json` in a fresh process (median of 3;',
    `node start-up, module loading and transpiling included; an empty \`node -e ''\` takes ${empty.toFixed(0)} ms here).`,
    ...(sides.length > 1
      ? ['', `Side by side: \`LIFEBOAT_BENCH_BASELINE\` was a checkout of ${sides[1].label}, measured in the same run, rounds interleaved.`]
      : []),
    '',
    `| stores |${sides.length > 1 ? ' code |' : ''} parse ms | plan ms | serialize ms | in-process total ms | CLI ms | plan MiB |`,
    `|---|${sides.length > 1 ? '---|' : ''}---|---|---|---|---|---|`,
    ...rows,
    '',
    ...notes(),
  ].join('\n') + '\n',
);

/** What the table says, in words: the ratio against the baseline, whether the sides planned the same bytes, the goal. */
function notes(): string[] {
  const largest = sizes[sizes.length - 1];
  const [ours, theirs] = largest.medians;
  const count = largest.count.toLocaleString('en-US');
  const lines = [
    `Goal: ${count} stores planned in under 1 s: ${ours.plan < 1_000 ? 'met' : 'not met'} in this run (\`planBackups\` ${ours.plan.toFixed(0)} ms).`,
  ];
  if (theirs) {
    const hash = sides[1].label.split(' ')[1];
    const what = KNOWN_BASELINES[hash];
    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    const different = sizes.filter((size) => !size.sameBytes).map((size) => size.count.toLocaleString('en-US'));
    lines.push(
      '',
      `The baseline is ${sides[1].label.replace(/^baseline /, '')}${what ? `, ${what}` : ''}; ${different.length === 0 ? 'it planned the same bytes as this commit at every size' : `its plans differ from this commit's at ${different.join(', ')} stores`}.`,
      `At ${count} stores this commit takes ${ratio(ours.plan, theirs.plan)}x the baseline's time to plan, ${ratio(ours.parse, theirs.parse)}x to parse and ${ratio(ours.serialize, theirs.serialize)}x to serialize.`,
      "The CLI column is not comparable between the two: neither checkout has a build, so each side's `bin/lifeboat.js` transpiles its",
      "TypeScript at run time, and the baseline's bin is an older one.",
    );
  }
  lines.push(
    '',
    'For history: before names and alarms were added to the plan, 74a6ce7 (2026-11-25) planned 10,000 stores in 421 ms',
    '(a 92.1 MiB plan, in the run recorded by be09a74, where the planner of that commit took 956 ms).',
  );
  return lines;
}
