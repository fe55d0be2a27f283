#!/usr/bin/env node
// The `lifeboat` command. An installed package runs its compiled CLI (dist/, plain JavaScript). A checkout (src/ next
// to this directory; the package does not ship src/) always runs the TypeScript source through tsx, so a build left
// over from an earlier commit never shadows the code being edited; `npm run build` only makes the package.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const source = path.join(root, 'src', 'cli', 'main.ts');
const compiled = path.join(root, 'dist', 'src', 'cli', 'main.js');

async function load() {
  if (!fs.existsSync(source)) return require(compiled);
  let tsx;
  try {
    tsx = { cjs: require('tsx/cjs/api'), esm: await import('tsx/esm/api') };
  } catch {
    process.stderr.write('lifeboat: this checkout runs from source and needs its development dependencies: npm ci\n');
    process.exit(2);
  }
  // Both hooks: require() of TypeScript, and dynamic import() (the CLI loads its database drivers lazily), which
  // Node resolves as an ES module import.
  tsx.cjs.register();
  tsx.esm.register();
  return require(source);
}

load()
  .then((cli) => cli.main(process.argv.slice(2)))
  .then((code) => process.exit(code));
