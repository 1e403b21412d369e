/** Views as plain text lines for a terminal or a pipe. */
import type { View } from '../../src/core/index.js';

const INDENT = '     ';

export function renderView(view: View): string[] {
  const lines = [view.title];
  if (view.description) lines.push(...view.description.split('\n'));
  const inline = view.fields.filter((f) => f.inline).map((f) => `${f.name}: ${f.value}`);
  if (inline.length) lines.push(inline.join(' | '));
  for (const f of view.fields.filter((x) => !x.inline)) lines.push(...`${f.name}: ${f.value}`.split('\n'));
  if (view.footer) lines.push(view.footer);
  if (view.buttons?.length) lines.push(view.buttons.map((b) => `[${b.label}]`).join(' '));
  return lines;
}

/** `[m7] #general · header` followed by indented lines. */
export function block(ref: string, header: string, lines: string[]): string {
  const [first, ...rest] = lines;
  return [`[${ref}] ${header}${first ?? ''}`, ...rest.map((l) => INDENT + l)].join('\n');
}

/**
 * Control characters a terminal would act on: C0 (but newline), DEL, C1, and the BiDi overrides and
 * isolates that reorder what is shown. User text reaches the terminal only through this.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text with every unsafe character shown as a visible escape (`\x1b`, `\u202e`) instead. */
export function safeText(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
