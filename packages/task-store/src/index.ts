export * from './client.ts';
export * from './config.ts';
export * from './create-tables.ts';
export * from './schema.ts';
export * from './batch-write.ts';
export * from './completed-tasks.ts';
export * from './idempotent-creates.ts';
export * from './query-pages.ts';
export * from './cursor-codec.ts';
// The item codecs (summaryKey, parseSummary, parseLine) stay inside the package.
export {
  isPartialReport,
  REPORT_PER_USER_LIMIT,
  isReportDate,
  type Report,
  type ReportLine,
  type ReportPage,
  type ReportSummary,
  type UserCount,
} from './report-item.ts';
export * from './report-reader.ts';
export * from './report-writer.ts';
export * from './task-cursor.ts';
export * from './task-errors.ts';
export * from './task-item.ts';
export * from './task-repository.ts';
export * from './retry-until-deadline.ts';
export * from './dynamo-errors.ts';
export * from './user-names.ts';
