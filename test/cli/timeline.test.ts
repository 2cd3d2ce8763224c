import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildTimeline, formatLocal, renderTimeline, type TimelineTask } from '../../src/cli/timeline';
import { loadCalendar } from '../../src/plan/calendar-file';
import { planSchema } from '../../src/plan/schema';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'kehoach.js');
const SAMPLE = join(ROOT, 'test', 'fixtures', 'plans', 'valid', 'timeline-sample.yaml');
const TZ = 'Asia/Ho_Chi_Minh';

function kehoach(args: string[], language?: 'en'): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.KEHOACH_LANG;
  if (language) env.KEHOACH_LANG = language;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 99) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const plan = planSchema.parse(parse(readFileSync(SAMPLE, 'utf8')));
const vn = loadCalendar('vn');

function taskOf(tasks: TimelineTask[], taskId: string): TimelineTask {
  const task = tasks.find((candidate) => candidate.taskId === taskId);
  if (!task) throw new Error(`no ${taskId}`);
  return task;
}

t.test('local times with Vietnamese weekdays; a midnight deadline is 24:00 of its day', async (t) => {
  t.equal(formatLocal('2023-01-18T17:00:00.000Z', TZ, true), 'Thứ Tư 18/01/2023 24:00');
  t.equal(formatLocal('2023-01-18T17:00:00.000Z', TZ), 'Thứ Năm 19/01/2023 00:00');
  t.equal(formatLocal('2023-01-13T01:00:00.000Z', TZ), 'Thứ Sáu 13/01/2023 08:00');
  t.equal(formatLocal('2023-01-22T03:00:00.000Z', TZ), 'Chủ nhật 22/01/2023 10:00');
  t.equal(formatLocal('2023-01-16T08:30:00.000Z', TZ), 'Thứ Hai 16/01/2023 15:30');
});

t.test('the timeline of a task across Tết names every recipient', async (t) => {
  const tasks = buildTimeline(plan, vn);
  const lamSach = taskOf(tasks, 'lam-sach-ho-tich');
  t.equal(lamSach.deadlineLabel, 'Thứ Tư 18/01/2023 24:00');
  t.same(
    lamSach.entries.map((entry) => `${entry.local} | ${entry.label} | ${entry.toLabel ?? ''}`),
    [
      'Thứ Sáu 13/01/2023 00:00 | Sắp đến hạn (còn 3 ngày làm việc) | ',
      'Thứ Sáu 13/01/2023 08:00 | Nhắc hạn (trước 3 ngày làm việc) | Cán bộ phụ trách của Sở Tư pháp',
      'Thứ Ba 17/01/2023 08:00 | Nhắc hạn (trước 1 ngày làm việc) | Cán bộ phụ trách của Sở Tư pháp',
      'Thứ Tư 18/01/2023 24:00 | Đến hạn | ',
      'Thứ Tư 18/01/2023 24:00 | Cấp 1: Nhắc nhở | Giám đốc Sở Tư pháp',
      'Thứ Hai 30/01/2023 24:00 | Cấp 2: Đôn đốc | Cơ quan thường trực (Công an tỉnh)',
      'Thứ Sáu 03/02/2023 24:00 | Cấp 3: Báo cáo Tổ trưởng | Tổ trưởng (Chủ tịch UBND tỉnh Nghệ An)',
    ],
  );
});

t.test('deadlines after another task are stated in words and projected', async (t) => {
  const tasks = buildTimeline(plan, vn, { taskIds: ['so-hoa-ho-tich'] });
  t.equal(tasks.length, 1);
  const soHoa = tasks[0]!;
  t.equal(soHoa.deadlineLabel, '10 ngày làm việc sau khi lam-sach-ho-tich hoàn thành');
  // Done on 18/01/2023: 10 working days skip Tết → Wednesday 08/02/2023.
  t.equal(soHoa.deadlineAt, '2023-02-08T17:00:00.000Z');
  t.equal(soHoa.projected?.prerequisite, 'lam-sach-ho-tich');
});

