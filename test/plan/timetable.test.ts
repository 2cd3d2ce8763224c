import t from 'tap';
import { loadCalendar } from '../../src/plan/calendar-file';
import { parseDuration } from '../../src/plan/duration';
import type { ResolvedEscalationPolicy, ResolvedTarget, TimetableEntry } from '../../src/plan/model';
import { afterDeadline, deadlineInstant, deadlineLocal, dueSoonAt, reminderAt, taskTimetable } from '../../src/plan/timetable';

const vn = loadCalendar('vn');
const TZ = 'Asia/Ho_Chi_Minh';
const d = parseDuration;
const head: ResolvedTarget = { kind: 'lead_head', agency: 'so-tu-phap' };
const standing: ResolvedTarget = { kind: 'role', role: 'standing_office', agency: 'cong-an-tinh' };
const chair: ResolvedTarget = { kind: 'role', role: 'chair', agency: 'ubnd-tinh' };

/** The default policy of schema.ts, resolved. */
const defaultPolicy: ResolvedEscalationPolicy = {
  dueSoon: d('3 working days'),
  reminders: [d('3 working days'), d('1 working day')],
  ladder: [
    { level: 1, after: d('0 working days'), to: head, action: 'Nhắc nhở' },
    { level: 2, after: d('3 working days'), to: standing, action: 'Đôn đốc' },
    { level: 3, after: d('7 working days'), to: chair, action: 'Báo cáo Tổ trưởng' },
  ],
};

const instants = (entries: TimetableEntry[]) =>
  entries.map((entry) => `${entry.kind}${'level' in entry ? entry.level : 'index' in entry ? entry.index : ''} ${entry.at}`);

t.test('a date means the end of that local day', async (t) => {
  t.equal(deadlineInstant({ rule: { kind: 'date', date: '2022-11-30' }, calendar: vn, timezone: TZ }), '2022-11-30T17:00:00.000Z');
  t.same(deadlineLocal('2022-11-30T17:00:00.000Z', TZ), { date: '2022-11-30', millisOfDay: 86_400_000 });
  t.same(deadlineLocal('2022-11-30T10:00:00.000Z', TZ), { date: '2022-11-30', millisOfDay: 17 * 3_600_000 });
});

t.test('a date-time is local unless it carries an offset', async (t) => {
  t.equal(deadlineInstant({ rule: { kind: 'date_time', dateTime: '2022-11-30T17:00' }, calendar: vn, timezone: TZ }), '2022-11-30T10:00:00.000Z');
  t.equal(deadlineInstant({ rule: { kind: 'date_time', dateTime: '2022-11-30T17:00:30' }, calendar: vn, timezone: TZ }), '2022-11-30T10:00:30.000Z');
  t.equal(
    deadlineInstant({ rule: { kind: 'date_time', dateTime: '2022-11-30T17:00+09:00' }, calendar: vn, timezone: TZ }),
    '2022-11-30T08:00:00.000Z',
  );
  t.equal(deadlineInstant({ rule: { kind: 'date_time', dateTime: '2022-11-30T17:00Z' }, calendar: vn, timezone: TZ }), '2022-11-30T17:00:00.000Z');
  t.throws(() => deadlineInstant({ rule: { kind: 'date_time', dateTime: '30/11/2022 17:00' }, calendar: vn, timezone: TZ }), /YYYY-MM-DDTHH:MM/);
});

t.test('working days after the issue date end at the end of the Nth working day', async (t) => {
  // Issued Monday 07/11/2022: 10 working days → Monday 21/11/2022.
  t.equal(
    deadlineInstant({ rule: { kind: 'after_date', date: '2022-11-07', within: d('10 working days') }, calendar: vn, timezone: TZ }),
    '2022-11-21T17:00:00.000Z',
  );
  // Across Tết Quý Mão.
  t.equal(
    deadlineInstant({ rule: { kind: 'after_date', date: '2023-01-18', within: d('5 working days') }, calendar: vn, timezone: TZ }),
    '2023-02-01T17:00:00.000Z',
  );
});

