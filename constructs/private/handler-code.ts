/**
 * The code of Lifeboat's Lambda handlers. A compiled package (an installed lifeboat, or a checkout after
 * `npm run build`) deploys the zips bundled once at build time and shipped in `dist/handlers/`, so a synth needs no
 * bundler and no cache. The TypeScript source (a checkout running through tsx or jest) bundles `lambda/` from source
 * instead, so an edit to a handler shows in the next synth without a build. Both paths run the same bundler on the
 * same sources and write the same bytes (the same `source_code_hash`).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The Lambda handlers Lifeboat ships, by directory under `lambda/`. */
export const HANDLER_NAMES = ['verify-restore', 'backup-age-probe', 'verify-replication'] as const;
export type HandlerName = (typeof HANDLER_NAMES)[number];

/** A bundled handler: a deterministic zip on disk plus what Terraform needs to deploy it. */
export interface Bundle {
  /** Absolute path of the zip. */
  readonly zipPath: string;
  /** Base64 SHA-256 of the zip: Lambda's `source_code_hash`, identical across machines for identical sources. */
  readonly sourceCodeHash: string;
  /** Size of the bundled JavaScript in bytes. */
  readonly codeBytes: number;
  /** Size of the zip in bytes (Lambda's direct-upload limit is 50 MB zipped). */
  readonly zipBytes: number;
}

/**
 * Where the build writes the zips: `dist/handlers` of the package this file belongs to (found upwards from here: the
 * build bundles this module into `dist/constructs/index.js`, one level above its compiled place).
 */
export const SHIPPED_HANDLERS_DIR = path.join(packageRoot(__dirname), 'dist', 'handlers');
/** True when this module runs as TypeScript, i.e. from a checkout's source rather than from a build. */
const FROM_SOURCE = path.extname(__filename) === '.ts';
const loaded = new Map<HandlerName, Bundle>();

/** The nearest directory at or above `from` holding a package.json (`from` itself when there is none). */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return from;
  }
}

/** The deployable code of a handler, read (or, from source, bundled) once per process. */
export function handlerCode(name: HandlerName): Bundle {
  let bundle = loaded.get(name);
  if (!bundle) {
    bundle = FROM_SOURCE ? bundleFromSource(name) : shippedBundle(name);
    loaded.set(name, bundle);
  }
  return bundle;
}

/** A zip the build wrote; its hash is computed from the bytes on disk, so a replaced file cannot deploy unnoticed. */
export function shippedBundle(name: HandlerName, directory: string = SHIPPED_HANDLERS_DIR): Bundle {
  const zipPath = path.join(directory, `${name}.zip`);
  let zip: Buffer;
  try {
    zip = fs.readFileSync(zipPath);
  } catch {
    throw new Error(`Lambda handler ${name}: ${zipPath} is missing, so this copy of lifeboat is incomplete (in a checkout, run npm run build)`);
  }
  return {
    zipPath,
    sourceCodeHash: crypto.createHash('sha256').update(zip).digest('base64'),
    // The build writes one entry, index.js; its local header holds the uncompressed size at offset 22.
    codeBytes: zip.readUInt32LE(22),
    zipBytes: zip.length,
  };
}

function bundleFromSource(name: HandlerName): Bundle {
  // Checkouts only: scripts/ and esbuild are development files, absent from the package. The path is computed so
  // that the compiled library does not reference them.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bundler = require(path.join(__dirname, '..', '..', 'scripts', 'bundle')) as {
    bundleHandler(options: { entry: string; name: string }): Bundle;
    handlerEntry(name: HandlerName): string;
  };
  return bundler.bundleHandler({ entry: bundler.handlerEntry(name), name });
}
