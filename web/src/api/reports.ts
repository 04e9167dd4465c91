import { send, sendJson } from './http';
import type { Page, ReportQuery, ReportSummary } from './types';

export async function listReports(
  query: ReportQuery,
  signal?: AbortSignal,
): Promise<Page<ReportSummary>> {
  const { data } = await sendJson<Page<ReportSummary>>('/reports', { query, signal });
  return data;
}

/** One day's report as CSV (RFC 4180, UTF-8, header taskId,userId,title,completedAt). */
export async function fetchReportCsv(date: string): Promise<Blob> {
  const { response } = await send(`/reports/${encodeURIComponent(date)}`, {
    accept: 'text/csv',
  });
  return response.blob();
}
