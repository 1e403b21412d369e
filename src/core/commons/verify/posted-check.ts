/** Every `task.posted` / `proposal.opened` event matches its row, and no number is posted twice. */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { proposals, tasks } from '../../../db/schema.js';
import { differ } from './differ.js';
import type { AuditRow } from './types.js';

type Posted = { task: number; title: string; license: string };
type Opened = { proposal: number; title: string; rule: string; quorum: number };
type TaskSeen = Pick<Posted, 'title' | 'license'> & { number: number };
type ProposalSeen = Pick<Opened, 'title' | 'rule' | 'quorum'> & { number: number };

function parsed<T>(events: AuditRow[]): { e: AuditRow; d: T }[] {
  return events.map((e) => ({ e, d: JSON.parse(e.data) as T }));
}

async function taskRows(db: Db, communityId: number, numbers: number[]): Promise<Map<number, TaskSeen>> {
  const rows = await db
    .select({ number: tasks.number, title: tasks.title, license: tasks.license })
    .from(tasks)
    .where(and(eq(tasks.communityId, communityId), inArray(tasks.number, numbers)));
  return new Map(rows.map((r) => [r.number, r]));
}

async function proposalRows(
  db: Db,
  communityId: number,
  numbers: number[],
): Promise<Map<number, ProposalSeen>> {
  const rows = await db
    .select({
      number: proposals.number,
      title: proposals.title,
      rule: proposals.rule,
      quorum: proposals.quorum,
    })
    .from(proposals)
    .where(and(eq(proposals.communityId, communityId), inArray(proposals.number, numbers)));
  return new Map(rows.map((r) => [r.number, r]));
}

/** What is checked of one kind of numbered thing: tasks by `task.posted`, proposals by `proposal.opened`. */
interface PostedKind<D, R> {
  event: string;
  table: string;
  noun: string;
  label: (n: number) => string;
  numberOf: (d: D) => number;
  rows: (db: Db, communityId: number, numbers: number[]) => Promise<Map<number, R>>;
  compare: (row: R, d: D) => Record<string, [unknown, unknown]>;
}

/** The first event of the page that does not match its row (or repeats a number); `seen` learns each. */
async function firstMismatch<D, R>(
  kind: PostedKind<D, R>,
  db: Db,
  communityId: number,
  events: AuditRow[],
  seen: Set<number>,
): Promise<string | undefined> {
  if (events.length === 0) return undefined;
  const data = parsed<D>(events);
  const byNo = await kind.rows(
    db,
    communityId,
    data.map((x) => kind.numberOf(x.d)),
  );
  for (const { e, d } of data) {
    const n = kind.numberOf(d);
    const where = `${kind.label(n)} (event #${e.seq}, ${kind.event})`;
    if (seen.has(n)) return `${where}: a second ${kind.event} event for the same number`;
    seen.add(n);
    const row = byNo.get(n);
    if (!row) return `${where}: the ${kind.noun} is missing from the ${kind.table} table`;
    const diff = differ(kind.compare(row, d));
    if (diff) return `${where}: ${diff}`;
  }
  return undefined;
}

const postedTasks: PostedKind<Posted, TaskSeen> = {
  event: 'task.posted',
  table: 'tasks',
  noun: 'task',
  label: (n) => `task #${n}`,
  numberOf: (d) => d.task,
  rows: taskRows,
  compare: (row, d) => ({ title: [row.title, d.title], license: [row.license, d.license] }),
};

const openedProposals: PostedKind<Opened, ProposalSeen> = {
  event: 'proposal.opened',
  table: 'proposals',
  noun: 'proposal',
  label: (n) => `proposal P${n}`,
  numberOf: (d) => d.proposal,
  rows: proposalRows,
  compare: (row, d) => ({
    title: [row.title, d.title],
    rule: [row.rule, d.rule],
    quorum: [row.quorum, d.quorum],
  }),
};

/** The first `task.posted` event of the page that does not match its task; `seen` learns each number. */
export function checkTasks(
  db: Db,
  communityId: number,
  events: AuditRow[],
  seen: Set<number>,
): Promise<string | undefined> {
  return firstMismatch(postedTasks, db, communityId, events, seen);
}

/** The first `proposal.opened` event of the page that does not match its proposal; `seen` learns each. */
export function checkProposals(
  db: Db,
  communityId: number,
  events: AuditRow[],
  seen: Set<number>,
): Promise<string | undefined> {
  return firstMismatch(openedProposals, db, communityId, events, seen);
}