t.test('no deadline, units, occurrences and drills', async (t) => {
  const tasks = buildTimeline(plan, vn, { firstAppliedAt: '2023-01-12T03:00:00.000Z' });
  const ongoing = taskOf(tasks, 'ho-tro-vneid');
  t.equal(ongoing.deadlineLabel, 'không thời hạn (thường xuyên)');
  t.same(ongoing.entries, []);
  t.same(
    tasks.filter((task) => task.taskId === 'so-hoa-ho-khau').map((task) => [task.unitId, task.leadLabel]),
    [
      ['ubnd-tp-vinh', 'UBND thành phố Vinh'],
      ['ubnd-quynh-luu', 'UBND huyện Quỳnh Lưu'],
    ],
  );
  t.same(
    tasks.filter((task) => task.taskId === 'bao-cao-thang').map((task) => task.deadlineLabel),
    ['Thứ Ba 31/01/2023 24:00', 'Thứ Ba 28/02/2023 24:00', 'Thứ Sáu 31/03/2023 24:00', 'Chủ nhật 30/04/2023 24:00'],
  );
  const drill = taskOf(tasks, 'dien-tap');
  t.equal(drill.deadlineLabel, 'Thứ Năm 12/01/2023 10:15');
  t.same(
    drill.entries.map((entry) => entry.local.slice(-5)),
    ['10:05', '10:10', '10:15', '10:15', '10:17'],
  );
  const text = renderTimeline(plan, tasks, { appliedAtKnown: true });
  t.match(text, /^Kế hoạch 05\/KH-UBND: Kế hoạch mẫu kiểm tra thời hạn$/m);
  t.match(text, /^so-hoa-ho-khau \(đơn vị ubnd-quynh-luu\): Số hoá hồ sơ hộ khẩu$/m);
  t.match(text, /^bao-cao-quy \(kỳ 2023-Q2\): Báo cáo quý$/m);
  t.notMatch(text, /tính tạm/, 'no note about the apply instant when it is given');
});

t.test('kehoach timeline prints the plan', async (t) => {
  const { code, stdout, stderr } = await kehoach(['timeline', SAMPLE, '--task', 'lam-sach-ho-tich']);
  t.equal(code, 0, stderr);
  t.match(stdout, /Thứ Hai 30\/01\/2023 24:00\s+Cấp 2: Đôn đốc → Cơ quan thường trực \(Công an tỉnh\)/);
  t.notMatch(stdout, /so-hoa-ho-tich/, 'only the selected task');
});

t.test('kehoach timeline --json', async (t) => {
  const { code, stdout } = await kehoach(['timeline', SAMPLE, '--json', '--applied-at', '2023-01-12T10:00+07:00']);
  t.equal(code, 0);
  const data = JSON.parse(stdout) as { planId: string; tasks: TimelineTask[] };
  t.equal(data.planId, 'timeline-sample');
  t.equal(data.tasks.length, 23);
  t.equal(taskOf(data.tasks, 'dien-tap').deadlineAt, '2023-01-12T03:15:00.000Z');
});

t.test('exit 1 with the diagnostics when the plan is invalid, 2 on usage errors', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kehoach-timeline-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const invalid = join(dir, 'invalid.yaml');
  writeFileSync(invalid, readFileSync(SAMPLE, 'utf8').replace('deadline: 2023-01-18', 'deadline: 2023-02-31'));
  const bad = await kehoach(['timeline', invalid]);
  t.equal(bad.code, 1);
  t.match(bad.stderr, /invalid\.yaml:\d+:\d+: error: /);
  t.match(bad.stderr, /không phải là kế hoạch hợp lệ/);
  t.equal(bad.stdout, '');

  const noFile = await kehoach(['timeline']);
  t.equal(noFile.code, 2);
  t.match(noFile.stderr, /hãy ghi một tệp kế hoạch/);
  t.match(noFile.stderr, /^Cách dùng: kehoach timeline/m, 'the usage in the same language');
  const unknownOption = await kehoach(['timeline', SAMPLE, '--tsk', 'x']);
  t.equal(unknownOption.code, 2);
  t.match(unknownOption.stderr, /không có tuỳ chọn "--tsk"/);
  const unknownTask = await kehoach(['timeline', SAMPLE, '--task', 'khong-co']);
  t.equal(unknownTask.code, 2);
  t.match(unknownTask.stderr, /không có nhiệm vụ "khong-co"/);
});

