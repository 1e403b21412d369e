/** The commons ledger and member profiles: latest first, counts on top, cut with "and N more". */
import { and, count, countDistinct, desc, eq, inArray } from 'drizzle-orm';
import { ledger, ledgerPeople, tasks, voteMarks } from '../../db/schema.js';
import { findMemberByName } from '../community/community.js';
import { actorOf, type Ctx, type MemberRow } from '../shared/context.js';
import { nameList, truncate, type Reply } from '../shared/views.js';

const SHOW = 15;
/** A reply fits one Discord message (2000) with room to spare. */
export const REPLY_MAX = 1900;

export interface Person {
  memberId: number;
  userId: string;
  name: string;
}

export interface LedgerEntry {
  id: number;
  taskNumber: number;
  title: string;
  contributors: Person[];
  reviewers: Person[];
  link: string | null;
  license: string;
  acceptedAt: number;
  auditHash: string;
}

/**
 * The ids of a member's ledger entries, newest first, from the (community, member, ledger id) index
 * alone; `limit` stops the walk at what is shown.
 */
function entryIdsOf(ctx: Ctx, member: MemberRow, limit?: number) {
  const q = ctx.db
    .selectDistinct({ id: ledgerPeople.ledgerId })
    .from(ledgerPeople)
    .where(and(eq(ledgerPeople.communityId, ctx.community.id), eq(ledgerPeople.memberId, member.id)))
    .orderBy(desc(ledgerPeople.ledgerId));
  return limit ? q.limit(limit) : q;
}

/**
 * Ledger entries, newest first; `member` narrows to entries they took part in. The order is the id's,
 * read from the (community, id) index, so a limit reads only the entries shown.
 */
export async function ledgerEntries(
  ctx: Ctx,
  opts: { member?: MemberRow; limit?: number; newestFirst?: boolean } = {},
): Promise<LedgerEntry[]> {
  const conds = [eq(ledger.communityId, ctx.community.id)];
  if (opts.member) conds.push(inArray(ledger.id, entryIdsOf(ctx, opts.member, opts.limit)));
  const q = ctx.db
    .select({ l: ledger, number: tasks.number, title: tasks.title })
    .from(ledger)
    .innerJoin(tasks, eq(tasks.id, ledger.taskId))
    .where(and(...conds))
    .orderBy(opts.newestFirst === false ? ledger.id : desc(ledger.id));
  const rows = opts.limit ? await q.limit(opts.limit) : await q;
  return rows.map(({ l, number, title }) => ({
    id: l.id,
    taskNumber: number,
    title,
    contributors: JSON.parse(l.contributors) as Person[],
    reviewers: JSON.parse(l.reviewers) as Person[],
    link: l.link,
    license: l.license,
    acceptedAt: l.acceptedAt,
    auditHash: l.auditHash,
  }));
}

/**
 * Entries of the community (its row's count), or those a member took part in (in a role): a member's
 * are counted on `ledger_people` alone, one row per (entry, member, role), so the cost follows their
 * entries.
 */
async function ledgerCount(ctx: Ctx, member?: MemberRow, role?: 'contributor' | 'reviewer'): Promise<number> {
  // The community's count is kept on its row (read with it at the start of the unit): counting every
  // entry cost ~2 ms at 85,000 entries, the whole of the ledger's growth with the community's size.
  if (!member) return ctx.community.ledgerEntries;
  const conds = [eq(ledgerPeople.communityId, ctx.community.id), eq(ledgerPeople.memberId, member.id)];
  if (role) conds.push(eq(ledgerPeople.role, role));
  return (
    await ctx.db
      .select({ n: role ? count() : countDistinct(ledgerPeople.ledgerId) })
      .from(ledgerPeople)
      .where(and(...conds))
      .limit(1)
  )[0]!.n;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const names = (ps: Person[]) =>
  nameList(
    ps.map((p) => truncate(p.name.replace(/\s+/g, ' '), 40)),
    3,
  );

function entryLine(e: LedgerEntry): string {
  const link = e.link ? ` · ${truncate(e.link, 100)}` : '';
  return `#${e.taskNumber} ${truncate(e.title.replace(/\s+/g, ' '), 80)} — by ${names(e.contributors)}; reviewed by ${names(e.reviewers)}; ${e.license}; ${day(e.acceptedAt)}${link}`;
}

const moreEntries = (n: number) => `…and ${n} more (\`/commons export\` has them all)`;

/** `head`, then as many lines as fit in REPLY_MAX, then "…and N more" counting every entry not shown. */
export function fitReply(head: string, lines: string[], total: number, more: (n: number) => string): string {
  let text = head;
  let shown = 0;
  for (const line of lines) {
    const rest = total - shown - 1;
    const tail = rest > 0 ? `\n${more(rest)}` : '';
    if (text.length + 1 + line.length + tail.length > REPLY_MAX) break;
    text += `\n${line}`;
    shown++;
  }
  return total > shown ? `${text}\n${more(total - shown)}` : text;
}

export async function showLedger(ctx: Ctx, memberName?: string): Promise<Reply> {
  const member = memberName ? await findMemberByName(ctx, memberName) : undefined;
  const total = await ledgerCount(ctx, member);
  const whose = member ? ` with ${member.displayName}` : '';
  if (total === 0) return { private: true, text: `No accepted contributions${whose} yet.` };
  const lines = (await ledgerEntries(ctx, { member, limit: SHOW })).map(entryLine);
  const head = `Commons ledger${whose}: ${total} accepted contribution${total === 1 ? '' : 's'}, latest first:`;
  return { private: true, text: fitReply(head, lines, total, moreEntries) };
}

export async function showProfile(ctx: Ctx, memberName?: string): Promise<Reply> {
  const member = memberName ? await findMemberByName(ctx, memberName) : actorOf(ctx);
  const contributed = await ledgerCount(ctx, member, 'contributor');
  const reviewed = await ledgerCount(ctx, member, 'reviewer');
  const votes = await ctx.db
    // One vote per member per target: a ✅ and a 👍 on one card are one vote, as in the tally.
    .select({ t: voteMarks.targetType, n: countDistinct(voteMarks.targetId) })
    .from(voteMarks)
    .where(and(eq(voteMarks.communityId, ctx.community.id), eq(voteMarks.memberId, member.id)))
    .groupBy(voteMarks.targetType);
  const votesOf = (t: string) => votes.find((v) => v.t === t)?.n ?? 0;
  const head = `${member.displayName}: ${plural(contributed, 'contribution')}, ${plural(reviewed, 'accepted review')}, ${plural(votesOf('submission'), 'review vote')} and ${plural(votesOf('proposal'), 'proposal vote')} cast. Member since ${day(member.joinedAt)}.`;
  const recent = (await ledgerEntries(ctx, { member, limit: SHOW })).map(entryLine);
  if (recent.length === 0) return { private: true, text: head };
  const total = await ledgerCount(ctx, member);
  return { private: true, text: fitReply(`${head}\nLatest:`, recent, total, moreEntries) };
}

/** `1 contribution`, `2 contributions`. */
function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
