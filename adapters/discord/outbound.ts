/**
 * Performs the core's effects on Discord, one at a time, in order.
 *
 * Every effect is a plain REST call by channel and message id, never through discord.js's cache: with
 * several processes (DISCORD_SHARDS), a deadline of a guild is performed by whichever process runs it,
 * and only the process whose shard has the guild holds it in its cache (`client.channels.fetch` answers
 * null for a channel of a guild it does not hold).
 */
import { DiscordAPIError, RESTJSONErrorCodes, Routes, type Client } from 'discord.js';
import type {
  APIMessage,
  APIThreadChannel,
  RESTPatchAPIChannelMessageJSONBody,
  RESTPostAPIChannelMessageJSONBody,
  RESTPostAPIChannelThreadsJSONBody,
} from 'discord-api-types/v10';
import {
  cardVoteEmoji,
  type CommunityRef,
  type Governance,
  type Outcome,
  type View,
} from '../../src/core/index.js';
import type { Logger } from '../../src/log.js';
import { EffectQueue, byKind, type EffectFailed, type EffectOf } from '../shared/effect-queue.js';
import { toComponents, toEmbed, textMessage } from './render.js';

/** Emoji the bot adds to a fresh vote card so members can vote with one click. */
const SEED: Record<string, readonly string[]> = {
  submission: cardVoteEmoji.review,
  proposal: cardVoteEmoji.proposal,
};

/** Mentions are never parsed: a title of "@everyone" pings nobody. */
const NO_MENTIONS = { parse: [] };

/** A card as a REST message body. */
function cardBody(view: View): RESTPostAPIChannelMessageJSONBody & RESTPatchAPIChannelMessageJSONBody {
  return { embeds: [toEmbed(view)], components: toComponents(view.buttons), allowed_mentions: NO_MENTIONS };
}

/** Plain text as a REST message body (escaped and cut as on every other path). */
function textBody(text: string): RESTPostAPIChannelMessageJSONBody {
  return { content: textMessage(text).content, allowed_mentions: NO_MENTIONS };
}

/** Discord's answer for a channel that is gone or that Ostrom cannot see. */
function channelUnavailable(err: unknown): boolean {
  return (
    err instanceof DiscordAPIError &&
    (err.code === RESTJSONErrorCodes.UnknownChannel || err.code === RESTJSONErrorCodes.MissingAccess)
  );
}

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

  /** A message into a channel (or thread) by id; undefined when the channel is gone or hidden from Ostrom. */
  private async send(
    channelId: string,
    body: RESTPostAPIChannelMessageJSONBody,
  ): Promise<APIMessage | undefined> {
    try {
      return (await this.client.rest.post(Routes.channelMessages(channelId), { body })) as APIMessage;
    } catch (err) {
      if (channelUnavailable(err)) return undefined;
      throw err;
    }
  }

  private async post(community: CommunityRef, e: EffectOf<'post'>): Promise<void> {
    const msg = await this.send(e.channelId, cardBody(e.view));
    if (!msg) throw new Error('the channel does not exist, or Ostrom may not post there');
    if (!e.cardKey) return;
    // Recorded at once, so reactions that come while the thread is being opened find their card.
    const at = { channelId: msg.channel_id, messageId: msg.id };
    await this.core.recordCard(community, e.cardKey, at);
    const threadId = e.thread ? await this.openThread(msg, e.thread.name) : undefined;
    if (threadId) await this.core.recordCard(community, e.cardKey, { ...at, threadId });
    return this.seed(msg, e.cardKey);
  }

  private async update(community: CommunityRef, e: EffectOf<'update'>): Promise<void> {
    const card = await this.core.findCard(community, e.cardKey);
    if (!card) return;
    await this.client.rest
      .patch(Routes.channelMessage(card.channelId, card.messageId), { body: cardBody(e.view) })
      .catch((err: unknown) => {
        if (!channelUnavailable(err)) throw err;
      });
  }

  /** Into the card's thread; a reply to the card when no thread could be opened. */
  private async thread(community: CommunityRef, e: EffectOf<'thread'>): Promise<void> {
    const card = await this.core.findCard(community, e.cardKey);
    if (!card) return;
    const reply = card.threadId
      ? {}
      : { message_reference: { message_id: card.messageId, fail_if_not_exists: false } };
    await this.send(card.threadId ?? card.channelId, { ...textBody(e.text), ...reply });
  }

  private async say(e: EffectOf<'say'>): Promise<void> {
    await this.send(e.channelId, textBody(e.text));
  }

  private async notify(e: EffectOf<'notify'>): Promise<void> {
    const user = await this.client.users.fetch(e.userId);
    await user
      .send(textMessage(e.text))
      .catch((err: unknown) =>
        this.log.warn({ err, userId: e.userId }, 'could not DM a member (DMs closed?)'),
      );
  }

  private async openThread(msg: APIMessage, name: string): Promise<string | undefined> {
    try {
      const body: RESTPostAPIChannelThreadsJSONBody = { name: name.slice(0, 100) };
      const thread = (await this.client.rest.post(Routes.threads(msg.channel_id, msg.id), {
        body,
      })) as APIThreadChannel;
      return thread.id;
    } catch (err) {
      this.log.warn({ err }, 'could not open a thread; outcomes will be posted as replies');
      return undefined;
    }
  }

  private async seed(msg: APIMessage, cardKey: string): Promise<void> {
    for (const emoji of SEED[cardKey.split(':')[0]!] ?? []) {
      await this.client.rest
        .put(Routes.channelMessageOwnReaction(msg.channel_id, msg.id, encodeURIComponent(emoji)))
        .catch((err: unknown) => this.log.warn({ err }, 'could not add a voting reaction'));
    }
  }
}
