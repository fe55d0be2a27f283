/**
 * Bundle size and cold init time of each Lambda handler, with the AWS SDK bundled (the default) and left external
 * (resolved from node_modules, as the nodejs22.x runtime provides it). Cold init: fresh `node` processes that
 * require the bundle, against a baseline process requiring an empty module, in the same run and interleaved.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { bundleHandler, handlerEntry, HandlerName } from '../scripts/bundle';

const ROUNDS = 20;
const root = path.resolve(__dirname, '..');
// Inside the project so that an external SDK resolves from node_modules, like the runtime's bundled SDK.
const work = path.join(root, '.lifeboat-tmp', 'bench-lambda-bundles');
const handlers: HandlerName[] = ['verify-restore', 'backup-age-probe', 'verify-replication'];
const variants = [
  { label: 'bundled', external: [] as string[], mainFields: undefined },
  { label: 'bundled, CJS builds', external: [] as string[], mainFields: ['main', 'module'] },
  { label: 'external', external: ['@aws-sdk/*'], mainFields: undefined },
];

interface Case {
  name: string;
  sdk: string;
  file: string;
  codeBytes: number;
  zipBytes: number;
  requireMs: number[];
  processMs: number[];
}

function unzipIndex(zipPath: string): Buffer {
  const zip = fs.readFileSync(zipPath);
  const local = 0;
  const nameLength = zip.readUInt16LE(local + 26);
  const extraLength = zip.readUInt16LE(local + 28);
  const size = zip.readUInt32LE(local + 18);
  const start = local + 30 + nameLength + extraLength;
  return zlib.inflateRawSync(zip.subarray(start, start + size));
}

/** Runs one fresh node process requiring `file`; returns [ms inside require, ms for the whole process]. */
function measure(file: string): [number, number] {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const started = process.hrtime.bigint();
  const inside = execFileSync(process.execPath, ['-e', script], { cwd: work, encoding: 'utf8' });
  return [Number(inside), Number(process.hrtime.bigint() - started) / 1e6];
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

const fmt = (ms: number) => ms.toFixed(1);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const baselineFile = path.join(work, 'empty.js');
fs.writeFileSync(baselineFile, '');

const cases: Case[] = [];
for (const name of handlers) {
  for (const variant of variants) {
    process.stderr.write(`bundling ${name} (${variant.label} SDK)\n`);
    const bundle = bundleHandler({ entry: handlerEntry(name), external: variant.external, mainFields: variant.mainFields });
    const dir = path.join(work, `${name}-${variant.label.replace(/\W+/g, '-')}`);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'index.js');
    fs.writeFileSync(file, unzipIndex(bundle.zipPath));
    cases.push({ name, sdk: variant.label, file, codeBytes: bundle.codeBytes, zipBytes: bundle.zipBytes, requireMs: [], processMs: [] });
  }
}

const baseline = { requireMs: [] as number[], processMs: [] as number[] };
for (let round = 0; round < ROUNDS; round++) {
  process.stderr.write(`round ${round + 1}/${ROUNDS}\n`);
  const [baseRequire, baseProcess] = measure(baselineFile);
  baseline.requireMs.push(baseRequire);
  baseline.processMs.push(baseProcess);
  for (const entry of cases) {
    const [requireMs, processMs] = measure(entry.file);
    entry.requireMs.push(requireMs);
    entry.processMs.push(processMs);
  }
}

const baseProcessMedian = quantile(baseline.processMs, 0.5);
const lines = [
  '## Lambda bundles: size and cold init',
  '',
  `Each handler bundled by \`bundleHandler\` (esbuild, minified CommonJS, target node22): "bundled" is the deployed`,
  `default (AWS SDK v3 inside, packages resolved by their ES module builds first, so the SDK tree-shakes); "bundled, CJS`,
  `builds" resolves packages by \`main\` first; "external" leaves \`@aws-sdk/*\` out (resolved from node_modules, as the`,
  `nodejs22.x runtime provides its own SDK). Cold init:`,
  `${ROUNDS} fresh \`node ${process.version}\` processes per case, interleaved with a baseline process requiring an empty`,
  'module; "require" is the time spent inside `require(bundle)` (what Lambda\'s init phase adds to its own bootstrap),',
  '"process" the whole process wall time. No AWS calls are made at load: clients are created on first use.',
  '',
  '| handler | SDK | code | zip | require median | require p90 | process median | process p90 | process - baseline (median) |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  `| (empty module) | - | 0 | - | ${fmt(quantile(baseline.requireMs, 0.5))} ms | ${fmt(quantile(baseline.requireMs, 0.9))} ms | ${fmt(baseProcessMedian)} ms | ${fmt(quantile(baseline.processMs, 0.9))} ms | 0 |`,
  ...cases.map(
    (entry) =>
      `| ${entry.name} | ${entry.sdk} | ${kb(entry.codeBytes)} | ${kb(entry.zipBytes)} | ${fmt(quantile(entry.requireMs, 0.5))} ms | ${fmt(quantile(entry.requireMs, 0.9))} ms | ${fmt(quantile(entry.processMs, 0.5))} ms | ${fmt(quantile(entry.processMs, 0.9))} ms | ${fmt(quantile(entry.processMs, 0.5) - baseProcessMedian)} ms |`,
  ),
  '',
];
const bundled = cases.filter((entry) => entry.sdk === variants[0].label);
const worstZip = Math.max(...bundled.map((entry) => entry.zipBytes));
const worstCode = Math.max(...bundled.map((entry) => entry.codeBytes));
const worstP90 = Math.max(...bundled.map((entry) => quantile(entry.requireMs, 0.9)));
lines.push(
  `Goals (deployed default, SDK bundled): zip < 1 MB: largest ${kb(worstZip)} (${worstZip < 1_048_576 ? 'met' : 'NOT met'}); ` +
    `unzipped code < 1 MB: largest ${kb(worstCode)} (${worstCode < 1_048_576 ? 'met' : 'NOT met'}); ` +
    `init < 150 ms: worst require p90 ${fmt(worstP90)} ms (${worstP90 < 150 ? 'met' : 'NOT met'}).`,
);
const ratio = (a: number, b: number) => (a / b).toFixed(2);
for (const name of handlers) {
  const [inBundle, cjs, outside] = variants.map((variant) => cases.find((entry) => entry.name === name && entry.sdk === variant.label)!);
  lines.push(
    `- ${name}: require time relative to the default: CJS builds ${ratio(quantile(cjs.requireMs, 0.5), quantile(inBundle.requireMs, 0.5))}x, ` +
      `external SDK ${ratio(quantile(outside.requireMs, 0.5), quantile(inBundle.requireMs, 0.5))}x; code size: CJS builds ` +
      `${ratio(cjs.codeBytes, inBundle.codeBytes)}x, external SDK ${ratio(outside.codeBytes, inBundle.codeBytes)}x.`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
fs.rmSync(work, { recursive: true, force: true });
