/**
 * What counts as text in a task. A title is one line of something a person can read; the
 * contents may also hold line breaks and tabs. Both must be well-formed Unicode and must not
 * carry control characters (NUL, BEL, ESC, DEL, the C1 range: they corrupt terminals, CSV
 * files and logs) or noncharacters (reserved by Unicode for internal use, never interchanged).
 * A value made only of spaces and invisible characters (zero-width space, word joiner, BOM…)
 * shows up as nothing at all, so it is refused too; such characters inside real text (the
 * zero-width joiner of an emoji sequence) are fine.
 */

export type TextKind = 'title' | 'contents';

export type TextProblem = 'malformed' | 'control' | 'invisible';

// Cc is C0 (U+0000–U+001F), DEL and C1 (U+0080–U+009F). U+2028/U+2029 are line breaks too.
const TITLE_FORBIDDEN = /[\p{Cc}\u2028\u2029\p{Noncharacter_Code_Point}]/u;
const CONTENTS_FORBIDDEN = /(?![\t\n\r])\p{Cc}|\p{Noncharacter_Code_Point}/u;
// With the u flag a lone surrogate is a code point of its own; a proper pair is one astral one.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const VISIBLE = /[^\p{White_Space}\p{Default_Ignorable_Code_Point}]/u;

export const TEXT_PROBLEM_MESSAGES: Readonly<Record<TextKind, Record<TextProblem, string>>> = {
  title: {
    malformed: 'must be valid Unicode text',
    control: 'must not contain control characters or line breaks',
    invisible: 'must contain at least one visible character',
  },
  contents: {
    malformed: 'must be valid Unicode text',
    control: 'must not contain control characters other than line breaks and tabs',
    invisible: 'must contain at least one visible character, or be empty',
  },
};

/** Why `value` is not valid text of this kind, or undefined when it is. "" is the caller's call. */
export function textProblem(value: string, kind: TextKind): TextProblem | undefined {
  if (LONE_SURROGATE.test(value)) return 'malformed';
  if ((kind === 'title' ? TITLE_FORBIDDEN : CONTENTS_FORBIDDEN).test(value)) return 'control';
  if (value !== '' && !VISIBLE.test(value)) return 'invisible';
  return undefined;
}
