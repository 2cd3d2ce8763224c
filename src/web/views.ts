/**
 * The pages, as functions from data to HTML. Every text comes from the catalogue (`web:` keys),
 * every value is escaped by `html`, every date is dd/mm/yyyy in the plan's timezone.
 */
import { unannouncedYearsText, type Translate } from '../i18n';
import type { Principal } from '../api/plugins/auth';
import type { CategoryCounts, TaskOut } from '../api/schemas';
import type { AgencyCountsRow } from '../api/read-model';
import type { TaskWrite } from '../domain';
import type { StoredTaskState } from '../domain';
import type { DeliveryState, NotificationStatus } from '../db/schema';
import { CATEGORIES, TASK_EVENT_TYPES, type Category, type DeadlineState, type TaskEventType } from '../domain';
import { html, type SafeHtml } from './html';
import { dateText, deadlineText, instantText, numberText } from './format';

/**
 * A date field: text typed as dd/mm/yyyy (read by dateFromInput). The browser's date picker would
 * show the browser's locale order instead, mm/dd/yyyy in many.
 */
const DATE_FIELD = html`type="text" inputmode="numeric" placeholder="dd/mm/yyyy" autocomplete="off" size="10"`;

export interface PageContext {
  t: Translate;
  principal?: Principal;
  /** The principal's agency by its name, when a plan names it. */
  agencyName?: string;
  csrfToken: string;
}

export function layout(ctx: PageContext, title: string, body: SafeHtml, status?: SafeHtml): string {
  const { t, principal } = ctx;
  const who = principal
    ? html`<span
          >${t('web:nav.signedInAs', { name: principal.name, role: t(`web:roles.${principal.role}`) })}${
            principal.agency ? html`, ${t('web:nav.agency', { agency: ctx.agencyName ?? principal.agency })}` : ''
          }</span
        >
        <form method="post" action="/web/sign-out">${csrfField(ctx)}<button type="submit">${t('web:nav.signOut')}</button></form>`
    : '';
  return html`<!doctype html>
    <html lang="${t('web:lang')}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} — ${t('web:appName')}</title>
        <link rel="stylesheet" href="/web/assets/style.css" />
        <script src="/web/assets/app.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">${t('web:skipToContent')}</a>
        <header class="top">
          <a class="brand" href="/web">${t('web:appName')}</a>
          <nav aria-label="${t('web:nav.overview')}">${principal ? html`<a href="/web">${t('web:nav.overview')}</a>${who}` : ''}</nav>
        </header>
        <main id="main">${status ?? ''} ${body}</main>
      </body>
    </html> `.value;
}

export function csrfField(ctx: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrfToken}" />`;
}

export function flash(kind: 'ok' | 'error', text: string): SafeHtml {
  return html`<div class="flash ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</div>`;
}

export function signInPage(ctx: PageContext, message?: SafeHtml): string {
  const { t } = ctx;
  return layout(
    ctx,
    t('web:signIn.title'),
    html`<h1>${t('web:signIn.title')}</h1>
      <div class="card">
        <p>${t('web:signIn.intro')}</p>
        <form method="post" action="/web/sign-in">
          ${csrfField(ctx)}
          <label for="token">${t('web:signIn.token')}</label>
          <input id="token" name="token" type="password" autocomplete="off" required size="50" maxlength="200" />
          <p><button type="submit">${t('web:signIn.submit')}</button></p>
        </form>
      </div>`,
    message,
  );
}

export function errorPage(ctx: PageContext, text: string): string {
  const { t } = ctx;
  return layout(
    ctx,
    t('web:errors.title'),
    html`<h1>${t('web:errors.title')}</h1>
      ${flash('error', text)}
      <p><a href="/web">${t('web:errors.back')}</a></p>`,
  );
}

// ——— pieces ———

const done = (c: CategoryCounts) => c.done_on_time + c.done_late;
const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10);

export function progressBar(ctx: PageContext, counts: CategoryCounts): SafeHtml {
  const { t } = ctx;
  const total = counts.total;
  const label = t('web:overview.doneOf', { done: done(counts), total, percent: numberText(percent(done(counts), total)) });
  return html`<div class="bar" role="img" aria-label="${label}">
      <span class="done" style="width:${percent(counts.done_on_time, total)}%"></span
      ><span class="late" style="width:${percent(counts.done_late, total)}%"></span>
    </div>
    <p>${label}</p>`;
}

