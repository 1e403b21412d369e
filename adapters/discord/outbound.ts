/** Performs the core's effects on Discord, one at a time, in order. */
import type { Client, Message, SendableChannels } from 'discord.js';
import { cardVoteEmoji, type CommunityRef, type Governance, type Outcome } from '../../src/core/index.js';
import type { Logger } from '../../src/log.js';
import { EffectQueue, byKind, type EffectFailed, type EffectOf } from '../shared/effect-queue.js';
import { cardMessage, textMessage } from './render.js';

/** Emoji the bot adds to a fresh vote card so members can vote with one click. */
const SEED: Record<string, readonly string[]> = {
  submission: cardVoteEmoji.review,
  proposal: cardVoteEmoji.proposal,
};

export type { EffectFailed };

export class DiscordOutbound {
  private readonly queue: EffectQueue;

  constructor(
    private readonly client: Client,
    private readonly core: Governance,
    private readonly log: Logger,
  ) {
    this.queue = new EffectQueue(
      byKind({
        post: (c, e) => this.post(c, e),
        update: (c, e) => this.update(c, e),
        thread: (c, e) => this.thread(c, e),
        say: (_c, e) => this.say(e),
        notify: (_c, e) => this.notify(e),
      }),
      (err, effect) => this.log.error({ err, effect: effect.type }, 'a Discord effect failed'),
    );
  }

  /** Queues an outcome's effects; resolves when they (and all queued before) are done. */
  perform(outcome: Outcome, onFail?: EffectFailed): Promise<void> {
    return this.queue.perform(outcome, onFail);
  }

  private async channel(id: string): Promise<SendableChannels | undefined> {
    const channel = await this.client.channels.fetch(id).catch(() => null);
    return channel?.isSendable() ? channel : undefined;
  }

  private async post(community: CommunityRef, e: EffectOf<'post'>): Promise<void> {
    const channel = await this.channel(e.channelId);
    if (!channel) throw new Error('the channel does not exist, or Ostrom may not post there');
    const msg = await channel.send(cardMessage(e.view));
    if (!e.cardKey) return;
    // Recorded at once, so reactions that come while the thread is being opened find their card.
    const at = { channelId: msg.channelId, messageId: msg.id };
    await this.core.recordCard(community, e.cardKey, at);
    const threadId = e.thread ? await this.openThread(msg, e.thread.name) : undefined;
    if (threadId) await this.core.recordCard(community, e.cardKey, { ...at, threadId });
    return this.seed(msg, e.cardKey);
  }

  private async update(community: CommunityRef, e: EffectOf<'update'>): Promise<void> {
    const card = await this.core.findCard(community, e.cardKey);
    const channel = card && (await this.channel(card.channelId));
    if (!card || !channel) return;
    await channel.messages.edit(card.messageId, cardMessage(e.view));
  }

  /** Into the card's thread; a reply to the card when no thread could be opened. */
  private async thread(community: CommunityRef, e: EffectOf<'thread'>): Promise<void> {
    const card = await this.core.findCard(community, e.cardKey);
    if (!card) return;
    const target = await this.channel(card.threadId ?? card.channelId);
    if (!target) return;
    const reply = card.threadId
      ? {}
      : { reply: { messageReference: card.messageId, failIfNotExists: false } };
    await target.send({ ...textMessage(e.text), ...reply });
  }

  private async say(e: EffectOf<'say'>): Promise<void> {
    const channel = await this.channel(e.channelId);
    if (channel) await channel.send(textMessage(e.text));
  }

  private async notify(e: EffectOf<'notify'>): Promise<void> {
    const user = await this.client.users.fetch(e.userId);
    await user
      .send(textMessage(e.text))
      .catch((err: unknown) =>
        this.log.warn({ err, userId: e.userId }, 'could not DM a member (DMs closed?)'),
      );
  }

  private async openThread(msg: Message, name: string): Promise<string | undefined> {
    try {
      const thread = await msg.startThread({ name: name.slice(0, 100) });
      return thread.id;
    } catch (err) {
      this.log.warn({ err }, 'could not open a thread; outcomes will be posted as replies');
      return undefined;
    }
  }

  private async seed(msg: Message, cardKey: string): Promise<void> {
    for (const emoji of SEED[cardKey.split(':')[0]!] ?? []) {
      await msg
        .react(emoji)
        .catch((err: unknown) => this.log.warn({ err }, 'could not add a voting reaction'));
    }
  }
}
