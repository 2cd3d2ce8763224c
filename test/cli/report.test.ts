/** `kehoach report` prints the QĐ 42 terms the CSV and the API use, from the catalogue's labels (src/i18n). */
import t from 'tap';
import { formatReport } from '../../src/cli/report';
import { emptyReportCounts, reportCsvHeaders } from '../../src/db/report';
import type { AgencyReportRow } from '../../src/db/report';

const row = (agency: string, name: string, counts: Partial<AgencyReportRow>): AgencyReportRow => ({
  agency,
  name,
  level: 'province',
  rolledUp: false,
  children: 0,
  ...emptyReportCounts(),
  ...counts,
});

t.test('the table speaks the QĐ 42 terms, with awaiting confirmation beside them', async (t) => {
  const stp = row('so-tu-phap', 'Sở Tư pháp', {
    doneOnTime: 1,
    doneLate: 1,
    openOnTime: 2,
    openOverdue: 1,
    total: 5,
    awaitingConfirmation: 1,
    percentDone: 40,
  });
  const text = formatReport({ planId: 'kh-test', asOf: '2022-11-22', agencies: [stp], totals: { ...stp } });
  const lines = text.split('\n');
  t.equal(lines[0], 'Kế hoạch kh-test: tình hình đến hết ngày 22/11/2022');
  t.match(lines[2], /^\s+Đã hoàn thành\s+Chưa hoàn thành\s+Trong đó$/, 'the two QĐ 42 groups head their columns');
  t.match(lines[3], /^Cơ quan\s+đúng hạn\s+quá hạn\s+trong hạn\s+quá hạn\s+Không thời hạn\s+Tổng số\s+Tỷ lệ hoàn thành \(%\)\s+Chờ xác nhận$/);
  t.match(lines[4], /^Sở Tư pháp\s+1\s+1\s+2\s+1\s+0\s+5\s+40\.0\s+1$/);
  t.match(lines.at(-1), /^Tổng cộng\s+1\s+1\s+2\s+1\s+0\s+5\s+40\.0\s+1$/);
  t.notMatch(text, /Trễ hạn|Không hạn\b|% xong/, 'none of the old words');
  for (const word of ['Không thời hạn', 'Tổng số', 'Tỷ lệ hoàn thành (%)']) t.ok(reportCsvHeaders('vi').includes(word), `the CSV says "${word}" too`);
});

t.test('in English (KEHOACH_LANG=en) the whole table is English, figures unchanged', async (t) => {
  const stp = row('so-tu-phap', 'Sở Tư pháp', { doneOnTime: 1, openOverdue: 1, total: 2, percentDone: 50 });
  const text = formatReport({ planId: 'kh-test', asOf: '2022-11-22', agencies: [stp], totals: { ...stp } }, 'en');
  const lines = text.split('\n');
  t.equal(lines[0], 'Plan kh-test: where it stood at the end of 22/11/2022');
  t.match(lines[2], /^\s+Done\s+Not done\s+Of which$/);
  t.match(lines[3], /^Agency\s+on time\s+late\s+within deadline\s+overdue\s+No deadline\s+Total\s+Done \(%\)\s+Awaiting confirmation$/);
  t.match(lines.at(-1), /^All agencies\s+1\s+0\s+0\s+1\s+0\s+2\s+50\.0\s+0$/);
  // The agency's own name is data, kept as the plan wrote it; every heading is English.
  t.notMatch(text.replace('Sở Tư pháp', ''), /[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđơưăâêôĐ]/);
  t.same(reportCsvHeaders('en').slice(0, 3), ['Agency', 'Done on time', 'Done late']);
});