export function countBadges(ctx: PageContext, counts: CategoryCounts): SafeHtml {
  const { t } = ctx;
  return html`<ul class="counts">
    ${CATEGORIES.map((c) => html`<li class="badge c-${c}"><span>${t(`labels:category.${c}`)}</span>: <strong>${counts[c]}</strong></li>`)}${(
      ['awaiting_confirmation', 'due_soon'] as const
    ).map(
      (k) =>
        html`<li class="badge ${k === 'due_soon' ? 's-due_soon' : 's-no_deadline'}">
          <span>${t(`web:ofWhich.${k}`)}</span>: <strong>${counts[k]}</strong>
        </li>`,
    )}
  </ul>`;
}

export function stateBadge(ctx: PageContext, state: DeadlineState): SafeHtml {
  return html`<span class="badge s-${state}">${ctx.t(`labels:deadlineState.${state}`)}</span>`;
}

export function categoryBadge(ctx: PageContext, category: Category | undefined): SafeHtml {
  return category ? html`<span class="badge c-${category}">${ctx.t(`labels:category.${category}`)}</span>` : html``;
}

/** At-risk first: overdue, due soon, in time, waiting, no deadline; then by deadline. */
const URGENCY: Record<DeadlineState, number> = { overdue: 0, due_soon: 1, on_track: 2, waiting: 3, no_deadline: 4 };
export function byRisk(a: TaskOut, b: TaskOut): number {
  const open = (task: TaskOut) => (task.progress === 'done' || task.progress === 'cancelled' ? 1 : 0);
  return (
    open(a) - open(b) ||
    URGENCY[a.deadlineState] - URGENCY[b.deadlineState] ||
    (a.deadlineAt ?? '9999').localeCompare(b.deadlineAt ?? '9999') ||
    a.key.localeCompare(b.key)
  );
}

