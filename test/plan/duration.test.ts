import t from 'tap';
import { fixedMilliseconds, formatDuration, parseDuration } from '../../src/plan/duration';
import { durationText, translator } from '../../src/i18n';

t.test('parses every unit, singular and plural', async (t) => {
  t.same(parseDuration('3 working days'), { amount: 3, unit: 'working_day' });
  t.same(parseDuration('1 working day'), { amount: 1, unit: 'working_day' });
  t.same(parseDuration('0 working days'), { amount: 0, unit: 'working_day' });
  t.same(parseDuration('30 days'), { amount: 30, unit: 'day' });
  t.same(parseDuration('1 day'), { amount: 1, unit: 'day' });
  t.same(parseDuration('4 hours'), { amount: 4, unit: 'hour' });
  t.same(parseDuration('15 minutes'), { amount: 15, unit: 'minute' });
  t.same(parseDuration('20 seconds'), { amount: 20, unit: 'second' });
});

t.test('rejects anything else with a message that shows the expected form', async (t) => {
  for (const text of ['3', 'three days', '3 weeks', '-1 days', '3 workingdays', '']) {
    t.throws(() => parseDuration(text), /write a number and a unit, for example "3 working days"/, text);
  }
});

t.test('formats back to the plan wording, and in words for people', async (t) => {
  for (const text of ['3 working days', '1 working day', '30 days', '1 day', '4 hours', '1 minute', '20 seconds']) {
    t.equal(formatDuration(parseDuration(text)), text);
  }
  t.equal(durationText(parseDuration('3 working days'), translator('vi')), '3 ngày làm việc');
  t.equal(durationText(parseDuration('15 minutes'), translator('vi')), '15 phút');
  t.equal(durationText(parseDuration('1 working day'), translator('en')), '1 working day');
});

t.test('fixed lengths exist only for hours, minutes and seconds', async (t) => {
  t.equal(fixedMilliseconds(parseDuration('2 hours')), 7_200_000);
  t.equal(fixedMilliseconds(parseDuration('15 minutes')), 900_000);
  t.equal(fixedMilliseconds(parseDuration('20 seconds')), 20_000);
  t.equal(fixedMilliseconds(parseDuration('2 days')), undefined);
  t.equal(fixedMilliseconds(parseDuration('2 working days')), undefined);
});
