import * as fs from 'node:fs';
import * as path from 'node:path';
import { isRecord } from './document';
import type { PolicyInput } from './engine';
import type { TerraformDocument } from './types';

/** What `lifeboat check` reads, for messages about input that is something else. */
export const EXPECTED_INPUT = 'expected a cdk.tf.json file or a cdktf.out directory written by "cdktf synth" (npm run synth writes cdktf.out/)';

/**
 * The top-level keys of Terraform's JSON configuration syntax (one per top-level block type), plus `//`, which
 * Terraform ignores as a comment and cdktf fills with metadata.
 */
const TERRAFORM_TOP_LEVEL_KEYS = new Set([
  '//',
  'terraform',
  'provider',
  'variable',
  'output',
  'locals',
  'module',
  'resource',
  'data',
  'ephemeral',
  'moved',
  'import',
  'check',
  'removed',
]);

/** Keys of a Lifeboat requirements file, to say which command reads it instead. */
const REQUIREMENTS_KEYS = ['databases', 'buckets', 'regions'];

/** The input cannot be read as synthesized Terraform JSON. */
export class PolicyInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyInputError';
  }
}

/**
 * Reads a `cdk.tf.json` file, or every stack of a `cdktf.out` directory (from its manifest.json, else
 * `stacks/<name>/cdk.tf.json`).
 */
export function loadPolicyInputs(target: string): PolicyInput[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    throw new PolicyInputError(`${target}: no such file or directory`);
  }
  if (stat.isFile()) return [readStack(target)];
  const files = stackFilesIn(target);
  if (files.length === 0) {
    throw new PolicyInputError(`${target}: no synthesized stacks found (no cdk.tf.json, manifest.json or stacks/<name>/cdk.tf.json); ${EXPECTED_INPUT}`);
  }
  return files.map(readStack);
}

function stackFilesIn(directory: string): string[] {
  const direct = path.join(directory, 'cdk.tf.json');
  if (fs.existsSync(direct)) return [direct];
  const manifestPath = path.join(directory, 'manifest.json');
  if (fs.existsSync(manifestPath)) {
    const manifest = parseJson(fs.readFileSync(manifestPath, 'utf8'), manifestPath);
    if (isRecord(manifest) && isRecord(manifest.stacks)) {
      const stacks = manifest.stacks;
      const fromManifest = Object.keys(stacks)
        .sort()
        .map((name) => stacks[name])
        .filter(isRecord)
        .map((stack) => stack.synthesizedStackPath)
        .filter((relative): relative is string => typeof relative === 'string')
        .map((relative) => path.join(directory, relative));
      if (fromManifest.length > 0) return fromManifest;
    }
  }
  const stacksDirectory = path.join(directory, 'stacks');
  if (!fs.existsSync(stacksDirectory)) return [];
  return fs
    .readdirSync(stacksDirectory)
    .sort()
    .map((name) => path.join(stacksDirectory, name, 'cdk.tf.json'))
    .filter((file) => fs.existsSync(file));
}

function readStack(file: string): PolicyInput {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new PolicyInputError(`${file}: ${(error as Error).message}`);
  }
  const document = parseJson(text, file);
  const problems = terraformShapeProblems(document);
  if (problems.length > 0) throw new PolicyInputError(`${file}: not synthesized Terraform JSON: ${problems.join('; ')}; ${EXPECTED_INPUT}`);
  return { stack: stackName(document as TerraformDocument, file), document: document as TerraformDocument };
}

/**
 * Why a parsed JSON value is not a Terraform JSON configuration: anything else (package.json, a requirements file, a
 * plan) would otherwise pass every rule with "0 finding(s)", because the rules find no resources to object to.
 */
function terraformShapeProblems(document: unknown): string[] {
  if (!isRecord(document)) return [`the file holds ${Array.isArray(document) ? 'an array' : typeof document}, not an object of Terraform blocks`];
  const keys = Object.keys(document);
  const unknown = keys.filter((key) => !TERRAFORM_TOP_LEVEL_KEYS.has(key));
  if (unknown.length > 0) {
    const looksLikeRequirements = REQUIREMENTS_KEYS.some((key) => keys.includes(key));
    return [
      `unexpected top-level ${unknown.length === 1 ? 'key' : 'keys'} ${listed(unknown)} ` +
        `(Terraform JSON has only ${[...TERRAFORM_TOP_LEVEL_KEYS].filter((key) => key !== '//').join(', ')})` +
        (looksLikeRequirements ? '; this looks like backup requirements: run "lifeboat validate" or "lifeboat plan" on it, or synthesize it first' : ''),
    ];
  }
  if (!keys.some((key) => key !== '//')) return ['it has no Terraform blocks (terraform, provider, resource, data, ...)'];
  const problems: string[] = [];
  for (const section of ['resource', 'data'] as const) {
    const blocks = document[section];
    if (blocks === undefined) continue;
    if (!isRecord(blocks)) {
      problems.push(`"${section}" must be an object of ${section === 'resource' ? 'resource' : 'data source'} types`);
      continue;
    }
    for (const type of Object.keys(blocks)) {
      const byName = blocks[type];
      if (!isRecord(byName)) {
        problems.push(`"${section}.${type}" must be an object of named blocks`);
        continue;
      }
      for (const name of Object.keys(byName)) {
        const body = byName[name];
        // HCL's JSON syntax also allows a block body as a list of one object.
        const oneBody = Array.isArray(body) && body.length === 1 && isRecord(body[0]);
        if (!isRecord(body) && !oneBody) problems.push(`"${section}.${type}.${name}" must be an object of arguments`);
      }
    }
  }
  return problems;
}

/** The first few keys, quoted, and how many more: enough to recognise the file. */
function listed(keys: string[]): string {
  const shown = keys.slice(0, 4).map((key) => JSON.stringify(key));
  return keys.length > shown.length ? `${shown.join(', ')} and ${keys.length - shown.length} more` : shown.join(', ');
}

function stackName(document: TerraformDocument, file: string): string {
  const meta = document['//'];
  if (isRecord(meta) && isRecord(meta.metadata) && typeof meta.metadata.stackName === 'string') return meta.metadata.stackName;
  const parent = path.basename(path.dirname(file));
  return path.basename(file) === 'cdk.tf.json' && parent !== '.' ? parent : path.basename(file);
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PolicyInputError(`${file}: invalid JSON: ${(error as Error).message}; ${EXPECTED_INPUT}`);
  }
}
