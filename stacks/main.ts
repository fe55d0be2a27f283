/**
 * The main job (`npm run synth`, and cdktf.json's app): reads backup_requirements.json (the embedded example, or
 * the path in LIFEBOAT_REQUIREMENTS), plans it, synthesizes cdktf.out/ and writes backup_plan.json and the runbooks
 * (into LIFEBOAT_OUT_DIR, default the current directory). Nothing is written unless the whole plan validates and
 * renders.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { LifeboatStack, planRequirements, writeArtifacts } from './app';

const root = path.resolve(__dirname, '..');
const requirementsPath = process.env.LIFEBOAT_REQUIREMENTS ?? path.join(root, 'examples', 'backup_requirements.json');
const outDir = path.resolve(process.env.LIFEBOAT_OUT_DIR ?? process.cwd());
const cdktfOut = path.join(outDir, 'cdktf.out');
const cdktfOutExisted = fs.existsSync(cdktfOut);

try {
  const plan = planRequirements(requirementsPath);
  const app = new App({ outdir: cdktfOut });
  new LifeboatStack(app, plan.name, plan);
  app.synth();
  const [planFile, ...runbooks] = writeArtifacts(plan, outDir);
  const shown = (file: string) => path.relative(process.cwd(), file) || file;
  process.stdout.write(`Synthesized ${shown(cdktfOut)} from ${requirementsPath}\n`);
  process.stdout.write(`Wrote ${shown(planFile)} and ${shown(path.dirname(runbooks[0]))}/ (${runbooks.length} files)\n`);
} catch (error) {
  // App() creates its outdir eagerly; leave no trace of a run that failed.
  if (!cdktfOutExisted) fs.rmSync(cdktfOut, { recursive: true, force: true });
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
