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
