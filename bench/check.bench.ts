/**
 * `lifeboat check` rules over stacks of growing size: the clean policy fixture (a synthesized stack with buckets,
 * databases, keys, policies) repeated 10, 100 and 1,000 times under new names, every reference renamed with it, so
 * the rules see the same shapes at every size. The cost per resource must stay flat (linear in the stack).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkDocument, type TerraformDocument } from '../src/policy';

const root = path.resolve(__dirname, '..');
const fixture = JSON.parse(fs.readFileSync(path.join(root, 'test', 'policy', 'fixtures', 'clean.tf.json'), 'utf8')) as TerraformDocument;
const ROUNDS = 5;

/** The fixture `copies` times: resource and data names get a `_<n>` suffix, literal bucket names a `-<n>` suffix. */
function repeated(copies: number): TerraformDocument {
  const sections = ['resource', 'data'] as const;
  const names: Array<[string, string]> = [];
  for (const section of sections) {
    for (const [type, byName] of Object.entries(fixture[section] ?? {})) for (const name of Object.keys(byName)) names.push([type, name]);
  }
  const bucketNames = Object.values(fixture.resource?.aws_s3_bucket ?? {}).map((body) => String(body.bucket));
  const document: TerraformDocument = { ...fixture, resource: {}, data: {} };
  for (let copy = 0; copy < copies; copy += 1) {
    let text = JSON.stringify({ resource: fixture.resource, data: fixture.data });
    for (const [type, name] of names) {
      text = text.replace(new RegExp(`(${type}\\.${name})(?=[."}\\[\\]])`, 'g'), `$1_${copy}`);
      text = text.replace(new RegExp(`"${name}":`, 'g'), `"${name}_${copy}":`);
    }
    for (const bucket of bucketNames) text = text.split(bucket).join(`${bucket}-${copy}`);
    const renamed = JSON.parse(text) as TerraformDocument;
    for (const section of sections) {
      for (const [type, byName] of Object.entries(renamed[section] ?? {})) {
        const target = (document[section] as Record<string, Record<string, unknown>>);
        target[type] = { ...(target[type] ?? {}), ...byName };
      }
    }
  }
  return document;
}

function count(document: TerraformDocument): number {
  return Object.values(document.resource ?? {}).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const rows: string[] = [];
let smallestPerThousand: number | undefined;
for (const copies of [10, 100, 1000]) {
  const document = repeated(copies);
  const resources = count(document);
  const times: number[] = [];
  let findings = 0;
  checkDocument(document); // warm-up, untimed
  for (let round = 0; round < ROUNDS; round += 1) {
    process.stderr.write(`check ${resources} resources: round ${round + 1}/${ROUNDS}\n`);
    const input = structuredClone(document);
    const start = performance.now();
    findings = checkDocument(input).length;
    times.push(performance.now() - start);
  }
  const ms = median(times);
  const perThousand = (ms / resources) * 1000;
  smallestPerThousand ??= perThousand;
  rows.push(`| ${copies} | ${resources} | ${findings} | ${ms.toFixed(1)} | ${perThousand.toFixed(2)} | ${(perThousand / smallestPerThousand).toFixed(2)}x |`);
}

process.stdout.write(
  [
    '## `lifeboat check`: rules over 10, 100 and 1,000 copies of the policy fixture',
    '',
    `Each row: the clean fixture (test/policy/fixtures/clean.tf.json) repeated under new names, every reference renamed;`,
    `\`checkDocument\` (every rule) in-process on a fresh copy of the document, after one untimed warm-up run, median of`,
    `${ROUNDS} runs. Goal: the cost per 1,000 resources stays within 1.5x of the smallest stack (linear in the stack size).`,
    '',
    '| copies | resources | findings | ms | ms per 1,000 resources | vs smallest |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n') + '\n',
);
