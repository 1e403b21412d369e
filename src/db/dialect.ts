/**
 * The few statements only one dialect can say, behind functions the core calls with its `Db`. On
 * SQLite a write unit holds the database's one write lock from its BEGIN IMMEDIATE, so a row lock adds
 * nothing; on PostgreSQL units run side by side and these row locks keep each community's units serial.
 */
import { and, eq, lte, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { isPg } from './is-pg.js';
import type { PgDb } from './pg.js';
import { prepared, type Preparable } from './prepared.js';
import { communities, deadlines, members } from './schema.js';

/** PostgreSQL's tables, loaded with the first PostgreSQL unit (SQLite never loads drizzle's pg-core). */
let pgTables: Promise<typeof import('./schema.pg.js')> | undefined;
const pgSchemaOf = () => (pgTables ??= import('./schema.pg.js'));

type CommunityRow = typeof communities.$inferSelect;
type MemberRow = typeof members.$inferSelect;

export { isPg };

/**
 * The community row of (platform, external id), locked until the unit commits (PostgreSQL: `SELECT …
 * FOR UPDATE`, which waits for the unit holding it and then returns the row as that unit left it).
 */
export async function lockCommunity(
  db: Db,
  platform: string,
  externalId: string,
): Promise<CommunityRow | undefined> {
  const key = { platform, externalId };
  if (isPg(db)) {
    const c = (await pgSchemaOf()).communities;
    const q = prepared(
      db,
      'community.lock.pg',
      () =>
        (db as unknown as PgDb)
          .select()
          .from(c)
          .where(
            and(eq(c.platform, sql.placeholder('platform')), eq(c.externalId, sql.placeholder('externalId'))),
          )
          .for('update') as unknown as Preparable<CommunityRow[]>,
    );
    return ((await q.execute(key)) as CommunityRow[])[0];
  }
  const q = prepared(db, 'community.lock.sqlite', (d) =>
    d
      .select()
      .from(communities)
      .where(
        and(
          eq(communities.platform, sql.placeholder('platform')),
          eq(communities.externalId, sql.placeholder('externalId')),
        ),
      ),
  );
  return (await q.execute(key))[0];
}

/**
 * `lockCommunity`, with the member of `userId` in it (if there is one) read by the same statement: what
 * every unit with an actor reads first. Only the community's row is locked.
 */
export async function lockCommunityWithMember(
  db: Db,
  platform: string,
  externalId: string,
  userId: string,
): Promise<{ community: CommunityRow; member: MemberRow | null } | undefined> {
  const key = { platform, externalId, user: userId };
  type Row = { community: CommunityRow; member: MemberRow | null };
  if (isPg(db)) {
    const { communities: c, members: m } = await pgSchemaOf();
    const q = prepared(
      db,
      'community.lockWithMember.pg',
      () =>
        (db as unknown as PgDb)
          .select({ community: c, member: m })
          .from(c)
          .leftJoin(m, and(eq(m.communityId, c.id), eq(m.userId, sql.placeholder('user'))))
          .where(
            and(eq(c.platform, sql.placeholder('platform')), eq(c.externalId, sql.placeholder('externalId'))),
          )
          .for('update', { of: c }) as unknown as Preparable<Row[]>,
    );
    return ((await q.execute(key)) as Row[])[0];
  }
  const q = prepared(db, 'community.lockWithMember.sqlite', (d) =>
    d
      .select({ community: communities, member: members })
      .from(communities)
      .leftJoin(
        members,
        and(eq(members.communityId, communities.id), eq(members.userId, sql.placeholder('user'))),
      )
      .where(
        and(
          eq(communities.platform, sql.placeholder('platform')),
          eq(communities.externalId, sql.placeholder('externalId')),
        ),
      ),
  );
  return (await q.execute(key))[0];
}

/**
 * Whether deadline `id` is still pending and due by `now`, locking it for this unit (PostgreSQL: `FOR
 * UPDATE SKIP LOCKED`: a deadline another unit is running is passed over, not waited for). The caller
 * holds the deadline's community lock and marks it done in the same unit.
 */
export async function lockDueDeadline(db: Db, id: number, now: number): Promise<boolean> {
  if (isPg(db)) {
    const d = (await pgSchemaOf()).deadlines;
    const rows = await (db as unknown as PgDb)
      .select({ id: d.id })
      .from(d)
      .where(and(eq(d.id, id), eq(d.status, 'pending'), lte(d.dueAt, now)))
      .for('update', { skipLocked: true });
    return rows.length === 1;
  }
  const rows = await db
    .select({ id: deadlines.id })
    .from(deadlines)
    .where(and(eq(deadlines.id, id), eq(deadlines.status, 'pending'), lte(deadlines.dueAt, now)));
  return rows.length === 1;
}
