/**
 * Replays the recorded task workflow histories (test/fixtures/histories/task-*.json, written by
 * scripts/record-histories.ts) against today's workflow code. A change that would break running
 * task workflows (a new activity call before a timer, a different order of commands) fails here;
 * when such a change is meant, version it with patched() and re-record.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { historyFromFile } from '../helpers/histories';
import { bundleWorkflows } from '../../src/temporal/worker';

const dir = path.resolve(__dirname, '..', 'fixtures', 'histories');
const files = readdirSync(dir)
  .filter((name) => /^task-.*\.json$/.test(name))
  .sort();
const histories = () => files.map((name) => ({ workflowId: name.replace(/\.json$/, ''), history: historyFromFile(path.join(dir, name)) }));

Runtime.install({ logger: new DefaultLogger('WARN') });

t.test('recorded task workflow histories replay without nondeterminism', async (t) => {
  t.ok(files.length >= 7, `histories to replay: ${files.join(', ')}`);
  let replayed = 0;
  // The worker's own bundle: the histories must replay on the code as the worker packs it.
  for await (const result of Worker.runReplayHistories({ workflowBundle: await bundleWorkflows() }, histories())) {
    t.equal(result.error, undefined, `${result.workflowId} replays`);
    replayed += 1;
  }
  t.equal(replayed, files.length);
});

t.test("the worker's bundle joins kehoach's modules and keeps ES2022 syntax", async (t) => {
  // What bundleWorkflows asks of the SDK's webpack config; a later SDK shaping its rules
  // differently would otherwise drop either silently (the code correct, the workflows slower).
  const { code } = await bundleWorkflows();
  t.notMatch(code, /_object_spread(_props)?\(/, "object spread is native, not swc's ES2017 helper");
  // The SDK's default bundle keeps each module under its own id, "./src/domain/task-step.ts" among them.
  t.notMatch(code, /"\.\/src\/domain\/task-step\.ts"/, "the domain's modules are joined into the workflows' scope, not kept apart");
});

t.test('a reordered workflow fails the replay', async (t) => {
  const broken = path.resolve(__dirname, '..', 'fixtures', 'workflows', 'reordered-task.ts');
  const [first] = histories();
  let failures = 0;
  for await (const result of Worker.runReplayHistories({ workflowsPath: broken }, [first!])) {
    if (result.error) failures += 1;
  }
  t.equal(failures, 1, 'the determinism violation is reported');
});
