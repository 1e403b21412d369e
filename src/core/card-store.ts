/** Which platform message shows which card, so later reactions and edits find it. */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { prepared } from '../db/prepared.js';
import { cards } from '../db/schema.js';
import type { MessageRef } from './shared/model.js';

/** Where a card is shown: its message, and the thread opened on it, if any. */
export interface CardRef {
  channelId: string;
  messageId: string;
  threadId: string | null;
}

/** Records (or moves) the message showing `cardKey`. */
export async function saveCard(
  db: Db,
  communityId: number,
  cardKey: string,
  at: MessageRef & { threadId?: string },
  now: number,
): Promise<void> {
  const q = prepared(db, 'cards.save', (d) =>
    d
      .insert(cards)
      .values({
        communityId: sql.placeholder('community'),
        cardKey: sql.placeholder('key'),
        channelId: sql.placeholder('channel'),
        messageId: sql.placeholder('message'),
        threadId: sql.placeholder('thread'),
        createdAt: sql.placeholder('now'),
      })
      .onConflictDoUpdate({
        target: [cards.communityId, cards.cardKey],
        set: {
          channelId: sql`excluded.channel_id`,
          messageId: sql`excluded.message_id`,
          threadId: sql`excluded.thread_id`,
        },
      }),
  );
  await q.execute({
    community: communityId,
    key: cardKey,
    channel: at.channelId,
    message: at.messageId,
    thread: at.threadId ?? null,
    now,
  });
}

export async function findCard(db: Db, communityId: number, cardKey: string): Promise<CardRef | undefined> {
  const q = prepared(db, 'cards.find', (d) =>
    d
      .select({ channelId: cards.channelId, messageId: cards.messageId, threadId: cards.threadId })
      .from(cards)
      .where(
        and(eq(cards.communityId, sql.placeholder('community')), eq(cards.cardKey, sql.placeholder('key'))),
      ),
  );
  const [card] = await q.execute({ community: communityId, key: cardKey });
  return card;
}
