/**
 * One measured synth, in a fresh process inside a consumer project that installed the packed lifeboat (run by
 * synth.bench.ts from that project's directory, so `lifeboat`, `cdktf` and the provider resolve from its
 * node_modules):
 *   lifeboat <requirements.json> <outdir>   plan + DisasterRecovery + backup_plan.json and runbooks, as `npm run synth`
 *   baseline <cdk.tf.json> <outdir>         the same resources written directly with provider classes
 *   references <cdk.tf.json> <outdir>       the same, with references, depends_on and assets as hand-written code has them
 *   app <requirements.json> <outdir>        a consumer's app: DisasterRecovery from the requirements, synthesized;
 *                                           no backup_plan.json, no runbooks
 * Prints one JSON line: { ms (since process start), maxRssMiB, resources, phases (ms at each step) }.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

type Json = Record<string, any>;
const phases: Record<string, number> = {};
const mark = (name: string) => (phases[name] = Math.round(performance.now()));

/* eslint-disable @typescript-eslint/no-require-imports -- loaded by name from the consumer's node_modules, timed */
const { App, AssetType, LocalBackend, TerraformAsset, TerraformOutput, TerraformStack, Token } = require('cdktf') as typeof import('cdktf');
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
  addOutputs(stack, doc, (value) => value);
  mark('constructs built');
  app.synth();
  mark('synthesized');
  return count;
}

/**
 * The document's outputs (Lifeboat's stack has about three per store), so that both sides synthesize the same
 * document: each value as `value` makes it (literal text for the baseline, references for the hand-written stack).
 */
function addOutputs(stack: InstanceType<typeof TerraformStack>, doc: Json, value: (v: any) => any): void {
  for (const [name, output] of Object.entries((doc.output ?? {}) as Json)) {
    new TerraformOutput(stack, name, { value: value(output.value), description: output.description, sensitive: output.sensitive });
  }
}

/** `${type.name.attribute}` or `${data.type.name.attribute}`: every reference Lifeboat's output holds has this form. */
const REFERENCE = /\$\{((?:data\.)?aws_[a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z0-9_]+)\}/g;

/**
 * The same Terraform written the way a cdktf user writes it by hand: an attribute that names another resource is a
 * reference to that construct (a token, as `bucket.arn` gives), `depends_on` lists constructs, and each Lambda's code
 * is a TerraformAsset. Shown beside the baseline (literal strings, no depends_on, no asset copies) to tell
 * the cost of cdktf's references from the cost of Lifeboat.
 */
function handWritten(tfJsonPath: string, outdir: string): number {
  const doc = JSON.parse(fs.readFileSync(tfJsonPath, 'utf8')) as Json;
  const handlers = path.join(path.dirname(require.resolve('lifeboat/package.json')), 'dist', 'handlers');
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'references');
  new LocalBackend(stack, { path: '../../../terraform.references.tfstate' });
  new AwsProvider(stack, 'aws', { region: doc.provider.aws[0].region });
  interface Entry { kind: 'data' | 'resource'; type: string; name: string; attributes: Json; needs: string[] }
  const entries = new Map<string, Entry>();
  for (const kind of ['data', 'resource'] as const) {
    for (const [type, byName] of Object.entries((doc[kind] ?? {}) as Json)) {
      for (const [name, attributes] of Object.entries(byName as Json)) {
        const text = JSON.stringify(attributes);
        const needs = [...new Set([...text.matchAll(REFERENCE)].map((m) => m[1]))];
        needs.push(...((attributes as Json).depends_on ?? []));
        entries.set(kind === 'data' ? `data.${type}.${name}` : `${type}.${name}`, { kind, type, name, attributes: attributes as Json, needs });
      }
    }
  }
  const created = new Map<string, any>();
  const withReferences = (value: any): any => {
    if (typeof value === 'string') {
      return value.replace(REFERENCE, (whole, address: string, attribute: string) =>
        created.has(address) ? Token.asString(created.get(address).interpolationForAttribute(attribute)) : whole,
      );
    }
    if (Array.isArray(value)) return value.map(withReferences);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withReferences(v)]));
    return value;
  };
  // Referenced constructs first (Terraform's graph has no cycles), as hand-written code must declare them; the order
  // is found first so that constructs are then made from a flat loop, at the call depth of hand-written code.
  const order: string[] = [];
  const placed = new Set<string>();
  const place = (address: string): void => {
    const entry = entries.get(address);
    if (!entry || placed.has(address)) return;
    placed.add(address);
    for (const need of entry.needs) place(need);
    order.push(address);
  };
  for (const address of entries.keys()) place(address);
  mark('ordered');
  let count = 0;
  for (const address of order) {
    const entry = entries.get(address) as Entry;
    const Cls = providerClass(entry.kind, entry.type);
    const config = toConfig(withReferences(entry.attributes));
    const dependsOn = (entry.attributes.depends_on ?? []) as string[];
    if (dependsOn.length > 0) config.dependsOn = dependsOn.map((d) => created.get(d));
    if (entry.type === 'aws_lambda_function' && typeof entry.attributes.filename === 'string') {
      const asset = new TerraformAsset(stack, `${entry.name}-code`, { path: path.join(handlers, path.basename(entry.attributes.filename)), type: AssetType.FILE });
      config.filename = asset.path;
    }
    created.set(address, new Cls(stack, entry.name, config));
    if (entry.kind === 'resource') count += 1;
  }
  addOutputs(stack, doc, withReferences);
  mark('constructs built');
  app.synth();
  mark('synthesized');
  return count;
}

