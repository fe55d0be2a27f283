import * as fs from 'node:fs';
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { DisasterRecovery } from '../constructs/disaster-recovery';
import { planBackups } from '../src/plan/planner';
import { serializePlan } from '../src/plan/serialize';
import type { BackupPlan } from '../src/plan/types';
import { loadRequirements } from '../src/spec/requirements';

/** The example app's stack: one AWS provider (primary region; resources set their own region) and the plan. */
export class LifeboatStack extends TerraformStack {
  public readonly recovery: DisasterRecovery;

  constructor(scope: Construct, id: string, plan: BackupPlan) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: plan.regions.primary });
    this.recovery = new DisasterRecovery(this, 'lifeboat', { plan });
  }
}

/** Loads and plans the requirements and adds the stack to the app; throws (writing nothing) on any problem. */
export function buildApp(app: App, requirementsPath: string): { plan: BackupPlan; stack: LifeboatStack } {
  const plan = planBackups(loadRequirements(requirementsPath));
  const stack = new LifeboatStack(app, plan.name, plan);
  return { plan, stack };
}

/** Writes backup_plan.json into `outDir`; returns the files written. */
export function writeArtifacts(plan: BackupPlan, outDir: string): string[] {
  const planFile = path.join(outDir, 'backup_plan.json');
  fs.writeFileSync(planFile, serializePlan(plan));
  return [planFile];
}