// The words the timeline adds around the plan's own (titles, agency names, ladder actions).
const VIETNAMESE_FRAME =
  /Thứ (Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ nhật|Cấp \d|Chủ trì|Thời hạn|Nhắc hạn|Sắp đến hạn|Đến hạn|Cơ quan thường trực|Cán bộ phụ trách|Tổ trưởng|Giám đốc|ngày làm việc|Cách dùng|Kế hoạch \d/;

t.test("KEHOACH_LANG=en: the timeline, its usage and its errors in English; the plan's own words as written", async (t) => {
  const { code, stdout, stderr } = await kehoach(['timeline', SAMPLE, '--task', 'lam-sach-ho-tich'], 'en');
  t.equal(code, 0, stderr);
  t.match(stdout, /^Plan 05\/KH-UBND: Kế hoạch mẫu kiểm tra thời hạn$/m, "the title is the plan's");
  t.match(stdout, /^ {2}Lead: Sở Tư pháp$/m);
  t.match(stdout, /Fri 13\/01\/2023 08:00\s+Reminder \(3 working days before\) → Staff in charge at Sở Tư pháp/);
  t.match(stdout, /Tue 17\/01\/2023 08:00\s+Reminder \(1 working day before\)/, 'one day, singular');
  t.match(stdout, /Mon 30\/01\/2023 24:00\s+Level 2: Đôn đốc → Standing office \(Công an tỉnh\)/, "the ladder action is the plan's");
  t.match(stdout, /Level 3: Báo cáo Tổ trưởng → Steering group chair \(Chair of UBND tỉnh Nghệ An\)/);
  t.notMatch(stdout.replace(/Kế hoạch mẫu kiểm tra thời hạn|Báo cáo Tổ trưởng/g, ''), VIETNAMESE_FRAME);

  const usage = await kehoach(['timeline'], 'en');
  t.equal(usage.code, 2);
  t.match(usage.stderr, /name one plan file/);
  t.match(usage.stderr, /^Usage: kehoach timeline/m);
  t.notMatch(usage.stderr, VIETNAMESE_FRAME);
  const unknownTask = await kehoach(['timeline', SAMPLE, '--task', 'khong-co'], 'en');
  t.match(unknownTask.stderr, /no task "khong-co"/);
});

t.test('a warning when a printed date falls in a year whose holidays are not announced', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kehoach-timeline-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const minimal = readFileSync(join(ROOT, 'test', 'fixtures', 'plans', 'valid', 'minimal.yaml'), 'utf8').replace(
    '../../../../plans/plan.schema.json',
    join(ROOT, 'plans', 'plan.schema.json'),
  );
  // Due on 30/12/2026: the ladder's later levels fall in January 2027, which vn.yaml has not recorded.
  const late = join(dir, 'late.yaml');
  writeFileSync(late, minimal.replace('deadline: 2022-12-25', 'deadline: 2026-12-30'));
  const warned = await kehoach(['timeline', late]);
  t.equal(warned.code, 0, warned.stderr);
  // 3 working days after Wednesday 30/12: Thursday 31/12, then 1/1/2027 is a holiday: Monday 4/1, Tuesday 5/1.
  t.match(warned.stdout, /Thứ Ba 05\/01\/2027 24:00 +Cấp 2/, 'level 2 skips 1/1/2027');
  t.match(warned.stderr, /Cảnh báo: Lịch làm việc "vn" chưa ghi thông báo nghỉ lễ, Tết của năm 2027/);
  const json = await kehoach(['timeline', late, '--json']);
  t.match((JSON.parse(json.stdout) as { warnings: string[] }).warnings, [/năm 2027/]);

  const inside = join(dir, 'inside.yaml');
  writeFileSync(inside, minimal);
  const quiet = await kehoach(['timeline', inside]);
  t.equal(quiet.code, 0, quiet.stderr);
  t.notMatch(quiet.stderr, /Cảnh báo/);
});