/** How many resources the stack `name` synthesized into `outdir` holds. */
function resourceCount(outdir: string, name: string): number {
  const doc = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')) as Json;
  return Object.values(doc.resource as Json).reduce((n: number, byName: any) => n + Object.keys(byName).length, 0);
}

/** A stack named `name` with a local backend, the provider and DisasterRecovery from `props`, built and synthesized. */
function synthesizeDisasterRecovery(
  outdir: string,
  name: string,
  region: string,
  props: ConstructorParameters<typeof import('../constructs').DisasterRecovery>[2],
): void {
  const { DisasterRecovery } = require('lifeboat/constructs') as typeof import('../constructs');
  const app = new App({ outdir });
  const stack = new TerraformStack(app, name);
  new LocalBackend(stack, { path: `../../../terraform.${name}.tfstate` });
  new AwsProvider(stack, 'aws', { region });
  new DisasterRecovery(stack, 'lifeboat', props);
  mark('constructs built');
  app.synth();
  mark('synthesized');
}

function lifeboat(requirementsPath: string, outdir: string): number {
  const { loadRequirements, planBackups, renderRunbooks, serializePlan } = require('lifeboat') as typeof import('../src');
  mark('lifeboat loaded');
  // Loaded here to time it; synthesizeDisasterRecovery reads it from the module cache.
  require('lifeboat/constructs');
  mark('lifeboat/constructs loaded');
  const plan = planBackups(loadRequirements(requirementsPath));
  mark('planned');
  synthesizeDisasterRecovery(outdir, plan.name, plan.regions.primary, { plan });
  fs.writeFileSync(path.join(outdir, 'backup_plan.json'), serializePlan(plan));
  fs.mkdirSync(path.join(outdir, 'runbooks'), { recursive: true });
  for (const file of renderRunbooks(plan, { planFile: 'backup_plan.json' })) fs.writeFileSync(path.join(outdir, 'runbooks', file.path), file.content);
  mark('plan and runbooks written');
  return resourceCount(outdir, plan.name);
}

/** A consumer's own app: its stack holds DisasterRecovery, given the requirements; it writes no plan and no runbooks. */
function app(requirementsPath: string, outdir: string): number {
  const { loadRequirements } = require('lifeboat') as typeof import('../src');
  mark('lifeboat loaded');
  // Loaded here to time it; synthesizeDisasterRecovery reads it from the module cache.
  require('lifeboat/constructs');
  mark('lifeboat/constructs loaded');
  const requirements = loadRequirements(requirementsPath);
  synthesizeDisasterRecovery(outdir, requirements.name, requirements.regions.primary, { requirements });
  return resourceCount(outdir, requirements.name);
}

const [mode, input, outdir] = process.argv.slice(2);
const workers: Record<string, (input: string, outdir: string) => number> = { baseline, references: handWritten, lifeboat, app };
const resources = workers[mode](input, outdir);
const ms = performance.now();
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ ms: Math.round(ms), maxRssMiB: Math.round(maxRssMiB), resources, phases })}\n`);
