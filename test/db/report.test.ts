import t from 'tap';
import { createProjectionActivities } from '../../src/activities/projection';
import { planReport, reportCsv, type PlanReport } from '../../src/db/report';
import { withPostgres } from '../helpers/postgres';
import { history, planDocument, planVersion, recordChange, type Step } from '../helpers/read-model';

// Local dates in Vietnam (UTC+7). A deadline "30/11/2022" is the midnight that ends that day.
const endOf = (date: string) => new Date(Date.parse(`${date}T00:00:00+07:00`) + 86_400_000).toISOString();
const at = (date: string, time = '10:00') => new Date(`${date}T${time}:00+07:00`).toISOString();

const NOV15 = endOf('2022-11-15');
const NOV30 = endOf('2022-11-30');
const DEC25 = endOf('2022-12-25');

const started = (deadlineAt?: string): Step => ({
  type: 'started',
  at: at('2022-11-07'),
  progress: 'not_started',
  ...(deadlineAt ? { deadlineAt } : {}),
});

/** The task histories of a small plan, each chosen to land in a different column on some day. */
const HISTORIES: { ref: Parameters<typeof history>[0]; steps: Step[] }[] = [
  // A: done on time on 20/11.
  {
    ref: { taskId: 'a' },
    steps: [started(NOV30), { type: 'completed', at: at('2022-11-20'), progress: 'done', deadlineAt: NOV30, completedAt: at('2022-11-20') }],
  },
  // B: due 15/11, done late on 18/11.
  {
    ref: { taskId: 'b' },
    steps: [
      started(NOV15),
      { type: 'overdue', at: endOf('2022-11-15'), progress: 'not_started', deadlineAt: NOV15 },
      { type: 'completed', at: at('2022-11-18'), progress: 'done', deadlineAt: NOV15, completedAt: at('2022-11-18') },
    ],
  },
  // C: done 14/11, returned 21/11 (open again, and by then overdue).
  {
    ref: { taskId: 'c' },
    steps: [
      started(NOV15),
      { type: 'completed', at: at('2022-11-14'), progress: 'done', deadlineAt: NOV15, completedAt: at('2022-11-14') },
      { type: 'returned', at: at('2022-11-21'), progress: 'returned', deadlineAt: NOV15 },
    ],
  },
  // D: due 15/11, extended on 14/11 to 30/11, done 25/11 (on time against the extended deadline).
  {
    ref: { taskId: 'd' },
    steps: [
      started(NOV15),
      { type: 'extension_requested', at: at('2022-11-12'), progress: 'in_progress', deadlineAt: NOV15 },
      { type: 'extension_decided', at: at('2022-11-14'), progress: 'in_progress', deadlineAt: NOV30 },
      { type: 'completed', at: at('2022-11-25'), progress: 'done', deadlineAt: NOV30, completedAt: at('2022-11-25') },
    ],
  },
  // E: a standing task without a deadline.
  { ref: { taskId: 'e', lead: 'cong-an-tinh' }, steps: [started()] },
  // F: cancelled on 10/11.
  { ref: { taskId: 'f' }, steps: [started(NOV30), { type: 'cancelled', at: at('2022-11-10'), progress: 'cancelled', deadlineAt: NOV30 }] },
  // G: TP Vinh's copy of a task led by the police: counted for TP Vinh.
  { ref: { taskId: 'g', lead: 'cong-an-tinh', unitId: 'ubnd-vinh' }, steps: [started(DEC25)] },
  // H: needs confirmation: reported 19/11, confirmed 23/11.
  {
    ref: { taskId: 'h', confirmation: true },
    steps: [
      started(NOV30),
      { type: 'completed', at: at('2022-11-19'), progress: 'awaiting_confirmation', deadlineAt: NOV30, completedAt: at('2022-11-19') },
      { type: 'confirmed', at: at('2022-11-23'), progress: 'done', deadlineAt: NOV30, completedAt: at('2022-11-19') },
    ],
  },
  // I: started years later (the plan was applied late) with a back-dated completion of 20/11/2022.
  {
    ref: { taskId: 'i', lead: 'cong-an-tinh' },
    steps: [
      { type: 'started', at: '2026-01-05T02:00:00.000Z', progress: 'not_started', deadlineAt: NOV30 },
      { type: 'completed', at: at('2022-11-20'), progress: 'done', deadlineAt: NOV30, completedAt: at('2022-11-20') },
    ],
  },
];

