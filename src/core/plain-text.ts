/**
 * User text is plain text. What a member types reaches cards, terminals, exports and other members'
 * screens, so characters that are not text are dealt with once, at input:
 * - line breaks and tabs are whitespace: a single-line field (a title) gets one space for each run of
 *   them; a multi-line field (description, body, note) keeps its line breaks as `\n`;
 * - every other control character (C0, DEL, C1: ESC, BEL, NUL …) and the BiDi embeddings, overrides
 *   and isolates (U+202A–U+202E, U+2066–U+2069), which can make text read as something else, are
 *   refused in options (the member is told which) and dropped from display names (which the
 *   platform gives us and nobody can retype).
 */

/** Line breaks: CRLF, CR, LF, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR. */
const LINE_BREAK = /\r\n|[\n\r\u0085\u2028\u2029]/g;
/** Tab, vertical tab, form feed: spacing, not content. */
const SPACING = /[\t\v\f]/g;
/** Not text: C0 controls other than the whitespace above, DEL, C1, BiDi embeddings/overrides/isolates. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_TEXT = /[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f\u202a-\u202e\u2066-\u2069]/u;
const NOT_TEXT_ALL = new RegExp(NOT_TEXT.source, 'gu');

/** Line breaks and tabs as plain whitespace: one space each run on one line, `\n` in multi-line text. */
export function foldWhitespace(s: string, multiline: boolean): string {
  if (multiline) return s.replace(LINE_BREAK, '\n').replace(SPACING, ' ');
  return s.replace(/(?:\r\n|[\n\r\u0085\u2028\u2029\t\v\f])+/g, ' ');
}

/** The first character that is not text, as `U+001B`, or undefined. */
export function firstNonText(s: string): string | undefined {
  const m = NOT_TEXT.exec(s);
  return m ? visible(m[0]) : undefined;
}

/** For text nobody can retype (display names): not-text characters dropped, one line, trimmed. */
export function plainLine(s: string): string {
  return foldWhitespace(s.replace(NOT_TEXT_ALL, ''), false).trim();
}

/** Text echoed back to the member (an unknown word in an error): each not-text character shown as `U+001B`. */
export function visible(s: string): string {
  return s.replace(NOT_TEXT_ALL, (c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
}
