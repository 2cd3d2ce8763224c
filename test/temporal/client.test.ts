import t from 'tap';
import { connectTemporal } from '../../src/temporal/client';
import { startDevServer } from '../../src/temporal/dev-server';
import { freePort } from '../helpers/ports';

t.test('an unreachable server gives an error that says what to do', async (t) => {
  const port = await freePort();
  await t.rejects(
    connectTemporal({ address: `127.0.0.1:${port}`, namespace: 'default' }, { worker: false, connectTimeoutMs: 1000 }),
    /cannot connect to Temporal at 127\.0\.0\.1:\d+: .*set TEMPORAL_ADDRESS/,
  );
});

t.test('connects with the process configuration shape and opens the worker connection', async (t) => {
  const server = await startDevServer({ port: await freePort() });
  t.teardown(() => server.stop());
  const temporal = await connectTemporal({ temporal: { address: server.address, namespace: server.namespace } });
  t.teardown(() => temporal.close());
  t.equal(temporal.address, server.address);
  t.ok(temporal.nativeConnection, 'the worker connection is open');
  const reply = await temporal.connection.workflowService.describeNamespace({ namespace: 'default' });
  t.equal(reply.namespaceInfo?.name, 'default');
  const light = await connectTemporal({ address: server.address, namespace: 'default' }, { worker: false });
  t.teardown(() => light.close());
  t.throws(() => light.nativeConnection, /not open yet/, 'commands that do not run a worker skip the native connection');
});
