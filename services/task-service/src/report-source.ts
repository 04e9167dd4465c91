import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  getReport,
  listReportSummaries,
  ReportChangedError,
  type ReportLine,
  type ReportPage,
  type ReportSummary,
} from '@task-manager/task-store';

export interface FullReport {
  summary: ReportSummary;
  lines: ReportLine[];
}

/** The reports task-service serves: read-only, through the batch job's report store. */
export interface ReportSource {
  list(query: { limit: number; cursor?: string | undefined }): Promise<ReportPage>;
  /** The whole published report of a date, or undefined when there is none. */
  get(date: string): Promise<FullReport | undefined>;
}

export function dynamoReportSource(doc: DynamoDBDocumentClient, tableName: string): ReportSource {
  async function readOnce(date: string): Promise<FullReport | undefined> {
    const report = await getReport(doc, tableName, date);
    if (report === undefined) return undefined;
    const lines: ReportLine[] = [];
    for await (const line of report.lines) lines.push(line);
    return { summary: report.summary, lines };
  }

  return {
    list: (query) => listReportSummaries(doc, tableName, query),
    async get(date) {
      try {
        return await readOnce(date);
      } catch (error) {
        // A re-run replaced the report while we read it: the new one is complete, read that.
        if (error instanceof ReportChangedError) return readOnce(date);
        throw error;
      }
    },
  };
}