t.test('calendar days after the issue date move off rest days', async (t) => {
  t.equal(
    deadlineInstant({ rule: { kind: 'after_date', date: '2022-11-07', within: d('30 days') }, calendar: vn, timezone: TZ }),
    '2022-12-07T17:00:00.000Z',
    'a Wednesday stays',
  );
  t.equal(
    deadlineInstant({ rule: { kind: 'after_date', date: '2022-11-07', within: d('5 days') }, calendar: vn, timezone: TZ }),
    '2022-11-14T17:00:00.000Z',
    'Saturday 12/11 moves to the end of Monday 14/11',
  );
  t.equal(
    deadlineInstant({ rule: { kind: 'after_date', date: '2023-01-10', within: d('10 days') }, calendar: vn, timezone: TZ }),
    '2023-01-27T17:00:00.000Z',
    'Friday 20/01/2023 is Tết: moves to Friday 27/01',
  );
});

t.test('hours after the issue date count from the start of that day', async (t) => {
  t.equal(
    deadlineInstant({ rule: { kind: 'after_date', date: '2022-11-07', within: d('4 hours') }, calendar: vn, timezone: TZ }),
    '2022-11-06T21:00:00.000Z',
  );
});

t.test('after the first apply: plain offsets for drills, local days otherwise', async (t) => {
  t.equal(
    deadlineInstant({ rule: { kind: 'after_instant', at: '2024-03-01T02:03:04.000Z', within: d('15 minutes') }, calendar: vn, timezone: TZ }),
    '2024-03-01T02:18:04.000Z',
  );
  t.equal(
    deadlineInstant({ rule: { kind: 'after_instant', at: '2024-03-01T02:03:04.000Z', within: d('20 seconds') }, calendar: vn, timezone: TZ }),
    '2024-03-01T02:03:24.000Z',
  );
  // 18:00 UTC on 18/01 is already 19/01 in Hà Nội: the count starts from the local date.
  t.equal(
    deadlineInstant({ rule: { kind: 'after_instant', at: '2023-01-18T18:00:00.000Z', within: d('1 working day') }, calendar: vn, timezone: TZ }),
    '2023-01-27T17:00:00.000Z',
  );
});

t.test("after a prerequisite's completion", async (t) => {
  const rule = { kind: 'after_task', taskId: 'lam-sach-du-lieu', within: d('3 working days') } as const;
  t.equal(deadlineInstant({ rule, calendar: vn, timezone: TZ }), undefined, 'unknown until the prerequisite is done');
  t.equal(
    deadlineInstant({ rule, anchorAt: '2023-01-17T03:00:00.000Z', calendar: vn, timezone: TZ }),
    '2023-01-27T17:00:00.000Z',
    'done Tuesday 17/01/2023: 18, 19, then 27/01 after Tết',
  );
  t.equal(deadlineInstant({ rule: { kind: 'instant', at: '2022-11-30T17:00:00Z' }, calendar: vn, timezone: TZ }), '2022-11-30T17:00:00.000Z');
});

t.test('no deadline', async (t) => {
  t.equal(deadlineInstant({ rule: { kind: 'none' }, calendar: vn, timezone: TZ }), undefined);
  t.equal(deadlineInstant({ rule: { kind: 'none' }, calendar: vn, timezone: TZ }), undefined);
});

t.test('the default ladder across Tết Quý Mão (deadline 18/01/2023)', async (t) => {
  const deadlineAt = deadlineInstant({ rule: { kind: 'date', date: '2023-01-18' }, calendar: vn, timezone: TZ })!;
  const entries = taskTimetable({ deadlineAt, policy: defaultPolicy, calendar: vn, timezone: TZ });
  t.same(instants(entries), [
    'due_soon 2023-01-12T17:00:00.000Z', // start of Friday 13/01 (3 working days before)
    'reminder0 2023-01-13T01:00:00.000Z', // 08:00 Friday 13/01
    'reminder1 2023-01-17T01:00:00.000Z', // 08:00 Tuesday 17/01
    'deadline 2023-01-18T17:00:00.000Z',
    'escalation1 2023-01-18T17:00:00.000Z', // at the deadline
    'escalation2 2023-01-30T17:00:00.000Z', // +3: 19/01, 27/01, 30/01
    'escalation3 2023-02-03T17:00:00.000Z', // +7: … 31/01, 01/02, 02/02, 03/02
  ]);
  const level2 = entries.find((entry) => entry.kind === 'escalation' && entry.level === 2);
  t.same(level2, { kind: 'escalation', level: 2, to: standing, action: 'Đôn đốc', at: '2023-01-30T17:00:00.000Z' });
});

