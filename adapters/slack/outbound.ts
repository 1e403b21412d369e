/** Performs the core's effects on Slack through the Web API, one at a time, in order. */
import {
  cardVoteEmoji,
  voteEmojiTable,
  type CommunityRef,
  type FileOut,
  type Governance,
  type Outcome,
} from '../../src/core/index.js';
import type { Logger } from '../../src/log.js';
import { EffectQueue, byKind, type EffectFailed, type EffectOf } from '../shared/effect-queue.js';
import { cardMessage, textMessage } from './render.js';
import type { Workspaces } from './workspaces.js';

/** Slack's reaction name for each emoji Ostrom seeds its vote cards with (✅ → white_check_mark). */
const slackName = (unicode: string) => voteEmojiTable.find((e) => e.unicode === unicode)!.slack[0]!;
const SEED: Record<string, readonly string[]> = {
  submission: cardVoteEmoji.review.map(slackName),
  proposal: cardVoteEmoji.proposal.map(slackName),
};

/** The code of a Web API error (`not_in_channel` …), if it is one. */
export function slackError(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

export class SlackOutbound {
  private readonly queue: EffectQueue;

  constructor(
    private readonly workspaces: Pick<Workspaces, 'of'>,
    private readonly core: Governance,
    private readonly log: Logger,
  ) {
    this.queue = new EffectQueue(
      byKind({
        post: (c, e) => this.post(c, e),
        update: (c, e) => this.update(c, e),
        thread: (c, e) => this.thread(c, e),
        say: (c, e) => this.say(c, e),
        notify: (c, e) => this.notify(c, e),
      }),
      (err, effect) => {
        const code = slackError(err);
        const hint =
          code === 'not_in_channel' || code === 'channel_not_found'
            ? 'invite Ostrom to the channel (/invite @Ostrom)'
            : undefined;
        this.log.error({ err, effect: effect.type, code, hint }, 'a Slack effect failed');
      },
    );
  }

  /** Queues an outcome's effects; resolves when they (and all queued before) are done. */
  perform(outcome: Outcome, onFail?: EffectFailed): Promise<void> {
    return this.queue.perform(outcome, onFail);
  }

  /** The Web API client of the workspace an effect belongs to (its own token). */
  private async client(community: CommunityRef) {
    return (await this.workspaces.of(community.id)).client;
  }

  private async update(community: CommunityRef, e: EffectOf<'update'>): Promise<void> {
    const card = await this.core.findCard(community, e.cardKey);
    if (!card) return;
    await (
      await this.client(community)
    ).chat.update({
      channel: card.channelId,
      ts: card.messageId,
      ...cardMessage(e.view),
    });
  }

  private async thread(community: CommunityRef, e: EffectOf<'thread'>): Promise<void> {
    const card = await this.core.findCard(community, e.cardKey);
    if (!card) return;
    await (
      await this.client(community)
    ).chat.postMessage({
      channel: card.channelId,
      thread_ts: card.threadId ?? card.messageId,
      ...textMessage(e.text),
    });
  }

  private async say(community: CommunityRef, e: EffectOf<'say'>): Promise<void> {
    const client = await this.client(community);
    await client.chat.postMessage({ channel: e.channelId, ...textMessage(e.text) });
  }

  private async notify(community: CommunityRef, e: EffectOf<'notify'>): Promise<void> {
    const client = await this.client(community);
    await client.chat.postMessage({ channel: await this.dm(community.id, e.userId), ...textMessage(e.text) });
  }

  private async post(community: CommunityRef, e: EffectOf<'post'>): Promise<void> {
    const client = await this.client(community);
    const res = await client.chat.postMessage({ channel: e.channelId, ...cardMessage(e.view) });
    if (!e.cardKey || !res.ts || !res.channel) return;
    // Recorded at once, so reactions that come while the thread is being opened find their card.
    const at = { channelId: res.channel, messageId: res.ts };
    await this.core.recordCard(community, e.cardKey, at);
    if (e.thread) {
      // A Slack thread is the replies to the card: its first reply invites the discussion.
      await client.chat.postMessage({
        channel: res.channel,
        thread_ts: res.ts,
        ...textMessage(`Discussion of ${e.thread.name}: reply in this thread.`),
      });
      await this.core.recordCard(community, e.cardKey, { ...at, threadId: res.ts });
    }
    for (const name of SEED[e.cardKey.split(':')[0]!] ?? []) {
      await client.reactions
        .add({ channel: res.channel, timestamp: res.ts, name })
        .catch((err: unknown) => this.log.warn({ err }, 'could not add a voting reaction'));
    }
  }

  /** The id of the direct-message conversation with a member of a workspace. */
  async dm(teamId: string, userId: string): Promise<string> {
    const { client } = await this.workspaces.of(teamId);
    const res = await client.conversations.open({ users: userId });
    if (!res.channel?.id) throw new Error('conversations.open returned no channel');
    return res.channel.id;
  }

  /** Uploads a file into a conversation with the current upload API (URL, upload, complete). */
  async upload(teamId: string, channelId: string, file: FileOut, comment: string): Promise<void> {
    const { client } = await this.workspaces.of(teamId);
    await client.filesUploadV2({
      channel_id: channelId,
      file: Buffer.from(file.content, 'utf8'),
      filename: file.name,
      title: file.name,
      initial_comment: textMessage(comment).text,
    });
  }
}