type Columns = [doneOnTime: number, doneLate: number, openOnTime: number, openOverdue: number, noDeadline: number];
const columns = (row: PlanReport['totals'] | undefined): Columns | undefined =>
  row && [row.doneOnTime, row.doneLate, row.openOnTime, row.openOverdue, row.noDeadline];

t.test('reports as of a day, from the event history', async (t) => {
  const { db } = await withPostgres(t);
  const projection = createProjectionActivities(db);
  await projection.recordPlanVersion(planVersion(1));
  for (const { ref, steps } of HISTORIES) {
    const changes = history(ref, steps);
    // Written in reverse: the report must not depend on the order the projection received them.
    for (const change of changes.reverse()) await recordChange(db, change);
  }

  const report = (asOf: string) => planReport(db, 'kh-test', asOf);

  t.test('before the plan was issued, nothing counts', async (t) => {
    const r = await report('2022-11-06');
    t.equal(r.totals.total, 0);
    t.same(r.agencies, []);
  });

  t.test('9/11: everything open, F not yet cancelled', async (t) => {
    const r = await report('2022-11-09');
    t.equal(r.asOfInstant, '2022-11-09T17:00:00.000Z', 'the end of the day in Vietnam');
    // open on time: a b c d f g h i; no deadline: e
    t.same(columns(r.totals), [0, 0, 8, 0, 1]);
    t.equal(r.totals.total, 9);
  });

  t.test('16/11: B overdue, C done on time, D extended so still in time', async (t) => {
    const r = await report('2022-11-16');
    // done on time: c; open on time: a d g h i; overdue: b; no deadline: e; f cancelled
    t.same(columns(r.totals), [1, 0, 5, 1, 1]);
    t.equal(r.totals.total, 8);
  });

  t.test('22/11: the published picture of this small plan', async (t) => {
    const r = await report('2022-11-22');
    // done on time: a i; done late: b; open on time: d g h (h awaits confirmation); overdue: c (returned); no deadline: e
    t.same(columns(r.totals), [2, 1, 3, 1, 1]);
    t.equal(r.totals.total, 8);
    t.equal(r.totals.percentDone, 37.5);
    const byAgency = Object.fromEntries(r.agencies.map((row) => [row.agency, row]));
    t.same(
      r.agencies.map((row) => row.agency),
      ['cong-an-tinh', 'so-tu-phap', 'ubnd-vinh'],
      'rows in the order of the plan file',
    );
    t.same(columns(byAgency['so-tu-phap']), [1, 1, 2, 1, 0]);
    t.same(columns(byAgency['cong-an-tinh']), [1, 0, 0, 0, 1], 'the back-dated completion counts on its historical date');
    t.same(columns(byAgency['ubnd-vinh']), [0, 0, 1, 0, 0], "a unit's copy counts for the unit");
    t.equal(byAgency['ubnd-vinh']?.name, 'UBND TP Vinh');
    t.equal(byAgency['so-tu-phap']?.percentDone, 40);
  });

  t.test('1/12: confirmed H done on time, D done on time against its extension', async (t) => {
    const r = await report('2022-12-01');
    // done on time: a d h i; done late: b; overdue: c; open on time: g; no deadline: e
    t.same(columns(r.totals), [4, 1, 1, 1, 1]);
  });

  t.test('26/12: TP Vinh overdue too', async (t) => {
    const r = await report('2022-12-26');
    t.same(columns(r.totals), [4, 1, 0, 2, 1]);
  });

  t.test('CSV for Excel', async (t) => {
    const csv = reportCsv(await report('2022-11-22'));
    t.ok(csv.startsWith('\uFEFF'), 'starts with a byte-order mark');
    const lines = csv.slice(1).split('\r\n');
    t.equal(lines.at(-1), '', 'every line ends with CRLF');
    t.notOk(csv.replace(/\r\n/g, '').includes('\n'), 'no bare LF');
    t.equal(
      lines[0],
      'Cơ quan,Đã hoàn thành đúng hạn,Đã hoàn thành quá hạn,Chưa hoàn thành trong hạn,Chưa hoàn thành quá hạn,Không thời hạn,Tổng số,Tỷ lệ hoàn thành (%),' +
        'Trong đó: Chờ xác nhận,Trong đó: Sắp đến hạn,Trong đó: Chờ nhiệm vụ trước,Trong đó: Tạm dừng',
    );
    // H awaits confirmation on 22/11: open, in its own figure.
    t.equal(lines[2], 'Sở Tư pháp,1,1,2,1,0,5,40,1,0,0,0');
    t.equal(lines[4], 'Tổng cộng,2,1,3,1,1,8,37.5,1,0,0,0');
  });

  t.test('bad input', async (t) => {
    await t.rejects(report('22/11/2022'), RangeError);
    await t.rejects(planReport(db, 'no-such-plan', '2022-11-22'), { name: 'PlanNotFoundError' });
  });
});

