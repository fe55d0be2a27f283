#!/usr/bin/env node
// Runs the compiled CLI when present (npm run build), otherwise the TypeScript source through tsx.
const path = require('node:path');
const fs = require('node:fs');
const compiled = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (fs.existsSync(compiled)) {
  require(compiled).main(process.argv.slice(2)).then((code) => process.exit(code));
} else {
  require('tsx/cjs');
  require(path.join(__dirname, '..', 'src', 'cli', 'main.ts')).main(process.argv.slice(2)).then((code) => process.exit(code));
}
