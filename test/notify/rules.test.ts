/**
 * The delivery rules and texts, pure: working hours on the real Vietnamese calendar, working days
 * overdue, the exactly-once keys, and the wording (deadline phrase, English catalogue).
 */
import t from 'tap';
import { composeMessage, composeSummary, deadlinePhrase, notifyTranslator, remainingPhrase } from '../../src/notify/compose';
import type { NotificationContent } from '../../src/notify/content';
import { messageIdFor, webhookIdFor } from '../../src/notify/ids';
import { deliveryKey, nextWorkingInstant, overdueWorkingDays, summaryKey, waitsForWorkingHours } from '../../src/notify/rules';
import { loadCalendar } from '../../src/plan/calendar-file';

const vn = loadCalendar('vn');
const TZ = 'Asia/Ho_Chi_Minh';

t.test('working hours: 08:00–17:00 on a working day of the calendar', async (t) => {
  // Thursday 19/01/2023 10:00 local is inside working hours.
  t.equal(nextWorkingInstant('2023-01-19T03:00:00.000Z', vn, TZ), '2023-01-19T03:00:00.000Z');
  // 06:30 the same day waits for 08:00.
  t.equal(nextWorkingInstant('2023-01-18T23:30:00.000Z', vn, TZ), '2023-01-19T01:00:00.000Z');
  // 18:00 on Thursday 19/01/2023, the eve of Tết Quý Mão (20–26/01): the next working morning is Friday 27/01.
  t.equal(nextWorkingInstant('2023-01-19T11:00:00.000Z', vn, TZ), '2023-01-27T01:00:00.000Z');
  // Saturday 04/02/2023 → Monday 06/02/2023 08:00.
  t.equal(nextWorkingInstant('2023-02-04T03:00:00.000Z', vn, TZ), '2023-02-06T01:00:00.000Z');
  // 17:00 sharp is after hours.
  t.equal(nextWorkingInstant('2023-02-06T10:00:00.000Z', vn, TZ), '2023-02-07T01:00:00.000Z');
});

t.test('who waits for working hours: reminders and anything to the chair', async (t) => {
  t.equal(waitsForWorkingHours('reminder', { kind: 'lead_staff', agency: 'a' }), true);
  t.equal(waitsForWorkingHours('escalation', { kind: 'lead_head', agency: 'a' }), false);
  t.equal(waitsForWorkingHours('escalation', { kind: 'role', role: 'standing_office' }), false);
  t.equal(waitsForWorkingHours('escalation', { kind: 'role', role: 'chair' }), true);
});

t.test('working days overdue: counted from the day after the deadline, holidays excluded', async (t) => {
  // Deadline 18/01/2023 (the midnight that ends it); on 27/01, after Tết, one working day: 19/01... and 27/01.
  const deadline = '2023-01-18T17:00:00.000Z';
  t.equal(overdueWorkingDays(deadline, '2023-01-18T16:00:00.000Z', vn, TZ), 0, 'not yet overdue');
  t.equal(overdueWorkingDays(deadline, '2023-01-19T02:00:00.000Z', vn, TZ), 1);
  t.equal(overdueWorkingDays(deadline, '2023-01-27T02:00:00.000Z', vn, TZ), 2, 'Tết does not count');
});

t.test('one key per (task, deadline version, level, recipient); ids stable across attempts', async (t) => {
  const a = deliveryKey('task:p:t1:d2:l1', { channel: 'email', address: 'GiamDoc@STP.example ' });
  t.equal(a, 'task:p:t1:d2:l1>email:giamdoc@stp.example', 'an address is one recipient whatever its case');
  t.not(a, deliveryKey('task:p:t1:d3:l1', { channel: 'email', address: 'giamdoc@stp.example' }), 'a new deadline version is a new delivery');
  t.equal(messageIdFor(a, 'ubnd.example'), messageIdFor(a, 'ubnd.example'));
  t.match(messageIdFor(a, 'ubnd.example'), /^<[0-9a-f]{40}@ubnd\.example>$/);
  t.match(webhookIdFor(a), /^msg_[0-9a-f]{40}$/);
  t.not(webhookIdFor(a), webhookIdFor(`${a}x`));
  t.equal(summaryKey('p', { channel: 'webhook', address: 'https://x.example/h' }), 'summary:p>webhook:https://x.example/h');
});

const content: NotificationContent = {
  kind: 'reminder',
  level: 1,
  action: '',
  catchUp: false,
  planId: 'nghe-an-771',
  planCode: '771/KH-UBND',
  planTitle: 'Kế hoạch triển khai Đề án 06',
  taskId: 't14',
  workflowId: 'task:nghe-an-771:t14',
  taskTitle: 'Ban hành kế hoạch làm sạch dữ liệu hộ tịch',
  output: 'Kế hoạch',
  leadName: 'Sở Tư pháp',
  target: { kind: 'lead_staff', agency: 'so-tu-phap' },
  deadlineAt: '2022-11-18T10:00:00.000Z',
  timezone: TZ,
  at: '2022-11-15T10:00:00.000Z',
  overdueWorkingDays: 0,
};

t.test('the deadline in words: a date, or a time and a date, never "ngày … ngày"', async (t) => {
  const vi = notifyTranslator('vi');
  t.equal(deadlinePhrase(vi, '2022-11-18T10:00:00.000Z', TZ), '17:00 ngày 18/11/2022');
  t.equal(deadlinePhrase(vi, '2022-11-18T17:00:00.000Z', TZ), 'ngày 18/11/2022', 'a date deadline is the midnight that ends it');
  t.equal(remainingPhrase(vi, '2022-11-15T10:00:00.000Z', '2022-11-18T10:00:00.000Z'), '3 ngày');
  t.equal(remainingPhrase(vi, '2022-11-18T08:00:00.000Z', '2022-11-18T10:00:00.000Z'), '2 giờ');
  const message = composeMessage(vi, content, 'https://kehoach.example');
  t.equal(
    message.subject,
    '[Nhắc hạn] 771/KH-UBND: nhiệm vụ «Ban hành kế hoạch làm sạch dữ liệu hộ tịch» đến hạn 17:00 ngày 18/11/2022',
    'the time is kept',
  );
  t.match(message.text, /có thời hạn hoàn thành 17:00 ngày 18\/11\/2022 \(còn 3 ngày\)\./);
  t.notMatch(message.text, /hạn ngày \d{2}:\d{2}/);
  t.match(message.html, /^<!doctype html>/);
  t.notMatch(composeMessage(vi, { ...content, taskTitle: '<script>' }).html, /<script>/, 'HTML is escaped');
});

t.test('English with KEHOACH_LANG=en', async (t) => {
  const en = notifyTranslator('en');
  const message = composeMessage(en, {
    ...content,
    kind: 'escalation',
    action: 'Đôn đốc',
    level: 2,
    overdueWorkingDays: 1,
    target: { kind: 'role', role: 'standing_office' },
  });
  t.equal(
    message.subject,
    '[Đôn đốc] 771/KH-UBND: task «Ban hành kế hoạch làm sạch dữ liệu hộ tịch» is 1 working day overdue (due 17:00 on 18/11/2022)',
  );
  t.match(message.text, /^To: Standing office of the working group\./);
  const summary = composeSummary(en, [content]);
  t.equal(summary.subject, '[Summary] 771/KH-UBND: 1 task past its reminder or escalation steps');
});
