import t from 'tap';
import { Connection } from '@temporalio/client';
import { startDevServer } from '../../src/temporal/dev-server';
import { freePort } from '../helpers/ports';

t.test('the dev server starts, registers the search attributes and stops', async (t) => {
  const server = await startDevServer({ port: await freePort() });
  t.teardown(() => server.stop());
  const connection = await Connection.connect({ address: server.address });
  t.teardown(() => connection.close());
  const reply = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
  const custom = Object.keys(reply.customAttributes ?? {});
  for (const name of ['KehoachPlan', 'KehoachLead', 'KehoachProgress', 'KehoachCategory', 'KehoachDeadline', 'KehoachLevel']) {
    t.ok(custom.includes(name), `${name} is registered`);
  }
  await server.stop();
  t.equal(server.process.exitCode !== null || server.process.signalCode !== null, true, 'the process has exited');
});

t.test('a dev server that exits before it is ready is tried once more, then reported with the cause it printed first', async (t) => {
  const warnings = t.capture(console, 'warn');
  const port = await freePort();
  // An invalid flag: the CLI prints its error (the value twice: 10 KB), then its whole usage, and
  // exits, on every attempt. The cause is at the start of that output, not in its last 4 KB.
  const failure = await startDevServer({ port, extraArgs: ['--log-level', `nonsense${'-'.repeat(5000)}`] }).then(
    async (server) => {
      await server.stop();
      return undefined;
    },
    (error: Error) => error,
  );
  t.match(failure?.message, `exited before it was ready at 127.0.0.1:${port}`);
  t.match(failure?.message, 'Error: invalid argument "nonsense---', 'the cause, printed before the long usage text, is kept');
  const calls = warnings();
  t.equal(calls.length, 1, 'one more attempt, announced');
  t.match(String(calls[0]?.args[0]), /exited before it was ready; starting it again/);
});