t.test('reminders before a deadline just after Tết go out before Tết', async (t) => {
  const deadlineAt = deadlineInstant({ rule: { kind: 'date', date: '2023-01-30' }, calendar: vn, timezone: TZ })!;
  t.equal(reminderAt(deadlineAt, d('3 working days'), vn, TZ), '2023-01-18T01:00:00.000Z');
  t.equal(reminderAt(deadlineAt, d('1 working day'), vn, TZ), '2023-01-27T01:00:00.000Z');
  // 7 calendar days before is mùng 2 Tết (23/01/2023): the reminder waits for the first working morning.
  t.equal(reminderAt(deadlineAt, d('7 days'), vn, TZ), '2023-01-27T01:00:00.000Z', 'moved to 08:00 on 27/01, after Tết');
  t.equal(reminderAt(deadlineAt, d('7 days'), vn, TZ, 'keep'), '2023-01-23T01:00:00.000Z', 'kept on the day counted');
  t.equal(reminderAt(deadlineAt, d('11 days'), vn, TZ), '2023-01-19T01:00:00.000Z', 'the Thursday before Tết is a working day');
  t.equal(dueSoonAt(deadlineAt, d('3 working days'), vn, TZ), '2023-01-17T17:00:00.000Z');
});

t.test('ladder levels keep the time of day and use make-up Saturdays', async (t) => {
  // Friday 26/04/2024 17:00; 29/04–01/05 are rest days, Saturday 04/05 is worked.
  const deadlineAt = deadlineInstant({ rule: { kind: 'date_time', dateTime: '2024-04-26T17:00' }, calendar: vn, timezone: TZ })!;
  t.equal(afterDeadline(deadlineAt, d('1 working day'), vn, TZ), '2024-05-02T10:00:00.000Z');
  t.equal(afterDeadline(deadlineAt, d('3 working days'), vn, TZ), '2024-05-04T10:00:00.000Z');
  // 2 calendar days later is Sunday 28/04, then the holidays until 01/05: 08:00 on Thursday 02/05.
  t.equal(afterDeadline(deadlineAt, d('2 days'), vn, TZ), '2024-05-02T01:00:00.000Z');
  t.equal(afterDeadline(deadlineAt, d('2 days'), vn, TZ, 'keep'), '2024-04-28T10:00:00.000Z');
  t.equal(afterDeadline(deadlineAt, d('6 days'), vn, TZ), '2024-05-02T10:00:00.000Z', 'a working day keeps the time of day');
  t.equal(afterDeadline(deadlineAt, d('4 hours'), vn, TZ), '2024-04-26T14:00:00.000Z');
  t.equal(afterDeadline(deadlineAt, d('0 working days'), vn, TZ), deadlineAt);
  // A date deadline on a Sunday: levels count from that date.
  const sunday = deadlineInstant({ rule: { kind: 'date', date: '2022-11-13' }, calendar: vn, timezone: TZ })!;
  t.equal(afterDeadline(sunday, d('3 working days'), vn, TZ), '2022-11-16T17:00:00.000Z');
});

t.test('a drill timetable in minutes and seconds', async (t) => {
  const deadlineAt = '2024-03-01T02:18:04.000Z';
  const policy: ResolvedEscalationPolicy = {
    dueSoon: d('5 minutes'),
    reminders: [d('10 minutes'), d('30 seconds')],
    ladder: [
      { level: 1, after: d('0 minutes'), to: head, action: 'Nhắc nhở' },
      { level: 2, after: d('2 minutes'), to: standing, action: 'Đôn đốc' },
      { level: 3, after: d('5 minutes'), to: chair, action: 'Báo cáo Tổ trưởng' },
    ],
  };
  t.same(instants(taskTimetable({ deadlineAt, policy, calendar: vn, timezone: TZ })), [
    'reminder0 2024-03-01T02:08:04.000Z',
    'due_soon 2024-03-01T02:13:04.000Z',
    'reminder1 2024-03-01T02:17:34.000Z',
    'deadline 2024-03-01T02:18:04.000Z',
    'escalation1 2024-03-01T02:18:04.000Z',
    'escalation2 2024-03-01T02:20:04.000Z',
    'escalation3 2024-03-01T02:23:04.000Z',
  ]);
});

t.test('pausing shifts every entry later', async (t) => {
  const deadlineAt = deadlineInstant({ rule: { kind: 'date', date: '2023-01-18' }, calendar: vn, timezone: TZ })!;
  const plain = taskTimetable({ deadlineAt, policy: defaultPolicy, calendar: vn, timezone: TZ });
  const paused = taskTimetable({ deadlineAt, policy: defaultPolicy, calendar: vn, timezone: TZ, pausedMs: 3_600_000 });
  t.equal(paused.length, plain.length);
  paused.forEach((entry, index) => {
    t.equal(Date.parse(entry.at) - Date.parse(plain[index]!.at), 3_600_000, `${entry.kind} moved by one hour`);
  });
});

