/** Every `task.posted` / `proposal.opened` event matches its row, and no number is posted twice. */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { proposals, tasks } from '../../../db/schema.js';
import { differ } from './differ.js';
import type { AuditRow } from './types.js';

type Posted = { task: number; title: string; license: string };
type Opened = { proposal: number; title: string; rule: string; quorum: number };

function parsed<T>(events: AuditRow[]): { e: AuditRow; d: T }[] {
  return events.map((e) => ({ e, d: JSON.parse(e.data) as T }));
}

async function taskRows(db: Db, communityId: number, numbers: number[]) {
  const rows = await db
    .select({ number: tasks.number, title: tasks.title, license: tasks.license })
    .from(tasks)
    .where(and(eq(tasks.communityId, communityId), inArray(tasks.number, numbers)));
  return new Map(rows.map((r) => [r.number, r]));
}

async function proposalRows(db: Db, communityId: number, numbers: number[]) {
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

/** The first `task.posted` event of the page that does not match its task; `seen` learns each number. */
export async function checkTasks(
  db: Db,
  communityId: number,
  events: AuditRow[],
  seen: Set<number>,
): Promise<string | undefined> {
  if (events.length === 0) return undefined;
  const data = parsed<Posted>(events);
  const byNo = await taskRows(
    db,
    communityId,
    data.map((x) => x.d.task),
  );
  for (const { e, d } of data) {
    const where = `task #${d.task} (event #${e.seq}, task.posted)`;
    if (seen.has(d.task)) return `${where}: a second task.posted event for the same number`;
    seen.add(d.task);
    const row = byNo.get(d.task);
    if (!row) return `${where}: the task is missing from the tasks table`;
    const diff = differ({ title: [row.title, d.title], license: [row.license, d.license] });
    if (diff) return `${where}: ${diff}`;
  }
  return undefined;
}

/** The first `proposal.opened` event of the page that does not match its proposal; `seen` learns each. */
export async function checkProposals(
  db: Db,
  communityId: number,
  events: AuditRow[],
  seen: Set<number>,
): Promise<string | undefined> {
  if (events.length === 0) return undefined;
  const data = parsed<Opened>(events);
  const byNo = await proposalRows(
    db,
    communityId,
    data.map((x) => x.d.proposal),
  );
  for (const { e, d } of data) {
    const where = `proposal P${d.proposal} (event #${e.seq}, proposal.opened)`;
    if (seen.has(d.proposal)) return `${where}: a second proposal.opened event for the same number`;
    seen.add(d.proposal);
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
