#!/usr/bin/env node
// `npm test`: installs what the tests need that npm cannot (the Temporal binaries), type-checks,
// then runs every tap suite. Arguments are passed on to tap (for example a single test file).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');
require('./bootstrap').ensureDependencies();
require('tsx/cjs');

const root = path.resolve(__dirname, '..');
const { resolveTemporalCli, resolveTestServer } = require('../src/temporal/binaries.ts');
const { resolveTemporalServer } = require('../src/temporal/cluster.ts');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

const cli = resolveTemporalCli();
const testServer = resolveTestServer();
process.env.TEMPORAL_CLI_PATH = cli;
process.env.TEMPORAL_TEST_SERVER_PATH = testServer;
// The production-topology test runs the Temporal server itself; it is built once (Go module proxy).
const cluster = resolveTemporalServer();
process.env.TEMPORAL_SERVER_PATH = cluster.server;
process.env.TEMPORAL_SQL_TOOL_PATH = cluster.sqlTool;

const extra = process.argv.slice(2);
if (extra.length === 0) {
  console.log('Type-checking…');
  const typecheck = run(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json']);
  if (typecheck !== 0) process.exit(typecheck);
}
const tapBin = path.join(root, 'node_modules', 'tap', 'dist', 'esm', 'run.mjs');

// tap's output passes through untouched; its closing `# { total: N, pass: N, fail: N }` is also
// restated as a plain "N passed, N failed" line that any CI can read.
const tap = spawn(process.execPath, [tapBin, ...extra], { cwd: root, stdio: ['inherit', 'pipe', 'inherit'] });
let tail = '';
tap.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4000);
});
tap.on('close', (code, signal) => {
  const summaries = [...tail.matchAll(/^# \{ total: (\d+)(?:, pass: (\d+))?(?:, fail: (\d+))?(?:, skip: (\d+))?/gm)];
  const last = summaries[summaries.length - 1];
  if (last) {
    const [, , pass = '0', fail = '0', skip] = last;
    console.log(`${pass} passed, ${fail} failed${skip ? `, ${skip} skipped` : ''}`);
  }
  process.exit(code ?? (signal ? 1 : 0));
});
