#!/usr/bin/env node
// `npm run build` (also run by npm at install, as `prepare`): compiles src/ to the git-ignored dist/
// so that bin/kehoach.js starts from JavaScript instead of transpiling TypeScript at every call.
// dist/ mirrors src/ (same depth, so paths relative to __dirname still reach plans/ and calendars/).
// A build with type errors still writes JavaScript but no stamp: bin/kehoach.js then keeps using the
// sources through tsx, and `npm test` reports the type errors.
'use strict';
const { spawnSync } = require('node:child_process');
const { cpSync, rmSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const STAMP = path.join(dist, '.built');

let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  // Installed without dev dependencies (npm ci --omit=dev): the sources run through tsx.
  console.log('kehoach build: TypeScript is not installed; the CLI runs from the sources.');
  process.exit(0);
}
rmSync(dist, { recursive: true, force: true });
const started = Date.now();
console.log('Compiling src/ to dist/ (tsc) so that the kehoach command starts fast…');
const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  console.log('kehoach build: type errors (above); the CLI runs from the sources until they are fixed.');
  process.exit(0);
}
// Files the code reads next to itself.
cpSync(path.join(root, 'src', 'db', 'migrations'), path.join(dist, 'db', 'migrations'), { recursive: true });
writeFileSync(STAMP, `${new Date().toISOString()}\n`);
console.log(`Compiled in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