export function taskTable(ctx: PageContext, tasks: TaskOut[], names: Map<string, string>, timezone: string): SafeHtml {
  const { t } = ctx;
  const cols = {
    task: t('web:plan.columns.task'),
    lead: t('web:plan.columns.lead'),
    deadline: t('web:plan.columns.deadline'),
    state: t('web:plan.columns.state'),
    progress: t('web:plan.columns.progress'),
    escalation: t('web:plan.columns.escalation'),
  };
  return html`<div class="table-wrap">
    <table class="stack">
      <thead>
        <tr>
          <th scope="col">${cols.task}</th>
          <th scope="col">${cols.lead}</th>
          <th scope="col">${cols.deadline}</th>
          <th scope="col">${cols.state}</th>
          <th scope="col">${cols.progress}</th>
          <th scope="col" class="num">${cols.escalation}</th>
        </tr>
      </thead>
      <tbody>
        ${tasks.map(
          (task) =>
            html`<tr class="risk-${task.deadlineState}">
              <td data-label="${cols.task}">
                <a href="/web/plans/${encodeURIComponent(task.planId)}/tasks/${encodeURIComponent(task.key)}">${task.key}</a> ${task.title}
              </td>
              <td data-label="${cols.lead}">${names.get(task.lead) ?? task.lead}</td>
              <td data-label="${cols.deadline}">${task.deadlineAt ? deadlineText(task.deadlineAt, timezone) : t('web:task.noDeadline')}</td>
              <td data-label="${cols.state}">${stateBadge(ctx, task.deadlineState)}</td>
              <td data-label="${cols.progress}">${t(`labels:progress.${task.progress}`)}</td>
              <td data-label="${cols.escalation}" class="num">${task.escalationLevel}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

// ——— overview ———

export interface PlanCard {
  id: string;
  code: string;
  title: string;
  issuer: string;
  issuedOn: string;
  counts: CategoryCounts;
}

export function overviewPage(
  ctx: PageContext,
  plans: PlanCard[],
  now: Date,
  mine?: { agency: string; tasks: TaskOut[]; names: Map<string, string> },
): string {
  const { t } = ctx;
  const risky = [...plans].sort(
    (a, b) => b.counts.open_overdue - a.counts.open_overdue || b.counts.due_soon - a.counts.due_soon || a.id.localeCompare(b.id),
  );
  const cards = risky.map(
    (p) =>
      html`<li class="card" id="plan-${p.id}">
        <h2><a href="/web/plans/${encodeURIComponent(p.id)}">${p.code}</a> — ${p.title}</h2>
        <p class="muted">${t('web:overview.issued', { issuer: p.issuer, date: dateText(p.issuedOn) })}</p>
        ${progressBar(ctx, p.counts)} ${countBadges(ctx, p.counts)}
      </li>`,
  );
  const myTasks = mine
    ? html`<h2>${t('web:overview.myTasks', { agency: mine.names.get(mine.agency) ?? mine.agency })}</h2>
        ${mine.tasks.length ? taskTable(ctx, mine.tasks, mine.names, 'Asia/Ho_Chi_Minh') : html`<p>${t('web:overview.myTasksNone')}</p>`}`
    : '';
  return layout(
    ctx,
    t('web:overview.title'),
    html`<h1>${t('web:overview.title')}</h1>
      <p class="muted">${t('web:overview.intro', { at: instantText(now) })}</p>
      ${myTasks}
      ${
        plans.length
          ? html`<ul class="plans">
              ${cards}
            </ul>`
          : html`<p>${t('web:overview.none')}</p>`
      }`,
  );
}

// ——— plan ———

export interface PlanPageData {
  plan: { id: string; code: string; title: string; issuer: string; issuedOn: string; timezone: string };
  counts: CategoryCounts;
  level: 'agency' | 'district';
  parent?: string;
  sort?: 'overdue';
  rows: AgencyCountsRow[];
  names: Map<string, string>;
  agencies: { id: string; name: string }[];
  filters: { agency?: string; category?: Category; dueSoon?: boolean; waiting?: boolean; escalationLevel?: number };
  tasks: TaskOut[];
  /** More tasks match than the page lists: the cursor after its last task (by deadline). */
  nextPage?: string;
  /** The page goes on from an earlier one (`after`), rather than starting the list. */
  continued: boolean;
  maxLevel: number;
  today: string;
}

export function planPage(ctx: PageContext, d: PlanPageData): string {
  const { t } = ctx;
  const base = `/web/plans/${encodeURIComponent(d.plan.id)}`;
  const query = (extra: Record<string, string | undefined>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ level: d.level === 'district' ? 'district' : undefined, parent: d.parent, ...extra }))
      if (v) params.set(k, v);
    const text = params.toString();
    return text ? `${base}?${text}#agencies` : `${base}#agencies`;
  };
  // The task list's pages keep the filters; the agency table's level and order do not matter to them.
  const taskListHref = (after: string | undefined) => {
    const params = new URLSearchParams();
    const { agency, category, dueSoon, waiting, escalationLevel } = d.filters;
    for (const [k, v] of Object.entries({
      agency,
      category,
      dueSoon: dueSoon ? 'true' : undefined,
      waiting: waiting ? 'true' : undefined,
      escalationLevel: escalationLevel === undefined ? undefined : String(escalationLevel),
      after,
    }))
      if (v) params.set(k, v);
    const text = params.toString();
    return `${base}${text ? `?${text}` : ''}#tasks`;
  };
  const taskPager = () =>
    d.nextPage || d.continued
      ? html`<nav aria-label="${t('web:plan.taskPages')}" class="pager">
          ${d.continued ? html`<a href="${taskListHref(undefined)}">${t('web:plan.firstPage')}</a>` : ''}
          ${d.nextPage ? html`<a href="${taskListHref(d.nextPage)}" rel="next">${t('web:plan.nextPage')}</a>` : ''}
        </nav>`
      : '';
  const rows =
    d.sort === 'overdue' ? [...d.rows].sort((a, b) => b.counts.open_overdue - a.counts.open_overdue || a.agency.localeCompare(b.agency)) : d.rows;
  const colTitles = { agency: t('web:plan.agency'), total: t('web:plan.total') };
  const agencyTable = html`<div class="table-wrap">
    <table class="stack" id="agency-table">
      <caption class="muted">
        ${d.sort === 'overdue' ? t('web:plan.sortedByOverdue') : ''}
      </caption>
      <thead>
        <tr>
          <th scope="col">${colTitles.agency}</th>
          ${CATEGORIES.map((c) =>
            c === 'open_overdue'
              ? html`<th scope="col" class="num" aria-sort="${d.sort === 'overdue' ? 'descending' : 'none'}">
                  <a href="${query({ sort: 'overdue' })}">${t(`labels:category.${c}`)}</a>
                </th>`
              : html`<th scope="col" class="num">${t(`labels:category.${c}`)}</th>`,
          )}
          <th scope="col" class="num">${colTitles.total}</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) =>
            html`<tr class="${r.counts.open_overdue > 0 ? 'risk-overdue' : r.counts.due_soon > 0 ? 'risk-due_soon' : ''}">
              <td data-label="${colTitles.agency}">
                ${d.names.get(r.agency) ?? r.agency}${
                  r.rolledUp
                    ? html` — <a href="${base}?level=agency&amp;parent=${encodeURIComponent(r.agency)}#agencies">${t('web:plan.open')}</a>`
                    : ''
                }
              </td>
              ${CATEGORIES.map((c) => html`<td class="num" data-label="${t(`labels:category.${c}`)}">${r.counts[c]}</td>`)}
              <td class="num" data-label="${colTitles.total}">${r.counts.total}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;

  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}" ${selected ? html` selected` : ''}>${label}</option>`;
  const filters = html`<form class="filters card" method="get" action="${base}#tasks">
    ${d.level === 'district' ? html`<input type="hidden" name="level" value="district" />` : ''}
    <div>
      <label for="f-agency">${t('web:plan.filterAgency')}</label>
      <select id="f-agency" name="agency">
        ${option('', t('web:plan.any'), !d.filters.agency)}${d.agencies.map((a) => option(a.id, a.name, d.filters.agency === a.id))}
      </select>
    </div>
    <div>
      <label for="f-category">${t('web:plan.filterCategory')}</label>
      <select id="f-category" name="category">
        ${option('', t('web:plan.any'), !d.filters.category)}${CATEGORIES.map((c) => option(c, t(`labels:category.${c}`), d.filters.category === c))}
      </select>
    </div>
    <div>
      <label for="f-level">${t('web:plan.filterEscalation')}</label>
      <select id="f-level" name="escalationLevel">
        ${option('', t('web:plan.any'), d.filters.escalationLevel === undefined)}${Array.from({ length: d.maxLevel + 1 }, (_, level) =>
          option(String(level), level === 0 ? t('web:plan.levelNone') : t('web:plan.level', { level }), d.filters.escalationLevel === level),
        )}
      </select>
    </div>
    <div class="check">
      <input type="checkbox" id="f-due" name="dueSoon" value="true" ${d.filters.dueSoon ? html` checked` : ''} />
      <label for="f-due">${t('web:plan.filterDueSoon')}</label>
    </div>
    <div class="check">
      <input type="checkbox" id="f-waiting" name="waiting" value="true" ${d.filters.waiting ? html` checked` : ''} />
      <label for="f-waiting">${t('web:plan.filterWaiting')}</label>
    </div>
    <div><button type="submit">${t('web:plan.apply')}</button> <a href="${base}#tasks">${t('web:plan.clear')}</a></div>
  </form>`;

  const report = html`<form class="filters card" method="get" action="${base}/report">
    <p class="muted" style="flex-basis:100%;margin:0">${t('web:plan.reportIntro')}</p>
    <div><label for="r-asof">${t('web:plan.asOf')}</label><input id="r-asof" ${DATE_FIELD} name="asOf" value="${dateText(d.today)}" /></div>
    <div>
      <label for="r-level">${t('web:plan.reportLevel')}</label
      ><select id="r-level" name="level">
        ${option('agency', t('web:plan.levelAgency'), d.level === 'agency')}${option('district', t('web:plan.levelDistrict'), d.level === 'district')}
      </select>
    </div>
    <div>
      <button type="submit" name="format" value="xlsx">${t('web:plan.downloadXlsx')}</button>
      <button type="submit" name="format" value="csv" class="secondary">${t('web:plan.downloadCsv')}</button>
    </div>
  </form>`;

  return layout(
    ctx,
    `${d.plan.code} — ${d.plan.title}`,
    html`<h1>${d.plan.code} — ${d.plan.title}</h1>
      <p class="muted">${t('web:plan.issued', { issuer: d.plan.issuer, date: dateText(d.plan.issuedOn) })}</p>
      <section class="card" aria-labelledby="summary">
        <h2 id="summary">${t('web:plan.summary')}</h2>
        ${progressBar(ctx, d.counts)}${countBadges(ctx, d.counts)}
      </section>
      <section aria-labelledby="agencies">
        <h2 id="agencies">
          ${d.parent ? t('web:plan.openedFrom', { name: d.names.get(d.parent) ?? d.parent }) : d.level === 'district' ? t('web:plan.byDistrict') : t('web:plan.byAgency')}
        </h2>
        <p>
          ${d.parent ? html`<a href="${base}#agencies">${t('web:plan.backToAll')}</a> · ` : ''}<a
            href="${base}?level=agency#agencies"
            ${d.level === 'agency' && !d.parent ? html` aria-current="page"` : ''}
            >${t('web:plan.levelAgency')}</a
          >
          ·
          <a href="${base}?level=district#agencies" ${d.level === 'district' && !d.parent ? html` aria-current="page"` : ''}
            >${t('web:plan.levelDistrict')}</a
          >
          · <a href="${query({ sort: 'overdue' })}">${t('web:plan.sortByOverdue')}</a>
        </p>
        ${agencyTable}
      </section>
      <section aria-labelledby="tasks">
        <h2 id="tasks">${t('web:plan.tasks')}</h2>
        <h3 class="muted" style="font-size:1rem">${t('web:plan.filters')}</h3>
        ${filters}
        <p role="status">
          ${
            d.tasks.length
              ? t(d.nextPage || d.continued ? 'web:plan.tasksPaged' : 'web:plan.tasksShown', { count: d.tasks.length })
              : t('web:plan.tasksNone')
          }
        </p>
        ${d.tasks.length ? taskTable(ctx, d.tasks, d.names, d.plan.timezone) : ''} ${taskPager()}
      </section>
      <section aria-labelledby="report">
        <h2 id="report">${t('web:plan.report')}</h2>
        ${report}
      </section>`,
  );
}

