/** Reading what the bot did: recorded Web API calls, the database, conditions to wait for. */
import type { KnownBlock } from '@slack/types';
import { sortedRows } from './core.js';
import type { TestDb } from './test-db.js';
import type { FakeSlack, SlackCall } from './fake-slack/index.js';

/** Anything with a database: a bot of either platform's harness. */
interface WithDb {
  db: TestDb;
}

/** Where a recorded chat.postMessage put its message. */
export function cardOf(call: SlackCall): { channel: string; ts: string } {
  const r = call.response as { ok: boolean; channel: string; ts: string };
  if (!r.ok) throw new Error(`${call.method} failed: ${JSON.stringify(r)}`);
  return { channel: r.channel, ts: r.ts };
}

/** All text of a recorded message's blocks (sections, fields, context), joined by new lines. */
export function blocksText(call: SlackCall): string {
  const blocks = (call.args.blocks ?? []) as KnownBlock[];
  const out: string[] = [];
  for (const b of blocks) {
    if (b.type === 'section') {
      if (b.text) out.push(b.text.text);
      for (const f of b.fields ?? []) out.push(f.text);
    }
    if (b.type === 'context') for (const e of b.elements) if ('text' in e) out.push(e.text);
  }
  return out.join('\n');
}

/** The action ids of a recorded message's buttons. */
export function buttonsOf(call: SlackCall): string[] {
  const blocks = (call.args.blocks ?? []) as KnownBlock[];
  return blocks.flatMap((b) =>
    b.type === 'actions'
      ? b.elements.flatMap((e) => ('action_id' in e && e.action_id ? [e.action_id] : []))
      : [],
  );
}

/**
 * Every row of every table, as text: two equal snapshots mean nothing changed. `ignoreEvents` leaves out
 * those processed event ids (a `/help` sent to settle).
 */
export async function dbSnapshot(db: TestDb, ignoreEvents: string[] = []): Promise<string> {
  const out: [string, unknown[]][] = [];
  for (const name of await db.tables()) {
    const rows = await db.query<{ event_id?: string }>(`select * from "${name}"`);
    out.push([name, sortedRows(rows.filter((r) => !ignoreEvents.includes(r.event_id ?? '')))]);
  }
  return JSON.stringify(out);
}

/** The vote marks on task `n`'s open or accepted submission, as `name source` (`carol ✅`, `dave +1::skin-tone-3`, `erin command`). */
export async function reviewMarks(b: WithDb, n: number): Promise<string[]> {
  const rows = await b.db.query<{ name: string; source: string }>(
    `select mb.display_name as name, m.source as source from vote_marks m
       join members mb on mb.id = m.member_id join submissions s on s.id = m.target_id
       join tasks t on t.id = s.task_id
       where m.target_type = 'submission' and t.number = ? and s.status in ('open', 'accepted')
       order by mb.display_name, m.source`,
    n,
  );
  return rows.map((r) => `${r.name} ${r.source}`);
}

/**
 * Resolves once an adapter's queue of inbound reactions (its private `inbound` promise chain, in both
 * adapters) is empty: every reaction it received has been through the core.
 */
export async function drainedQueue(adapter: object): Promise<void> {
  const queue = () => (adapter as { inbound?: unknown }).inbound;
  if (!(queue() instanceof Promise)) throw new Error('the adapter has no `inbound` queue to wait for');
  for (let seen = queue(); ; seen = queue()) {
    await seen;
    if (queue() === seen) return;
  }
}

/** Resolves once `check` passes (it throws or returns false until then); fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await check();
      if (v !== false) return v;
    } catch (err) {
      if (Date.now() > until) throw err;
    }
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The newest recorded edit of a card. */
export function lastUpdate(fake: FakeSlack, card: { channel: string; ts: string }): SlackCall | undefined {
  return fake
    .callsTo('chat.update')
    .filter((c) => c.status === 200 && c.args.channel === card.channel && c.args.ts === card.ts)
    .at(-1);
}

/** The vote marks on proposal `n`, as `name source value`. */
export async function proposalMarks(b: WithDb, n: number): Promise<string[]> {
  const rows = await b.db.query<{ name: string; source: string; value: string }>(
    `select mb.display_name as name, m.source as source, m.value as value from vote_marks m
     join members mb on mb.id = m.member_id join proposals p on p.id = m.target_id
     where m.target_type = 'proposal' and p.number = ? order by mb.display_name, m.source`,
    n,
  );
  return rows.map((r) => `${r.name} ${r.source} ${r.value}`);
}
