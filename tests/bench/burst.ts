/**
 * A burst: 1,000 reactions arriving at once through the Discord adapter's inbound path. The real
 * DiscordAdapter is built (its discord.js client never logs in) and the reaction events are emitted on
 * its client as the gateway would dispatch them; the adapter queues them in order and hands each to
 * `core.handle` (today: one event, one transaction). Its outbound is replaced by a counter that
 * resolves when the last outcome arrives: the burst ends when every reaction is applied and its
 * effects are handed over, without the Discord REST calls (which are network, not Ostrom).
 */
import { Events } from 'discord.js';
import { performance } from 'node:perf_hooks';
import { DiscordAdapter } from '../../adapters/discord/discord-adapter.js';
import type { Outcome } from '../../src/core/index.js';
import { createLogger } from '../../src/log.js';
import type { Driver, Pickings } from './driver.js';
import type { Reaction } from './ingest.js';
import { memberName, userIdOf } from './shape.js';

export class Burst {
  private readonly adapter: DiscordAdapter;
  private pending = 0;
  private done?: () => void;

  constructor(d: Driver) {
    this.adapter = new DiscordAdapter({
      core: d.core,
      log: createLogger('silent'),
      token: 'bench',
      appId: 'bench',
    });
    // The one seam: the outbound queue that would call Discord's REST API.
    (this.adapter as unknown as { out: { perform(o: Outcome): Promise<void> } }).out = {
      perform: async () => {
        if (--this.pending === 0) this.done?.();
      },
    };
  }

  /** Emits every reaction at once; resolves with reactions per second once all are handled. */
  async run(p: Pickings, rs: Reaction[]): Promise<number> {
    const guildId = p.shape.ref.id;
    this.pending = rs.length;
    const finished = new Promise<void>((resolve) => (this.done = resolve));
    const t = performance.now();
    for (const r of rs) {
      const reaction = {
        emoji: { id: null, name: '❌' },
        message: { guildId, channelId: r.message.channelId, id: r.message.messageId, guild: null },
      };
      const user = {
        id: userIdOf(r.member),
        bot: false,
        partial: false,
        username: memberName(r.member),
        globalName: memberName(r.member),
      };
      // Only the fields the adapter reads; discord.js would hand it full objects.
      const emit = this.adapter.client.emit.bind(this.adapter.client) as (
        e: string,
        ...a: unknown[]
      ) => boolean;
      emit(r.added ? Events.MessageReactionAdd : Events.MessageReactionRemove, reaction, user);
    }
    await finished;
    return rs.length / ((performance.now() - t) / 1000);
  }

  async close(): Promise<void> {
    await this.adapter.client.destroy();
  }
}
