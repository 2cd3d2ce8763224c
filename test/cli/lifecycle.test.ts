/**
 * Stopping a long-running command: one Ctrl-C closes everything even when it arrives twice (the
 * terminal signals npm's whole process group and npm forwards it again); a second Ctrl-C a moment
 * later exits at once.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { DUPLICATE_SIGNAL_MS, isWriteOnClosedPostgresSocket } from '../../src/cli/lifecycle';

const child = path.join(__dirname, '..', 'fixtures', 'processes', 'lifecycle-child.ts');

async function runUntilSignalled(signals: { signal: NodeJS.Signals; afterMs: number }[], env: NodeJS.ProcessEnv = {}) {
  const process_ = spawn(process.execPath, ['--import', 'tsx', child], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  process_.stdout.on('data', (chunk) => (output += chunk));
  process_.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => process_.once('exit', (code) => resolve(code)));
  while (!output.includes('ready')) await new Promise((resolve) => setTimeout(resolve, 25));
  for (const { signal, afterMs } of signals) {
    await new Promise((resolve) => setTimeout(resolve, afterMs));
    process_.kill(signal);
  }
  return { code: await exited, output };
}

t.test('one Ctrl-C delivered twice closes everything and exits 0', async (t) => {
  const { code, output } = await runUntilSignalled([
    { signal: 'SIGINT', afterMs: 0 },
    { signal: 'SIGINT', afterMs: 20 },
  ]);
  t.equal(code, 0, output);
  t.match(output, /SIGINT received, stopping/);
  t.match(output, /slow resource closed[\s\S]*stopped\./, 'the resource closed before the process exited');
  t.notMatch(output, /exiting now/);
});

t.test('a second Ctrl-C after the first exits at once', async (t) => {
  const { code, output } = await runUntilSignalled([
    { signal: 'SIGINT', afterMs: 0 },
    { signal: 'SIGINT', afterMs: DUPLICATE_SIGNAL_MS + 200 },
  ]);
  t.equal(code, 130, output);
  t.match(output, /SIGINT again: exiting now/);
  t.notMatch(output, /slow resource closed/, 'it did not wait for the resource');
});

t.test('SIGTERM stops the same way', async (t) => {
  const { code, output } = await runUntilSignalled([{ signal: 'SIGTERM', afterMs: 0 }]);
  t.equal(code, 0, output);
  t.match(output, /SIGTERM received, stopping[\s\S]*slow resource closed/);
});

t.test('an uncaught error while stopping is reported and the stop goes on to the end', async (t) => {
  const { code, output } = await runUntilSignalled([{ signal: 'SIGINT', afterMs: 0 }], { LIFECYCLE_REJECT_WHILE_STOPPING: '1' });
  t.equal(code, 0, output);
  t.match(output, /another error while stopping: connection lost/);
  t.match(output, /slow resource closed[\s\S]*stopped\./, 'what closes after it still closed');
});

t.test('an uncaught error while running closes everything and exits 1', async (t) => {
  const { code, output } = await runUntilSignalled([], { LIFECYCLE_FAIL_AFTER_MS: '100' });
  t.equal(code, 1, output);
  t.match(output, /kehoach test: something broke[\s\S]*slow resource closed[\s\S]*stopped\./);
});

t.test('postgres.js writing to a socket it dropped is reported, not fatal; the same words from elsewhere still are', async (t) => {
  const flush = new TypeError("Cannot read properties of null (reading 'write')");
  flush.stack = `${flush.message}\n    at nextWrite (/srv/kehoach/node_modules/postgres/cjs/src/connection.js:255:22)\n    at process.processImmediate (node:internal/timers:483:21)`;
  t.ok(isWriteOnClosedPostgresSocket(flush));
  const ours = new TypeError("Cannot read properties of null (reading 'write')");
  ours.stack = `${ours.message}\n    at send (/srv/kehoach/dist/notify/transport.js:10:5)`;
  t.notOk(isWriteOnClosedPostgresSocket(ours), 'the same TypeError from our code stops the process');
  const other = new TypeError("Cannot read properties of undefined (reading 'length')");
  other.stack = `${other.message}\n    at parse (/srv/kehoach/node_modules/postgres/cjs/src/connection.js:500:1)`;
  t.notOk(isWriteOnClosedPostgresSocket(other), 'another error inside postgres.js stops the process');
  t.notOk(isWriteOnClosedPostgresSocket(new Error("Cannot read properties of null (reading 'write')")));
});
