import { Router } from 'express';
import { isReportDate, type ReportLine } from '@task-manager/task-store';
import { csvRow, UTF8_BOM } from '../csv.ts';
import { HttpError } from '../http-errors.ts';
import { methodNotAllowed } from '../middleware/errors.ts';
import { noQueryParameters } from '../middleware/no-query.ts';
import { authenticate, requireAdmin, type Authentication } from '../auth/authentication.ts';
import type { ReportSource } from '../report-source.ts';
import { listReportsQuery, parseOrThrow, singleValuedQuery } from '../validation.ts';

export const REPORT_CSV_HEADER = ['taskId', 'userId', 'title', 'completedAt'] as const;

function reportCsv(lines: readonly ReportLine[]): string {
  let csv = UTF8_BOM + csvRow(REPORT_CSV_HEADER);
  for (const line of lines) {
    csv += csvRow([line.taskId, line.userId, line.title, line.completedAt]);
  }
  return csv;
}

/** The daily reports of completed tasks, for admins (ADMIN_GROUP members and ADMIN_USERS). */
export function reportsRouter(reports: ReportSource, auth: Authentication): Router {
  const router = Router();
  // Authenticated first (401), then authorised (403).
  const admin = [authenticate(auth), requireAdmin(auth)];

  router.get('/api/reports', ...admin, async (req, res) => {
    const query = parseOrThrow(
      listReportsQuery,
      singleValuedQuery(req.query),
      'invalid query parameters',
      'query',
    );
    res.json(await reports.list(query));
  });
  router.all('/api/reports', methodNotAllowed(['GET', 'HEAD']));

  router.get('/api/reports/:date', ...admin, noQueryParameters, async (req, res) => {
    const { date } = req.params;
    if (typeof date !== 'string' || !isReportDate(date)) {
      throw new HttpError(400, 'invalid report date', [
        { field: 'date', message: 'must be a calendar date written YYYY-MM-DD' },
      ]);
    }
    res.vary('Accept');
    const format = req.accepts(['application/json', 'text/csv']);
    if (format === false) {
      throw new HttpError(406, 'cannot answer in the requested format', [
        { field: 'Accept', message: 'must accept application/json or text/csv' },
      ]);
    }
    const report = await reports.get(date);
    if (report === undefined) {
      throw new HttpError(404, `no report for ${date}`, [
        { field: 'date', message: 'no report has been published for this date' },
      ]);
    }
    if (format === 'text/csv') {
      res
        .attachment(`tasks-completed-${date}.csv`)
        .type('text/csv; charset=utf-8; header=present')
        .send(reportCsv(report.lines));
    } else {
      res.json({ ...report.summary, items: report.lines });
    }
  });
  router.all('/api/reports/:date', methodNotAllowed(['GET', 'HEAD']));
  return router;
}
