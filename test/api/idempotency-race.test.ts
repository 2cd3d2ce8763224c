/**
 * Idempotency under concurrency, on the real stack: requests racing with one Idempotency-Key
 * never both run, a different body is refused with 422 (never a silent drop), and a stored
 * response never holds a secret. Also: a record Postgres cannot store fails for good instead of
 * being retried forever.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import t from 'tap';
import { UNSTORABLE_RECORD } from '../../src/activities/projection';
import { startStack } from '../helpers/stack';

const PROBLEM = 'https://kehoach.dev/problems/';
const PLAN_FILE = path.resolve(__dirname, '..', 'fixtures', 'plans', 'valid', 'drill-small.yaml');
const TASK = 'lam-sach-ho-tich';

t.test('one Idempotency-Key, many requests at once', async (t) => {
  const stack = await startStack(t, { updateTimeoutMs: 8000 });
  const admin = await stack.token({ role: 'admin', name: 'Quản trị' });
  const applied = await stack.inject({
    method: 'POST',
    url: '/api/plans',
    token: admin.token,
    headers: { 'content-type': 'application/yaml' },
    payload: readFileSync(PLAN_FILE, 'utf8'),
  });
  t.equal(applied.statusCode, 200, applied.payload.slice(0, 300));
  // The workflows project their first state as they start, just after the apply answers.
  for (let i = 0; i < 150; i++) {
    const task = await stack.inject({ method: 'GET', url: `/api/plans/drill-small/tasks/${TASK}`, token: admin.token });
    if (task.statusCode === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const url = (suffix: string) => `/api/plans/drill-small/tasks/${TASK}/${suffix}`;
  const post = (suffix: string, key: string, payload: object) =>
    stack.inject({ method: 'POST', url: url(suffix), token: admin.token, headers: { 'idempotency-key': key }, payload });
  const progressEvents = async (key: string) => {
    const rows = await stack.db.sql<
      { n: number }[]
    >`select count(*)::int as n from task_events where type = 'progress_reported' and request_id = ${key}`;
    return rows[0]!.n;
  };

  await t.test('different bodies, one key, sent together: one applied, the other 422', async (t) => {
    for (let trial = 0; trial < 5; trial++) {
      const key = `race-diff-${trial}`;
      const [a, b] = await Promise.all([post('progress', key, { note: `A${trial}` }), post('progress', key, { note: `B${trial}` })]);
      const statuses = [a.statusCode, b.statusCode].sort();
      t.same(statuses, [200, 422], `trial ${trial}: ${a.statusCode} / ${b.statusCode}`);
      const refused = a.statusCode === 422 ? a : b;
      t.match(refused.json(), { type: `${PROBLEM}idempotency-key-reuse` });
      t.equal(await progressEvents(key), 1, 'exactly one progress recorded');
    }
  });

  await t.test('the same body, one key, sent five times at once: applied once, five equal answers', async (t) => {
    const key = 'race-same';
    const answers = await Promise.all(Array.from({ length: 5 }, () => post('progress', key, { note: 'cùng một báo cáo' })));
    t.same(
      answers.map((a) => a.statusCode),
      [200, 200, 200, 200, 200],
    );
    t.equal(new Set(answers.map((a) => a.json().seq)).size, 1, 'every answer shows the same state');
    t.equal(answers.filter((a) => a.headers['idempotent-replayed'] === 'true').length, 4, 'four are replays of the first');
    t.equal(await progressEvents(key), 1);
  });

  await t.test('a progress report and an extension request sharing a key: the second is refused, not dropped', async (t) => {
    const key = 'shared-key';
    const progress = await post('progress', key, { note: 'đã làm một nửa' });
    t.equal(progress.statusCode, 200);
    const extension = await post('extension-requests', key, { newDeadline: '2026-12-31', reason: 'cần thêm thời gian' });
    t.equal(extension.statusCode, 422);
    t.match(extension.json(), { type: `${PROBLEM}idempotency-key-reuse` });
  });

  await t.test('a created token is never stored; a replay says it was shown once', async (t) => {
    const create = () =>
      stack.inject({
        method: 'POST',
        url: '/api/tokens',
        token: admin.token,
        headers: { 'idempotency-key': 'token-once' },
        payload: { name: 'Cán bộ STP', agency: 'so-tu-phap', role: 'staff' },
      });
    const first = await create();
    t.equal(first.statusCode, 201);
    const { id, token } = first.json() as { id: string; token: string };
    const replay = await create();
    t.equal(replay.statusCode, 410);
    t.match(replay.json(), { type: `${PROBLEM}not-replayable`, detail: new RegExp(id) });
    t.notMatch(replay.payload, token);
    const stored = await stack.db.sql<{ body: string }[]>`select response_body::text as body from idempotency_records`;
    t.ok(stored.length > 0);
    t.ok(
      stored.every((row) => !row.body.includes(token) && !/kh_[A-Za-z0-9_-]{20,}/.test(row.body)),
      'no token in any stored response',
    );
    const tokens = await stack.inject({ method: 'GET', url: '/api/tokens', token: admin.token });
    t.equal((tokens.json().items as { id: string; name: string }[]).filter((item) => item.name === 'Cán bộ STP').length, 1, 'one token created');
  });

  await t.test('a record Postgres refuses fails for good, with its SQLSTATE', async (t) => {
    const task = await stack.inject({ method: 'GET', url: `/api/plans/drill-small/tasks/${TASK}`, token: admin.token });
    const [row] = await stack.db.sql<{ state: Record<string, unknown> }[]>`select state from tasks where task_id = ${TASK}`;
    t.equal(task.statusCode, 200);
    const state = { ...(row!.state as object), seq: 10_000, updatedAt: new Date().toISOString() } as never;
    const error = await stack.projection
      .recordTaskChange({
        state,
        events: [
          {
            idempotencyKey: 'nul-event',
            workflowId: (row!.state as { workflowId: string }).workflowId,
            planId: 'drill-small',
            taskId: TASK,
            seq: 10_000,
            type: 'progress_reported',
            at: new Date().toISOString(),
            actor: { id: 'x', role: 'admin' },
            data: { note: 'x\u0000y' },
          },
        ],
        notifications: [],
      } as never)
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    t.ok(error instanceof ApplicationFailure, 'an ApplicationFailure');
    t.equal((error as ApplicationFailure).type, UNSTORABLE_RECORD);
    t.equal((error as ApplicationFailure).nonRetryable, true, 'not retried');
    t.match((error as Error).message, /SQLSTATE 22/);
  });
});
