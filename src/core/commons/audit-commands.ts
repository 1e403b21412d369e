/** `/commons audit` and `/commons verify`: the record of every change, and its check. */
import { recentAudit } from './audit.js';
import type { Ctx } from '../shared/context.js';
import type { Reply } from '../shared/views.js';
import { Verifier, type Anchor } from './verify.js';

export async function auditList(ctx: Ctx, n = 10): Promise<Reply> {
  const rows = await recentAudit(ctx.db, ctx.community.id, n);
  if (rows.length === 0) return { private: true, text: 'The audit log is empty.' };
  const lines = rows.map(
    (r) =>
      `#${r.seq} ${new Date(r.at).toISOString()} ${r.type} by ${r.actor ?? 'Ostrom'} ${readableData(r.data)} · ${r.hash.slice(0, 12)}`,
  );
  return { private: true, text: `Last ${rows.length} audit events, newest first:\n${lines.join('\n')}` };
}

/** Checks in pages after the command's transaction (see verify.ts): the chain can be long. */
export function verify(ctx: Ctx, anchor?: Anchor): Verifier {
  return new Verifier(ctx.community.id, anchor);
}

/**
 * An event's data as people read it: instants (`closesAt`, `expiresAt` …, stored as epoch ms) shown as
 * ISO times. Display only: the stored data, which the hash covers, is unchanged.
 */
function readableData(data: string): string {
  return data.replace(
    /"(\w*At)":(\d{12,})/g,
    (_m, key: string, ms: string) => `"${key}":"${new Date(Number(ms)).toISOString()}"`,
  );
}
