/** How a check words a difference between a row and the event that made it. */
import { truncate } from '../../shared/views.js';

/** A value as the report quotes it: JSON, cut short. */
export const q = (v: unknown) => truncate(JSON.stringify(v) ?? 'none', 80);

/** "title is "a" in the table, "b" in the audit event", for the first field that differs. */
export function differ(fields: Record<string, [unknown, unknown]>): string | undefined {
  for (const [name, [row, event]] of Object.entries(fields)) {
    if (JSON.stringify(row) !== JSON.stringify(event))
      return `${name} is ${q(row)} in the database but ${q(event)} in the audit event`;
  }
  return undefined;
}
