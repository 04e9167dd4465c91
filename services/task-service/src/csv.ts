/**
 * CSV for people who open it in a spreadsheet.
 *
 * - RFC 4180: CRLF line ends, and a field in double quotes when it holds a comma, a double
 *   quote, CR or LF, with its double quotes doubled.
 * - No formulas: a cell that begins with =, +, -, @, tab, CR or LF (or their full-width forms,
 *   which Japanese spreadsheets may read the same way) would be evaluated by Excel, LibreOffice
 *   or Google Sheets, so a task title could run a formula on the admin's machine. As OWASP's
 *   CSV-injection guidance says, such a cell gets a leading single quote and is quoted.
 *   https://owasp.org/www-community/attacks/CSV_Injection
 * - UTF-8 with a byte-order mark: without it Excel reads the file in the system's legacy code
 *   page and Japanese titles come out garbled; with it every spreadsheet reads UTF-8.
 *
 * Only the CSV is changed; the JSON report keeps every title exactly as it was written.
 */
const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/;

export const UTF8_BOM = '\uFEFF';

export function csvField(value: string): string {
  if (FORMULA_START.test(value)) return `"'${value.replaceAll('"', '""')}"`;
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvRow(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}
