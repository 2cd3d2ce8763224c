import t from 'tap';
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { MissingBinaryError, resolveTemporalCli, resolveTestServer } from '../../src/temporal/binaries';

t.test('the CLI and the test server are both installed and both stay executable', async (t) => {
  // Resolving one must not remove the other (pip --target replaces a shared bin/ folder).
  const cli = resolveTemporalCli();
  const testServer = resolveTestServer();
  t.doesNotThrow(() => accessSync(cli, constants.X_OK), `${cli} is executable`);
  t.doesNotThrow(() => accessSync(testServer, constants.X_OK), `${testServer} is executable`);
  t.match(execFileSync(cli, ['--version']).toString(), /temporal version \d+\.\d+/);
});

t.test('an explicit path that is not there is a clear error', async (t) => {
  const saved = process.env.TEMPORAL_CLI_PATH;
  process.env.TEMPORAL_CLI_PATH = '/nonexistent/temporal';
  t.teardown(() => {
    if (saved === undefined) delete process.env.TEMPORAL_CLI_PATH;
    else process.env.TEMPORAL_CLI_PATH = saved;
  });
  t.throws(() => resolveTemporalCli({ install: false }), MissingBinaryError);
  t.throws(() => resolveTemporalCli({ install: false }), /TEMPORAL_CLI_PATH is set to \/nonexistent\/temporal/);
});