// ——— task ———

export interface NotificationRow {
  subject: string;
  status: NotificationStatus;
  /** Why it was not sent (no contact) or why a delivery gave up. */
  reason?: string;
  /** Each recipient with where its own delivery stands (absent before one was written). */
  recipients: { address: string; name?: string; state?: DeliveryState }[];
  createdAt: Date;
  sentAt: Date | null;
}

export interface TaskPageData {
  task: TaskOut;
  state?: StoredTaskState;
  rollup?: {
    total: number;
    done: number;
    members: {
      key: string;
      lead: string;
      progress: TaskOut['progress'];
      deadlineState: DeadlineState;
      progressValue?: number;
      target?: { value: number; unit: string };
    }[];
    target?: { value: number; unit: string; metric: string; progressValue?: number };
  };
  events: { seq: number; type: string; at: string; actor: { id: string; name?: string; role: string }; data: Record<string, unknown> }[];
  notifications: NotificationRow[];
  names: Map<string, string>;
  timezone: string;
  planTitle: string;
  allowed: TaskWrite[];
  message?: SafeHtml;
}

function ladder(ctx: PageContext, d: TaskPageData): SafeHtml {
  const { t } = ctx;
  const tz = d.timezone;
  const fired = d.events.filter((e) => e.type === 'reminder' || e.type === 'escalation');
  const items: { at: string; text: string; state: 'fired' | 'next' | 'skipped'; level?: number }[] = fired.map((e) => ({
    at: e.at,
    text:
      e.type === 'escalation'
        ? t('web:task.ladderLevel', { level: Number(e.data.level), action: String(e.data.action ?? '') })
        : t('web:task.ladderReminder', { n: Number(e.data.level) }),
    state: 'fired',
    ...(e.type === 'escalation' ? { level: Number(e.data.level) } : {}),
  }));
  for (const entry of d.state?.upcoming ?? []) {
    const text =
      entry.kind === 'escalation'
        ? t('web:task.ladderLevel', { level: entry.level, action: entry.action })
        : entry.kind === 'reminder'
          ? t('web:task.ladderReminder', { n: entry.index + 1 })
          : entry.kind === 'deadline'
            ? t('web:task.ladderDeadline')
            : t('web:task.ladderDueSoon');
    items.push({ at: entry.at, text, state: 'next', ...(entry.kind === 'escalation' ? { level: entry.level } : {}) });
  }
  // A level passed over because a higher one was due at once (a late start, a deadline moved into
  // the past) is listed where it would have been, just before the level that fired in its place.
  const listed = new Set(items.flatMap((i) => (i.level === undefined ? [] : [i.level])));
  for (const level of d.state?.spec.escalation?.ladder ?? []) {
    if (listed.has(level.level)) continue;
    const higher = items
      .filter((i) => i.state === 'fired' && i.level !== undefined && i.level > level.level)
      .sort((a, b) => a.at.localeCompare(b.at))[0];
    if (!higher) continue;
    items.push({
      at: higher.at,
      text: t('web:task.ladderLevel', { level: level.level, action: level.action }),
      state: 'skipped',
      level: level.level,
    });
  }
  items.sort((a, b) => a.at.localeCompare(b.at) || (a.level ?? 0) - (b.level ?? 0));
  if (!items.length) return html`<p>${t('web:task.ladderNone')}</p>`;
  return html`<ol class="ladder">
    ${items.map(
      (i) =>
        html`<li class="${i.state}">
          <strong>${i.text}</strong> —
          ${
            i.state === 'fired'
              ? t('web:task.ladderFired', { at: instantText(i.at, tz) })
              : i.state === 'skipped'
                ? t('web:task.ladderSkipped')
                : t('web:task.ladderNext', { at: instantText(i.at, tz) })
          }
        </li>`,
    )}
  </ol>`;
}

