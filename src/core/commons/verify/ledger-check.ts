/**
 * The ledger against the chain: every `contribution.accepted` event has its entry, equal in every
 * field and in its `ledger_people`, and (paged separately) every entry has its event.
 */
import { and, asc, eq, gt, inArray, lte } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { ledger, ledgerPeople, members, tasks } from '../../../db/schema.js';
import { differ, q } from './differ.js';
import type { AuditRow, Seen } from './types.js';

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

type LedgerRow = { l: typeof ledger.$inferSelect; number: number | null; title: string | null };

/**
 * The entries of these submissions, by submission id. Looked up by submission id alone (its unique
 * index), the community checked here: with the community in the WHERE clause SQLite walked the
 * community's whole ledger (its (community, accepted_at) index) on every page of the chain, ~20 ms
 * per page at 85,000 entries, whatever the page size.
 */
async function entriesOf(db: Db, communityId: number, submissionIds: number[]) {
  const rows = await db
    .select({ l: ledger, number: tasks.number, title: tasks.title })
    .from(ledger)
    .leftJoin(tasks, eq(tasks.id, ledger.taskId))
    .where(inArray(ledger.submissionId, submissionIds));
  return new Map(rows.filter((r) => r.l.communityId === communityId).map((r) => [r.l.submissionId, r]));
}

/** Each entry's people as sorted "role:memberId:userId", by ledger id. */
async function peopleOf(db: Db, ledgerIds: number[]): Promise<Map<number, string[]>> {
  const rows = await db
    .select({
      ledgerId: ledgerPeople.ledgerId,
      role: ledgerPeople.role,
      memberId: ledgerPeople.memberId,
      userId: members.userId,
    })
    .from(ledgerPeople)
    .leftJoin(members, eq(members.id, ledgerPeople.memberId))
    .where(inArray(ledgerPeople.ledgerId, ledgerIds.length ? ledgerIds : [-1]));
  const people = new Map<number, string[]>();
  for (const r of rows) {
    const list = people.get(r.ledgerId) ?? [];
    list.push(`${r.role}:${r.memberId}:${r.userId ?? '?'}`);
    people.set(r.ledgerId, list);
  }
  for (const list of people.values()) list.sort();
  return people;
}

/** The first `contribution.accepted` event of the page whose entry differs; `seen` learns each entry. */
export async function checkAccepted(
  db: Db,
  communityId: number,
  events: AuditRow[],
  seen: Seen,
): Promise<string | undefined> {
  if (events.length === 0) return undefined;
  const data = events.map((e) => ({ e, d: JSON.parse(e.data) as AcceptedData }));
  const bySub = await entriesOf(
    db,
    communityId,
    data.map((x) => x.d.submission),
  );
  const people = await peopleOf(
    db,
    [...bySub.values()].map((r) => r.l.id),
  );
  for (const { e, d } of data) {
    const where = `ledger entry for task #${d.task} (event #${e.seq}, contribution.accepted)`;
    const row = bySub.get(d.submission);
    if (!row) return `${where}: the ledger has no entry for it`;
    seen.ledger.add(row.l.id);
    seen.entries++;
    const problem = compareEntry(row, e, d, people.get(row.l.id) ?? []);
    if (problem) return `${where}: ${problem}`;
  }
  return undefined;
}

function compareEntry(row: LedgerRow, e: AuditRow, d: AcceptedData, people: string[]): string | undefined {
  let contributors: PersonJson[];
  let reviewers: PersonJson[];
  try {
    contributors = JSON.parse(row.l.contributors) as PersonJson[];
    reviewers = JSON.parse(row.l.reviewers) as PersonJson[];
  } catch {
    return 'its contributors or reviewers are not readable';
  }
  return (
    fieldsDiffer(row, e, d, contributors, reviewers) ??
    namesDiffer(d, [...contributors, ...reviewers]) ??
    peopleDiffer(contributors, reviewers, people)
  );
}

function fieldsDiffer(
  row: LedgerRow,
  e: AuditRow,
  d: AcceptedData,
  contributors: PersonJson[],
  reviewers: PersonJson[],
): string | undefined {
  const ids = (ps: PersonJson[]) => ps.map((p) => p.userId);
  return differ({
    'task number': [row.number, d.task],
    title: [row.title, d.title],
    contributors: [ids(contributors), d.contributors],
    reviewers: [ids(reviewers), d.reviewers],
    link: [row.l.link, d.link],
    license: [row.l.license, d.license],
    accepted_at: [new Date(row.l.acceptedAt).toISOString(), new Date(e.at).toISOString()],
    audit_hash: [row.l.auditHash, e.hash],
  });
}

function namesDiffer(d: AcceptedData, people: PersonJson[]): string | undefined {
  if (!d.names) return undefined;
  for (const p of people) {
    const named = differ({ [`the name of ${p.userId}`]: [p.name, d.names[p.userId]] });
    if (named) return named;
  }
  return undefined;
}

/** ledger_people (what profiles count) must name the same members, whose user ids are the event's. */
function peopleDiffer(
  contributors: PersonJson[],
  reviewers: PersonJson[],
  people: string[],
): string | undefined {
  const expected = [
    ...contributors.map((p) => `contributor:${p.memberId}:${p.userId}`),
    ...reviewers.map((p) => `reviewer:${p.memberId}:${p.userId}`),
  ].sort();
  if (JSON.stringify(expected) === JSON.stringify(people)) return undefined;
  return `ledger_people has ${q(people.join(', '))} but the entry names ${q(expected.join(', '))} (role:member:user)`;
}

/** At most `page` ledger ids after `after`, up to the snapshot's last entry, with their task numbers. */
export function ledgerPage(db: Db, communityId: number, after: number, lastId: number, page: number) {
  return db
    .select({ id: ledger.id, number: tasks.number })
    .from(ledger)
    .leftJoin(tasks, eq(tasks.id, ledger.taskId))
    .where(and(eq(ledger.communityId, communityId), gt(ledger.id, after), lte(ledger.id, lastId)))
    .orderBy(asc(ledger.id))
    .limit(page);
}

/** The first entry of the page no event has (added by hand, or its event deleted). */
export function strayEntry(page: { id: number; number: number | null }[], seen: Seen): string | undefined {
  const r = page.find((x) => !seen.ledger.has(x.id));
  if (!r) return undefined;
  return `ledger entry for task #${r.number ?? '?'}: no contribution.accepted event in the audit chain has it (added by hand, or its event deleted)`;
}
