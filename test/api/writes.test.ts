/**
 * The write path end to end: nghe-an-771 applied through POST /api/plans on a real Temporal dev
 * server with the real workflows, worker and Postgres projection; completions, the authorization
 * matrix, idempotent retries, rejections, the published 18/42 picture, and 503 once Temporal stops.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { startStack, type Stack } from '../helpers/stack';
import { eventually } from '../helpers/wait';

const PROBLEM = 'https://kehoach.dev/problems/';
const PLAN = 'nghe-an-771';
const ROOT = path.resolve(__dirname, '..', '..');

interface Completions {
  plan: string;
  asOf: string;
  expected: { done: number; doneOnTime: number; doneLate: number; total: number };
  completions: { task: string; completedOn: string; agency: string }[];
}

t.test('nghe-an-771 through the API', async (t) => {
  const stack: Stack = await startStack(t, { updateTimeoutMs: 5000 });
  const admin = await stack.token({ role: 'admin', name: 'Quản trị' });
  const leader = await stack.token({ role: 'leader', agency: 'cong-an-tinh', name: 'Tổ phó thường trực' });
  const staffTokens = new Map<string, string>();
  const staff = async (agency: string) => {
    let token = staffTokens.get(agency);
    if (!token) {
      token = (await stack.token({ role: 'staff', agency, name: `Cán bộ ${agency}` })).token;
      staffTokens.set(agency, token);
    }
    return token;
  };
  const post = (url: string, token: string | undefined, payload: unknown, headers: Record<string, string> = {}) =>
    stack.inject({ method: 'POST', url: `/api/plans/${PLAN}/tasks/${url}`, token, payload: payload as object, headers });
  const getTask = async (key: string) => {
    const res = await stack.inject({ method: 'GET', url: `/api/plans/${PLAN}/tasks/${encodeURIComponent(key)}`, token: admin.token });
    return res.json();
  };

  const planText = readFileSync(path.join(ROOT, 'plans', `${PLAN}.yaml`), 'utf8');

  await t.test('dry run, then apply: 42 tasks with their deadline instants', async (t) => {
    const denied = await stack.inject({
      method: 'POST',
      url: '/api/plans',
      token: leader.token,
      headers: { 'content-type': 'application/yaml' },
      payload: planText,
    });
    t.equal(denied.statusCode, 403, 'only admins apply plans');

    const dry = await stack.inject({
      method: 'POST',
      url: '/api/plans/diff',
      token: admin.token,
      headers: { 'content-type': 'application/yaml' },
      payload: planText,
    });
    t.equal(dry.statusCode, 200);
    t.match(dry.json(), { planId: PLAN, dryRun: true, diff: { added: 42, changed: 0, removed: 0 } });

    const applied = await stack.inject({
      method: 'POST',
      url: '/api/plans',
      token: admin.token,
      headers: { 'content-type': 'application/yaml' },
      payload: planText,
    });
    t.equal(applied.statusCode, 200, applied.payload);
    t.match(applied.json(), { planId: PLAN, dryRun: false, changed: true, version: 1, diff: { added: 42 } });

    const items = await eventually(
      async () => {
        const res = await stack.inject({ method: 'GET', url: `/api/plans/${PLAN}/tasks?limit=500`, token: admin.token });
        const list = res.json().items as { key: string; deadlineAt?: string; progress: string }[];
        return list.length === 42 ? list : undefined;
      },
      60_000,
      '42 projected tasks',
      250,
    );
    const deadlineOf = (key: string) => items.find((i) => i.key === key)?.deadlineAt;
    t.equal(deadlineOf('t04'), '2022-11-25T17:00:00.000Z', 'a date: the end of that day in Asia/Ho_Chi_Minh');
    t.equal(deadlineOf('t02'), '2022-11-18T10:00:00.000Z', 'a local date-time');
    t.equal(deadlineOf('t01'), '2022-11-21T17:00:00.000Z', '10 working days after 07/11/2022');
    t.equal(deadlineOf('t03'), undefined, 'no deadline');
    t.equal(items.find((i) => i.key === 't10')?.progress, 'not_started', 'waits for t09');

    const again = await stack.inject({
      method: 'POST',
      url: '/api/plans',
      token: admin.token,
      headers: { 'content-type': 'application/yaml' },
      payload: planText,
    });
    t.equal(again.statusCode, 200);
    t.match(again.json(), { changed: false, diff: { added: 0, changed: 0, removed: 0 } }, 'a second apply changes nothing');

    const status = await stack.inject({ method: 'GET', url: `/api/plans/${PLAN}`, token: leader.token });
    t.equal(status.json().counts.total, 42);
  });

  await t.test('a staff token completes a task; the response and an immediate GET agree; the report counts it', async (t) => {
    const before = await stack.inject({ method: 'GET', url: `/api/plans/${PLAN}/report?format=json`, token: leader.token });
    const doneBefore = before.json().totals.doneOnTime + before.json().totals.doneLate;

    const res = await post('t23/complete', await staff('so-y-te'), {
      note: 'Đã triển khai tại 100% cơ sở khám chữa bệnh',
      evidence: 'Báo cáo 12/BC-SYT',
    });
    t.equal(res.statusCode, 200, res.payload);
    const task = res.json();
    t.match(task, { key: 't23', progress: 'done', category: 'done_late', completedBy: { agency: 'so-y-te', role: 'staff' } });

    const detail = await getTask('t23');
    t.same(detail.task, task, 'GET right after the POST shows the same state');
    const completed = detail.events.filter((e: { type: string }) => e.type === 'completed');
    t.equal(completed.length, 1);
    t.match(completed[0], { actor: { agency: 'so-y-te', role: 'staff' }, data: {} });
    t.ok(completed[0].requestId, 'the request id is in the audit log');

    const after = await stack.inject({ method: 'GET', url: `/api/plans/${PLAN}/report?format=json`, token: leader.token });
    t.equal(after.json().totals.doneOnTime + after.json().totals.doneLate, doneBefore + 1);
    const soYTe = after.json().agencies.find((a: { agency: string }) => a.agency === 'so-y-te');
    t.equal(soYTe.doneLate, 1, 'completed in 2026 against a 2022 deadline: late');
  });

  await t.test('a task without a deadline, once done, counts as done on time in the status and the report', async (t) => {
    const before = (await stack.inject({ method: 'GET', url: `/api/plans/${PLAN}`, token: leader.token })).json().counts;
    const res = await post('t03/complete', await staff('vp-ubnd-tinh'), {});
    t.equal(res.statusCode, 200, res.payload);
    t.match(res.json(), { progress: 'done', category: 'done_on_time' });
    const after = (await stack.inject({ method: 'GET', url: `/api/plans/${PLAN}`, token: leader.token })).json().counts;
    t.equal(after.done_on_time, before.done_on_time + 1);
    t.equal(after.no_deadline, before.no_deadline - 1);
    const report = (await stack.inject({ method: 'GET', url: `/api/plans/${PLAN}/report`, token: leader.token })).json();
    t.equal(report.totals.doneOnTime, after.done_on_time, 'status and report agree');
  });

  await t.test('authorization matrix: every write × {no token, other agency staff, own staff, leader, admin}', async (t) => {
    interface Row {
      name: string;
      lead: string;
      other: string;
      send(token: string | undefined): Promise<{ statusCode: number; json(): any }>;
      expected: [number, number, number, number, number];
    }
    // Prepare the states the later rows need: completions awaiting confirmation.
    t.equal((await post('t06/complete', await staff('cong-an-tinh'), {})).statusCode, 200);
    t.equal((await post('t18/complete', await staff('so-tnmt'), {})).statusCode, 200);
    t.equal((await getTask('t06')).task.progress, 'awaiting_confirmation');

    let extensionId = 'chua-co';
    const rows: Row[] = [
      { name: 'complete', lead: 'so-gddt', other: 'so-y-te', send: (tok) => post('t11/complete', tok, {}), expected: [401, 403, 200, 403, 409] },
      {
        name: 'progress',
        lead: 'so-y-te',
        other: 'so-gddt',
        send: (tok) => post('t24/progress', tok, { value: 40, note: 'Đã kết nối 40% cơ sở' }),
        expected: [401, 403, 200, 200, 200],
      },
      {
        name: 'extension-requests',
        lead: 'cong-an-tinh',
        other: 'so-gddt',
        send: async (tok) => {
          const res = await post('t08/extension-requests', tok, { newDeadline: '2030-06-30', reason: 'Chờ hạ tầng kết nối của Bộ' });
          const pending =
            res.statusCode === 200
              ? (res.json().extensionRequests as { id: string; status: string }[]).find((r) => r.status === 'pending')
              : undefined;
          if (pending) extensionId = pending.id;
          return res;
        },
        expected: [401, 403, 200, 403, 409],
      },
      {
        name: 'extension decision',
        lead: 'cong-an-tinh',
        other: 'so-gddt',
        send: (tok) => post(`t08/extension-requests/${encodeURIComponent(extensionId)}/decision`, tok, { approve: true, note: 'Đồng ý' }),
        expected: [401, 403, 403, 200, 409],
      },
      {
        name: 'pause',
        lead: 'so-gddt',
        other: 'so-y-te',
        send: (tok) => post('t35/pause', tok, { reason: 'Chờ hướng dẫn của Bộ GD&ĐT' }),
        expected: [401, 403, 403, 200, 409],
      },
      { name: 'resume', lead: 'so-gddt', other: 'so-y-te', send: (tok) => post('t35/resume', tok, {}), expected: [401, 403, 403, 200, 409] },
      {
        name: 'confirm',
        lead: 'cong-an-tinh',
        other: 'so-gddt',
        send: (tok) => post('t06/confirm', tok, { note: 'Đạt' }),
        expected: [401, 403, 403, 200, 409],
      },
      {
        name: 'return',
        lead: 'so-tnmt',
        other: 'so-gddt',
        send: (tok) => post('t18/return', tok, { reason: 'Thiếu số liệu xã' }),
        expected: [401, 403, 403, 200, 409],
      },
    ];
    for (const row of rows) {
      const tokens = [undefined, await staff(row.other), await staff(row.lead), leader.token, admin.token];
      const labels = ['no token', 'other agency staff', 'own staff', 'leader', 'admin'];
      const codes: number[] = [];
      for (const [i, token] of tokens.entries()) {
        const res = await row.send(token);
        codes.push(res.statusCode);
        if (res.statusCode >= 400) {
          t.match(res.json(), { type: new RegExp(`^${PROBLEM}`), status: res.statusCode }, `${row.name} / ${labels[i]} is problem+json`);
        }
      }
      t.same(codes, row.expected, `${row.name}: ${labels.join(', ')}`);
    }

    t.equal((await getTask('t08')).task.deadlineAt, '2030-06-30T17:00:00.000Z', 'the approved extension moved the deadline');
    t.equal((await getTask('t06')).task.progress, 'done');
    t.match((await getTask('t18')).task, { progress: 'returned', returnReason: 'Thiếu số liệu xã' });
    const supporting = await post('t24/progress', await staff('bhxh-tinh'), { value: 50 });
    t.equal(supporting.statusCode, 200, 'a supporting agency reports progress');
    t.equal(supporting.json().progressValue, 50);
  });

  await t.test('rejections as problem+json: conflict, update rejected, not found, staff back-dating', async (t) => {
    const conflict = await post('t23/complete', await staff('so-y-te'), {});
    t.equal(conflict.statusCode, 409);
    t.match(conflict.json(), { type: `${PROBLEM}conflict`, detail: /t23/ });

    const rejected = await post('t42/progress', await staff('ubnd-hung-nguyen'), { value: -5 });
    t.equal(rejected.statusCode, 422);
    t.match(rejected.json(), { type: `${PROBLEM}update-rejected`, detail: /không âm/ });

    const noRequest = await post('t42/extension-requests/khong-co/decision', leader.token, { approve: false });
    t.equal(noRequest.statusCode, 404);
    t.match(noRequest.json(), { type: `${PROBLEM}not-found` });

    const noTask = await post('t99/complete', admin.token, {});
    t.equal(noTask.statusCode, 404);

    const backDated = await post('t42/complete', await staff('ubnd-hung-nguyen'), { completedAt: '2022-12-01T10:00:00+07:00' });
    t.equal(backDated.statusCode, 403);
    t.equal((await getTask('t42')).task.progress, 'in_progress', 'nothing changed');
  });

  await t.test('Idempotency-Key: same key and body → the same response and one event; another body → 422', async (t) => {
    const token = await staff('ubnd-tp-vinh');
    const body = { note: 'Hoàn thành số hoá hồ sơ hộ khẩu', evidence: 'BC 45/UBND' };
    const first = await post('t40/complete', token, body, { 'idempotency-key': 'vinh-t40-1' });
    t.equal(first.statusCode, 200, first.payload);
    t.equal(first.json().progress, 'awaiting_confirmation');
    const retry = await post('t40/complete', token, body, { 'idempotency-key': 'vinh-t40-1' });
    t.equal(retry.statusCode, 200, 'a retry is not a second completion');
    t.same(retry.json(), first.json());
    t.equal(retry.headers['idempotent-replayed'], 'true');
    const events = (await getTask('t40')).events.filter((e: { type: string }) => e.type === 'completed');
    t.equal(events.length, 1, 'one completion in the audit log');
    t.equal(events[0].requestId, 'vinh-t40-1', 'the key is recorded as the request id');

    const other = await post('t40/complete', token, { note: 'khác' }, { 'idempotency-key': 'vinh-t40-1' });
    t.equal(other.statusCode, 422);
    t.match(other.json(), { type: `${PROBLEM}idempotency-key-reuse` });
  });

  await t.test('replaying the published completions gives 18 of 42 done as of 22/11/2022', async (t) => {
    const fixture = parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'nghe-an-771-completions.yaml'), 'utf8')) as Completions;
    t.equal(fixture.plan, PLAN);
    for (const completion of fixture.completions) {
      const completedAt = `${completion.completedOn}T10:00:00+07:00`;
      // A task whose prerequisite was just completed is released by the plan workflow a moment later.
      const res = await eventually(
        async () => {
          const attempt = await post(`${completion.task}/complete`, admin.token, { completedAt, note: 'Ghi nhận theo báo cáo' });
          return attempt.statusCode === 409 && /chờ/.test(attempt.json().detail) ? undefined : attempt;
        },
        30_000,
        `completion of ${completion.task}`,
        250,
      );
      t.equal(res.statusCode, 200, `${completion.task}: ${res.payload.slice(0, 200)}`);
      t.equal(res.json().lead, completion.agency);
      t.equal(res.json().completedAt, new Date(completedAt).toISOString());
    }
    const report = await stack.inject({ method: 'GET', url: `/api/plans/${PLAN}/report?asOf=${fixture.asOf}`, token: leader.token });
    t.equal(report.statusCode, 200);
    const totals = report.json().totals;
    t.equal(totals.doneOnTime + totals.doneLate, fixture.expected.done, '18 done');
    t.equal(totals.doneOnTime, fixture.expected.doneOnTime);
    t.equal(totals.doneLate, fixture.expected.doneLate);
    t.equal(totals.total, fixture.expected.total, 'of 42');

    const csv = await stack.inject({ method: 'GET', url: `/api/plans/${PLAN}/report?asOf=${fixture.asOf}&format=csv`, token: leader.token });
    t.match(csv.payload, /Tổng cộng,18,0,/);
  });

  await t.test('no worker running: the write gives up at its deadline with 503', async (t) => {
    await stack.stopWorker();
    const started = Date.now();
    const res = await post('t42/complete', await staff('ubnd-hung-nguyen'), {}, { 'idempotency-key': 'hn-t42' });
    t.equal(res.statusCode, 503, res.payload);
    t.match(res.json(), { type: `${PROBLEM}upstream-unavailable` });
    t.ok(res.headers['retry-after']);
    t.ok(Date.now() - started < 12_000, 'bounded by the update deadline');
    t.equal((await getTask('t42')).task.progress, 'in_progress', 'the read model is unchanged');
  });

  await t.test('Temporal stopped: healthz 503, writes 503 with Retry-After and nothing half-done', async (t) => {
    await stack.stopTemporal();
    const health = await stack.inject({ method: 'GET', url: '/healthz' });
    t.equal(health.statusCode, 503);
    t.match(health.json(), { status: 'unavailable', temporal: { ok: false }, database: { ok: true } });

    const before = await getTask('t41');
    const started = Date.now();
    const res = await post('t41/complete', await staff('ubnd-quynh-luu'), { note: 'Xong' }, { 'idempotency-key': 'ql-t41' });
    t.equal(res.statusCode, 503);
    t.ok(Number(res.headers['retry-after']) > 0, 'Retry-After');
    t.match(res.json(), { type: `${PROBLEM}upstream-unavailable`, status: 503 });
    t.notMatch(res.payload, /127\.0\.0\.1|ECONNREFUSED|stack/, 'no internals leak');
    t.ok(Date.now() - started < 15_000, 'within the update deadline');
    const after = await getTask('t41');
    t.same(after, before, 'the task and its history are unchanged');

    // The failed attempt is not stored: the retry with the same key runs again (and fails the same way).
    const retry = await post('t41/complete', await staff('ubnd-quynh-luu'), { note: 'Xong' }, { 'idempotency-key': 'ql-t41' });
    t.equal(retry.statusCode, 503);

    const read = await stack.inject({ method: 'GET', url: `/api/plans/${PLAN}/tasks?agency=ubnd-quynh-luu`, token: leader.token });
    t.equal(read.statusCode, 200, 'reads keep working from Postgres');
  });
});
