/** Which platform message shows which card, so later reactions and edits find it. */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
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
  const row = {
    communityId,
    cardKey,
    channelId: at.channelId,
    messageId: at.messageId,
    threadId: at.threadId ?? null,
    createdAt: now,
  };
  await db
    .insert(cards)
    .values(row)
    .onConflictDoUpdate({
      target: [cards.communityId, cards.cardKey],
      set: { channelId: row.channelId, messageId: row.messageId, threadId: row.threadId },
    });
}

export async function findCard(db: Db, communityId: number, cardKey: string): Promise<CardRef | undefined> {
  const [card] = await db
    .select({ channelId: cards.channelId, messageId: cards.messageId, threadId: cards.threadId })
    .from(cards)
    .where(and(eq(cards.communityId, communityId), eq(cards.cardKey, cardKey)))
    .limit(1);
  return card;
}
