/**
 * The report as an Excel workbook (exceljs): the same rows, headings (the QĐ 42 terms of the
 * catalogue's `labels`) and figures as the API's report and its CSV, every figure a number cell,
 * so Excel in the vi-VN locale shows "66,7" instead of misreading "66.7".
 */
import ExcelJS from 'exceljs';
import { CSV_FIELDS, type PlanReport, type ReportCounts } from '../db/report';
import { labelsFor } from '../i18n';

export async function reportWorkbook(report: PlanReport, title: string, sheetName: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.created = new Date(report.asOfInstant);
  const words = labelsFor().report;
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 2 }] });
  sheet.addRow([title]).font = { bold: true, size: 13 };
  const header = sheet.addRow([report.columns.agency ?? words.agency, ...CSV_FIELDS.map((field) => report.columns[field] ?? field)]);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'top' };
  const figures = (counts: ReportCounts) => CSV_FIELDS.map((field) => counts[field]);
  for (const agency of report.agencies) sheet.addRow([agency.name, ...figures(agency)]);
  const total = sheet.addRow([words.grandTotal, ...figures(report.totals)]);
  total.font = { bold: true };
  sheet.getColumn(1).width = 40;
  CSV_FIELDS.forEach((field, i) => {
    const column = sheet.getColumn(i + 2);
    column.width = 16;
    column.numFmt = field === 'percentDone' ? '0.0' : '0';
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
