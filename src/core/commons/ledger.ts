/** The commons ledger and member profiles: latest first, counts on top, cut with "and N more". */
import { and, count, countDistinct, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { fixedLimit, prepared } from '../../db/prepared.js';
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
 * The ids of the ledger entries of the member `member` (a placeholder), newest first, from the
 * (community, member, ledger id) index alone; `limit` stops the walk at what is shown.
 */
function entryIdsOf(d: Db, limit?: number) {
  const q = d
    .selectDistinct({ id: ledgerPeople.ledgerId })
    .from(ledgerPeople)
    .where(
      and(
        eq(ledgerPeople.communityId, sql.placeholder('community')),
        eq(ledgerPeople.memberId, sql.placeholder('member')),
      ),
    )
    .orderBy(desc(ledgerPeople.ledgerId));
  return limit ? q.limit(fixedLimit(limit)) : q;
}

/**
 * Ledger entries, newest first; `member` narrows to entries they took part in. The order is the id's,
 * read from the (community, id) index, so a limit reads only the entries shown. One prepared query per
 * shape of the options (the ledger and profiles are hot commands).
 */
export async function ledgerEntries(
  ctx: Ctx,
  opts: { member?: MemberRow; limit?: number; newestFirst?: boolean } = {},
): Promise<LedgerEntry[]> {
  const oldest = opts.newestFirst === false;
  const shape = `${opts.member ? 'member' : 'all'}.${opts.limit ?? 'unlimited'}.${oldest ? 'oldest' : 'newest'}`;
  const q = prepared(
    ctx.db,
    `ledger.entries.${shape}`,
    (d) => {
      const conds = [eq(ledger.communityId, sql.placeholder('community'))];
      if (opts.member) conds.push(inArray(ledger.id, entryIdsOf(d, opts.limit)));
      const q = d
        .select({ l: ledger, number: tasks.number, title: tasks.title })
        .from(ledger)
        .innerJoin(tasks, eq(tasks.id, ledger.taskId))
        .where(and(...conds))
        .orderBy(oldest ? ledger.id : desc(ledger.id));
      return opts.limit ? q.limit(fixedLimit(opts.limit)) : q;
    },
    // Planned for each community on PostgreSQL (see PrepareOptions): a generic plan walked the primary
    // key back past a larger community's newer entries to find a small community's.
    { genericPlan: false },
  );
  const rows = await q.execute({ community: ctx.community.id, member: opts.member?.id ?? null });
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
  const q = prepared(ctx.db, `ledger.count.${role ?? 'any'}`, (d) =>
    d
      .select({ n: role ? count() : countDistinct(ledgerPeople.ledgerId) })
      .from(ledgerPeople)
      .where(
        and(
          eq(ledgerPeople.communityId, sql.placeholder('community')),
          eq(ledgerPeople.memberId, sql.placeholder('member')),
          role ? eq(ledgerPeople.role, role) : undefined,
        ),
      ),
  );
  return (await q.execute({ community: ctx.community.id, member: member.id }))[0]!.n;
}

/** A member's votes by target type: one per target (a ✅ and a 👍 on one card are one vote, as in the tally). */
const votesByType = (db: Db) =>
  prepared(db, 'profile.votes', (d) =>
    d
      .select({ t: voteMarks.targetType, n: countDistinct(voteMarks.targetId) })
      .from(voteMarks)
      .where(
        and(
          eq(voteMarks.communityId, sql.placeholder('community')),
          eq(voteMarks.memberId, sql.placeholder('member')),
        ),
      )
      .groupBy(voteMarks.targetType),
  );

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
  const votes = await votesByType(ctx.db).execute({ community: ctx.community.id, member: member.id });
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
