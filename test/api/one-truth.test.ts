/**
 * The same task at the same instant gets the same answer in every view: task detail, plan counts,
 * list filters and today's report. Each case is a defect the views used to disagree on, written
 * as the facts a task workflow hands to the projection, on real Postgres and a real API.
 */
import t from 'tap';
import { startStack } from '../helpers/stack';
import type { TaskChange } from '../../src/domain';
import { history, planDocument, planVersion, recordChange } from '../helpers/read-model';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

t.test('one truth about every task', async (t) => {
  const stack = await startStack(t, { worker: false });
  const now = Date.now();
  const document = planDocument({
    agencies: [
      ...(planDocument().agencies as object[]),
      { id: 'ubnd-cua-lo', name: 'UBND TX Cửa Lò', kind: 'district_committee', contacts: [] },
      { id: 'vp-ubnd', name: 'Văn phòng UBND tỉnh', kind: 'office', contacts: [] },
    ],
    tasks: [{ id: 'cccd-huyen', lead: 'vp-ubnd', units: ['ubnd-vinh', 'ubnd-cua-lo'] }],
  });
  await stack.projection.recordPlanVersion(planVersion(1, document));
  const started = iso(now - 20 * DAY);
  const percent = { metric: 'người dân được cấp CCCD', unit: '%', value: 100 };
  const changes: TaskChange[] = [
    // Reported five days before its deadline, which has passed since; not yet confirmed.
    ...history({ taskId: 'cho-xac-nhan', confirmation: true }, [
      { type: 'started', at: started, progress: 'in_progress', deadlineAt: iso(now - 2 * DAY) },
      {
        type: 'completed',
        at: iso(now - 5 * DAY),
        progress: 'awaiting_confirmation',
        deadlineAt: iso(now - 2 * DAY),
        completedAt: iso(now - 5 * DAY),
      },
    ]),
    // Paused three days before its deadline, which has passed on the wall clock since.
    ...history({ taskId: 'tam-dung' }, [
      { type: 'started', at: started, progress: 'in_progress', deadlineAt: iso(now - DAY) },
      { type: 'paused', at: iso(now - 3 * DAY), progress: 'paused', deadlineAt: iso(now - DAY), pausedAt: iso(now - 3 * DAY) },
    ]),
    // Paused for three days, resumed: the deadline in force moved from yesterday to the day after tomorrow.
    ...history({ taskId: 'da-tiep-tuc' }, [
      { type: 'started', at: started, progress: 'in_progress', deadlineAt: iso(now - DAY) },
      { type: 'paused', at: iso(now - 5 * DAY), progress: 'paused', deadlineAt: iso(now - DAY), pausedAt: iso(now - 5 * DAY) },
      { type: 'resumed', at: iso(now - 2 * DAY), progress: 'in_progress', deadlineAt: iso(now + 2 * DAY) },
    ]),
    // The same, then completed after the first deadline but before the moved one.
    ...history({ taskId: 'xong-sau-tiep-tuc' }, [
      { type: 'started', at: started, progress: 'in_progress', deadlineAt: iso(now - DAY) },
      { type: 'paused', at: iso(now - 5 * DAY), progress: 'paused', deadlineAt: iso(now - DAY), pausedAt: iso(now - 5 * DAY) },
      { type: 'resumed', at: iso(now - 2 * DAY), progress: 'in_progress', deadlineAt: iso(now + 2 * DAY) },
      { type: 'completed', at: iso(now - 3_600_000), progress: 'done', deadlineAt: iso(now + 2 * DAY), completedAt: iso(now - 3_600_000) },
    ]),
    // "10 working days after cho-xac-nhan", which is not done: no deadline yet.
    ...history({ taskId: 'cho-tien-quyet', after: 'cho-xac-nhan' }, [{ type: 'started', at: started, progress: 'not_started' }]),
    // Inside its due-soon window.
    ...history({ taskId: 'sap-den-han' }, [
      { type: 'started', at: started, progress: 'in_progress', deadlineAt: iso(now + DAY), dueSoonAt: iso(now - DAY) },
    ]),
    // Due on 04/12/2030, 05/12/2030 and 06/12/2030 (the midnight ending each day in Vietnam).
    ...history({ taskId: 'han-0412' }, [{ type: 'started', at: started, progress: 'not_started', deadlineAt: '2030-12-04T17:00:00.000Z' }]),
    ...history({ taskId: 'han-0512' }, [{ type: 'started', at: started, progress: 'not_started', deadlineAt: '2030-12-05T17:00:00.000Z' }]),
    ...history({ taskId: 'han-0612' }, [{ type: 'started', at: started, progress: 'not_started', deadlineAt: '2030-12-06T17:00:00.000Z' }]),
    // A task with units directed by the provincial office: each district at 100%.
    ...history({ taskId: 'cccd-huyen', unitId: 'ubnd-vinh', lead: 'ubnd-vinh', target: percent }, [
      { type: 'started', at: started, progress: 'in_progress', deadlineAt: iso(now + 10 * DAY) },
      { type: 'completed', at: iso(now - DAY), progress: 'done', deadlineAt: iso(now + 10 * DAY), completedAt: iso(now - DAY), progressValue: 100 },
    ]),
    ...history({ taskId: 'cccd-huyen', unitId: 'ubnd-cua-lo', lead: 'ubnd-cua-lo', target: percent }, [
      { type: 'started', at: started, progress: 'in_progress', deadlineAt: iso(now + 10 * DAY) },
      {
        type: 'completed',
        at: iso(now - 2 * DAY),
        progress: 'done',
        deadlineAt: iso(now + 10 * DAY),
        completedAt: iso(now - 2 * DAY),
        progressValue: 100,
      },
    ]),
  ];
  for (const change of changes) await recordChange(stack.db.db, change);

  const { token } = await stack.token({ role: 'leader', agency: 'cong-an-tinh', name: 'Lãnh đạo' });
  const get = async (url: string) => {
    const res = await stack.inject({ method: 'GET', url, token });
    return { status: res.statusCode, body: res.json() };
  };
  const keys = async (query: string) => {
    const res = await get(`/api/plans/kh-test/tasks?limit=500&${query}`);
    t.equal(res.status, 200, query);
    return (res.body.items as { key: string }[]).map((i) => i.key).sort();
  };
  const detail = async (key: string) => (await get(`/api/plans/kh-test/tasks/${encodeURIComponent(key)}`)).body.task;
  const status = (await get('/api/plans/kh-test')).body;
  const report = (await get('/api/plans/kh-test/report')).body;

  t.test('awaiting confirmation, reported before the deadline: open on time everywhere, in its own figure', async (t) => {
    t.match(await detail('cho-xac-nhan'), {
      progress: 'awaiting_confirmation',
      category: 'open_on_time',
      deadlineState: 'on_track',
      labels: { progress: 'Chờ xác nhận', category: 'Chưa hoàn thành trong hạn' },
    });
    t.ok((await keys('category=open_on_time')).includes('cho-xac-nhan'));
    t.notOk((await keys('category=open_overdue')).includes('cho-xac-nhan'));
    t.equal(status.counts.awaiting_confirmation, 1);
    t.equal(report.totals.awaitingConfirmation, 1);
    t.equal(report.columns.awaitingConfirmation, 'Trong đó: Chờ xác nhận');
  });

  t.test('a paused task does not fall overdue; after resume it is judged by its moved deadline', async (t) => {
    t.match(await detail('tam-dung'), { progress: 'paused', category: 'open_on_time', labels: { progress: 'Tạm dừng' } });
    t.ok((await keys('category=open_on_time')).includes('tam-dung'));
    t.equal(status.counts.paused, 1);
    t.equal(report.totals.paused, 1);

    const resumed = await detail('da-tiep-tuc');
    t.match(resumed, { category: 'open_on_time', deadlineState: 'on_track', deadlineAt: iso(now + 2 * DAY) });
    t.notOk((await keys('category=open_overdue')).includes('da-tiep-tuc'));
    t.match(await detail('xong-sau-tiep-tuc'), { progress: 'done', category: 'done_on_time' });
    t.ok((await keys('category=done_on_time')).includes('xong-sau-tiep-tuc'));
  });

  t.test('a task waiting for its prerequisite is open on time, waiting, in counts and the report alike', async (t) => {
    t.match(await detail('cho-tien-quyet'), { category: 'open_on_time', deadlineState: 'waiting' });
    t.same(await keys('deadlineState=waiting'), ['cho-tien-quyet']);
    t.equal(status.counts.waiting, 1);
    t.equal(report.totals.waiting, 1);
    t.equal(status.counts.no_deadline, 0, 'not "không thời hạn"');
    t.equal(report.totals.noDeadline, 0);
  });

  t.test('due soon: a filter and a count', async (t) => {
    t.same(await keys('dueSoon=true'), ['sap-den-han']);
    t.equal(status.counts.due_soon, 1);
    t.equal(report.totals.dueSoon, 1);
    t.notOk((await keys('dueSoon=false')).includes('sap-den-han'));
  });

  t.test('date filters are by local calendar day, inclusive', async (t) => {
    t.same(await keys('deadlineAfter=2030-12-04&deadlineBefore=2030-12-05'), ['han-0412', 'han-0512']);
    t.same(await keys('deadlineAfter=2030-12-05'), ['han-0512', 'han-0612']);
    t.same(await keys('deadlineBefore=2030-12-04&deadlineAfter=2030-12-01'), ['han-0412']);
  });

  t.test('the task of a task with units answers as a whole, with its units; percentages are not summed', async (t) => {
    const res = await get('/api/plans/kh-test/tasks/cccd-huyen');
    t.equal(res.status, 200);
    t.match(res.body.task, {
      key: 'cccd-huyen',
      lead: 'vp-ubnd',
      progress: 'done',
      category: 'done_on_time',
      progressValue: 100,
      target: { unit: '%', value: 100 },
    });
    t.match(res.body.rollup, { total: 2, done: 2, target: { nature: 'percent', progressValue: 100, value: 100, reached: 2, of: 2 } });
    t.same(
      res.body.rollup.members.map((m: { key: string }) => m.key),
      ['cccd-huyen@ubnd-cua-lo', 'cccd-huyen@ubnd-vinh'],
    );
    t.same(await keys('agency=vp-ubnd'), ['cccd-huyen@ubnd-cua-lo', 'cccd-huyen@ubnd-vinh'], 'the directing agency sees the copies it directs');
    const vinh = status.agencies.find((a: { id: string }) => a.id === 'ubnd-vinh');
    t.equal(vinh.counts.done_on_time, 1, "a unit's copy counts for the unit");
  });

  t.test('every view agrees on every task', async (t) => {
    const all = (await get('/api/plans/kh-test/tasks?limit=500')).body.items as { key: string; category?: string }[];
    const byCategory = new Map<string, string[]>();
    for (const task of all) if (task.category) byCategory.set(task.category, [...(byCategory.get(task.category) ?? []), task.key]);
    const reportField: Record<string, string> = {
      done_on_time: 'doneOnTime',
      done_late: 'doneLate',
      open_on_time: 'openOnTime',
      open_overdue: 'openOverdue',
      no_deadline: 'noDeadline',
    };
    for (const [category, field] of Object.entries(reportField)) {
      const listed = byCategory.get(category) ?? [];
      t.same(await keys(`category=${category}`), [...listed].sort(), `?category=${category} lists what the rows say`);
      t.equal(status.counts[category], listed.length, `the plan counts ${category} as the list does`);
      t.equal(report.totals[field], listed.length, `today's report counts ${category} as the list does`);
      for (const key of listed) t.equal((await detail(key)).category, category, `${key}: the detail says ${category}`);
    }
  });

  t.test('400 answers in Vietnamese, naming the field', async (t) => {
    const bad = await get('/api/plans/kh-test/tasks?limit=nhieu&category=cham');
    t.equal(bad.status, 400);
    const text = JSON.stringify(bad.body);
    t.notMatch(text, /Invalid|expected|received/);
    t.match(bad.body.errors, [
      { path: 'querystring.category', message: /phải là một trong các giá trị: done_on_time/ },
      { path: 'querystring.limit', message: /phải là một số/ },
    ]);
    const admin = await stack.token({ role: 'admin' });
    const missing = await stack.inject({ method: 'POST', url: '/api/tokens', token: admin.token, payload: { role: 'staff' } });
    t.equal(missing.statusCode, 400);
    t.match(missing.json().errors, [{ path: 'body.name', message: 'thiếu trường này: cần gửi một chuỗi văn bản' }]);
    t.match(missing.json().detail, /body\.name: thiếu trường này/);
  });
});
