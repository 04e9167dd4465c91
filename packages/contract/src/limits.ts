/**
 * Field limits of a task. Lengths count characters as people do (Unicode code points, so an
 * emoji is one), and the title is counted after trimming, because the API stores it trimmed.
 */
export const TITLE_MAX = 100;
export const CONTENTS_MAX = 2000;

export function characterCount(value: string): number {
  return Array.from(value).length;
}
