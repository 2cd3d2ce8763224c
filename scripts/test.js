#!/usr/bin/env node
// `npm test`: installs what the tests need that npm cannot (the Temporal binaries, Chromium), checks the
// formatting (Prettier), lints (ESLint), type-checks, then runs every tap suite. Arguments are
// passed on to tap (for example a single test file), and then only the suites run.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

async function main() {
  await require('./bootstrap').ensureDependencies();
  require('tsx/cjs');
  const { resolveTemporalCli, resolveTestServer } = require('../src/temporal/binaries.ts');

  const cli = resolveTemporalCli();
  const testServer = resolveTestServer();
  process.env.TEMPORAL_CLI_PATH = cli;
  process.env.TEMPORAL_TEST_SERVER_PATH = testServer;
  // The production-topology test runs the Temporal server itself; it is built once (Go module proxy).
  const { resolveTemporalServer } = require('../src/temporal/cluster.ts');
  const cluster = resolveTemporalServer();
  process.env.TEMPORAL_SERVER_PATH = cluster.server;
  process.env.TEMPORAL_SQL_TOOL_PATH = cluster.sqlTool;
  // The web dashboard's browser tests drive Debian's Chromium. When it cannot be installed the other
  // suites still run; the browser test then fails saying what to install.
  try {
    process.env.KEHOACH_CHROMIUM_PATH = require('./chromium').ensureChromium();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
  }

  const extra = process.argv.slice(2);
  if (extra.length === 0) {
    const checks = [
      [
        'Checking the formatting (prettier --check; `npx prettier --write .` fixes it)…',
        require.resolve('prettier/bin/prettier.cjs'),
        ['--check', '--log-level', 'warn', '.'],
      ],
      // The cache lives in node_modules so that a second run only lints what changed; eslint's
      // exports map does not list its bin, so it is found next to its package.json.
      [
        'Linting (eslint)…',
        path.join(path.dirname(require.resolve('eslint/package.json')), 'bin', 'eslint.js'),
        ['--cache', '--cache-location', 'node_modules/.cache/eslint/', '.'],
      ],
      ['Type-checking (tsc)…', require.resolve('typescript/bin/tsc'), ['--noEmit', '-p', 'tsconfig.json']],
    ];
    for (const [title, script, args] of checks) {
      console.log(title);
      const status = run(process.execPath, [script, ...args]);
      if (status !== 0) process.exit(status);
    }
  }
  const tapBin = path.join(root, 'node_modules', 'tap', 'dist', 'esm', 'run.mjs');

  // tap's output passes through untouched; its closing `# { total: N, pass: N, fail: N }` is also
  // restated as a plain "N passed, N failed" line that any CI can read, after the failures repeated
  // with their diagnostics: a CI that keeps only the end of a long log still says what failed.
  const tap = spawn(process.execPath, [tapBin, ...extra], { cwd: root, stdio: ['inherit', 'pipe', 'inherit'] });
  let tail = '';
  let pending = '';
  const failures = createFailureCollector();
  tap.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    const text = chunk.toString();
    tail = (tail + text).slice(-4000);
    const lines = (pending + text).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) failures.add(line);
  });
  tap.on('close', (code, signal) => {
    if (pending) failures.add(pending);
    const report = failures.report();
    if (report.length > 0) console.log(['', 'Failures:', ...report].join('\n'));
    const summaries = [...tail.matchAll(/^# \{ total: (\d+)(?:, pass: (\d+))?(?:, fail: (\d+))?(?:, skip: (\d+))?/gm)];
    const last = summaries[summaries.length - 1];
    if (last) {
      const [, , pass = '0', fail = '0', skip] = last;
      console.log(`${pass} passed, ${fail} failed${skip ? `, ${skip} skipped` : ''}`);
    }
    process.exit(code ?? (signal ? 1 : 0));
  });
}

// Keeps every `not ok` line of tap's output with the diagnostics block that follows it (bounded, so
// that a run with many failures still ends with a readable list).
function createFailureCollector() {
  const maxLines = 400;
  const maxDiagnosticLines = 30;
  const maxLineLength = 400;
  const kept = [];
  let diagnosticLines = -1; // -1: not inside a failure's diagnostics
  return {
    add(line) {
      if (kept.length >= maxLines) return;
      if (line.length > maxLineLength) line = `${line.slice(0, maxLineLength)} …`;
      if (/^\s*not ok \d+/.test(line)) {
        kept.push(line);
        diagnosticLines = 0;
        return;
      }
      if (diagnosticLines < 0) return;
      if (/^\s*(ok \d+|# Subtest)/.test(line) || diagnosticLines >= maxDiagnosticLines) {
        diagnosticLines = -1;
        return;
      }
      kept.push(line);
      diagnosticLines += 1;
      if (/^\s*\.\.\.$/.test(line)) diagnosticLines = -1;
    },
    report: () => kept,
  };
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
