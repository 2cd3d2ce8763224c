#!/usr/bin/env node
// `npm run build` (also run by npm at install, as `prepare`): compiles src/ to the git-ignored dist/
// so that bin/kehoach.js starts from JavaScript instead of transpiling TypeScript at every call.
// dist/ mirrors src/ (same depth, so paths relative to __dirname still reach plans/ and calendars/).
// `kehoach validate`, which editors and CI run on every save and push, also gets one bundled file
// (dist/cli/validate.bundle.js, esbuild): Node then reads and compiles one file instead of ~200
// modules, and zod's and yaml's unused parts are left out (about 50 ms of its ~310 ms start).
// A build with type errors, or whose bundle fails, still writes JavaScript but no stamp:
// bin/kehoach.js then keeps using the sources through tsx, and `npm test` reports the errors.
'use strict';
const { spawnSync } = require('node:child_process');
const { cpSync, rmSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const STAMP = path.join(dist, '.built');

/**
 * Bundles `kehoach validate` (src/cli/validate.ts and everything it imports) into one CommonJS file.
 * The file must sit two folders below the project root, as its sources do, for the plan loader's
 * __dirname-relative paths (plans/, calendars/) to hold in it.
 */
function bundleValidate(outfile) {
  require('esbuild').buildSync({
    entryPoints: [path.join(root, 'src', 'cli', 'validate.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    logLevel: 'warning',
  });
}

function build() {
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc');
  } catch {
    // Installed without dev dependencies (npm ci --omit=dev): the sources run through tsx.
    console.log('kehoach build: TypeScript is not installed; the CLI runs from the sources.');
    return;
  }
  rmSync(dist, { recursive: true, force: true });
  const started = Date.now();
  console.log('Compiling src/ to dist/ (tsc) so that the kehoach command starts fast…');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.log('kehoach build: type errors (above); the CLI runs from the sources until they are fixed.');
    return;
  }
  // Files the code reads next to itself.
  cpSync(path.join(root, 'src', 'db', 'migrations'), path.join(dist, 'db', 'migrations'), { recursive: true });
  try {
    bundleValidate(path.join(dist, 'cli', 'validate.bundle.js'));
  } catch {
    // esbuild has printed its errors.
    console.log('kehoach build: bundling `kehoach validate` failed (above); the CLI runs from the sources until it is fixed.');
    return;
  }
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  console.log(`Compiled in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

module.exports = { bundleValidate };

if (require.main === module) build();
