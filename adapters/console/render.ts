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
