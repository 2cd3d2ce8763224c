#!/usr/bin/env node
// `npm run fuzz`: property-based fuzzing of every route in the OpenAPI document with schemathesis
// (PyPI, installed into .tools/ when missing) against a whole kehoach (`kehoach up` in a temp dir,
// plans/ applied), bounded in time. Fails on any 5xx, any hang, or a response that breaks its
// declared schema; prints what it tried. FUZZ_EXAMPLES (default 30) per operation, FUZZ_SECONDS
// (default 600) in all.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
require('./bootstrap').ensureDependencies();

const root = path.resolve(__dirname, '..');
const SCHEMATHESIS = '4.32.5';
const toolDir = path.join(root, '.tools', `schemathesis-${SCHEMATHESIS}`);
const examples = Number(process.env.FUZZ_EXAMPLES ?? 30);
const seconds = Number(process.env.FUZZ_SECONDS ?? 600);

function ensureSchemathesis() {
  if (fs.existsSync(path.join(toolDir, 'schemathesis'))) return;
  console.log(`Installing schemathesis ${SCHEMATHESIS} into ${path.relative(root, toolDir)}…`);
  const result = spawnSync('python3', ['-m', 'pip', 'install', '--quiet', '--target', toolDir, `schemathesis==${SCHEMATHESIS}`], {
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('could not install schemathesis with pip; install Python 3.9+ and pip');
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

async function main() {
  ensureSchemathesis();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kehoach-fuzz-'));
  fs.chmodSync(dataDir, 0o755);
  const [port, temporalPort, postgresPort] = [await freePort(), await freePort(), await freePort()];
  const env = {
    ...process.env,
    KEHOACH_DATA_DIR: dataDir,
    PORT: String(port),
    KEHOACH_TEMPORAL_PORT: String(temporalPort),
    KEHOACH_POSTGRES_PORT: String(postgresPort),
    // Every request's answer is logged (with its Idempotency-Key), to check that refused ones changed nothing.
    KEHOACH_LOG_LEVEL: 'info',
  };
  for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'KEHOACH_URL', 'KEHOACH_TOKEN']) delete env[name];

  console.log('Starting kehoach (Temporal, Postgres, worker, API, plans/ applied)…');
  const up = spawn(process.execPath, [path.join(root, 'bin', 'kehoach.js'), 'up'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const serverLog = [];
  const collect = (chunk) => serverLog.push(String(chunk));
  up.stderr.on('data', collect);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kehoach up did not start in 300 s:\n${serverLog.join('')}`)), 300_000);
    up.stdout.on('data', (chunk) => {
      collect(chunk);
      if (serverLog.join('').includes('kehoach đang chạy')) {
        clearTimeout(timer);
        resolve();
      }
    });
    up.once('exit', (code) => reject(new Error(`kehoach up exited (${code}):\n${serverLog.join('')}`)));
  });
  const token = fs.readFileSync(path.join(dataDir, 'admin.token'), 'utf8').trim();

  let exitCode;
  const started = Date.now();
  try {
    const args = [
      '-m',
      'schemathesis.cli',
      'run',
      `http://127.0.0.1:${port}/openapi.json`,
      '--header',
      `Authorization: Bearer ${token}`,
      '--checks',
      'not_a_server_error,response_schema_conformance,status_code_conformance',
      '--max-examples',
      String(examples),
      '--request-timeout',
      '30',
      '--max-failures',
      '20',
      // Wrong tokens would trip the limit on failed authentication (tested on its own) and block the run.
      '--generation-with-security-parameters',
      'false',
      '--no-color',
    ];
    // Run from the temp dir: schemathesis keeps a .schemathesis/ cache where it runs.
    const fuzz = spawn('python3', args, { cwd: dataDir, env: { ...process.env, PYTHONPATH: toolDir }, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    fuzz.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    const timer = setTimeout(() => fuzz.kill('SIGTERM'), seconds * 1000);
    exitCode = await new Promise((resolve) => fuzz.once('exit', (code, signal) => resolve(signal ? 124 : (code ?? 1))));
    clearTimeout(timer);
    const fiveHundreds = serverLog
      .join('')
      .split('\n')
      .filter((line) => /"level":50/.test(line));
    console.log('');
    console.log(
      `fuzz: ${((Date.now() - started) / 1000).toFixed(0)} s, ${examples} examples per operation, exit ${exitCode}${exitCode === 124 ? ' (time bound reached)' : ''}`,
    );
    const summary = output.match(/(\d+) (?:test cases?|generated|requests?)[^\n]*/g);
    if (summary) console.log(`fuzz: schemathesis: ${summary.join('; ')}`);
    console.log(`fuzz: server errors logged by the API: ${fiveHundreds.length}`);
    for (const line of fiveHundreds.slice(0, 10)) console.log(`  ${line.slice(0, 400)}`);
    const changed = await eventsOfRefusedRequests(serverLog, dataDir, postgresPort);
    if (changed > 0 && exitCode === 0) exitCode = 1;
  } finally {
    up.kill('SIGINT');
    await new Promise((resolve) => up.once('exit', resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  process.exitCode = exitCode;
}

/**
 * A refused request (any 4xx or 5xx) must change nothing: no task event may carry its request id,
 * nor the Idempotency-Key it claimed (unless an accepted request used that key too).
 */
async function eventsOfRefusedRequests(serverLog, dataDir, postgresPort) {
  const statusOf = new Map();
  const keyOf = new Map();
  for (const line of serverLog.join('').split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (entry.reqId === undefined) continue;
    if (entry.res?.statusCode !== undefined) statusOf.set(entry.reqId, entry.res.statusCode);
    if (entry.idempotencyKey !== undefined) keyOf.set(entry.reqId, entry.idempotencyKey);
  }
  const refused = [...statusOf].filter(([, status]) => status >= 400).map(([id]) => id);
  const acceptedKeys = new Set([...statusOf].filter(([id, status]) => status < 400 && keyOf.has(id)).map(([id]) => keyOf.get(id)));
  const marks = [...refused, ...refused.map((id) => keyOf.get(id)).filter((key) => key !== undefined && !acceptedKeys.has(key))];
  const password = fs.readFileSync(path.join(dataDir, 'postgres.password'), 'utf8').trim();
  const postgres = require('postgres');
  const sql = postgres(`postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${postgresPort}/kehoach`, {
    max: 1,
    onnotice: () => undefined,
  });
  try {
    const rows = await sql`select request_id, type, workflow_id from task_events where request_id = any(${marks})`;
    console.log(`fuzz: ${statusOf.size} requests answered, ${refused.length} refused; task events recorded by a refused request: ${rows.length}`);
    for (const row of rows.slice(0, 10)) console.log(`  ${row.request_id}: ${row.type} on ${row.workflow_id}`);
    return rows.length;
  } finally {
    await sql.end();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
