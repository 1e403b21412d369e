/**
 * `/commons verify`: the audit chain, and what people read checked against it.
 *
 * The chain alone proves only that the events link up. What members read is the ledger, the tasks and
 * the proposals, kept in their own tables, so each of those is checked against the event that made it:
 * - every `contribution.accepted` event has its ledger entry, equal in task number and title,
 *   contributors and reviewers (user ids, and names where the event carries them), link, license,
 *   time and audit hash; its `ledger_people` rows name the same members in the same roles;
 * - every ledger entry has its event (one added or left behind by hand has none);
 * - every `task.posted` / `proposal.opened` event matches its row (number, title …), and the
 *   community's numbering has an event for every number it gave out: deleting the newest events
 *   leaves tasks or proposals without one.
 * Deleting the newest events that left no such trace is what no check inside the database can see;
 * an anchor can: the head (seq and hash) saved somewhere else earlier must still be in the chain.
 *
 * Paging: a chain can hold a million events, so this is a `PagedRead`. Each step reads one page of
 * at most VERIFY_PAGE events plus, for the events of that page only, the rows they describe; the
 * next step continues after the last seq. Everything is bounded by a snapshot taken in the first
 * step (head seq, last ledger id, the numbering), so events and entries committed meanwhile by other
 * commands are neither checked nor mistaken for strays.
 */
