/**
 * Replays recorded plan workflow histories (test/fixtures/histories/plan-*.json) against today's
 * workflow code: a change that would break running plan workflows (a new activity call in the
 * middle of an apply, a different batching) fails here. Re-record deliberately with
 * `KEHOACH_RECORD_HISTORIES=1 npx tap test/workflows/plan.test.ts` when the change is meant, and
 * version the workflow (patched()) if plans already run on it.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { bundleWorkflows } from '../../src/temporal/worker';
import { historyFromFile } from '../helpers/histories';

const dir = path.resolve(__dirname, '..', 'fixtures', 'histories');
const files = readdirSync(dir)
  .filter((name) => /^plan-.*\.json$/.test(name))
  .sort();

t.test('recorded plan workflow histories replay without nondeterminism', async (t) => {
  t.ok(files.length >= 4, `histories to replay: ${files.join(', ')}`);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const workflowBundle = await bundleWorkflows();
  const histories = files.map((name) => ({
    workflowId: name.replace(/\.json$/, ''),
    history: historyFromFile(path.join(dir, name)),
  }));
  for await (const result of Worker.runReplayHistories({ workflowBundle }, histories)) {
    t.equal(result.error, undefined, `${result.workflowId} replays`);
  }
});
