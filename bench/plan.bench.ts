/**
 * `lifeboat plan` on generated specs of 10, 1,000 and 10,000 stores: in-process phases (parse + validate, plan,
 * serialize) and the whole command in a fresh process, as CI runs it.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { planBackups } from '../src/plan/planner';
import { serializePlan } from '../src/plan/serialize';
import { parseRequirements } from '../src/spec/requirements';

const root = path.resolve(__dirname, '..');
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

const rows: string[] = [];
for (const count of [10, 1_000, 10_000]) {
  process.stderr.write(`plan: ${count} stores\n`);
  const spec = generate(count);
  const text = JSON.stringify(spec);
  const parse: number[] = [];
  const plan: number[] = [];
  const serialize: number[] = [];
  let bytes = 0;
  const rounds = count >= 10_000 ? 5 : 9;
  for (let round = 0; round <= rounds; round += 1) {
    const [requirements, tParse] = time(() => parseRequirements(JSON.parse(text)));
    const [planned, tPlan] = time(() => planBackups(requirements));
    const [json, tSerialize] = time(() => serializePlan(planned));
    bytes = json.length;
    if (round === 0) continue; // first round warms the JIT; reported separately by the process column
    parse.push(tParse);
    plan.push(tPlan);
    serialize.push(tSerialize);
  }
  const specFile = path.join(work, `spec-${count}.json`);
  fs.writeFileSync(specFile, text);
  const cli: number[] = [];
  for (let round = 0; round < 3; round += 1) {
    const start = performance.now();
    execFileSync(process.execPath, [path.join(root, 'bin', 'lifeboat.js'), 'plan', specFile, '--format', 'json', '-o', path.join(work, 'plan.json')], {
      stdio: 'ignore',
    });
    cli.push(performance.now() - start);
  }
  const total = median(parse) + median(plan) + median(serialize);
  rows.push(
    `| ${count.toLocaleString('en-US')} | ${median(parse).toFixed(0)} | ${median(plan).toFixed(0)} | ${median(serialize).toFixed(0)} | ${total.toFixed(0)} | ${median(cli).toFixed(0)} | ${(bytes / 2 ** 20).toFixed(1)} |`,
  );
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
    'Goal: 10,000 stores planned in under 1 s.',
    '',
    '| stores | parse ms | plan ms | serialize ms | in-process total ms | CLI ms | plan MiB |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n') + '\n',
);
