#!/usr/bin/env node
// `npm test`: installs what the tests need that npm cannot (the Temporal binaries), type-checks,
// then runs every tap suite. Arguments are passed on to tap (for example a single test file).
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
require('./bootstrap').ensureDependencies();
require('tsx/cjs');

const root = path.resolve(__dirname, '..');
const { resolveTemporalCli, resolveTestServer } = require('../src/temporal/binaries.ts');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

const cli = resolveTemporalCli();
const testServer = resolveTestServer();
process.env.TEMPORAL_CLI_PATH = cli;
process.env.TEMPORAL_TEST_SERVER_PATH = testServer;

const extra = process.argv.slice(2);
if (extra.length === 0) {
  console.log('Type-checking…');
  const typecheck = run(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json']);
  if (typecheck !== 0) process.exit(typecheck);
}
const tapBin = path.join(root, 'node_modules', 'tap', 'dist', 'esm', 'run.mjs');
process.exit(run(process.execPath, [tapBin, ...extra]));
