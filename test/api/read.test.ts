/**
 * The read side of the API, tokens, problem+json and the OpenAPI document, on rows written through
 * the real projection activities (no workflows needed): real Postgres, real Temporal dev server.
 */
import t from 'tap';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startStack } from '../helpers/stack';
import { history, planDocument, planVersion, recordChange } from '../helpers/read-model';

const PROBLEM = 'https://kehoach.dev/problems/';

t.test('read side, tokens and problems', async (t) => {
  const stack = await startStack(t, { worker: false });
  const { projection } = stack;

  await projection.recordPlanVersion(planVersion(1, planDocument()));
  const deadline = '2022-11-30T16:59:59.999Z';
  const changes = [
    ...history({ taskId: 'ho-tich', lead: 'so-tu-phap' }, [
      { type: 'started', at: '2022-11-07T03:00:00Z', progress: 'in_progress', deadlineAt: deadline },
    ]),
    ...history({ taskId: 'cccd', lead: 'cong-an-tinh' }, [
      { type: 'started', at: '2022-11-07T03:00:00Z', progress: 'in_progress', deadlineAt: '2022-11-15T16:59:59.999Z' },
      {
        type: 'completed',
        at: '2022-11-14T03:00:00Z',
        progress: 'done',
        deadlineAt: '2022-11-15T16:59:59.999Z',
        completedAt: '2022-11-14T03:00:00Z',
      },
    ]),
    ...history({ taskId: 'tuyen-truyen', lead: 'so-tu-phap' }, [{ type: 'started', at: '2022-11-07T03:00:00Z', progress: 'in_progress' }]),
    ...history({ taskId: 'so-hoa', lead: 'ubnd-vinh', unitId: 'ubnd-vinh' }, [
      { type: 'started', at: '2022-11-07T03:00:00Z', progress: 'in_progress', deadlineAt: '2099-12-25T16:59:59.999Z' },
    ]),
  ];
  for (let i = 0; i < 7; i++) {
    changes.push(
      ...history({ taskId: `phu-${i}`, lead: 'ubnd-vinh' }, [
        { type: 'started', at: '2022-11-07T03:00:00Z', progress: 'in_progress', deadlineAt: `2099-01-${String(10 + i)}T16:59:59.999Z` },
      ]),
    );
  }
  for (const c of changes) await recordChange(stack.db.db, c);

  const admin = await stack.token({ role: 'admin', name: 'Quản trị' });
  const staff = await stack.token({ role: 'staff', agency: 'so-tu-phap', name: 'Cán bộ Sở Tư pháp' });
  const leader = await stack.token({ role: 'leader', agency: 'cong-an-tinh', name: 'Lãnh đạo' });

  t.test('healthz reports both dependencies without a token', async (t) => {
    const res = await stack.inject({ method: 'GET', url: '/healthz' });
    t.equal(res.statusCode, 200);
    t.match(res.json(), { status: 'ok', temporal: { ok: true }, database: { ok: true } });
  });

  t.test('plans list and status by category', async (t) => {
    const list = await stack.inject({ method: 'GET', url: '/api/plans', token: staff.token });
    t.equal(list.statusCode, 200);
    t.same(
      list.json().items.map((p: { id: string }) => p.id),
      ['kh-test'],
    );

    const res = await stack.inject({ method: 'GET', url: '/api/plans/kh-test', token: leader.token });
    t.equal(res.statusCode, 200);
    const body = res.json();
    t.ok(Date.parse(body.asOf) <= Date.now() && Date.parse(body.asOf) > Date.now() - 60_000, 'as-of instant is now');
    // ho-tich is past its 2022 deadline: open overdue by the clock.
    const none = { awaiting_confirmation: 0, due_soon: 0, waiting: 0, paused: 0 };
    t.same(body.counts, { done_on_time: 1, done_late: 0, open_on_time: 8, open_overdue: 1, no_deadline: 1, total: 11, ...none });
    const stp = body.agencies.find((a: { id: string }) => a.id === 'so-tu-phap');
    t.same(stp, {
      id: 'so-tu-phap',
      name: 'Sở Tư pháp',
      level: 'province',
      rolledUp: false,
      children: 0,
      counts: { done_on_time: 0, done_late: 0, open_on_time: 0, open_overdue: 1, no_deadline: 1, total: 2, ...none },
    });
  });

  t.test('task list filters', async (t) => {
    const get = async (query: string) => {
      const res = await stack.inject({ method: 'GET', url: `/api/plans/kh-test/tasks?${query}`, token: staff.token });
      t.equal(res.statusCode, 200, query);
      return (res.json().items as { key: string }[]).map((i) => i.key);
    };
    t.same(await get('agency=so-tu-phap'), ['ho-tich', 'tuyen-truyen']);
    // cong-an-tinh supports every task and leads cccd.
    t.equal((await get('agency=cong-an-tinh')).length, 11);
    t.same(await get('category=open_overdue'), ['ho-tich']);
    t.same(await get('category=done_on_time'), ['cccd']);
    t.same(await get('progress=done'), ['cccd']);
    t.same(await get('deadlineBefore=2022-11-20'), ['cccd']);
    t.same(await get('deadlineAfter=2099-12-01&escalationLevel=0'), ['so-hoa@ubnd-vinh']);
  });

  t.test('cursor pagination walks every task once, in deadline order', async (t) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await stack.inject({
        method: 'GET',
        url: `/api/plans/kh-test/tasks?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        token: staff.token,
      });
      t.equal(res.statusCode, 200);
      const body = res.json();
      t.ok(body.items.length <= 3);
      seen.push(...body.items.map((i: { key: string }) => i.key));
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    t.equal(pages, 4);
    t.equal(seen.length, 11);
    t.equal(new Set(seen).size, 11);
    t.equal(seen[0], 'cccd');
    t.equal(seen[seen.length - 1], 'tuyen-truyen', 'no deadline sorts last');

    const tooMany = await stack.inject({ method: 'GET', url: '/api/plans/kh-test/tasks?limit=501', token: staff.token });
    t.equal(tooMany.statusCode, 400);
    t.equal(tooMany.headers['content-type'], 'application/problem+json; charset=utf-8');
    t.match(tooMany.json(), { type: `${PROBLEM}validation`, status: 400, errors: [{ path: 'querystring.limit' }] });

    const noPlan = await stack.inject({ method: 'GET', url: '/api/plans/khong-co/tasks', token: staff.token });
    t.equal(noPlan.statusCode, 404);

    const badCursor = await stack.inject({ method: 'GET', url: '/api/plans/kh-test/tasks?cursor=nonsense', token: staff.token });
    t.equal(badCursor.statusCode, 400);
  });

  t.test('one task with its history; a unit copy by its URL-encoded key', async (t) => {
    const res = await stack.inject({ method: 'GET', url: '/api/plans/kh-test/tasks/cccd', token: staff.token });
    t.equal(res.statusCode, 200);
    const body = res.json();
    t.match(body.task, { key: 'cccd', progress: 'done', category: 'done_on_time', lead: 'cong-an-tinh', completedAt: '2022-11-14T03:00:00.000Z' });
    t.same(
      body.events.map((e: { type: string }) => e.type),
      ['started', 'completed'],
    );

    const unit = await stack.inject({ method: 'GET', url: `/api/plans/kh-test/tasks/${encodeURIComponent('so-hoa@ubnd-vinh')}`, token: staff.token });
    t.equal(unit.statusCode, 200);
    t.match(unit.json().task, { taskId: 'so-hoa', unitId: 'ubnd-vinh', key: 'so-hoa@ubnd-vinh' });

    const missing = await stack.inject({ method: 'GET', url: '/api/plans/kh-test/tasks/khong-co', token: staff.token });
    t.equal(missing.statusCode, 404);
    t.match(missing.json(), {
      type: `${PROBLEM}not-found`,
      title: String,
      status: 404,
      detail: /khong-co/,
      instance: /^\/api\/plans\/kh-test\/tasks\/khong-co#/,
    });
  });

  t.test('my tasks: open tasks of my agency, overdue first', async (t) => {
    const res = await stack.inject({ method: 'GET', url: '/api/me/tasks', token: staff.token });
    t.equal(res.statusCode, 200);
    const body = res.json();
    t.equal(body.agency, 'so-tu-phap');
    t.same(
      body.items.map((i: { key: string; involvement: string }) => `${i.key}:${i.involvement}`),
      ['ho-tich:lead', 'tuyen-truyen:lead'],
    );

    const police = await stack.inject({ method: 'GET', url: '/api/me/tasks', token: leader.token });
    const keys = police.json().items.map((i: { key: string }) => i.key);
    t.equal(keys[0], 'ho-tich', 'overdue first');
    t.equal(keys[keys.length - 1], 'tuyen-truyen', 'no deadline last');
    t.notOk(keys.includes('cccd'), 'done tasks are not open');
  });

  t.test('report as JSON and as CSV', async (t) => {
    const res = await stack.inject({ method: 'GET', url: '/api/plans/kh-test/report?asOf=2022-11-20', token: leader.token });
    t.equal(res.statusCode, 200);
    const report = res.json();
    t.equal(report.asOf, '2022-11-20');
    t.match(report.totals, { doneOnTime: 1, total: 11 });

    const csv = await stack.inject({ method: 'GET', url: '/api/plans/kh-test/report?asOf=2022-11-20&format=csv', token: leader.token });
    t.equal(csv.statusCode, 200);
    t.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
    t.ok(csv.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'UTF-8 BOM');
    t.match(csv.payload, /Cơ quan,Đã hoàn thành đúng hạn/);
    t.match(csv.payload, /Tổng cộng,1,/);

    const unknown = await stack.inject({ method: 'GET', url: '/api/plans/khong-co/report', token: leader.token });
    t.equal(unknown.statusCode, 404);
  });

  t.test('problem+json for authentication, authorization and requests', async (t) => {
    const none = await stack.inject({ method: 'GET', url: '/api/plans' });
    t.equal(none.statusCode, 401);
    t.equal(none.headers['content-type'], 'application/problem+json; charset=utf-8');
    t.match(none.json(), { type: `${PROBLEM}unauthenticated`, status: 401, title: String, detail: /Bearer/ });

    const wrong = await stack.inject({ method: 'GET', url: '/api/plans', token: 'kh_not-a-real-token' });
    t.equal(wrong.statusCode, 401);

    const forbidden = await stack.inject({ method: 'GET', url: '/api/tokens', token: staff.token });
    t.equal(forbidden.statusCode, 403);
    t.match(forbidden.json(), { type: `${PROBLEM}forbidden`, status: 403 });

    const noRoute = await stack.inject({ method: 'GET', url: '/api/khong-co', token: staff.token });
    t.equal(noRoute.statusCode, 404);
    t.match(noRoute.json(), { type: `${PROBLEM}not-found` });

    const extra = await stack.inject({ method: 'POST', url: '/api/tokens', token: admin.token, payload: { name: 'A', role: 'admin', isRoot: true } });
    t.equal(extra.statusCode, 400);
    t.match(extra.json(), { type: `${PROBLEM}validation`, errors: [{ message: /isRoot/ }] });

    const tooLarge = await stack.inject({
      method: 'POST',
      url: '/api/plans',
      token: admin.token,
      headers: { 'content-type': 'application/yaml' },
      // Plan routes take plans as large as the plan bounds allow (twice 8 MB, for JSON escaping).
      payload: `# ${'x'.repeat(17_000_000)}\n`,
    });
    t.equal(tooLarge.statusCode, 413);
    t.match(tooLarge.json(), { type: `${PROBLEM}payload-too-large`, status: 413 });

    const media = await stack.inject({
      method: 'POST',
      url: '/api/plans',
      token: admin.token,
      headers: { 'content-type': 'application/xml' },
      payload: '<plan/>',
    });
    t.equal(media.statusCode, 415);

    const invalidPlan = await stack.inject({
      method: 'POST',
      url: '/api/plans/diff',
      token: admin.token,
      headers: { 'content-type': 'application/yaml' },
      payload: 'id: kh-loi\ncode: "1/KH"\ntitle: Thử\nissuer: UBND\nissuedOn: 2022-02-31\n',
    });
    t.equal(invalidPlan.statusCode, 422);
    const problem = invalidPlan.json();
    t.match(problem, { type: `${PROBLEM}validation`, status: 422 });
    t.ok(problem.errors.length > 0);
    t.ok(
      problem.errors.every((e: { line: number; col: number }) => e.line >= 1 && e.col >= 1),
      'every error has a line and column',
    );
    t.ok(
      problem.errors.some((e: { line: number }) => e.line === 5),
      'the impossible date is on line 5',
    );
    t.ok(
      problem.errors.every((e: { code: string }) => typeof e.code === 'string'),
      'each with its stable code',
    );
  });

  t.test('tokens: create once, list, revoke; idempotent creation', async (t) => {
    const create = await stack.inject({
      method: 'POST',
      url: '/api/tokens',
      token: admin.token,
      headers: { 'idempotency-key': 'tao-ma-1' },
      payload: { name: 'Chuyên viên UBND TP Vinh', agency: 'ubnd-vinh', role: 'staff' },
    });
    t.equal(create.statusCode, 201);
    const created = create.json();
    t.match(created, { id: /^tok_/, token: /^kh_/, role: 'staff', agency: 'ubnd-vinh' });

    const again = await stack.inject({
      method: 'POST',
      url: '/api/tokens',
      token: admin.token,
      headers: { 'idempotency-key': 'tao-ma-1' },
      payload: { name: 'Chuyên viên UBND TP Vinh', agency: 'ubnd-vinh', role: 'staff' },
    });
    t.equal(again.statusCode, 410, 'the token is shown once: a replay names it but never repeats it');
    t.match(again.json(), { type: 'https://kehoach.dev/problems/not-replayable', detail: new RegExp(created.id) });
    t.notMatch(again.payload, created.token);
    t.equal(again.headers['idempotent-replayed'], 'true');

    const reused = await stack.inject({
      method: 'POST',
      url: '/api/tokens',
      token: admin.token,
      headers: { 'idempotency-key': 'tao-ma-1' },
      payload: { name: 'Người khác', agency: 'ubnd-vinh', role: 'staff' },
    });
    t.equal(reused.statusCode, 422);
    t.match(reused.json(), { type: `${PROBLEM}idempotency-key-reuse` });

    const list = await stack.inject({ method: 'GET', url: '/api/tokens', token: admin.token });
    const items = list.json().items as { id: string; name: string }[];
    t.equal(items.filter((i) => i.name === 'Chuyên viên UBND TP Vinh').length, 1, 'one token despite the retry');
    t.notOk(JSON.stringify(list.json()).includes(created.token), 'the token itself is never listed');

    const me = await stack.inject({ method: 'GET', url: '/api/me/tasks', token: created.token });
    t.equal(me.statusCode, 200);

    const revoke = await stack.inject({ method: 'DELETE', url: `/api/tokens/${created.id}`, token: admin.token });
    t.equal(revoke.statusCode, 204);
    const after = await stack.inject({ method: 'GET', url: '/api/me/tasks', token: created.token });
    t.equal(after.statusCode, 401);
    const missing = await stack.inject({ method: 'DELETE', url: '/api/tokens/tok_khong-co', token: admin.token });
    t.equal(missing.statusCode, 404);
  });

  t.test('/openapi.json is a valid OpenAPI 3.1 document covering every route', async (t) => {
    const res = await stack.inject({ method: 'GET', url: '/openapi.json' });
    t.equal(res.statusCode, 200);
    const document = res.json();
    t.equal(document.openapi, '3.1.0');
    const validator = new Validator();
    const result = await validator.validate(document);
    t.same(result.errors, undefined, JSON.stringify(result.errors ?? []).slice(0, 2000));
    t.equal(result.valid, true);
    const paths = Object.keys(document.paths);
    for (const path of [
      '/healthz',
      '/api/plans',
      '/api/plans/{planId}',
      '/api/plans/{planId}/tasks',
      '/api/plans/{planId}/tasks/{taskId}',
      '/api/plans/{planId}/tasks/{taskId}/complete',
      '/api/plans/{planId}/tasks/{taskId}/extension-requests/{requestId}/decision',
      '/api/plans/{planId}/report',
      '/api/plans/diff',
      '/api/me/tasks',
      '/api/tokens',
      '/api/tokens/{tokenId}',
    ]) {
      t.ok(paths.includes(path), path);
    }
    const complete = document.paths['/api/plans/{planId}/tasks/{taskId}/complete'].post;
    for (const code of ['200', '400', '401', '403', '404', '409', '422', '503']) t.ok(complete.responses[code], `complete declares ${code}`);
    t.ok(complete.responses['409'].content['application/problem+json'], 'errors are problem+json');

    const docs = await stack.inject({ method: 'GET', url: '/docs/' });
    t.equal(docs.statusCode, 200);
  });
});
