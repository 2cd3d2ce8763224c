import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { WorkflowNotFoundError, type Client, type WithStartWorkflowOperation } from '@temporalio/client';
import { applyPlan, gitCommitOf, planContentHash } from '../../src/apply/apply';
import { createMemoryPlanStore } from '../helpers/plan-worker';
import { canonicalJson } from '../../src/canonical-json';
import { loadPlanText } from '../../src/plan/load';
import type { Plan } from '../../src/plan/schema';

const fixture = path.resolve(__dirname, '..', 'fixtures', 'plans', 'valid', 'drill-small.yaml');

function load(text: string): Plan {
  const { plan, diagnostics } = loadPlanText(text, fixture);
  if (!plan) throw new Error(JSON.stringify(diagnostics));
  return plan;
}

t.test('the content hash ignores comments, formatting and key order, not content', async (t) => {
  const text = readFileSync(fixture, 'utf8');
  const hash = planContentHash(load(text));
  t.match(hash, /^[0-9a-f]{64}$/);
  const reformatted = text
    .replace('# A small drill plan', '# Một kế hoạch diễn tập nhỏ')
    .replace('code: 01/KH-DRILL\ntitle: Kế hoạch diễn tập triển khai Đề án 06', 'title: Kế hoạch diễn tập triển khai Đề án 06\ncode: "01/KH-DRILL"');
  t.not(reformatted, text, 'the fixture was reformatted');
  t.equal(planContentHash(load(reformatted)), hash, 'same plan, same hash');
  const edited = text.replace('within: 30 days', 'within: 31 days');
  t.not(planContentHash(load(edited)), hash, 'an edited deadline changes the hash');
  t.equal(canonicalJson({ b: 1, a: [2, { d: 1, c: undefined }] }), '{"a":[2,{"d":1}],"b":1}');
});

t.test('the git commit is recorded only for a committed, unmodified file', async (t) => {
  const repo = mkdtempSync(path.join(tmpdir(), 'kehoach-git-'));
  t.teardown(() => rmSync(repo, { recursive: true, force: true }));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', ...args], { cwd: repo, encoding: 'utf8' }).trim();
  git('init', '-q');
  const file = path.join(repo, 'plan.yaml');
  writeFileSync(file, 'id: a\n');
  t.equal(gitCommitOf(file), undefined, 'untracked: no commit');
  git('add', 'plan.yaml');
  t.equal(gitCommitOf(file), undefined, 'staged but not committed: no commit');
  git('commit', '-q', '-m', 'plan');
  const head = git('rev-parse', 'HEAD');
  t.equal(gitCommitOf(file), head, 'committed: the commit that touched it');
  writeFileSync(file, 'id: b\n');
  t.equal(gitCommitOf(file), undefined, 'modified after the commit: no commit');
  t.equal(gitCommitOf(path.join(tmpdir(), 'not-a-repo', 'x.yaml')), undefined, 'outside a repository: no commit');
});

t.test('a plan goes to the plan workflow by reference: the update carries hashes, not 1,500 specs', async (t) => {
  const minimal = load(readFileSync(path.resolve(__dirname, '..', 'fixtures', 'plans', 'valid', 'minimal.yaml'), 'utf8'));
  const [template] = minimal.tasks;
  const huge: Plan = { ...minimal, tasks: Array.from({ length: 1500 }, (_, i) => ({ ...template!, id: `t${i}` })) };
  const started: string[] = [];
  const updates: unknown[] = [];
  // The client's neighbours only: the plan was never applied; the plan workflow answers the update.
  const client = {
    workflow: {
      getHandle: () => ({
        query: async () => {
          throw new WorkflowNotFoundError('not found', 'plan:minimal', undefined);
        },
      }),
      // Update-with-start: the plan workflow is started if need be and updated in the same call.
      executeUpdateWithStart: async (_update: unknown, options: { args: [unknown]; startWorkflowOperation: WithStartWorkflowOperation<never> }) => {
        started.push(options.startWorkflowOperation.options.workflowId);
        updates.push(options.args[0]);
        return { planId: minimal.id, version: 1, changed: true, total: 1500 };
      },
    },
  } as unknown as Client;
  const plans = createMemoryPlanStore();
  const outcome = await applyPlan({ client, plans, plan: huge, text: '', actor: { id: 'test', role: 'admin' }, dryRun: false, wait: false });
  t.same(started, ['plan:minimal'], 'only the plan workflow is started here; its activities start the tasks');
  t.equal(updates.length, 1);
  const input = updates[0] as { specSet: string; taskCount: number; contentHash: string };
  t.ok(JSON.stringify(input).length < 1_000, `the update is ${JSON.stringify(input).length} bytes for 1,500 tasks`);
  t.equal(input.taskCount, 1500);
  t.notOk('specs' in input || 'document' in input, 'neither the specs nor the document travel in the update');
  const stored = await plans.specsOf(input.specSet);
  t.equal(stored.length, 1500, 'the specs are in the plan store under the hash the update names');
  t.same(await plans.documentOf(input.contentHash), huge, 'and the document under its content hash');
  t.equal(outcome.result?.changes.length, 1500, 'the changes are computed beside the store, not in the workflow');
  const small = await applyPlan({ client, plans, plan: minimal, text: '', actor: { id: 'test', role: 'admin' }, dryRun: true });
  t.equal(small.diff.added, 1, 'a dry run compiles and diffs');
  t.equal(updates.length, 1, 'and sends nothing');
});
