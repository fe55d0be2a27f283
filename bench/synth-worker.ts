/**
 * One measured synth, in a fresh process (run by synth.bench.ts):
 *   lifeboat <requirements.json> <outdir>   plan + DisasterRecovery, as `npm run synth` does
 *   baseline <cdk.tf.json> <outdir>         the same resources written directly with provider classes
 * Prints one JSON line: { ms (since process start), maxRssMiB, resources }.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

type Json = Record<string, any>;

function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

// Attributes whose values are maps with user keys (kept as they are).
const MAP_ATTRIBUTES = new Set(['tags', 'tags_all', 'dimensions', 'variables', 'parameters']);

function toConfig(value: any, key?: string): any {
  if (Array.isArray(value)) return value.map((item) => toConfig(item));
  if (value && typeof value === 'object') {
    if (key && MAP_ATTRIBUTES.has(key)) return value;
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '//' || k === 'depends_on' || k === 'provider') continue;
      out[camel(k)] = toConfig(v, k);
    }
    return out;
  }
  return value;
}

function providerClass(kind: 'resource' | 'data', type: string): new (scope: Construct, id: string, config: any) => Construct {
  const bare = type.replace(/^aws_/, '');
  const module = kind === 'data' ? `data-aws-${bare.replace(/_/g, '-')}` : bare.replace(/_/g, '-');
  const className = (kind === 'data' ? 'DataAws_' : '') + bare;
  // Loaded by computed deep path: only the classes the document uses, as hand-written code would import.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(`@cdktf/provider-aws/lib/${module}`);
  const name = className.split('_').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
  const cls = exported[name] ?? Object.values(exported).find((v: any) => v?.tfResourceType === type);
  if (!cls) throw new Error(`no provider class for ${type} in ${module}`);
  return cls as any;
}

function baseline(tfJsonPath: string, outdir: string): number {
  const doc = JSON.parse(fs.readFileSync(tfJsonPath, 'utf8')) as Json;
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'baseline');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { AwsProvider } = require('@cdktf/provider-aws/lib/provider');
  new AwsProvider(stack, 'aws', { region: doc.provider.aws[0].region });
  let count = 0;
  for (const kind of ['data', 'resource'] as const) {
    for (const [type, byName] of Object.entries((doc[kind] ?? {}) as Json)) {
      const Cls = providerClass(kind, type);
      for (const [name, attributes] of Object.entries(byName as Json)) {
        new Cls(stack, name, toConfig(attributes));
        if (kind === 'resource') count += 1;
      }
    }
  }
  app.synth();
  return count;
}

function lifeboat(requirementsPath: string, outdir: string): number {
  // Each mode loads only its own code, so neither pays for the other's modules.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { LifeboatStack, planRequirements, writeArtifacts } = require('../stacks/app');
  const plan = planRequirements(requirementsPath);
  const app = new App({ outdir });
  new LifeboatStack(app, plan.name, plan);
  app.synth();
  writeArtifacts(plan, outdir);
  const stackDir = path.join(outdir, 'stacks', plan.name, 'cdk.tf.json');
  const doc = JSON.parse(fs.readFileSync(stackDir, 'utf8')) as Json;
  return Object.values(doc.resource as Json).reduce((n: number, byName: any) => n + Object.keys(byName).length, 0);
}

const [mode, input, outdir] = process.argv.slice(2);
const resources = mode === 'baseline' ? baseline(input, outdir) : lifeboat(input, outdir);
const ms = performance.now();
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ ms: Math.round(ms), maxRssMiB: Math.round(maxRssMiB), resources })}\n`);