t.test('past days judged by the one rule: awaiting confirmation, pauses, prerequisites', async (t) => {
  const { db } = await withPostgres(t);
  const projection = createProjectionActivities(db);
  await projection.recordPlanVersion(planVersion(1, planDocument({ id: 'kh-past' })));
  const JAN5 = endOf('2023-01-05');
  const histories: { ref: Parameters<typeof history>[0]; steps: Step[] }[] = [
    // Reported on time in 2022, confirmed only in 2026: never overdue in the reports of 2022.
    {
      ref: { planId: 'kh-past', taskId: 'bao-cao-2022', confirmation: true },
      steps: [
        started(NOV30),
        { type: 'completed', at: at('2022-11-25'), progress: 'awaiting_confirmation', deadlineAt: NOV30, completedAt: at('2022-11-25') },
        { type: 'confirmed', at: '2026-03-02T03:00:00.000Z', progress: 'done', deadlineAt: NOV30, completedAt: at('2022-11-25') },
      ],
    },
    // Paused on 28/11, before its 30/11 deadline, and still paused.
    {
      ref: { planId: 'kh-past', taskId: 'tam-dung' },
      steps: [started(NOV30), { type: 'paused', at: at('2022-11-28'), progress: 'paused', deadlineAt: NOV30, pausedAt: at('2022-11-28') }],
    },
    // "30 working days after" a task done on 20/11: waiting until then; the released event holds from that completion on.
    {
      ref: { planId: 'kh-past', taskId: 'sau-nhiem-vu', after: 'bao-cao-2022' },
      steps: [
        { type: 'started', at: at('2022-11-07'), progress: 'not_started' },
        { type: 'released', at: at('2022-11-20'), progress: 'not_started', deadlineAt: JAN5 },
      ],
    },
  ];
  for (const { ref, steps } of histories) for (const change of history(ref, steps)) await recordChange(db, change);
  const report = (asOf: string) => planReport(db, 'kh-past', asOf);

  const nov15 = await report('2022-11-15');
  t.match(nov15.totals, { openOnTime: 3, waiting: 1, noDeadline: 0, total: 3 }, 'waiting for its prerequisite: open on time, not "không thời hạn"');

  const dec05 = await report('2022-12-05');
  t.match(
    dec05.totals,
    { openOnTime: 3, openOverdue: 0, awaitingConfirmation: 1, paused: 1, total: 3 },
    'awaiting confirmation since 25/11 and paused since 28/11: neither overdue',
  );

  const jan10 = await report('2023-01-10');
  t.match(jan10.totals, { openOverdue: 1, openOnTime: 2, total: 3 }, 'the deadline from the released event counts from when it held');

  const today = await planReport(db, 'kh-past', undefined);
  t.match(today.totals, { doneOnTime: 1, total: 3 }, 'today: confirmed, done on time');
});
