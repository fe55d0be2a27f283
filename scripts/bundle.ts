/**
 * Bundles a Lambda handler from source with esbuild into a deterministic zip. Used at build time (scripts/build.ts
 * writes the zips the package ships) and, in a checkout running the TypeScript source, by the constructs themselves
 * (constructs/private/handler-code.ts), so an edit to lambda/ shows in the next synth without a build. Never loaded
 * from an installed package: esbuild is a development dependency.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync, version as esbuildVersion } from 'esbuild';
import type { Bundle, HandlerName } from '../constructs/private/handler-code';
import { zipFiles } from './zip';

export type { Bundle, HandlerName };

/** How a handler is bundled. */
export interface BundleOptions {
  /** Entry file (TypeScript or JavaScript) exporting the handler. */
  readonly entry: string;
  /** Name of the zip file, without extension. @default the entry's directory name */
  readonly name?: string;
  /**
   * Modules left out of the bundle, resolved from the runtime instead. `pg-native` is always external (an optional
   * native addon `pg` only loads on request). @default none: the AWS SDK is bundled, pinned to the tested version
   */
  readonly external?: readonly string[];
  /** Minify the code. @default true */
  readonly minify?: boolean;
  /**
   * package.json fields esbuild resolves packages by. ES module builds first: the AWS SDK's dist-es tree-shakes, its
   * dist-cjs does not (bench/lambda-bundles measures both). @default ['module', 'main']
   */
  readonly mainFields?: readonly string[];
}

const PROJECT_ROOT = path.resolve(__dirname, '..');
/** Optional native addons that bundled libraries `require` only when asked to; never present on Lambda. */
const ALWAYS_EXTERNAL = ['pg-native'];
const bundles = new Map<string, Bundle>();

/** Path of a shipped handler's TypeScript entry in the repository. */
export function handlerEntry(name: HandlerName): string {
  const base = path.join(PROJECT_ROOT, 'lambda', name, 'index');
  for (const extension of ['.ts', '.js']) {
    if (fs.existsSync(base + extension)) return base + extension;
  }
  throw new Error(`handler ${name}: no ${base}.ts or ${base}.js`);
}

/**
 * Bundles a handler with esbuild (minified CommonJS for Node.js 22) into a deterministic zip. Results are cached per
 * process, so N constructs deploying the same handler bundle it once. The zip is written with fixed timestamps and
 * permissions, so the same sources always give the same bytes and the same `source_code_hash`.
 */
export function bundleHandler(options: BundleOptions): Bundle {
  const external = [...new Set([...ALWAYS_EXTERNAL, ...(options.external ?? [])])].sort();
  const minify = options.minify ?? true;
  const mainFields = options.mainFields ?? ['module', 'main'];
  const name = options.name ?? path.basename(path.dirname(options.entry));
  const cacheKey = JSON.stringify([path.resolve(options.entry), name, external, minify, mainFields]);
  const cached = bundles.get(cacheKey);
  if (cached) return cached;

  const diskKey = crypto.createHash('sha256').update(JSON.stringify([esbuildVersion, cacheKey])).digest('hex').slice(0, 32);
  const reused = reuseBuild(diskKey);
  if (reused) {
    bundles.set(cacheKey, reused);
    return reused;
  }

  const result = buildSync({
    entryPoints: [options.entry],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    write: false,
    metafile: true,
    minify,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    sourcemap: false,
    legalComments: 'none',
    mainFields: [...mainFields],
    external,
    logLevel: 'silent',
  });
  if (result.errors.length > 0) {
    throw new Error(`bundling ${options.entry} failed:\n  ${result.errors.map((error) => error.text).join('\n  ')}`);
  }
  const code = Buffer.from(result.outputFiles[0].contents);
  const zip = zipFiles([{ name: 'index.js', data: code }]);
  const sha256 = crypto.createHash('sha256').update(zip);
  const digest = sha256.copy().digest('hex');
  const directory = path.join(os.tmpdir(), 'lifeboat-bundles', digest.slice(0, 32));
  const zipPath = path.join(directory, `${name}.zip`);
  if (!fs.existsSync(zipPath)) {
    fs.mkdirSync(directory, { recursive: true });
    // Write then rename: parallel test workers may bundle the same handler at the same moment.
    const temporary = `${zipPath}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(temporary, zip);
    fs.renameSync(temporary, zipPath);
  }
  const bundle: Bundle = { zipPath, sourceCodeHash: sha256.digest('base64'), codeBytes: code.length, zipBytes: zip.length };
  bundles.set(cacheKey, bundle);
  recordBuild(diskKey, bundle, Object.keys(result.metafile?.inputs ?? {}));
  return bundle;
}

const BUILD_CACHE_DIR = path.join(os.tmpdir(), 'lifeboat-bundles', 'builds');

interface BuildRecord {
  bundle: Bundle;
  /** Every file esbuild read (relative to the project root), with the SHA-256 of its content. */
  inputs: Record<string, string>;
}

/** Digests read in this process: the handlers share most of their inputs (the AWS SDK). */
const digests = new Map<string, string | undefined>();

function fileDigest(file: string): string | undefined {
  if (digests.has(file)) return digests.get(file);
  let digest: string | undefined;
  try {
    digest = crypto.createHash('sha256').update(fs.readFileSync(path.resolve(PROJECT_ROOT, file))).digest('hex');
  } catch {
    digest = undefined;
  }
  digests.set(file, digest);
  return digest;
}

/**
 * A zip built earlier (by any process) from exactly the same inputs: every file the previous build read still has the
 * same content, so esbuild would write the same bytes. Saves a second or so per synth; any changed input rebuilds.
 */
function reuseBuild(diskKey: string): Bundle | undefined {
  let record: BuildRecord;
  try {
    record = JSON.parse(fs.readFileSync(path.join(BUILD_CACHE_DIR, `${diskKey}.json`), 'utf8')) as BuildRecord;
  } catch {
    return undefined;
  }
  if (!fs.existsSync(record.bundle.zipPath)) return undefined;
  for (const [file, digest] of Object.entries(record.inputs)) {
    if (fileDigest(file) !== digest) return undefined;
  }
  return record.bundle;
}

function recordBuild(diskKey: string, bundle: Bundle, inputs: string[]): void {
  const record: BuildRecord = { bundle, inputs: {} };
  for (const file of inputs.sort()) {
    const digest = fileDigest(file);
    if (digest === undefined) return; // an input that cannot be read back cannot be checked later: do not cache
    record.inputs[file] = digest;
  }
  fs.mkdirSync(BUILD_CACHE_DIR, { recursive: true });
  const target = path.join(BUILD_CACHE_DIR, `${diskKey}.json`);
  const temporary = `${target}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  fs.writeFileSync(temporary, JSON.stringify(record));
  fs.renameSync(temporary, target);
}
