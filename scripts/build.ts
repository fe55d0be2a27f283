/**
 * `npm run build` (also run by `npm pack` / `npm publish` through `prepack`): makes the package from a clean slate.
 *   1. dist/ removed, then compiled by tsc (tsconfig.build.json: declarations, no source maps);
 *   2. the two entry points (`lifeboat`, `lifeboat/constructs`) replaced by bundles sharing one copy of src/
 *      (scripts/entry-bundles.ts), so loading them reads three files instead of about 350;
 *   3. dist/ pruned to what the entry points (`lifeboat`, `lifeboat/constructs`, the CLI) reach, so handler-only code,
 *      and files of sources deleted since an earlier build, never ship;
 *   4. each Lambda handler bundled once with esbuild into dist/handlers/<name>.zip (deterministic bytes), which the
 *      constructs deploy, so a user's synth needs no bundler;
 *   5. schema.json (the requirements' JSON Schema, as `lifeboat schema` prints it) at the package root, for `"$schema"`.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HANDLER_NAMES } from '../constructs/private/handler-code';
import { requirementsJsonSchema } from '../src/spec/json-schema';
import { bundleHandler, handlerEntry } from './bundle';
import { bundleEntryPoints } from './entry-bundles';

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
/** What users load: the package's exports and the CLI behind `bin`. */
export const ENTRY_POINTS = ['src/index', 'constructs/index', 'src/cli/main'];

function compile(): void {
  fs.rmSync(dist, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
}

/** Relative module specifiers of a compiled file: `require("./x")` in .js, `from "./x"` and `import("./x")` in .d.ts. */
function relativeImports(text: string): string[] {
  const specifiers = [...text.matchAll(/(?:require\(|from |import\()(["'])(\.{1,2}\/[^"']*)\1/g)].map((match) => match[2]);
  return [...new Set(specifiers)];
}

/** dist path of a module without extension: `x.js` or `x/index.js` (the entry bundles name `./internal.js` in full). */
function resolveModule(fromDir: string, specifier: string): string | undefined {
  const base = path.resolve(fromDir, specifier);
  if (specifier.endsWith('.js') && fs.existsSync(base)) return base.slice(0, -'.js'.length);
  if (fs.existsSync(`${base}.js`)) return base;
  if (fs.existsSync(path.join(base, 'index.js'))) return path.join(base, 'index');
  return undefined;
}

/** Removes every compiled module no entry point reaches (through code or types); returns how many were removed. */
function prune(): number {
  const reached = new Set<string>();
  const queue = ENTRY_POINTS.map((entry) => path.join(dist, entry));
  while (queue.length > 0) {
    const module = queue.pop() as string;
    if (reached.has(module)) continue;
    reached.add(module);
    for (const extension of ['.js', '.d.ts']) {
      const file = module + extension;
      if (!fs.existsSync(file)) continue;
      for (const specifier of relativeImports(fs.readFileSync(file, 'utf8'))) {
        const target = resolveModule(path.dirname(file), specifier);
        if (!target) throw new Error(`${path.relative(root, file)}: cannot resolve ${specifier}`);
        queue.push(target);
      }
    }
  }
  let removed = 0;
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(file);
        if (fs.readdirSync(file).length === 0) fs.rmdirSync(file);
      } else if (!reached.has(file.replace(/(\.d\.ts|\.js)$/, ''))) {
        fs.rmSync(file);
        removed += 1;
      }
    }
  };
  walk(dist);
  return removed;
}

function bundleHandlers(): void {
  const target = path.join(dist, 'handlers');
  fs.mkdirSync(target, { recursive: true });
  for (const name of HANDLER_NAMES) {
    const bundle = bundleHandler({ entry: handlerEntry(name), name });
    fs.copyFileSync(bundle.zipPath, path.join(target, `${name}.zip`));
    process.stdout.write(`dist/handlers/${name}.zip: ${Math.round(bundle.zipBytes / 1024)} KiB (${Math.round(bundle.codeBytes / 1024)} KiB of code)\n`);
  }
}

function writeSchema(): void {
  fs.writeFileSync(path.join(root, 'schema.json'), `${JSON.stringify(requirementsJsonSchema(), null, 2)}\n`);
}

async function main(): Promise<void> {
  compile();
  for (const [file, bytes] of Object.entries(await bundleEntryPoints())) process.stdout.write(`${file}: ${Math.round(bytes / 1024)} KiB\n`);
  const removed = prune();
  process.stdout.write(`dist/: compiled, ${removed} files no entry point reaches removed\n`);
  bundleHandlers();
  writeSchema();
  process.stdout.write('schema.json: written\n');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
