/**
 * The main job (`npm run synth`, and cdktf.json's app): reads backup_requirements.json (the embedded example, or
 * the path in LIFEBOAT_REQUIREMENTS), plans it, synthesizes cdktf.out/ and writes backup_plan.json and the runbooks.
 * Nothing is written unless the whole plan validates and renders.
 */
import * as path from 'node:path';
import { App } from 'cdktf';
import { buildApp, writeArtifacts } from './app';

const root = path.resolve(__dirname, '..');
const requirementsPath = process.env.LIFEBOAT_REQUIREMENTS ?? path.join(root, 'examples', 'backup_requirements.json');
const outDir = process.env.LIFEBOAT_OUT_DIR ?? process.cwd();

try {
  const app = new App({ outdir: path.join(outDir, 'cdktf.out') });
  const { plan } = buildApp(app, requirementsPath);
  app.synth();
  const written = writeArtifacts(plan, outDir);
  process.stdout.write(`Synthesized ${path.relative(process.cwd(), app.outdir) || app.outdir} from ${requirementsPath}\n`);
  for (const file of written) process.stdout.write(`Wrote ${path.relative(process.cwd(), file) || file}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