import { and, asc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client.js';
import { audit, communities, ledger, ledgerPeople, members, proposals, tasks } from '../../db/schema.js';
import { GENESIS, hashOf } from './audit.js';
import { PagedRead } from '../shared/paged-read.js';
import { truncate, type Reply } from '../shared/views.js';

/** Events per read transaction. */
export const VERIFY_PAGE = 1000;

export interface Anchor {
  seq: number;
  hash: string;
}

type AuditRow = typeof audit.$inferSelect;

interface Snapshot {
  headSeq: number;
  lastLedgerId: number;
  nextTaskNo: number;
  nextProposalNo: number;
  maxTaskNo: number;
  maxProposalNo: number;
}

interface PersonJson {
  memberId: number;
  userId: string;
  name: string;
}

interface AcceptedData {
  task: number;
  title: string;
  submission: number;
  contributors: string[];
  reviewers: string[];
  link: string | null;
  license: string;
  /** userId → display name at acceptance; events written before names were recorded lack it. */
  names?: Record<string, string>;
}

const q = (v: unknown) => truncate(JSON.stringify(v) ?? 'none', 80);

export class Verifier extends PagedRead {
  private snap?: Snapshot;
  private phase: 'chain' | 'ledger' | 'done' = 'chain';
  private after = 0;
  private prevHash = GENESIS;
  private count = 0;
  private readonly ledgerSeen = new Set<number>();
  private readonly tasksSeen = new Set<number>();
  private readonly proposalsSeen = new Set<number>();
  private entries = 0;
  /** The chain itself does not hold from this event on. */
  private broken?: { seq: number; reason: string };
  /** The first thing people read that does not match its event. */
  private mismatch?: string;
  private anchorOk?: boolean;

  constructor(
    private readonly communityId: number,
    private readonly anchor?: Anchor,
    private readonly page = VERIFY_PAGE,
  ) {
    super();
  }

  async step(db: Db): Promise<Reply | undefined> {
    if (!this.snap) {
      this.snap = await this.snapshot(db);
      return undefined;
    }
    if (this.phase === 'chain') {
      if (await this.chainPage(db, this.snap)) return undefined;
      this.phase = this.broken || this.mismatch ? 'done' : 'ledger';
      return undefined;
    }
    if (this.phase === 'ledger') {
      if (await this.ledgerPage(db, this.snap)) return undefined;
      this.phase = 'done';
      if (!this.mismatch) this.numbering(this.snap);
    }
    return this.reply();
  }

  private async snapshot(db: Db): Promise<Snapshot> {
    const c = (await db.select().from(communities).where(eq(communities.id, this.communityId)).limit(1))[0]!;
    const top = async (
      col: SQLiteColumn,
      table: typeof audit | typeof ledger | typeof tasks | typeof proposals,
    ) =>
      (
        await db
          .select({ n: sql<number>`coalesce(max(${col}), 0)` })
          .from(table)
          .where(eq(table.communityId, this.communityId))
          .limit(1)
      )[0]!.n;
    return {
      headSeq: await top(audit.seq, audit),
      lastLedgerId: await top(ledger.id, ledger),
      nextTaskNo: c.nextTaskNo,
      nextProposalNo: c.nextProposalNo,
      maxTaskNo: await top(tasks.number, tasks),
      maxProposalNo: await top(proposals.number, proposals),
    };
  }

  /** One page of the chain and the rows its events describe. False when the chain is done (or broken). */
  private async chainPage(db: Db, snap: Snapshot): Promise<boolean> {
    const events = await db
      .select()
      .from(audit)
      .where(
        and(eq(audit.communityId, this.communityId), gt(audit.seq, this.after), lte(audit.seq, snap.headSeq)),
      )
      .orderBy(asc(audit.seq))
      .limit(this.page);
    if (events.length === 0) return false;
    for (const e of events) {
      const reason =
        e.seq !== this.count + 1
          ? 'event missing'
          : e.prevHash !== this.prevHash
            ? 'link to the previous event broken'
            : hashOf(e) !== e.hash
              ? 'content does not match its hash'
              : undefined;
      if (reason) {
        this.broken = { seq: this.count + 1, reason };
        return false;
      }
      this.prevHash = e.hash;
      this.count = e.seq;
      if (this.anchor?.seq === e.seq) this.anchorOk = e.hash === this.anchor.hash;
    }
    this.after = events.at(-1)!.seq;
    if (!this.mismatch) await this.checkRows(db, events);
    return true;
  }

  private async checkRows(db: Db, events: AuditRow[]): Promise<void> {
    const of = (type: string) => events.filter((e) => e.type === type);
    const found =
      (await this.checkTasks(db, of('task.posted'))) ??
      (await this.checkProposals(db, of('proposal.opened'))) ??
      (await this.checkAccepted(db, of('contribution.accepted')));
    if (found) this.mismatch = found;
  }

  private async checkTasks(db: Db, events: AuditRow[]): Promise<string | undefined> {
    if (events.length === 0) return undefined;
    const data = events.map((e) => ({
      e,
      d: JSON.parse(e.data) as { task: number; title: string; license: string },
    }));
    const rows = await db
      .select({ number: tasks.number, title: tasks.title, license: tasks.license })
      .from(tasks)
      .where(
        and(
          eq(tasks.communityId, this.communityId),
          inArray(
            tasks.number,
            data.map((x) => x.d.task),
          ),
        ),
      );
    const byNo = new Map(rows.map((r) => [r.number, r]));
    for (const { e, d } of data) {
      const where = `task #${d.task} (event #${e.seq}, task.posted)`;
      if (this.tasksSeen.has(d.task)) return `${where}: a second task.posted event for the same number`;
      this.tasksSeen.add(d.task);
      const row = byNo.get(d.task);
      if (!row) return `${where}: the task is missing from the tasks table`;
      const diff = differ({ title: [row.title, d.title], license: [row.license, d.license] });
      if (diff) return `${where}: ${diff}`;
    }
    return undefined;
  }

  private async checkProposals(db: Db, events: AuditRow[]): Promise<string | undefined> {
    if (events.length === 0) return undefined;
    type Opened = { proposal: number; title: string; rule: string; quorum: number };
    const data = events.map((e) => ({ e, d: JSON.parse(e.data) as Opened }));
    const rows = await db
      .select({
        number: proposals.number,
        title: proposals.title,
        rule: proposals.rule,
        quorum: proposals.quorum,
      })
      .from(proposals)
      .where(
        and(
          eq(proposals.communityId, this.communityId),
          inArray(
            proposals.number,
            data.map((x) => x.d.proposal),
          ),
        ),
      );
    const byNo = new Map(rows.map((r) => [r.number, r]));
    for (const { e, d } of data) {
      const where = `proposal P${d.proposal} (event #${e.seq}, proposal.opened)`;
      if (this.proposalsSeen.has(d.proposal))
        return `${where}: a second proposal.opened event for the same number`;
      this.proposalsSeen.add(d.proposal);
      const row = byNo.get(d.proposal);
      if (!row) return `${where}: the proposal is missing from the proposals table`;
      const diff = differ({
        title: [row.title, d.title],
        rule: [row.rule, d.rule],
        quorum: [row.quorum, d.quorum],
      });
      if (diff) return `${where}: ${diff}`;
    }
    return undefined;
  }

  private async checkAccepted(db: Db, events: AuditRow[]): Promise<string | undefined> {
    if (events.length === 0) return undefined;
    const data = events.map((e) => ({ e, d: JSON.parse(e.data) as AcceptedData }));
    const rows = await db
      .select({ l: ledger, number: tasks.number, title: tasks.title })
      .from(ledger)
      .leftJoin(tasks, eq(tasks.id, ledger.taskId))
      .where(
        and(
          eq(ledger.communityId, this.communityId),
          inArray(
            ledger.submissionId,
            data.map((x) => x.d.submission),
          ),
        ),
      );
    // One row per entry: its people as "role:memberId:userId", in any order.
    const people = await db
      .select({
        ledgerId: ledgerPeople.ledgerId,
        list: sql<string>`group_concat(${ledgerPeople.role} || ':' || ${ledgerPeople.memberId} || ':' || coalesce(${members.userId}, '?'), char(10))`,
      })
      .from(ledgerPeople)
      .leftJoin(members, eq(members.id, ledgerPeople.memberId))
      .where(inArray(ledgerPeople.ledgerId, rows.length ? rows.map((r) => r.l.id) : [-1]))
      .groupBy(ledgerPeople.ledgerId);
    const bySub = new Map(rows.map((r) => [r.l.submissionId, r]));
    const peopleOf = new Map(people.map((p) => [p.ledgerId, p.list.split('\n').sort()]));
    for (const { e, d } of data) {
      const where = `ledger entry for task #${d.task} (event #${e.seq}, contribution.accepted)`;
      const row = bySub.get(d.submission);
      if (!row) return `${where}: the ledger has no entry for it`;
      this.ledgerSeen.add(row.l.id);
      this.entries++;
      const problem = compareEntry(row, e, d, peopleOf.get(row.l.id) ?? []);
      if (problem) return `${where}: ${problem}`;
    }
    return undefined;
  }

  /** One page of ledger ids: every entry up to the snapshot must belong to an event of the chain. */
  private async ledgerPage(db: Db, snap: Snapshot): Promise<boolean> {
    const from = this.ledgerAfter;
    const ids = await db
      .select({ id: ledger.id, number: tasks.number })
      .from(ledger)
      .leftJoin(tasks, eq(tasks.id, ledger.taskId))
      .where(
        and(eq(ledger.communityId, this.communityId), gt(ledger.id, from), lte(ledger.id, snap.lastLedgerId)),
      )
      .orderBy(asc(ledger.id))
      .limit(this.page);
    for (const r of ids) {
      if (!this.ledgerSeen.has(r.id)) {
        this.mismatch = `ledger entry for task #${r.number ?? '?'}: no contribution.accepted event in the audit chain has it (added by hand, or its event deleted)`;
        return false;
      }
    }
    if (ids.length < this.page) return false;
    this.ledgerAfter = ids.at(-1)!.id;
    return true;
  }

  private ledgerAfter = 0;

  /** Each number the community gave out has its event; none beyond the numbering exists. */
  private numbering(snap: Snapshot): void {
    const gap = (seen: Set<number>, next: number) => {
      for (let n = 1; n < next; n++) if (!seen.has(n)) return n;
      return undefined;
    };
    const t = gap(this.tasksSeen, snap.nextTaskNo);
    const p = gap(this.proposalsSeen, snap.nextProposalNo);
    if (t !== undefined)
      this.mismatch = `task #${t} was numbered (the community is at #${snap.nextTaskNo - 1}) but has no task.posted event: the newest audit events may have been deleted`;
    else if (p !== undefined)
      this.mismatch = `proposal P${p} was numbered (the community is at P${snap.nextProposalNo - 1}) but has no proposal.opened event: the newest audit events may have been deleted`;
    else if (snap.maxTaskNo >= snap.nextTaskNo)
      this.mismatch = `task #${snap.maxTaskNo} is beyond the community's numbering (#${snap.nextTaskNo - 1})`;
    else if (snap.maxProposalNo >= snap.nextProposalNo)
      this.mismatch = `proposal P${snap.maxProposalNo} is beyond the community's numbering (P${snap.nextProposalNo - 1})`;
  }

  private reply(): Reply {
    const head = `${this.count} events, head #${this.count} ${this.count ? this.prevHash : GENESIS}`;
    const lines: string[] = [];
    if (this.broken) {
      lines.push(
        `Audit chain BROKEN at event #${this.broken.seq}: ${this.broken.reason}. The ${this.count} events before it verify (head #${this.count} ${this.prevHash}).`,
      );
    } else if (this.mismatch) {
      lines.push(`Audit check FAILED: ${this.mismatch}.`, `The chain itself links up: ${head}.`);
    } else {
      lines.push(
        `Audit chain intact: ${head}.`,
        `The ledger (${this.entries} entries, with their tasks and people), ${this.tasksSeen.size} tasks and ${this.proposalsSeen.size} proposals match their events.`,
      );
    }
    if (this.anchor) lines.push(this.anchorLine(this.anchor));
    else if (!this.broken && this.count > 0)
      lines.push(
        `Save this head outside Ostrom; later, \`/commons verify ${this.count}:${this.prevHash}\` shows whether the chain still holds it.`,
      );
    return { private: true, text: lines.join('\n') };
  }

  private anchorLine(a: Anchor): string {
    const at = `Anchor #${a.seq} ${a.hash}`;
    if (this.anchorOk === true) return `${at}: still in the chain.`;
    if (this.anchorOk === false) return `${at}: DOES NOT MATCH: event #${a.seq} has a different hash now.`;
    if (this.broken && a.seq >= this.broken.seq) return `${at}: not checked, the chain breaks before it.`;
    return `${at}: MISSING: the chain has only ${this.count} events, so events after #${this.count} were deleted.`;
  }
}

/** "title is "a" in the table, "b" in the audit event", for the first field that differs. */
function differ(fields: Record<string, [unknown, unknown]>): string | undefined {
  for (const [name, [row, event]] of Object.entries(fields)) {
    if (JSON.stringify(row) !== JSON.stringify(event))
      return `${name} is ${q(row)} in the database but ${q(event)} in the audit event`;
  }
  return undefined;
}

type LedgerRow = { l: typeof ledger.$inferSelect; number: number | null; title: string | null };

function compareEntry(row: LedgerRow, e: AuditRow, d: AcceptedData, people: string[]): string | undefined {
  let contributors: PersonJson[];
  let reviewers: PersonJson[];
  try {
    contributors = JSON.parse(row.l.contributors) as PersonJson[];
    reviewers = JSON.parse(row.l.reviewers) as PersonJson[];
  } catch {
    return 'its contributors or reviewers are not readable';
  }
  const ids = (ps: PersonJson[]) => ps.map((p) => p.userId);
  const diff = differ({
    'task number': [row.number, d.task],
    title: [row.title, d.title],
    contributors: [ids(contributors), d.contributors],
    reviewers: [ids(reviewers), d.reviewers],
    link: [row.l.link, d.link],
    license: [row.l.license, d.license],
    accepted_at: [new Date(row.l.acceptedAt).toISOString(), new Date(e.at).toISOString()],
    audit_hash: [row.l.auditHash, e.hash],
  });
  if (diff) return diff;
  if (d.names) {
    for (const p of [...contributors, ...reviewers]) {
      const named = differ({ [`the name of ${p.userId}`]: [p.name, d.names[p.userId]] });
      if (named) return named;
    }
  }
  // ledger_people (what profiles count) must name the same members, whose user ids are the event's.
  const expected = [
    ...contributors.map((p) => `contributor:${p.memberId}:${p.userId}`),
    ...reviewers.map((p) => `reviewer:${p.memberId}:${p.userId}`),
  ].sort();
  if (JSON.stringify(expected) !== JSON.stringify(people))
    return `ledger_people has ${q(people.join(', '))} but the entry names ${q(expected.join(', '))} (role:member:user)`;
  return undefined;
}