function actionForms(ctx: PageContext, d: TaskPageData): SafeHtml {
  const { t } = ctx;
  const action = (name: string) => `/web/plans/${encodeURIComponent(d.task.planId)}/tasks/${encodeURIComponent(d.task.key)}/${name}`;
  const note = (id: string) => html`<label for="${id}">${t('web:actions.note')}</label><textarea id="${id}" name="note" maxlength="2000"></textarea>`;
  const reason = (id: string) =>
    html`<label for="${id}">${t('web:actions.reason')}</label><textarea id="${id}" name="reason" maxlength="2000" required></textarea>`;
  const forms: SafeHtml[] = [];
  const can = (w: TaskWrite) => d.allowed.includes(w);
  if (can('complete'))
    forms.push(
      html`<form method="post" action="${action('complete')}" id="form-complete">
        ${csrfField(ctx)}
        <h3>${t('web:actions.complete')}</h3>
        ${note('complete-note')} <label for="complete-evidence">${t('web:actions.evidence')}</label
        ><input id="complete-evidence" name="evidence" maxlength="2000" /> <button type="submit">${t('web:actions.complete')}</button>
      </form>`,
    );
  if (can('progress')) {
    const unit = d.task.target?.unit;
    forms.push(
      html`<form method="post" action="${action('progress')}" id="form-progress">
        ${csrfField(ctx)}
        <h3>${t('web:actions.progress')}</h3>
        <label for="progress-value">${unit ? t('web:actions.value', { unit }) : t('web:actions.valuePlain')}</label
        ><input id="progress-value" name="value" inputmode="decimal" /> ${note('progress-note')}<button type="submit">
          ${t('web:actions.progress')}
        </button>
      </form>`,
    );
  }
  if (can('extension-request'))
    forms.push(
      html`<form method="post" action="${action('extension-request')}" id="form-extension">
        ${csrfField(ctx)}
        <h3>${t('web:actions.extension-request')}</h3>
        <label for="ext-deadline">${t('web:actions.newDeadline')}</label
        ><input id="ext-deadline" ${DATE_FIELD} name="newDeadline" required /> ${reason('ext-reason')}<button type="submit">
          ${t('web:actions.extension-request')}
        </button>
      </form>`,
    );
  if (can('confirm'))
    forms.push(
      html`<form method="post" action="${action('confirm')}" id="form-confirm">
        ${csrfField(ctx)}
        <h3>${t('web:actions.confirm')}</h3>
        ${note('confirm-note')} <button type="submit">${t('web:actions.confirm')}</button>
      </form>`,
    );
  if (can('return'))
    forms.push(
      html`<form method="post" action="${action('return')}" id="form-return">
        ${csrfField(ctx)}
        <h3>${t('web:actions.return')}</h3>
        ${reason('return-reason')} <button type="submit" class="secondary">${t('web:actions.return')}</button>
      </form>`,
    );
  if (can('extension-decision'))
    for (const request of d.task.extensionRequests.filter((r) => r.status === 'pending'))
      forms.push(
        html`<form method="post" action="${action(`extension-decision/${encodeURIComponent(request.id)}`)}">
          ${csrfField(ctx)}
          <h3>${t('web:actions.decide', { deadline: extensionDeadline(request.newDeadline, d.timezone) })}</h3>
          <p>${request.reason}</p>
          ${note(`decide-${request.id}-note`)}
          <p>
            <button type="submit" name="approve" value="true">${t('web:actions.approve')}</button>
            <button type="submit" name="approve" value="false" class="secondary">${t('web:actions.deny')}</button>
          </p>
        </form>`,
      );
  if (can('pause'))
    forms.push(
      html`<form method="post" action="${action('pause')}" id="form-pause">
        ${csrfField(ctx)}
        <h3>${t('web:actions.pause')}</h3>
        ${reason('pause-reason')} <button type="submit" class="secondary">${t('web:actions.pause')}</button>
      </form>`,
    );
  if (can('resume'))
    forms.push(
      html`<form method="post" action="${action('resume')}" id="form-resume">
        ${csrfField(ctx)}
        <h3>${t('web:actions.resume')}</h3>
        ${note('resume-note')} <button type="submit">${t('web:actions.resume')}</button>
      </form>`,
    );
  return forms.length ? html`<div class="actions">${forms}</div>` : html`<p>${t('web:actions.none')}</p>`;
}

