/** The dashboard's date fields: what people type, read as Vietnamese documents write dates. */
import t from 'tap';
import { dateFromInput, dateText } from '../../src/web/format';

t.test('a date typed into a page reads as Vietnamese documents write it, and only a real day is taken', async (t) => {
  t.equal(dateFromInput('31/03/2027'), '2027-03-31', 'dd/mm/yyyy');
  t.equal(dateFromInput(' 1/2/2027 '), '2027-02-01', 'd/m/yyyy, spaces around');
  t.equal(dateFromInput('01.02.2027'), '2027-02-01', 'dots between');
  t.equal(dateFromInput('01-02-2027'), '2027-02-01', 'dashes between');
  t.equal(dateFromInput('2027-03-31'), '2027-03-31', 'YYYY-MM-DD, as links and scripts write it');
  t.equal(dateFromInput('29/02/2024'), '2024-02-29', 'a leap day');
  for (const text of ['29/02/2023', '31/02/2027', '31/04/2027', '00/01/2027', '03/31/2027', '2027-02-31', '31/03/27', '31/03', '', 'hôm nay']) {
    t.equal(dateFromInput(text), undefined, `"${text}" is not a real day written dd/mm/yyyy`);
  }
  t.equal(dateText(dateFromInput('5/9/2026')!), '05/09/2026', 'shown back as it was meant');
});
