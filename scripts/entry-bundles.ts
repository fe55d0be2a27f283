/**
 * The package's two entry points as bundles (run by scripts/build.ts after tsc), so that loading them reads three
 * files instead of about 350 (every compiled module, and zod's 95 with all of its locales):
 *   dist/src/internal.js      every module of src/ that `lifeboat` exports or `lifeboat/constructs` uses, once, with
 *                             zod inlined and tree-shaken (its English messages only, which is all it uses);
 *   dist/src/index.js         `lifeboat`: the public API, read from internal.js;
 *   dist/constructs/index.js  `lifeboat/constructs`: the constructs (and the handler-config parsers of lambda/ they
 *                             validate with), reading every src/ module from internal.js.
 * One copy of each src/ module serves both entry points, so a class exported by `lifeboat` (e.g. RequirementsError)
 * is the very class the constructs throw. Every package except zod stays external (the peers, the AWS SDK, the
 * database drivers: loaded from the user's node_modules, as before). The .d.ts files stay tsc's; the CLI (`bin`)
 * keeps running the compiled modules, which it does not share with these bundles.
 */
import { build, type Plugin } from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
/** Bundled into internal.js rather than loaded from node_modules: tree-shaking drops the locales it never shows. */
const INLINED_PACKAGES = /^zod(\/|$)/;
const INTERNAL = path.join('dist', 'src', 'internal.js');

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  // Stable output: no absolute paths, no timestamps.
  legalComments: 'none',
} as const;

/** Every bare import but zod's stays a `require()` of the user's installed package. */
const externalPackages: Plugin = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (INLINED_PACKAGES.test(args.path) ? undefined : { path: args.path, external: true }));
  },
};

/** `src/plan/alarms` for `<root>/src/plan/alarms.ts`, `src/spec/index` for `<root>/src/spec/index.ts`. */
function moduleKey(file: string): string {
  return path.relative(root, file).split(path.sep).join('/').replace(/\.(ts|js)$/, '');
}

/** The src/ modules imported from outside src/ by the constructs' graph (constructs/, lambda/), found by esbuild. */
async function boundaryModules(): Promise<string[]> {
  const result = await build({ ...common, entryPoints: ['constructs/index.ts'], write: false, metafile: true, plugins: [externalPackages] });
  const keys = new Set<string>();
  for (const [file, input] of Object.entries(result.metafile.inputs)) {
    if (file.startsWith('src/') || file.startsWith('node_modules/')) continue;
    for (const imported of input.imports) {
      if (!imported.external && imported.path.startsWith('src/')) keys.add(moduleKey(path.join(root, imported.path)));
    }
  }
  return [...keys].sort();
}

/** The constructs' imports of src/ modules, read from internal.js instead of bundled a second time. */
function internalModules(keys: ReadonlySet<string>, internalFromOutput: string): Plugin {
  return {
    name: 'internal-modules',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, async (args) => {
        if (args.pluginData === 'plain' || args.namespace === 'lifeboat-internal') return undefined;
        const resolved = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: 'plain' });
        if (resolved.errors.length > 0 || !resolved.path.startsWith(path.join(root, 'src') + path.sep)) return resolved;
        const key = moduleKey(resolved.path);
        if (!keys.has(key)) throw new Error(`${args.importer}: imports ${key}, which internal.js does not carry`);
        return { path: key, namespace: 'lifeboat-internal' };
      });
      build.onLoad({ filter: /.*/, namespace: 'lifeboat-internal' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(internalFromOutput)}).modules[${JSON.stringify(args.path)}];`,
        loader: 'js',
      }));
      build.onResolve({ filter: /internal\.js$/, namespace: 'lifeboat-internal' }, (args) => ({ path: args.path, external: true }));
    },
  };
}

/**
 * A CommonJS module re-exporting `names` of internal.js's `src/index`, with the annotation Node reads to offer them
 * to `import { x } from 'lifeboat'` (its CommonJS export lexer cannot see through getters).
 */
function indexWrapper(names: readonly string[]): string {
  return [
    '"use strict";',
    '// `lifeboat`: the public API of src/index, from the bundle the constructs share (scripts/entry-bundles.ts).',
    'const api = require("./internal.js").modules["src/index"];',
    'Object.defineProperty(exports, "__esModule", { value: true });',
    'for (const name of Object.keys(api)) Object.defineProperty(exports, name, { enumerable: true, get: () => api[name] });',
    `0 && (module.exports = { ${names.join(', ')} });`,
    '',
  ].join('\n');
}

/** Writes internal.js, the `lifeboat` entry and the `lifeboat/constructs` bundle over tsc's files; returns their sizes. */
export async function bundleEntryPoints(): Promise<Record<string, number>> {
  const keys = [...new Set(['src/index', ...(await boundaryModules())])].sort();
  const entry = [
    ...keys.map((key, index) => `import * as m${index} from './${key}';`),
    `export const modules = { ${keys.map((key, index) => `${JSON.stringify(key)}: m${index}`).join(', ')} };`,
  ].join('\n');
  await build({
    ...common,
    stdin: { contents: entry, resolveDir: root, sourcefile: 'lifeboat-internal.ts', loader: 'ts' },
    outfile: INTERNAL,
    plugins: [externalPackages],
  });
  await build({
    ...common,
    entryPoints: ['constructs/index.ts'],
    outfile: path.join('dist', 'constructs', 'index.js'),
    plugins: [externalPackages, internalModules(new Set(keys), '../src/internal.js')],
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle just written, for its export names
  const api = require(path.join(root, INTERNAL)).modules['src/index'] as Record<string, unknown>;
  fs.writeFileSync(path.join(root, 'dist', 'src', 'index.js'), indexWrapper(Object.keys(api).sort()));
  const size = (file: string) => fs.statSync(path.join(root, file)).size;
  return Object.fromEntries([INTERNAL, 'dist/src/index.js', 'dist/constructs/index.js'].map((file) => [file.split(path.sep).join('/'), size(file)]));
}
