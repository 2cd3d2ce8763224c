/**
 * The web dashboard in a real browser (playwright-core driving Debian's Chromium; scripts/test.js
 * installs it when missing) against the real stack: Postgres, a Temporal dev server, the worker
 * and the API process listening on a free port. Staff sign in and report a task done, the counts
 * change; a leader confirms it; a form posted without its CSRF token is refused; axe-core finds no
 * serious or critical violation; the pages break no rule of their content security policy; the
 * .xlsx report reads back with the totals of the API's report. Screenshots (desktop and phone)
 * go to the git-ignored screenshots/ folder.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import t from 'tap';
import { startStack } from '../helpers/stack';

const ROOT = path.resolve(__dirname, '..', '..');
const PLAN = 'bang-dieu-khien';
const SHOTS = path.join(ROOT, 'screenshots');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const chromiumPath: string =
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  process.env.KEHOACH_CHROMIUM_PATH ?? (require('../../scripts/chromium.js') as { ensureChromium(): string }).ensureChromium();
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const TASKS_PER_PAGE = 3;

t.test('the web dashboard in Chromium', async (t) => {
  // Three tasks a page, so that the plan's task list runs over pages.
  const stack = await startStack(t, { updateTimeoutMs: 10_000, webTaskPageSize: TASKS_PER_PAGE });
  const admin = await stack.token({ role: 'admin', name: 'Quản trị' });
  const staff = await stack.token({ role: 'staff', agency: 'so-tu-phap', name: 'Chuyên viên Sở Tư pháp' });
  const leader = await stack.token({ role: 'leader', agency: 'cong-an-tinh', name: 'Tổ phó thường trực' });

  const applied = await stack.inject({
    method: 'POST',
    url: '/api/plans',
    token: admin.token,
    headers: { 'content-type': 'application/yaml' },
    payload: readFileSync(path.join(ROOT, 'test', 'fixtures', 'web', `${PLAN}.yaml`), 'utf8'),
  });
  t.equal(applied.statusCode, 200, applied.payload);
  const api = async (url: string) => (await stack.inject({ method: 'GET', url, token: admin.token })).json();
  for (let i = 0; ; i++) {
    const status = await api(`/api/plans/${PLAN}`);
    if (status.counts?.total === 7) break;
    if (i > 240) throw new Error(`the plan's tasks were not projected: ${JSON.stringify(status.counts)}`);
    await sleep(250);
  }

  const address = await stack.app.listen({ port: 0, host: '127.0.0.1' });
  const base = address.replace('localhost', '127.0.0.1');
  await mkdir(SHOTS, { recursive: true });

  const browser: Browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  t.teardown(() => browser.close());

  const violations: string[] = [];
  const open = async (viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    return { context, page };
  };
  const signIn = async (page: Page, token: string) => {
    await page.goto(`${base}/web`);
    t.match(page.url(), /\/web\/sign-in/, 'without a session the pages lead to the sign-in form');
    await page.fill('#token', token);
    await page.click('button[type=submit]:has-text("Đăng nhập")');
    await page.waitForURL(`${base}/web`);
  };
  const countOf = async (page: Page, label: string) => {
    const text = await page.locator(`#plan-${PLAN} .counts li`, { hasText: label }).first().innerText();
    return Number(/(\d+)\s*$/.exec(text)?.[1]);
  };
  /** The task keys a plan page lists, page after page ("Trang sau"), from the page open now. */
  const keysAcrossPages = async (page: Page): Promise<string[][]> => {
    const pages: string[][] = [];
    for (;;) {
      pages.push(await page.locator('section[aria-labelledby=tasks] table tbody tr td:first-child a').allInnerTexts());
      const next = page.locator('nav.pager a[rel=next]');
      if ((await next.count()) === 0) return pages;
      await next.click();
      await page.waitForLoadState();
    }
  };
  const axe = async (page: Page, what: string) => {
    await page.evaluate(axeSource);
    const result = (await page.evaluate(
      'axe.run().then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")) })))',
    )) as { id: string; impact: string; nodes: string[] }[];
    const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    t.same(bad, [], `axe: no serious or critical violation on the ${what}`);
  };

  await t.test('staff sign in, report a task done and see the counts change; a form without its CSRF token is refused', async (t) => {
    const { context, page } = await open();
    await signIn(page, staff.token);
    t.match(await page.locator('h1').innerText(), 'Tổng quan các kế hoạch');
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'kehoach_session');
    t.ok(session, 'a session cookie');
    t.equal(session?.httpOnly, true, 'HttpOnly');
    t.equal(session?.sameSite, 'Strict', 'SameSite=Strict');
    t.equal(session?.secure, false, 'not Secure over plain http (Secure over TLS)');
    t.notOk(session?.value.includes(staff.token), 'the cookie does not carry the token');

    const awaitingBefore = await countOf(page, 'Chờ xác nhận');
    const overdueBefore = await countOf(page, 'Chưa hoàn thành quá hạn');
    t.equal(awaitingBefore, 0);
    t.equal(overdueBefore, (await api(`/api/plans/${PLAN}`)).counts.open_overdue, 'the overview shows the API counts');
    t.ok(await page.locator('text=Nhiệm vụ chưa xong của cơ quan Sở Tư pháp').isVisible(), "staff see their agency's tasks");
    t.match(await page.locator('header.top').innerText(), 'cơ quan Sở Tư pháp', 'the header names the agency');

    await page.click(`a[href="/web/plans/${PLAN}/tasks/t01"] >> nth=0`);
    t.match(await page.locator('h1').innerText(), 't01 — Ban hành kế hoạch làm sạch dữ liệu hộ tịch');
    t.match(await page.locator('dl.facts').innerText(), '30/11/2022', 'the deadline as dd/mm/yyyy');
    await page.fill('#complete-note', 'Đã ban hành Kế hoạch số 15/KH-STP');
    await page.fill('#complete-evidence', '15/KH-STP');
    await page.click('#form-complete button[type=submit]');
    await page.waitForURL(/done=complete/);
    t.match(await page.locator('.flash.ok').innerText(), 'Đã ghi nhận báo cáo hoàn thành.');
    t.match(await page.locator('#task-progress').innerText(), 'Chờ xác nhận');
    t.match(await page.locator('#history').innerText(), /Báo cáo hoàn thành[\s\S]*Chuyên viên Sở Tư pháp/, 'the history names the actor');
    const task = (await api(`/api/plans/${PLAN}/tasks/t01`)).task;
    t.equal(task.progress, 'awaiting_confirmation', 'the API sees the completion');
    t.equal(task.completedBy.name, 'Chuyên viên Sở Tư pháp');

    await page.goto(`${base}/web`);
    t.equal(await countOf(page, 'Chờ xác nhận'), awaitingBefore + 1, 'the overview counts it as awaiting confirmation');

    // The same form, posted with the session cookie but without its CSRF token.
    const t03Before = (await api(`/api/plans/${PLAN}/tasks/t03`)).task;
    const forged = await page.request.post(`${base}/web/plans/${PLAN}/tasks/t03/complete`, { form: { note: 'giả mạo' } });
    t.equal(forged.status(), 403, 'refused without the CSRF token');
    t.same((await api(`/api/plans/${PLAN}/tasks/t03`)).task, t03Before, 'and nothing changed');
    const wrongToken = await page.request.post(`${base}/web/plans/${PLAN}/tasks/t03/complete`, { form: { note: 'giả mạo', _csrf: 'abc' } });
    t.equal(wrongToken.status(), 403, 'refused with a wrong CSRF token');

    // The same checks as the API: staff of Sở Tư pháp may not complete Công an tỉnh's task.
    await page.goto(`${base}/web/plans/${PLAN}/tasks/t02`);
    t.equal(await page.locator('#form-complete').count(), 0, 'no completion form on a task the agency does not lead');
    await context.close();
  });

  await t.test('a leader confirms it', async (t) => {
    const { context, page } = await open();
    await signIn(page, leader.token);
    const doneBefore = await countOf(page, 'Đã hoàn thành quá hạn');
    await page.goto(`${base}/web/plans/${PLAN}/tasks/t01`);
    await page.fill('#confirm-note', 'Đúng kế hoạch');
    await page.click('#form-confirm button[type=submit]');
    await page.waitForURL(/done=confirm/);
    t.match(await page.locator('#task-progress').innerText(), 'Đã hoàn thành');
    t.equal((await api(`/api/plans/${PLAN}/tasks/t01`)).task.progress, 'done', 'the API sees the confirmation');
    await page.goto(`${base}/web`);
    t.equal(await countOf(page, 'Đã hoàn thành quá hạn'), doneBefore + 1, 'reported after its deadline: done late');
    t.equal(await countOf(page, 'Chờ xác nhận'), 0);

    // A refusal from the same rules as the API is shown on the page: confirming again is a conflict.
    const again = await page.goto(`${base}/web/plans/${PLAN}/tasks/t02`);
    t.equal(again?.status(), 200);
    t.equal(await page.locator('#form-confirm').count(), 0, 'nothing to confirm on an open task');
    await context.close();
  });

  await t.test('progress, an extension requested and approved, pause and resume; a refusal shows the reason', async (t) => {
    const staffSide = await open();
    await signIn(staffSide.page, staff.token);
    const page = staffSide.page;
    await page.goto(`${base}/web/plans/${PLAN}/tasks/t03`);
    await page.fill('#progress-note', 'Đã kết nối thử nghiệm');
    await page.click('#form-progress button[type=submit]');
    await page.waitForURL(/done=progress/);
    t.match(await page.locator('#history').innerText(), /Báo cáo tiến độ[\s\S]*Đã kết nối thử nghiệm/);
    // The date field takes dd/mm/yyyy as typed, not the browser's locale order; a day that does
    // not exist is refused on the page, with what to write, and nothing is requested.
    t.equal(await page.locator('#ext-deadline').getAttribute('placeholder'), 'dd/mm/yyyy');
    await page.fill('#ext-deadline', '31/02/2027');
    await page.fill('#ext-reason', 'Chờ Bộ Tư pháp nâng cấp phần mềm');
    await page.click('#form-extension button[type=submit]');
    t.match(await page.locator('.flash').innerText(), 'Ngày "31/02/2027" không đúng dạng hoặc không có thật; hãy viết ngày dạng dd/mm/yyyy');
    t.same((await api(`/api/plans/${PLAN}/tasks/t03`)).task.extensionRequests, [], 'nothing requested');
    await page.fill('#ext-deadline', '31/03/2027');
    await page.fill('#ext-reason', 'Chờ Bộ Tư pháp nâng cấp phần mềm');
    await page.click('#form-extension button[type=submit]');
    await page.waitForURL(/done=extension-request/);
    const requested = (await api(`/api/plans/${PLAN}/tasks/t03`)).task;
    t.match(requested.extensionRequests, [{ status: 'pending', reason: 'Chờ Bộ Tư pháp nâng cấp phần mềm' }]);
    await staffSide.context.close();

    const leaderSide = await open();
    await signIn(leaderSide.page, leader.token);
    const lp = leaderSide.page;
    await lp.goto(`${base}/web/plans/${PLAN}/tasks/t03`);
    await lp.click('button[name=approve][value=true]');
    await lp.waitForURL(/done=extension-decision/);
    const extended = (await api(`/api/plans/${PLAN}/tasks/t03`)).task;
    t.equal(extended.deadlineAt, '2027-03-31T17:00:00.000Z', 'the new deadline: the end of 31/03/2027 in Asia/Ho_Chi_Minh');
    t.match(await lp.locator('dl.facts').innerText(), '31/03/2027');

    await lp.goto(`${base}/web/plans/${PLAN}/tasks/t02`);
    await lp.fill('#pause-reason', 'Chờ chỉ đạo của Bộ Công an');
    await lp.click('#form-pause button[type=submit]');
    await lp.waitForURL(/done=pause/);
    t.match(await lp.locator('#task-progress').innerText(), 'Tạm dừng');
    t.equal((await api(`/api/plans/${PLAN}/tasks/t02`)).task.progress, 'paused');
    await lp.click('#form-resume button[type=submit]');
    await lp.waitForURL(/done=resume/);
    t.not((await api(`/api/plans/${PLAN}/tasks/t02`)).task.progress, 'paused', 'resumed');

    // Returning an open task: the form is not offered, and a hand-made post with a valid CSRF
    // token is refused by the same rule as the API's (409), the reason shown on the page.
    const csrfToken = await lp.locator('input[name=_csrf]').first().inputValue();
    const refused = await lp.request.post(`${base}/web/plans/${PLAN}/tasks/t02/return`, { form: { _csrf: csrfToken, reason: 'Thử trả lại' } });
    const viaApi = await stack.inject({
      method: 'POST',
      url: `/api/plans/${PLAN}/tasks/t02/return`,
      token: leader.token,
      payload: { reason: 'Thử trả lại' },
    });
    t.equal(viaApi.statusCode, 409, 'the API refuses it: the task is not awaiting confirmation');
    t.equal(refused.status(), viaApi.statusCode, 'the same status as the API');
    t.match(await refused.text(), 'Không thực hiện được');
    t.match(
      await refused.text(),
      viaApi.json().detail.replace(/[&<>"']/g, (c: string) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!),
      'and its reason',
    );
    const empty = await lp.request.post(`${base}/web/plans/${PLAN}/tasks/t02/pause`, { form: { _csrf: csrfToken, reason: '' } });
    t.equal(empty.status(), 400, "an empty reason: the route's own validation");
    await leaderSide.context.close();
  });

  await t.test("the task page's ladder: what fired, what was passed over, what comes next and when; the notifications", async (t) => {
    const { context, page } = await open();
    await signIn(page, leader.token);
    await page.goto(`${base}/web/plans/${PLAN}/tasks/t05%40xa-a1`);
    const task = (await api(`/api/plans/${PLAN}/tasks/t05%40xa-a1`)).task;
    t.ok(task.escalationLevel > 0, 'a task overdue since 2022 has been escalated');
    const fired = await page.locator('ol.ladder li.fired').count();
    const skipped = await page.locator('ol.ladder li.skipped').count();
    t.ok(fired >= 1, 'the level that fired');
    t.equal(fired + skipped, task.escalationLevel, 'every level up to the one reached: fired or passed over');
    t.match(await page.locator('ol.ladder li.fired').last().innerText(), `Cấp ${task.escalationLevel}`);
    t.match(await page.locator('ol.ladder').innerText(), /Đã thực hiện lúc \d\d\/\d\d\/\d{4} \d\d:\d\d/);
    t.match(
      await page.locator('section[aria-labelledby=notifications]').innerText(),
      'Không gửi được',
      'a level without any contact is not sent, and says so',
    );
    await page.goto(`${base}/web/plans/${PLAN}/tasks/t03`);
    t.ok((await page.locator('ol.ladder li.next').count()) > 0, 'an open task in time: the steps ahead');
    t.match(await page.locator('ol.ladder').innerText(), /Dự kiến lúc \d\d\/\d\d\/\d{4}/);
    await context.close();
  });

  await t.test('accessibility, content security policy, keyboard and screenshots of the overview, a plan page and a task page', async (t) => {
    for (const [name, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const { context, page } = await open(viewport);
      await signIn(page, leader.token);
      const pages = [
        ['overview', `${base}/web`],
        ['plan', `${base}/web/plans/${PLAN}?level=district`],
        ['task', `${base}/web/plans/${PLAN}/tasks/t05%40xa-a1`],
      ] as const;
      for (const [what, url] of pages) {
        const response = await page.goto(url);
        t.equal(response?.status(), 200, `${what} answers 200`);
        t.ok(response?.headers()['content-security-policy'], `${what} carries a content security policy`);
        if (name === 'desktop') await axe(page, `${what} page`);
        await page.screenshot({ path: path.join(SHOTS, `${what}-${name}.png`), fullPage: true });
        if (name === 'phone') {
          const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
          t.ok(overflow <= 1, `the ${what} page fits a phone's width (overflow ${overflow}px)`);
        }
      }
      await context.close();
    }
    t.same(violations, [], 'no content security policy violation on any page');

    const { context, page } = await open();
    await signIn(page, leader.token);
    await page.keyboard.press('Tab');
    t.equal(
      await page.evaluate('document.activeElement && document.activeElement.textContent'),
      'Bỏ qua, đến nội dung chính',
      'the first Tab reaches the skip link',
    );
    await page.keyboard.press('Enter');
    t.match(page.url(), /#main$/);
    await context.close();
  });

  await t.test('the plan page: a district opens onto its communes, filters, sort by overdue', async (t) => {
    const { context, page } = await open();
    await signIn(page, leader.token);
    await page.goto(`${base}/web/plans/${PLAN}?level=district`);
    const table = page.locator('#agency-table');
    t.match(await table.innerText(), 'UBND huyện Anh Sơn');
    await table.locator('a', { hasText: 'Xem các xã' }).first().click();
    await page.waitForURL(/parent=huyen-a/);
    const communes = await page.locator('#agency-table tbody').innerText();
    t.match(communes, 'UBND xã Đỉnh Sơn');
    t.match(communes, 'UBND xã Cẩm Sơn');
    const apiRows = (await api(`/api/plans/${PLAN}?parent=huyen-a`)).agencies as { id: string; counts: { total: number } }[];
    t.equal(await page.locator('#agency-table tbody tr').count(), apiRows.length, 'the same rows as the API');

    await page.goto(`${base}/web/plans/${PLAN}`);
    const keysOf = async (url: string) => ((await api(url)).items as { key: string }[]).map((item) => item.key).sort();
    const allPages = await keysAcrossPages(page);
    t.ok(allPages.length > 1, `the list runs over pages of ${TASKS_PER_PAGE}: ${JSON.stringify(allPages)}`);
    t.ok(
      allPages.every((keys, index) => (index < allPages.length - 1 ? keys.length === TASKS_PER_PAGE : keys.length > 0)),
      'every page full but the last',
    );
    t.same(allPages.flat().sort(), await keysOf(`/api/plans/${PLAN}/tasks?limit=200`), 'the pages together list every task once, as the API does');
    t.match(await page.locator('nav.pager').innerText(), 'Về trang đầu', 'a later page leads back to the first');
    t.notOk(await page.locator('nav.pager a[rel=next]').count(), 'the last page has no next');
    t.match(
      await page.locator('section[aria-labelledby=tasks] p[role=status]').innerText(),
      'nhiệm vụ trên trang này',
      'the page says the list goes on over pages',
    );

    await page.goto(`${base}/web/plans/${PLAN}`);
    await page.selectOption('#f-agency', 'cong-an-tinh');
    await page.click('form.filters button:has-text("Lọc")');
    await page.waitForURL(/agency=cong-an-tinh/);
    const filtered = await keysAcrossPages(page);
    t.same(
      filtered.flat().sort(),
      await keysOf(`/api/plans/${PLAN}/tasks?agency=cong-an-tinh`),
      'the agency filter lists what the API lists, over its pages',
    );
    t.match(page.url(), /agency=cong-an-tinh/, 'the next pages keep the filter');
    await page.goto(`${base}/web/plans/${PLAN}?dueSoon=true`);
    t.match(await page.locator('section[aria-labelledby=tasks] table').innerText(), 't02', 'due soon: t02');
    t.equal(await page.locator('section[aria-labelledby=tasks] table tbody tr').count(), 1);
    await page.goto(`${base}/web/plans/${PLAN}?waiting=true`);
    t.equal(await page.locator('section[aria-labelledby=tasks] table tbody tr').count(), 0, 't06 was released when t01 was done');
    await page.goto(`${base}/web/plans/${PLAN}?sort=overdue`);
    const overdue = await page.locator('#agency-table tbody tr td:nth-child(5)').allInnerTexts();
    t.same(
      overdue.map(Number),
      [...overdue.map(Number)].sort((a, b) => b - a),
      'sorted by overdue count',
    );
    await context.close();
  });

  await t.test(
    'the .xlsx report reads back with the figures of the API report, today and a past day, per agency and per district; the CSV is the API CSV',
    async (t) => {
      const { context, page } = await open();
      await signIn(page, leader.token);
      const today = (await api(`/api/plans/${PLAN}/report`)).asOf as string;
      const [year, month, day] = today.split('-');
      // The form's date field holds today as people write it; a day is typed dd/mm/yyyy.
      await page.goto(`${base}/web/plans/${PLAN}`);
      t.equal(await page.locator('#r-asof').inputValue(), `${day}/${month}/${year}`);
      for (const [asOf, typed, level] of [
        [today, today, 'agency'],
        [today, `${day}/${month}/${year}`, 'district'],
        ['2022-12-01', '1/12/2022', 'agency'],
      ] as const) {
        const apiReport = await api(`/api/plans/${PLAN}/report?asOf=${asOf}&level=${level}`);
        const response = await page.request.get(`${base}/web/plans/${PLAN}/report?asOf=${encodeURIComponent(typed)}&level=${level}&format=xlsx`);
        t.equal(response.status(), 200);
        t.match(response.headers()['content-type'], 'spreadsheetml');
        t.match(response.headers()['content-disposition'], `${PLAN}-${asOf}.xlsx`);
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.load((await response.body()) as unknown as ArrayBuffer);
        const sheet = workbook.worksheets[0]!;
        const header = sheet.getRow(2).values as unknown[];
        const rowOf = (i: number) => sheet.getRow(3 + i).values as unknown[];
        const total = sheet.getRow(sheet.rowCount).values as unknown[];
        t.equal(total[1], 'Tổng cộng');
        t.equal(sheet.rowCount, 2 + apiReport.agencies.length + 1, `${asOf} ${level}: one row per agency and the total`);
        const columns = Object.entries(apiReport.columns as Record<string, string>).filter(([field]) => field in apiReport.totals);
        for (const [field, heading] of columns) {
          const index = header.indexOf(heading);
          t.ok(index > 1, `the heading "${heading}"`);
          t.equal(total[index], apiReport.totals[field], `${asOf} ${level}, ${heading}: the API's total, as a number`);
          apiReport.agencies.forEach((agency: Record<string, unknown>, i: number) => {
            t.equal(rowOf(i)[index], agency[field], `${asOf} ${level}, ${String(agency.name)}, ${heading}`);
          });
        }
        t.equal(rowOf(0)[1], apiReport.agencies[0].name, 'the agencies in the API order');
      }
      const impossible = await page.request.get(`${base}/web/plans/${PLAN}/report?asOf=${encodeURIComponent('30/02/2023')}&format=xlsx`);
      t.equal(impossible.status(), 400, 'a day that does not exist is refused, not replaced by today');
      t.match(await impossible.text(), 'hãy viết ngày dạng dd/mm/yyyy');
      const past = await api(`/api/plans/${PLAN}/report?asOf=2022-12-01`);
      t.equal(past.totals.doneLate, 0, 'on 01/12/2022 nothing was done yet: the day is judged from its own facts');

      const csv = await page.request.get(`${base}/web/plans/${PLAN}/report?asOf=${today}&format=csv`);
      const apiCsv = await stack.inject({ method: 'GET', url: `/api/plans/${PLAN}/report?asOf=${today}&format=csv`, token: admin.token });
      t.equal(await csv.text(), apiCsv.payload, 'the CSV is the API report CSV');
      await context.close();
    },
  );
});
