/**
 * One measured synth, in a fresh process inside a consumer project that installed the packed lifeboat (run by
 * synth.bench.ts from that project's directory, so `lifeboat`, `cdktf` and the provider resolve from its
 * node_modules):
 *   lifeboat <requirements.json> <outdir>   plan + DisasterRecovery + backup_plan.json and runbooks, as `npm run synth`
 *   baseline <cdk.tf.json> <outdir>         the same resources written directly with provider classes
 * Prints one JSON line: { ms (since process start), maxRssMiB, resources, phases (ms at each step) }.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

type Json = Record<string, any>;
const phases: Record<string, number> = {};
const mark = (name: string) => (phases[name] = Math.round(performance.now()));

/* eslint-disable @typescript-eslint/no-require-imports -- loaded by name from the consumer's node_modules, timed */
const { App, LocalBackend, TerraformStack } = require('cdktf') as typeof import('cdktf');
const { AwsProvider } = require('@cdktf/provider-aws/lib/provider') as typeof import('@cdktf/provider-aws/lib/provider');
mark('cdktf loaded');

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

function providerClass(kind: 'resource' | 'data', type: string): new (scope: unknown, id: string, config: any) => unknown {
  const bare = type.replace(/^aws_/, '');
  const module = kind === 'data' ? `data-aws-${bare.replace(/_/g, '-')}` : bare.replace(/_/g, '-');
  const className = (kind === 'data' ? 'DataAws_' : '') + bare;
  // Loaded by computed deep path: only the classes the document uses, as hand-written code would import.
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
  new LocalBackend(stack, { path: '../../../terraform.baseline.tfstate' });
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
  mark('constructs built');
  app.synth();
  mark('synthesized');
  return count;
}

function lifeboat(requirementsPath: string, outdir: string): number {
  const { loadRequirements, planBackups, renderRunbooks, serializePlan } = require('lifeboat') as typeof import('../src');
  mark('lifeboat loaded');
  const { DisasterRecovery } = require('lifeboat/constructs') as typeof import('../constructs');
  mark('lifeboat/constructs loaded');
  const plan = planBackups(loadRequirements(requirementsPath));
  mark('planned');
  const app = new App({ outdir });
  const stack = new TerraformStack(app, plan.name);
  new LocalBackend(stack, { path: `../../../terraform.${plan.name}.tfstate` });
  new AwsProvider(stack, 'aws', { region: plan.regions.primary });
  new DisasterRecovery(stack, 'lifeboat', { plan });
  mark('constructs built');
  app.synth();
  mark('synthesized');
  fs.writeFileSync(path.join(outdir, 'backup_plan.json'), serializePlan(plan));
  fs.mkdirSync(path.join(outdir, 'runbooks'), { recursive: true });
  for (const file of renderRunbooks(plan, { planFile: 'backup_plan.json' })) fs.writeFileSync(path.join(outdir, 'runbooks', file.path), file.content);
  mark('plan and runbooks written');
  const doc = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', plan.name, 'cdk.tf.json'), 'utf8')) as Json;
  return Object.values(doc.resource as Json).reduce((n: number, byName: any) => n + Object.keys(byName).length, 0);
}

const [mode, input, outdir] = process.argv.slice(2);
const resources = mode === 'baseline' ? baseline(input, outdir) : lifeboat(input, outdir);
const ms = performance.now();
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ ms: Math.round(ms), maxRssMiB: Math.round(maxRssMiB), resources, phases })}\n`);
