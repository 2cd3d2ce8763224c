import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { applyPlan, gitCommitOf, planContentHash } from '../../src/apply/apply';
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

t.test('a plan too large for one apply is refused before anything starts', async (t) => {
  const minimal = load(readFileSync(path.resolve(__dirname, '..', 'fixtures', 'plans', 'valid', 'minimal.yaml'), 'utf8'));
  const [template] = minimal.tasks;
  const huge: Plan = { ...minimal, tasks: Array.from({ length: 1500 }, (_, i) => ({ ...template!, id: `t${i}` })) };
  const started: string[] = [];
  // The client's neighbours only: the plan was never applied, and nothing may be started.
  const client = {
    workflow: {
      getHandle: () => ({
        query: async () => {
          throw new WorkflowNotFoundError('not found', 'plan:minimal', undefined);
        },
      }),
      start: async (_type: string, options: { workflowId: string }) => started.push(options.workflowId),
    },
  } as unknown as Client;
  await t.rejects(applyPlan({ client, plan: huge, text: '', actor: { id: 'test', role: 'admin' }, dryRun: false }), {
    name: 'PlanTooLargeError',
    message: /compiles to 1500 task workflows .* Split it into several plan files/,
  });
  t.same(started, [], 'no workflow was started');
  const small = await applyPlan({ client, plan: minimal, text: '', actor: { id: 'test', role: 'admin' }, dryRun: true });
  t.equal(small.diff.added, 1, 'a small plan still compiles and diffs');
});
