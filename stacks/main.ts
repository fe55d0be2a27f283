/**
 * The main job (`npm run synth`, and cdktf.json's app): reads backup_requirements.json (the embedded example, or
 * the path in LIFEBOAT_REQUIREMENTS), plans it, synthesizes cdktf.out/ and writes backup_plan.json and the runbooks
 * (into LIFEBOAT_OUT_DIR, default the current directory; created when missing). Nothing is written unless the whole
 * plan validates and renders.
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
/** The outermost folder this run created for LIFEBOAT_OUT_DIR, removed again if the run fails. */
let createdOutDir: string | undefined;
/** Whether App() ran (it creates cdktf.out eagerly). */
let synthStarted = false;

/** Creates LIFEBOAT_OUT_DIR when it is missing; an existing file there, or a folder that cannot be made, is an error. */
function ensureOutDir(): string | undefined {
  const where = process.env.LIFEBOAT_OUT_DIR === undefined ? 'the current directory' : `LIFEBOAT_OUT_DIR (${outDir})`;
  if (fs.existsSync(outDir)) {
    if (fs.statSync(outDir).isDirectory()) return undefined;
    throw new Error(`${where} is a file, not a folder: point LIFEBOAT_OUT_DIR to a folder (a missing one is created)`);
  }
  try {
    return fs.mkdirSync(outDir, { recursive: true });
  } catch (error) {
    throw new Error(`cannot create ${where}: ${(error as Error).message}; create the folder or point LIFEBOAT_OUT_DIR to a writable one`);
  }
}

try {
  const plan = planRequirements(requirementsPath);
  createdOutDir = ensureOutDir();
  synthStarted = true;
  const app = new App({ outdir: cdktfOut });
  new LifeboatStack(app, plan.name, plan);
  app.synth();
  const [planFile, ...runbooks] = writeArtifacts(plan, outDir);
  const shown = (file: string) => path.relative(process.cwd(), file) || file;
  if (createdOutDir !== undefined) process.stdout.write(`Created ${shown(outDir)}/\n`);
  process.stdout.write(`Synthesized ${shown(cdktfOut)} from ${requirementsPath}\n`);
  process.stdout.write(`Wrote ${shown(planFile)} and ${shown(path.dirname(runbooks[0]))}/ (${runbooks.length} files)\n`);
} catch (error) {
  // App() creates its outdir eagerly; leave no trace of a run that failed, including a folder it created.
  if (synthStarted && !cdktfOutExisted) fs.rmSync(cdktfOut, { recursive: true, force: true });
  if (createdOutDir !== undefined) fs.rmSync(createdOutDir, { recursive: true, force: true });
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
