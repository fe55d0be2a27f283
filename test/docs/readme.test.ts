/**
 * The README is the newcomer's entry point: its two opening commands must be the real ones, and its code examples
 * must be the ones the construct tests run (docs/*.md) or, for DisasterRecovery, run here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { DisasterRecovery } from '../../constructs/disaster-recovery';
import { planBackups } from '../../src/plan/planner';
import { checkDocument } from '../../src/policy/engine';
import { cleanupTestApps, testApp } from '../support/synth';
import { parseRequirements } from '../../src/spec/requirements';

const root = path.resolve(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);
}

afterAll(cleanupTestApps);

describe('README', () => {
  it('opens with the command that runs the main job and the command that runs the tests', () => {
    const firstBlock = /^# Lifeboat\n\n```sh\n([\s\S]*?)```/.exec(readme);
    expect(firstBlock).not.toBeNull();
    const commands = firstBlock![1].trim().split('\n').map((line) => line.replace(/\s+#.*$/, '').trim());
    expect(commands).toEqual(['npm ci && npm run synth', 'npm test']);
    expect(pkg.scripts.synth).toBe('tsx stacks/main.ts');
    expect(pkg.scripts.test).toBe('jest');
    expect(fs.readFileSync(path.join(root, 'stacks', 'main.ts'), 'utf8')).toContain("'examples', 'backup_requirements.json'");
  });

  it('shows a requirements excerpt that validates and plans without errors', () => {
    const excerpt = /```json\n([\s\S]*?)```/.exec(readme);
    expect(excerpt).not.toBeNull();
    const plan = planBackups(parseRequirements(JSON.parse(excerpt![1])));
    expect(plan.summary.errors).toBe(0);
    expect(plan.stores.map((store) => store.id)).toEqual(['audit-logs', 'billing', 'documents', 'orders']);
  });

  it('shows a requirements excerpt that synthesizes as printed (DisasterRecovery, then every policy rule)', () => {
    const excerpt = /```json\n([\s\S]*?)```/.exec(readme);
    const plan = planBackups(parseRequirements(JSON.parse(excerpt![1])));
    const app = testApp();
    const stack = new TerraformStack(app, 'readme');
    new AwsProvider(stack, 'aws', { region: plan.regions.primary });
    new DisasterRecovery(stack, 'lifeboat', { plan });
    const json = JSON.parse(Testing.synth(stack));
    expect(Object.keys(json.resource.aws_db_instance)).toHaveLength(2);
    expect(checkDocument(json)).toEqual([]);
  });

  it('is what CI runs', () => {
    const ci = fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8');
    expect(ci).toContain('npm ci');
    expect(ci).toMatch(/^npm test\b/m);
    expect(ci).toMatch(/^npm run synth$/m);
  });

  it.each(['docs/protected-database.md', 'docs/replicated-bucket.md'])('shows the tested example of %s verbatim', (doc) => {
    const [example] = tsBlocks(fs.readFileSync(path.join(root, doc), 'utf8'));
    expect(tsBlocks(readme)).toContain(example);
  });

  it('has a DisasterRecovery example that synthesizes the example spec', () => {
    const example = tsBlocks(readme).find((block) => block.includes('new DisasterRecovery('));
    expect(example).toBeDefined();
    const work = fs.mkdtempSync(path.join(root, '.lifeboat-tmp-readme-'));
    try {
      const outdir = path.join(work, 'cdktf.out');
      const runnable = example!
        .replace("'lifeboat/constructs'", `'${path.join(root, 'constructs')}'`)
        .replace("from 'lifeboat'", `from '${path.join(root, 'src')}'`)
        .replace("loadRequirements('backup_requirements.json')", `loadRequirements(${JSON.stringify(path.join(root, 'examples', 'backup_requirements.json'))})`)
        .replace('const app = new App();', `const app = new App({ outdir: ${JSON.stringify(outdir)} });`);
      expect(runnable).not.toContain("from 'lifeboat/");
      const file = path.join(work, 'example.ts');
      fs.writeFileSync(file, runnable);
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(file);
      });
      const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'shop', 'cdk.tf.json'), 'utf8'));
      expect(json.terraform.backend.s3).toMatchObject({ bucket: 'my-terraform-state', encrypt: true });
      expect(Object.keys(json.resource.aws_db_instance)).toHaveLength(2);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
