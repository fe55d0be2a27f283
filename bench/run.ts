/**
 * `npm run bench [-- name ...]`: runs every `bench/<name>.bench.ts` (or only the named ones) one after another in
 * fresh processes, each printing one Markdown section, and writes BENCHMARKS.md with the machine, command and date.
 * A partial run (names given) prints its sections without rewriting BENCHMARKS.md.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const benchDir = __dirname;
const root = path.resolve(benchDir, '..');
const wanted = process.argv.slice(2);
const all = fs
  .readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.replace(/\.bench\.ts$/, ''))
  .sort();
const unknown = wanted.filter((name) => !all.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; available: ${all.join(', ')}\n`);
  process.exit(2);
}
const selected = wanted.length > 0 ? wanted : all;

const sections: string[] = [];
for (const name of selected) {
  process.stderr.write(`bench: ${name} ...\n`);
  const output = execFileSync(process.execPath, ['--import', 'tsx', path.join(benchDir, `${name}.bench.ts`)], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  sections.push(output.trim());
  process.stdout.write(`${output.trim()}\n\n`);
}

if (wanted.length === 0) {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const header = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (every `bench/*.bench.ts`, one after another, each in a fresh process).',
    'Ratios are measured side by side in the same run; absolute times on these shared machines are noisy.',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${os.cpus().length} x ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.platform()} ${os.release()}`,
    `- Node.js: ${process.version}`,
    '- Command: `npm run bench`',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(root, 'BENCHMARKS.md'), `${header}\n${sections.join('\n\n')}\n`);
  process.stderr.write('bench: wrote BENCHMARKS.md\n');
}
