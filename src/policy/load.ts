import * as fs from 'node:fs';
import * as path from 'node:path';
import { isRecord } from './document';
import type { PolicyInput } from './engine';
import type { TerraformDocument } from './types';

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
    throw new PolicyInputError(`${target}: no synthesized stacks found (expected stacks/<name>/cdk.tf.json; run cdktf synth first)`);
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
  if (!isRecord(document)) throw new PolicyInputError(`${file}: expected a Terraform JSON object`);
  if (document.resource !== undefined && !isRecord(document.resource)) {
    throw new PolicyInputError(`${file}: "resource" must be an object of resource types`);
  }
  return { stack: stackName(document as TerraformDocument, file), document: document as TerraformDocument };
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
    throw new PolicyInputError(`${file}: invalid JSON: ${(error as Error).message}`);
  }
}
