/**
 * `npm run bench [-- name ...]`: runs every `bench/<name>.bench.ts` (or only the named ones) one after another in
 * fresh processes. Each prints one Markdown section; BENCHMARKS.md keeps one section per benchmark, each stamped with
 * its date, command and machine, so running one benchmark replaces only its own section.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const benchDir = __dirname;
const root = path.resolve(benchDir, '..');
const resultsFile = path.join(root, 'BENCHMARKS.md');
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
const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
const machine = `${os.cpus().length} x ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node.js ${process.version}, ${os.platform()} ${os.release()}`;

const begin = (name: string) => `<!-- bench:${name} -->`;
const end = (name: string) => `<!-- /bench:${name} -->`;

function existingSections(): Map<string, string> {
  const sections = new Map<string, string>();
  if (!fs.existsSync(resultsFile)) return sections;
  const text = fs.readFileSync(resultsFile, 'utf8');
  for (const match of text.matchAll(/<!-- bench:([a-z0-9-]+) -->\n([\s\S]*?)\n<!-- \/bench:\1 -->/g)) {
    sections.set(match[1], match[2]);
  }
  return sections;
}

const sections = existingSections();
for (const name of selected) {
  process.stderr.write(`bench: ${name} ...\n`);
  const output = execFileSync(process.execPath, ['--import', 'tsx', path.join(benchDir, `${name}.bench.ts`)], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  }).trim();
  const [title, ...body] = output.split('\n');
  const stamp = `_Measured ${new Date().toISOString()} with \`npm run bench -- ${name}\` on ${machine}._`;
  sections.set(name, [title, '', stamp, ...body].join('\n'));
  process.stdout.write(`${output}\n\n`);
}

const header = [
  '# Benchmarks',
  '',
  'Written by `npm run bench`: every `bench/*.bench.ts` runs in a fresh process, one after another, and replaces its',
  'own section below (`npm run bench -- <name>` runs one). Ratios are measured side by side in the same run; absolute',
  'times on these shared 2-core machines are noisy.',
  '',
].join('\n');
const body = [...sections.keys()]
  .filter((name) => all.includes(name))
  .sort()
  .map((name) => `${begin(name)}\n${sections.get(name)}\n${end(name)}`)
  .join('\n\n');
fs.writeFileSync(resultsFile, `${header}\n${body}\n`);
process.stderr.write(`bench: wrote ${path.relative(process.cwd(), resultsFile)}\n`);
