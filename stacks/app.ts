import * as fs from 'node:fs';
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { DisasterRecovery } from '../constructs/disaster-recovery';
import { planBackups } from '../src/plan/planner';
import { serializePlan } from '../src/plan/serialize';
import type { BackupPlan } from '../src/plan/types';
import { writeRunbooks } from '../src/runbook/write';
import { loadRequirements } from '../src/spec/requirements';

/** The example app's stack: one AWS provider (primary region; resources set their own region) and the plan. */
export class LifeboatStack extends TerraformStack {
  public readonly recovery: DisasterRecovery;

  constructor(scope: Construct, id: string, plan: BackupPlan) {
    super(scope, id);
    // cdktf's default local backend records the absolute working directory, which breaks byte-identical synths;
    // this relative path (from cdktf.out/stacks/<id>) is the same file. Use a remote backend (S3) in production.
    new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    new AwsProvider(this, 'aws', { region: plan.regions.primary });
    this.recovery = new DisasterRecovery(this, 'lifeboat', { plan });
  }
}

/** Loads, validates and plans the requirements; throws `RequirementsError` listing every problem. */
export function planRequirements(requirementsPath: string): BackupPlan {
  return planBackups(loadRequirements(requirementsPath));
}

/**
 * Writes backup_plan.json and the runbooks (runbooks/<store>.md and an index) into `outDir`; returns the files
 * written. Runbooks generated earlier for stores no longer in the plan are removed, other files left alone.
 */
export function writeArtifacts(plan: BackupPlan, outDir: string): string[] {
  const planFile = path.join(outDir, 'backup_plan.json');
  fs.writeFileSync(planFile, serializePlan(plan));
  const { written } = writeRunbooks(plan, path.join(outDir, 'runbooks'), { planFile: 'backup_plan.json' });
  return [planFile, ...written];
}
