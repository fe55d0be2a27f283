import * as fs from 'node:fs';
import { App, Testing, TerraformStack } from 'cdktf';

const created: string[] = [];

/** A Testing.app() whose temp outdir is removed by `cleanupTestApps` (Testing.app leaves cdktf.outdir.* behind). */
export function testApp(): App {
  const app = Testing.app();
  created.push(app.outdir);
  return app;
}

/** Removes every outdir created through `testApp`. Call it in `afterAll`. */
export function cleanupTestApps(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Builds a stack in a fresh test app and returns its synthesized Terraform JSON, parsed. */
export function synthStack(build: (stack: TerraformStack) => void): TerraformJson {
  const stack = new TerraformStack(testApp(), 'test');
  build(stack);
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

/** The parts of cdk.tf.json tests look at. */
export interface TerraformJson {
  resource: Record<string, Record<string, Record<string, any>>>;
  data?: Record<string, Record<string, Record<string, any>>>;
  output?: Record<string, { value: unknown }>;
  provider?: Record<string, unknown[]>;
  [key: string]: unknown;
}

/** All resources of one Terraform type, keyed by their resource name. */
export function resourcesOfType(json: TerraformJson, type: string): Record<string, Record<string, any>> {
  return json.resource[type] ?? {};
}

/** The single resource of a type; fails the test when there is not exactly one. */
export function onlyResource(json: TerraformJson, type: string): Record<string, any> {
  const all = Object.values(resourcesOfType(json, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}
