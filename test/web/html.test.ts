/** The pages' HTML templates escape every interpolated value; only their own output is inserted as is. */
import t from 'tap';
import { escapeHtml, html } from '../../src/web/html';
import { translator } from '../../src/i18n';
import { taskTable } from '../../src/web/views';
import type { TaskOut } from '../../src/api/schemas';

t.test('escapeHtml escapes the five characters that matter in text and attributes', async (t) => {
  t.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
});

t.test('html escapes values, nested arrays included, and inserts its own output as is', async (t) => {
  const evil = '<script>alert(1)</script>';
  const inner = html`<b>${evil}</b>`;
  t.equal(
    html`<p title="${evil}">${inner}${[evil, html`<i>ok</i>`]}</p>`.value,
    '<p title="&lt;script&gt;alert(1)&lt;/script&gt;"><b>&lt;script&gt;alert(1)&lt;/script&gt;</b>&lt;script&gt;alert(1)&lt;/script&gt;<i>ok</i></p>',
  );
  t.equal(html`${null}${undefined}${false}${0}`.value, '0', 'nothing for null, undefined and false');
  t.equal(html`${{ toString: () => '<x>' } as unknown as string}`.value, '&lt;x&gt;', 'an object that is not html output is escaped');
});

t.test('a task title from a plan file cannot inject markup into a page', async (t) => {
  const task = {
    planId: 'p',
    key: 't01',
    taskId: 't01',
    workflowId: 'task:p:t01',
    title: '<img src=x onerror=alert(1)> Hộ tịch',
    lead: 'so-tu-phap',
    support: [],
    confirmation: false,
    progress: 'in_progress',
    deadlineState: 'overdue',
    labels: { progress: '', deadlineState: '' },
    deadlineAt: '2022-11-30T17:00:00.000Z',
    deadlineVersion: 1,
    escalationLevel: 0,
    waitingFor: [],
    extensionRequests: [],
    seq: 1,
    updatedAt: '2022-11-30T17:00:00.000Z',
  } satisfies TaskOut;
  const out = taskTable({ t: translator('vi'), csrfToken: '' }, [task], new Map([['so-tu-phap', 'Sở "Tư pháp"']]), 'Asia/Ho_Chi_Minh').value;
  t.notMatch(out, '<img', 'the title is text');
  t.match(out, '&lt;img src=x onerror=alert(1)&gt; Hộ tịch');
  t.match(out, 'Sở &quot;Tư pháp&quot;');
  t.match(out, '30/11/2022', 'the deadline as dd/mm/yyyy in Asia/Ho_Chi_Minh');
  t.match(out, 'Quá hạn');
  const english = taskTable({ t: translator('en'), csrfToken: '' }, [task], new Map(), 'Asia/Ho_Chi_Minh').value;
  t.match(english, 'Overdue', 'KEHOACH_LANG=en: the same page in English');
  t.match(english, '>Deadline<');
});
