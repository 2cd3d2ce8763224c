/**
 * `kehoach report <planId> [--as-of YYYY-MM-DD] [--csv]`: the plan's report as its tasks stood at
 * the end of a day, fetched from the API (GET /api/plans/:planId/report).
 */
import type { PlanReport, ReportCounts } from '../db/report';
import { formatDateVi } from '../plan/calendar';
import { ApiError, createApiClient } from './api-client';
import { parseCommandArgs, usageError } from './args';

const USAGE = [
  'Usage: kehoach report <planId> [--as-of YYYY-MM-DD] [--csv]',
  '',
  'Prints, per lead agency, the tasks done on time, done late, open in time, open overdue and without',
  'deadline, as they stood at the end of that day (default: today). --csv prints CSV for Excel.',
  'Talks to KEHOACH_URL (default http://127.0.0.1:3000) with KEHOACH_TOKEN (default: the local admin token).',
].join('\n');

/** The report as the API sends it (GET /api/plans/:planId/report, JSON). */
type Report = Pick<PlanReport, 'planId' | 'asOf' | 'agencies' | 'totals'>;
type Counts = ReportCounts;

const COLUMNS = ['Đúng hạn', 'Trễ hạn', 'Trong hạn', 'Quá hạn', 'Không hạn', 'Tổng', '% xong'] as const;


export function formatReport(report: Report): string {
  const rows = [...report.agencies.map((a) => ({ name: a.name, counts: a as Counts })), { name: 'Tổng cộng', counts: report.totals }];
  const cells = (c: Counts) => [c.doneOnTime, c.doneLate, c.openOnTime, c.openOverdue, c.noDeadline, c.total].map(String).concat(c.percentDone.toFixed(1));
  const nameWidth = Math.max('Cơ quan'.length, ...rows.map((r) => r.name.length));
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...rows.map((r) => cells(r.counts)[i]!.length)));
  const line = (name: string, values: readonly string[]) =>
    [name.padEnd(nameWidth), ...values.map((v, i) => v.padStart(widths[i]!))].join('  ');
  return [
    `Kế hoạch ${report.planId}: tình hình đến hết ngày ${formatDateVi(report.asOf)}`,
    '',
    line('Cơ quan', COLUMNS),
    ...rows.slice(0, -1).map((r) => line(r.name, cells(r.counts))),
    '-'.repeat(nameWidth + widths.reduce((sum, w) => sum + w + 2, 0)),
    line(rows[rows.length - 1]!.name, cells(report.totals)),
  ].join('\n');
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('report', args, { csv: { type: 'boolean' }, 'as-of': { type: 'string' } }, USAGE);
  if (!parsed.ok) return parsed.exitCode;
  const csv = parsed.values.csv ?? false;
  const asOf = parsed.values['as-of'];
  const [planId, ...extra] = parsed.positionals;
  if (extra.length > 0) return usageError('report', `unexpected argument "${extra[0]}"`, USAGE);
  if (!planId) return usageError('report', 'which plan? Give its id, for example `kehoach report nghe-an-771`.', USAGE);
  if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) {
    process.stderr.write(`kehoach report: --as-of takes a date written YYYY-MM-DD, for example --as-of 2022-11-22 (got "${asOf ?? ''}")\n`);
    return 2;
  }
  const query = new URLSearchParams({ ...(asOf ? { asOf } : {}), format: csv ? 'csv' : 'json' });
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