t.test('reminders never fall at or after the deadline', async (t) => {
  // 07:00 local on Wednesday 18/01/2023: a same-day reminder at 08:00 would be late.
  const deadlineAt = deadlineInstant({ rule: { kind: 'date_time', dateTime: '2023-01-18T07:00' }, calendar: vn, timezone: TZ })!;
  const policy = { ...defaultPolicy, reminders: [d('1 working day'), d('0 working days')] };
  const entries = taskTimetable({ deadlineAt, policy, calendar: vn, timezone: TZ });
  const reminders = entries.filter((entry) => entry.kind === 'reminder');
  t.same(
    reminders.map((entry) => entry.at),
    ['2023-01-17T01:00:00.000Z'],
  );
  for (const entry of entries) {
    if (entry.kind === 'reminder' || entry.kind === 'due_soon') t.ok(entry.at <= deadlineAt, `${entry.kind} not after the deadline`);
  }
  t.equal(dueSoonAt(deadlineAt, d('0 hours'), vn, TZ), deadlineAt);
});

t.test('entries are sorted by instant', async (t) => {
  const deadlineAt = deadlineInstant({ rule: { kind: 'date', date: '2024-02-07' }, calendar: vn, timezone: TZ })!;
  const policy = { ...defaultPolicy, reminders: [d('1 working day'), d('5 working days')] };
  const entries = taskTimetable({ deadlineAt, policy, calendar: vn, timezone: TZ });
  const times = entries.map((entry) => Date.parse(entry.at));
  t.same(
    times,
    [...times].sort((a, b) => a - b),
  );
  t.equal(entries[0]!.kind, 'reminder', 'the 5-working-day reminder comes first');
  // Deadline Wednesday 07/02/2024, the day before Tết Giáp Thìn: +3 working days is 19/02.
  t.equal(afterDeadline(deadlineAt, d('3 working days'), vn, TZ), '2024-02-19T17:00:00.000Z');
});

t.test('no reminder at 08:00 on mùng 1 Tết: calendar-day entries move to the next working morning', async (t) => {
  // Friday 27/02/2026; mùng 1 Tết Bính Ngọ is Tuesday 17/02, the Tết rest runs 14–22/02.
  const deadlineAt = deadlineInstant({ rule: { kind: 'date', date: '2026-02-27' }, calendar: vn, timezone: TZ })!;
  const policy: ResolvedEscalationPolicy = {
    dueSoon: d('3 working days'),
    reminders: [d('10 days'), d('2 days')],
    ladder: [{ level: 1, after: d('1 day'), to: head, action: 'Nhắc nhở' }],
  };
  const at = (entries: TimetableEntry[]) => entries.map((entry) => `${entry.kind}:${entry.at}`);
  t.same(at(taskTimetable({ deadlineAt, policy, calendar: vn, timezone: TZ })), [
    'reminder:2026-02-23T01:00:00.000Z', // not 17/02: 08:00 on Monday 23/02
    'due_soon:2026-02-23T17:00:00.000Z',
    'reminder:2026-02-25T01:00:00.000Z',
    'deadline:2026-02-27T17:00:00.000Z',
    'escalation:2026-03-02T01:00:00.000Z', // Saturday 28/02 → 08:00 on Monday 02/03
  ]);
  t.same(at(taskTimetable({ deadlineAt, policy: { ...policy, onRestDay: 'keep' }, calendar: vn, timezone: TZ })), [
    'reminder:2026-02-17T01:00:00.000Z',
    'due_soon:2026-02-23T17:00:00.000Z',
    'reminder:2026-02-25T01:00:00.000Z',
    'deadline:2026-02-27T17:00:00.000Z',
    'escalation:2026-02-28T17:00:00.000Z',
  ]);
});

t.test('a calendar-day reminder moved past the deadline is dropped, as any reminder not before it', async (t) => {
  // A deadline at the end of Sunday 13/11/2022: 1 day before is Saturday, whose next working morning is after it.
  const deadlineAt = deadlineInstant({ rule: { kind: 'date', date: '2022-11-13' }, calendar: vn, timezone: TZ })!;
  t.equal(reminderAt(deadlineAt, d('1 day'), vn, TZ), null);
  t.equal(reminderAt(deadlineAt, d('1 day'), vn, TZ, 'keep'), '2022-11-12T01:00:00.000Z');
});
