/**
 * CSV as RFC 4180 describes it: CRLF line ends, and a field in double quotes when it holds
 * a comma, a double quote, CR or LF, with its double quotes doubled. Everything else is
 * written as it is (UTF-8 when sent), so titles in any script survive a round trip.
 */
const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvRow(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}
