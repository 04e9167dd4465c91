/**
 * Daily reports as the reports table stores them (schema.ts lays out the keys), and the shapes
 * they are read into: a date's summary item names the run whose line items make up the report.
 * report-writer.ts publishes them; report-reader.ts reads them.
 */
import type { StoredItem } from './query-pages.ts';
import { REPORT_SUMMARY_SK, reportPartitionKey } from './schema.ts';

export interface UserCount {
  userId: string;
  /** The person's display name when the report was published; the id when none was known. */
  name: string;
  count: number;
}

/**
 * The most people a report names with their counts: those who completed the most (ties by id).
 * A summary is one DynamoDB item, at most 400 KB, so it cannot name everyone on a day thousands
 * completed something; `users` still counts them all, and the lines name every one.
 */
export const REPORT_PER_USER_LIMIT = 100;

/** What a report says about its day. */
export interface ReportSummary {
  /** The reported calendar day, YYYY-MM-DD, in `timeZone`. */
  date: string;
  /** The IANA time zone that defines the day's bounds. */
  timeZone: string;
  /** Number of tasks completed that day (= number of lines). */
  count: number;
  /** How many people completed at least one task that day. */
  users: number;
  /**
   * Tasks completed per user, for the REPORT_PER_USER_LIMIT who completed the most, sorted by
   * userId; users with none are absent.
   */
  perUser: UserCount[];
  /** The instant the report is as of: when its run began reading (UTC ISO 8601). */
  generatedAt: string;
  /**
   * True when the report was made before its day ended, so tasks completed later that day are
   * missing. A run after the day's end replaces it with the complete report.
   */
  partial: boolean;
}

/** A report is partial when it was generated before the end of the day it reports. */
export function isPartialReport(generatedAt: string, windowEnd: string): boolean {
  return Date.parse(generatedAt) < Date.parse(windowEnd);
}

/** One task completed on the reported day. */
export interface ReportLine {
  taskId: string;
  userId: string;
  title: string;
  /** UTC ISO 8601. */
  completedAt: string;
}

export interface Report {
  summary: ReportSummary;
  /** The day's tasks in completion order, read page by page as they are iterated. */
  lines: AsyncIterable<ReportLine>;
}

export interface ReportPage {
  items: ReportSummary[];
  nextCursor: string | null;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD (so 2026-02-30 is not one). */
export function isReportDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

export function summaryKey(date: string): { pk: string; sk: string } {
  return { pk: reportPartitionKey(date), sk: REPORT_SUMMARY_SK };
}

export interface StoredSummary {
  summary: ReportSummary;
  runId: string;
}

export function parseSummary(item: StoredItem): StoredSummary {
  const perUser = (item.perUser as UserCount[] | undefined) ?? [];
  return {
    summary: {
      date: String(item.date),
      timeZone: String(item.timeZone),
      count: Number(item.count),
      // Reports published before the limit named every user: their list is the count.
      users: typeof item.users === 'number' ? item.users : perUser.length,
      // Reports published before names were recorded have none: the id stands in.
      perUser: perUser.map(({ userId, name, count }) => ({
        userId,
        name: typeof name === 'string' && name !== '' ? name : userId,
        count: Number(count),
      })),
      generatedAt: String(item.generatedAt),
      // windowEnd is stored with every summary, so reports made before this field existed
      // are judged by the same rule.
      partial: isPartialReport(String(item.generatedAt), String(item.windowEnd)),
    },
    runId: String(item.runId),
  };
}

export function parseLine(item: StoredItem): ReportLine {
  return {
    taskId: String(item.taskId),
    userId: String(item.userId),
    title: String(item.title),
    completedAt: String(item.completedAt),
  };
}
