/**
 * `kehoach report <planId> [--as-of YYYY-MM-DD] [--csv]`: the plan's report as its tasks stood at
 * the end of a day, fetched from the API (GET /api/plans/:planId/report).
 */
import type { PlanReport, ReportCounts } from '../db/report';
import { formatDateVi } from '../plan/calendar';
import { ApiError, createApiClient } from './api-client';
import { parseCommandArgs, usageError } from './args';
import { cliText, labelsFor, languageFromEnv, translator, type Language } from '../i18n';

/** The report as the API sends it (GET /api/plans/:planId/report, JSON). */
type Report = Pick<PlanReport, 'planId' | 'asOf' | 'agencies' | 'totals'>;

/** The QĐ 42 columns under their two group headings, then the total and the rate; the words come from the catalogue's labels. */
function reportColumns(language: Language): { field: keyof ReportCounts; group: string; heading: string }[] {
  const { categoryGroup, categoryShort, report } = labelsFor(language);
  return [
    { field: 'doneOnTime', group: categoryGroup.done, heading: categoryShort.done_on_time },
    { field: 'doneLate', group: categoryGroup.done, heading: categoryShort.done_late },
    { field: 'openOnTime', group: categoryGroup.open, heading: categoryShort.open_on_time },
    { field: 'openOverdue', group: categoryGroup.open, heading: categoryShort.open_overdue },
    { field: 'noDeadline', group: '', heading: categoryShort.no_deadline },
    { field: 'total', group: '', heading: report.total },
    { field: 'percentDone', group: '', heading: report.percentDone },
    { field: 'awaitingConfirmation', group: report.ofWhich, heading: report.awaitingConfirmation },
  ];
}

export function formatReport(report: Report, language: Language = languageFromEnv()): string {
  const columns = reportColumns(language);
  const words = labelsFor(language).report;
  const rows = [...report.agencies.map((a) => ({ name: a.name, counts: a as ReportCounts })), { name: words.grandTotal, counts: report.totals }];
  const cells = (c: ReportCounts) => columns.map(({ field }) => (field === 'percentDone' ? c.percentDone.toFixed(1) : String(c[field] ?? 0)));
  const nameWidth = Math.max(words.agency.length, ...rows.map((r) => r.name.length));
  const widths = columns.map((column, i) => Math.max(column.heading.length, ...rows.map((r) => cells(r.counts)[i]!.length)));
  const line = (name: string, values: readonly string[]) =>
    [name.padEnd(nameWidth), ...values.map((v, i) => v.padStart(widths[i]!))].join('  ').trimEnd();
  // A group heading spans its columns, written once above the first of them.
  const groups = columns.map((column, i) => (column.group && columns[i - 1]?.group !== column.group ? column.group : ''));
  const groupLine = [' '.repeat(nameWidth), ...groups.map((g, i) => g.padEnd(widths[i]!))].join('  ').trimEnd();
  return [
    translator(language)('labels:report.title', { plan: report.planId, date: formatDateVi(report.asOf) }),
    '',
    groupLine,
    line(
      words.agency,
      columns.map((c) => c.heading),
    ),
    ...rows.slice(0, -1).map((r) => line(r.name, cells(r.counts))),
    '-'.repeat(nameWidth + widths.reduce((sum, w) => sum + w + 2, 0)),
    line(rows[rows.length - 1]!.name, cells(report.totals)),
  ].join('\n');
}

export async function run(args: string[]): Promise<number> {
  const USAGE = cliText('report.usage');
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
  if (extra.length > 0) return usageError('report', cliText('args.unexpectedArgument', { argument: `"${extra[0]}"` }), USAGE);
  if (!planId) return usageError('report', cliText('report.whichPlan'), USAGE);
  if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) {
    process.stderr.write(`kehoach report: ${cliText('report.asOfInvalid', { value: asOf })}\n`);
    return 2;
  }
  if (level !== undefined && !['agency', 'commune', 'district', 'province'].includes(level)) {
    process.stderr.write(`kehoach report: ${cliText('report.levelInvalid', { value: level })}\n`);
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