const extensionDeadline = (value: string, tz: string) => (/^\d{4}-\d{2}-\d{2}$/.test(value) ? dateText(value) : deadlineText(value, tz));

export function taskPage(ctx: PageContext, d: TaskPageData): string {
  const { t } = ctx;
  const task = d.task;
  const tz = d.timezone;
  const name = (id: string) => d.names.get(id) ?? id;
  const facts = html`<dl class="facts">
    <dt>${t('web:task.lead')}</dt>
    <dd>${name(task.lead)}</dd>
    <dt>${t('web:task.support')}</dt>
    <dd>${task.support.length ? task.support.map(name).join(', ') : t('web:task.none')}</dd>
    <dt>${t('web:task.deadline')}</dt>
    <dd>
      ${task.deadlineAt ? deadlineText(task.deadlineAt, tz) : t('web:task.noDeadline')}${
        task.waitingFor.length ? html` — ${t('web:task.waitingFor', { tasks: task.waitingFor.join(', ') })}` : ''
      }
    </dd>
    <dt>${t('web:task.state')}</dt>
    <dd>${stateBadge(ctx, task.deadlineState)} ${categoryBadge(ctx, task.category)}</dd>
    <dt>${t('web:task.progress')}</dt>
    <dd id="task-progress">${t(`labels:progress.${task.progress}`)}</dd>
    ${
      task.output
        ? html`<dt>${t('web:task.output')}</dt>
            <dd>${task.output}</dd>`
        : ''
    }
    ${
      task.target
        ? html`<dt>${t('web:task.target')}</dt>
            <dd>
              ${t('web:task.targetValue', { value: numberText(task.target.value), unit: task.target.unit, metric: task.target.metric })}${task.progressValue !== undefined ? html` — ${t('web:task.reached', { value: numberText(task.progressValue), unit: task.target.unit })}` : ''}
            </dd>`
        : ''
    }
    ${
      task.completedAt
        ? html`<dt>${t('labels:progress.done')}</dt>
            <dd>
              ${t('web:task.completed', { at: instantText(task.completedAt, tz), name: task.completedBy?.name ?? task.completedBy?.id ?? '' })}${task.confirmedAt ? html`; ${t('web:task.confirmed', { at: instantText(task.confirmedAt, tz) })}` : ''}
            </dd>`
        : ''
    }
    ${
      task.returnReason
        ? html`<dt>${t('labels:progress.returned')}</dt>
            <dd>${t('web:task.returnReason', { reason: task.returnReason })}</dd>`
        : ''
    }
    ${
      task.pauseReason && task.progress === 'paused'
        ? html`<dt>${t('labels:progress.paused')}</dt>
            <dd>${t('web:task.pauseReason', { reason: task.pauseReason })}</dd>`
        : ''
    }
    ${
      task.extensionRequests.length
        ? html`<dt>${t('web:task.extensions')}</dt>
            <dd>
              <ul>
                ${task.extensionRequests.map((r) => html`<li>${t('web:task.extensionLine', { deadline: extensionDeadline(r.newDeadline, tz), reason: r.reason, status: t(`web:task.extensionStatus.${r.status}`) })}</li>`)}
              </ul>
            </dd>`
        : ''
    }
  </dl>`;
  const members = d.rollup
    ? html`<section aria-labelledby="members">
        <h2 id="members">${t('web:task.members')}</h2>
        <p>${t('web:task.membersDone', { done: d.rollup.done, total: d.rollup.total })}</p>
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th scope="col">${t('web:task.unit')}</th>
                <th scope="col">${t('web:task.state')}</th>
                <th scope="col">${t('web:task.progress')}</th>
                <th scope="col" class="num">${t('web:task.target')}</th>
              </tr>
            </thead>
            <tbody>
              ${d.rollup.members.map(
                (m) =>
                  html`<tr>
                    <td data-label="${t('web:task.unit')}">
                      <a href="/web/plans/${encodeURIComponent(task.planId)}/tasks/${encodeURIComponent(m.key)}">${name(m.lead)}</a>
                    </td>
                    <td data-label="${t('web:task.state')}">${stateBadge(ctx, m.deadlineState)}</td>
                    <td data-label="${t('web:task.progress')}">${t(`labels:progress.${m.progress}`)}</td>
                    <td class="num" data-label="${t('web:task.target')}">
                      ${m.target ? `${m.progressValue !== undefined ? numberText(m.progressValue) : '0'} / ${numberText(m.target.value)} ${m.target.unit}` : ''}
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>
      </section>`
    : '';
  const cols = {
    at: t('web:task.historyCols.at'),
    event: t('web:task.historyCols.event'),
    actor: t('web:task.historyCols.actor'),
    detail: t('web:task.historyCols.detail'),
  };
  const detailOf = (data: Record<string, unknown>) => {
    const unannounced = Array.isArray(data.unannouncedYears)
      ? unannouncedYearsText({ name: String(data.calendar), statutoryHolidays: data.statutoryHolidays }, data.unannouncedYears as number[], t)
      : undefined;
    return [
      ...['note', 'reason', 'evidence', 'action', 'value', 'newDeadline']
        .filter((k) => data[k] !== undefined && data[k] !== null && data[k] !== '')
        .map((k) => String(data[k] as string | number)),
      ...(unannounced ? [unannounced] : []),
    ].join(' — ');
  };
  const history = html`<div class="table-wrap">
    <table class="stack" id="history">
      <thead>
        <tr>
          <th scope="col">${cols.at}</th>
          <th scope="col">${cols.event}</th>
          <th scope="col">${cols.actor}</th>
          <th scope="col">${cols.detail}</th>
        </tr>
      </thead>
      <tbody>
        ${[...d.events].reverse().map(
          (e) =>
            html`<tr>
              <td data-label="${cols.at}">${instantText(e.at, tz)}</td>
              <td data-label="${cols.event}">${isEventType(e.type) ? t(`web:task.events.${e.type}`) : e.type}</td>
              <td data-label="${cols.actor}">
                ${e.actor.role === 'system' ? t('web:task.system') : `${e.actor.name ?? e.actor.id} (${isRole(e.actor.role) ? t(`web:roles.${e.actor.role}`) : e.actor.role})`}
              </td>
              <td data-label="${cols.detail}">${detailOf(e.data)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
  const ncols = {
    at: t('web:task.notificationCols.at'),
    subject: t('web:task.notificationCols.subject'),
    to: t('web:task.notificationCols.to'),
    status: t('web:task.notificationCols.status'),
  };
  const notifications = d.notifications.length
    ? html`<div class="table-wrap">
        <table class="stack">
          <thead>
            <tr>
              <th scope="col">${ncols.at}</th>
              <th scope="col">${ncols.subject}</th>
              <th scope="col">${ncols.to}</th>
              <th scope="col">${ncols.status}</th>
            </tr>
          </thead>
          <tbody>
            ${d.notifications.map(
              (n) =>
                html`<tr>
                  <td data-label="${ncols.at}">${instantText(n.sentAt ?? n.createdAt, tz)}</td>
                  <td data-label="${ncols.subject}">${n.subject}</td>
                  <td data-label="${ncols.to}">
                    ${
                      n.recipients
                        .map((r) =>
                          r.state
                            ? t('web:task.recipientState', { recipient: r.name ?? r.address, state: t(`web:task.deliveryState.${r.state}`) })
                            : (r.name ?? r.address),
                        )
                        .join(', ') || '—'
                    }
                  </td>
                  <td data-label="${ncols.status}">
                    ${t(`web:task.notificationStatus.${n.status}`)}${n.reason ? html`<br /><span class="muted">${n.reason}</span>` : ''}
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>`
    : html`<p>${t('web:task.notificationsNone')}</p>`;
  return layout(
    ctx,
    `${task.key} — ${task.title}`,
    html`<p><a href="/web/plans/${encodeURIComponent(task.planId)}">${d.planTitle}</a></p>
      <h1>${task.key} — ${task.title}</h1>
      <section class="card" aria-label="${task.title}">${facts}</section>
      ${members}
      <section aria-labelledby="actions">
        <h2 id="actions">${t('web:actions.title')}</h2>
        ${actionForms(ctx, d)}
      </section>
      <section aria-labelledby="ladder">
        <h2 id="ladder">${t('web:task.ladder')}</h2>
        <p class="muted">${t('web:task.ladderIntro')}</p>
        ${ladder(ctx, d)}
      </section>
      <section aria-labelledby="notifications">
        <h2 id="notifications">${t('web:task.notifications')}</h2>
        ${notifications}
      </section>
      <section aria-labelledby="history-title">
        <h2 id="history-title">${t('web:task.history')}</h2>
        ${history}
      </section>`,
    d.message,
  );
}

const isEventType = (type: string): type is TaskEventType => (TASK_EVENT_TYPES as readonly string[]).includes(type);
const isRole = (role: string): role is 'staff' | 'leader' | 'admin' => role === 'staff' || role === 'leader' || role === 'admin';
