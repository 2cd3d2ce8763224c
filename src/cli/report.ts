/**
 * `kehoach report <planId> [--as-of YYYY-MM-DD] [--csv]`: the plan's report as its tasks stood at
 * the end of a day, fetched from the API (GET /api/plans/:planId/report).
 */
import type { PlanReport, ReportCounts } from '../db/report';
import { CATEGORY_GROUP_LABELS, CATEGORY_SHORT_LABELS, REPORT_LABELS } from '../domain/labels';
import { formatDateVi } from '../plan/calendar';
import { ApiError, createApiClient } from './api-client';
import { parseCommandArgs, usageError } from './args';

const USAGE = [
  'Usage: kehoach report <planId> [--as-of YYYY-MM-DD] [--level agency|district|province] [--parent <agency>] [--csv]',
  '',
  'Prints, per agency, the tasks in the QĐ 42 columns (Đã hoàn thành: đúng hạn / quá hạn; Chưa hoàn thành:',
  'trong hạn / quá hạn; Không thời hạn) and those awaiting confirmation, as they stood at the end of that',
  'day (default: today, as of now). --level district adds communes into their district, --level province',
  "adds everything into the province; --parent <agency> lists the agencies under it (a district's communes).",
  '--csv prints CSV for Excel.',
  'Talks to KEHOACH_URL (default http://127.0.0.1:3000) with KEHOACH_TOKEN (default: the local admin token).',
].join('\n');

/** The report as the API sends it (GET /api/plans/:planId/report, JSON). */
type Report = Pick<PlanReport, 'planId' | 'asOf' | 'agencies' | 'totals'>;

/** The QĐ 42 columns under their two group headings, then the total and the rate; the words come from src/domain/labels.ts. */
const COLUMNS: { field: keyof ReportCounts; group: string; heading: string }[] = [
  { field: 'doneOnTime', group: CATEGORY_GROUP_LABELS.done, heading: CATEGORY_SHORT_LABELS.done_on_time },
  { field: 'doneLate', group: CATEGORY_GROUP_LABELS.done, heading: CATEGORY_SHORT_LABELS.done_late },
  { field: 'openOnTime', group: CATEGORY_GROUP_LABELS.open, heading: CATEGORY_SHORT_LABELS.open_on_time },
  { field: 'openOverdue', group: CATEGORY_GROUP_LABELS.open, heading: CATEGORY_SHORT_LABELS.open_overdue },
  { field: 'noDeadline', group: '', heading: CATEGORY_SHORT_LABELS.no_deadline },
  { field: 'total', group: '', heading: REPORT_LABELS.total },
  { field: 'percentDone', group: '', heading: REPORT_LABELS.percentDone },
  { field: 'awaitingConfirmation', group: REPORT_LABELS.ofWhich, heading: REPORT_LABELS.awaitingConfirmation },
];

export function formatReport(report: Report): string {
  const rows = [
    ...report.agencies.map((a) => ({ name: a.name, counts: a as ReportCounts })),
    { name: REPORT_LABELS.grandTotal, counts: report.totals },
  ];
  const cells = (c: ReportCounts) => COLUMNS.map(({ field }) => (field === 'percentDone' ? c.percentDone.toFixed(1) : String(c[field] ?? 0)));
  const nameWidth = Math.max(REPORT_LABELS.agency.length, ...rows.map((r) => r.name.length));
  const widths = COLUMNS.map((column, i) => Math.max(column.heading.length, ...rows.map((r) => cells(r.counts)[i]!.length)));
  const line = (name: string, values: readonly string[]) =>
    [name.padEnd(nameWidth), ...values.map((v, i) => v.padStart(widths[i]!))].join('  ').trimEnd();
  // A group heading spans its columns, written once above the first of them.
  const groups = COLUMNS.map((column, i) => (column.group && COLUMNS[i - 1]?.group !== column.group ? column.group : ''));
  const groupLine = [' '.repeat(nameWidth), ...groups.map((g, i) => g.padEnd(widths[i]!))].join('  ').trimEnd();
  return [
    `Kế hoạch ${report.planId}: tình hình đến hết ngày ${formatDateVi(report.asOf)}`,
    '',
    groupLine,
    line(
      REPORT_LABELS.agency,
      COLUMNS.map((c) => c.heading),
    ),
    ...rows.slice(0, -1).map((r) => line(r.name, cells(r.counts))),
    '-'.repeat(nameWidth + widths.reduce((sum, w) => sum + w + 2, 0)),
    line(rows[rows.length - 1]!.name, cells(report.totals)),
  ].join('\n');
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    'report',
    args,
    { csv: { type: 'boolean' }, 'as-of': { type: 'string' }, level: { type: 'string' }, parent: { type: 'string' } },
    USAGE,
  );
  if (!parsed.ok) return parsed.exitCode;
  const csv = parsed.values.csv ?? false;
  const asOf = parsed.values['as-of'];
  const level = parsed.values.level;
  const parent = parsed.values.parent;
  const [planId, ...extra] = parsed.positionals;
  if (extra.length > 0) return usageError('report', `unexpected argument "${extra[0]}"`, USAGE);
  if (!planId) return usageError('report', 'which plan? Give its id, for example `kehoach report nghe-an-771`.', USAGE);
  if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) {
    process.stderr.write(`kehoach report: --as-of takes a date written YYYY-MM-DD, for example --as-of 2022-11-22 (got "${asOf ?? ''}")\n`);
    return 2;
  }
  if (level !== undefined && !['agency', 'commune', 'district', 'province'].includes(level)) {
    process.stderr.write(`kehoach report: --level takes agency, district or province (got "${level}")\n`);
    return 2;
  }
  const query = new URLSearchParams({
    ...(asOf ? { asOf } : {}),
    ...(level ? { level } : {}),
    ...(parent ? { parent } : {}),
    format: csv ? 'csv' : 'json',
  });
  try {
    const client = createApiClient();
    const response = await client.request('GET', `/api/plans/${encodeURIComponent(planId)}/report?${query}`);
    process.stdout.write(csv ? response.text : `${formatReport(response.json() as Report)}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`kehoach report: ${(error as Error).message}\n`);
    return error instanceof ApiError || (error as Error).name === 'ConfigError' ? 1 : 2;
  }
}
