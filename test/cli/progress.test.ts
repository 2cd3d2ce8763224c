/** The progress bar of `kehoach apply`: a redrawn line on a terminal, a line per tenth in a log. */
import t from 'tap';
import { progressBar, progressLine } from '../../src/cli/progress';
import type { ReconciliationStatus } from '../../src/domain';
import { translator } from '../../src/i18n';

const status = (started: number, extra: Partial<ReconciliationStatus> = {}): ReconciliationStatus => ({
  planId: 'quoc-gia',
  version: 2,
  total: 1000,
  toStart: 1000,
  toAmend: 0,
  toCancel: 0,
  started,
  amended: 0,
  cancelled: 0,
  errors: 0,
  beganAt: '2026-12-02T10:00:00.000Z',
  ...extra,
});

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, written, write: (text: string) => written.push(text) };
}

t.test('the line: bar, n/N, refusals and the error being retried, in Vietnamese and English', async (t) => {
  const vi = translator('vi');
  t.equal(progressLine(vi, status(250)), `Kế hoạch quoc-gia, phiên bản 2: [${'#'.repeat(8)}${'.'.repeat(22)}] 250/1000 nhiệm vụ`);
  t.equal(
    progressLine(vi, status(1000, { errors: 3, lastError: 'Temporal không phản hồi' })),
    `Kế hoạch quoc-gia, phiên bản 2: [${'#'.repeat(30)}] 1000/1000 nhiệm vụ; 3 nhiệm vụ từ chối thay đổi; đang thử lại sau lỗi: Temporal không phản hồi`,
  );
  t.match(progressLine(translator('en'), status(0)), /^Plan quoc-gia, version 2: \[\.{30}\] 0\/1000 tasks$/);
});

t.test('in a log: a line at each tenth, then the summary', async (t) => {
  const out = stream(false);
  const show = progressBar(translator('vi'), out);
  for (const started of [0, 50, 99, 100, 450, 460, 1000]) show(status(started));
  show(status(1000, { finishedAt: '2026-12-02T10:05:00.000Z' }));
  t.same(
    out.written.map((line) => line.match(/\d+\/1000/)?.[0] ?? line.trim()),
    [
      '0/1000',
      '100/1000',
      '450/1000',
      '1000/1000',
      'Kế hoạch quoc-gia, phiên bản 2: đã xử lý xong 1000 nhiệm vụ (khởi tạo 1000, cập nhật 0, huỷ 0).',
    ],
  );
});

t.test('on a terminal: one line redrawn, cleared for the summary', async (t) => {
  const out = stream(true);
  const show = progressBar(translator('vi'), out);
  show(status(10));
  show(status(20));
  show(status(1000, { finishedAt: '2026-12-02T10:05:00.000Z' }));
  t.ok(
    out.written.slice(0, 2).every((text) => text.startsWith('\r\x1b[K') && !text.endsWith('\n')),
    'each update redraws the line',
  );
  t.equal(out.written[2], '\r\x1b[K');
  t.match(out.written[3], /đã xử lý xong 1000 nhiệm vụ/);
});

t.test('an apply found finished at the first look prints nothing', async (t) => {
  const out = stream(true);
  progressBar(translator('vi'), out)(status(1000, { finishedAt: '2026-12-02T10:05:00.000Z' }));
  t.same(out.written, []);
});
