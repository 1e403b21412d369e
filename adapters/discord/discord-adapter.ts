/** Ostrom on Discord through discord.js: slash commands, buttons, cards, threads and emoji votes. */
import {
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Partials,
  type AutocompleteInteraction,
  type Interaction,
  type MessageReaction,
  type PartialMessageReaction,
  type PartialUser,
  type RepliableInteraction,
  type User,
} from 'discord.js';
import {
  buttonCommand,
  formCommand,
  formOf,
  type Governance,
  type NamedCommand,
  type Outcome,
  type PlatformAdapter,
} from '../../src/core/index.js';
import type { Logger } from '../../src/log.js';
import { voteOf } from './emoji.js';
import { actorOfInteraction, actorOfUser, commandOf, communityOf, postableChannels } from './inbound.js';
import { DiscordOutbound } from './outbound.js';
import { reconcileGuild } from './reconcile.js';
import { registerCommands } from './register.js';
import { textMessage, cardMessage, toModal } from './render.js';

export interface DiscordOptions {
  core: Governance;
  log: Logger;
  token: string;
  appId: string;
  guildId?: string;
  /** REST base such as `https://discord.com/api` (a proxy, or a test server). */
  apiUrl?: string;
  /**
   * The gateway shards this process runs, out of how many in all (DISCORD_SHARDS, DISCORD_SHARD_COUNT).
   * Discord sends each shard the events of the guilds with `(guild_id >> 22) % shardCount` = its id, so
   * processes with disjoint shards split the guilds among them with no other coordination. Undefined:
   * one shard, every guild.
   */
  sharding?: { shards: number[]; shardCount: number };
}

const SORRY = 'Sorry, something went wrong on our side; nothing was changed. Please try again.';

export class DiscordAdapter implements PlatformAdapter {
  readonly platform = 'discord' as const;
  readonly client: Client;
  private readonly out: DiscordOutbound;
  private inbound: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: DiscordOptions) {
    this.client = new Client({
      // No privileged intent: no message content, no member list.
      intents: [
        GatewayIntentBits.Guilds,
        GatewayIntentBits.GuildMessages,
        GatewayIntentBits.GuildMessageReactions,
      ],
      partials: [Partials.Message, Partials.Channel, Partials.Reaction, Partials.User],
      allowedMentions: { parse: [] },
      rest: o.apiUrl ? { api: o.apiUrl } : {},
      ...(o.sharding ? { shards: o.sharding.shards, shardCount: o.sharding.shardCount } : {}),
    });
    this.out = new DiscordOutbound(this.client, o.core, o.log);
    this.wire();
  }

  async start(): Promise<void> {
    this.client.rest.setToken(this.o.token);
    await this.register();
    const ready = new Promise<void>((resolve) => this.client.once(Events.ClientReady, () => resolve()));
    await this.client.login(this.o.token);
    await ready;
  }

  async stop(): Promise<void> {
    await this.client.destroy();
  }

  /**
   * Commands are the application's, not a shard's: with several processes, only the one running shard 0
   * registers them (every deployment has exactly one). The registration is a bulk overwrite, so a second
   * one would do no harm, but one registrant means the processes do not spend the route's rate limit
   * N times at each start, and during a rolling upgrade an old process restarting cannot put back the
   * old command set over the new one. `npm run discord:register` registers them from anywhere.
   */
  private async register(): Promise<void> {
    const shards = this.o.sharding?.shards;
    if (shards && !shards.includes(0)) {
      this.o.log.info({ shards }, 'Discord commands are left to the process running shard 0');
      return;
    }
    const n = await registerCommands(this.client.rest, this.o.appId, this.o.guildId);
    this.o.log.info({ commands: n, guild: this.o.guildId ?? 'global' }, 'Discord commands registered');
  }

  perform(outcome: Outcome): Promise<void> {
    return this.out.perform(outcome);
  }

  private wire(): void {
    const c = this.client;
    const guard = (what: string, fn: () => Promise<unknown>) =>
      fn().catch((err: unknown) => this.o.log.error({ err }, `Discord ${what} failed`));
    c.on(Events.InteractionCreate, (i) => void guard('interaction', () => this.interaction(i)));
    c.on(
      Events.MessageReactionAdd,
      (r, u) => void guard('reaction', () => this.inOrder(() => this.reaction(r, u, true))),
    );
    c.on(
      Events.MessageReactionRemove,
      (r, u) => void guard('reaction', () => this.inOrder(() => this.reaction(r, u, false))),
    );
    c.on(Events.MessageReactionRemoveAll, (m) => {
      void guard('reaction clear', () =>
        this.inOrder(async () => this.cleared(m.guildId, m.channelId, m.id)),
      );
    });
    c.on(Events.MessageReactionRemoveEmoji, (r) => {
      const vote = voteOf(r.emoji);
      const { guildId, channelId, id } = r.message;
      if (vote)
        void guard('reaction clear', () =>
          this.inOrder(async () => this.cleared(guildId, channelId, id, vote.emoji)),
        );
    });
    // A fresh session (start, or a reconnect that could not resume) may have missed reactions;
    // a resumed one replays what it missed, so only ShardReady reconciles, the guilds of that shard.
    c.on(Events.ShardReady, (shard) => void guard('reconcile', () => this.reconcileShard(shard)));
    c.on(Events.Error, (err) => this.o.log.error({ err }, 'Discord client error'));
    c.on(Events.ShardError, (err) => this.o.log.error({ err }, 'Discord gateway error'));
    c.rest.on('rateLimited', (info) =>
      this.o.log.warn({ route: info.route, retryAfter: info.retryAfter }, 'Discord rate limit'),
    );
  }

  /**
   * Reaction events reach the core in gateway order, even when one must first fetch its user (a remove
   * by an uncached member must not land after that member's re-add). Effects are queued in the same order.
   */
  private inOrder(handle: () => Promise<Outcome | undefined>): Promise<void> {
    const handled = this.inbound.then(handle);
    this.inbound = handled.catch(() => undefined);
    return handled.then((out) => (out ? this.out.perform(out) : undefined));
  }

  /**
   * The guilds Discord gave this shard (GUILD_CREATE), never a list from REST or the database: those
   * would hold other processes' guilds, which their own shards reconcile.
   */
  private async reconcileShard(shard: number): Promise<void> {
    for (const guild of this.client.guilds.cache.values())
      if (guild.shardId === shard) await reconcileGuild(this.client, this.o.core, this.out, guild);
  }

  private async interaction(i: Interaction): Promise<void> {
    if (i.isAutocomplete()) return this.autocomplete(i);
    if (!i.isRepliable()) return;
    try {
      if (!i.inGuild())
        return void (await i.reply({
          ...textMessage('Ostrom works inside a server.'),
          flags: MessageFlags.Ephemeral,
        }));
      const command = this.commandFor(i);
      if (command === 'modal') return;
      if (!command) return;
      await this.run(i, command);
    } catch (err) {
      // Bad input comes back from the core as a value: whatever throws is ours.
      this.o.log.error({ err }, 'interaction failed');
      if (!i.replied && !i.deferred)
        await i.reply({ ...textMessage(SORRY), flags: MessageFlags.Ephemeral }).catch(() => undefined);
    }
  }

  /** The command an interaction stands for; 'modal' when a form was shown instead. */
  private commandFor(i: RepliableInteraction): NamedCommand | 'modal' | undefined {
    if (i.isChatInputCommand()) return commandOf(i);
    if (i.isButton()) {
      const id = i.customId.replace(/^ostrom:/, '');
      const submit = /^task\.submit:(\d+)$/.exec(id);
      if (submit) {
        void i
          .showModal(toModal(formOf(`submit:${submit[1]}`)!))
          .catch((err: unknown) => this.o.log.error({ err }, 'showModal failed'));
        return 'modal';
      }
      return buttonCommand(id);
    }
    if (i.isModalSubmit()) {
      const id = i.customId.replace(/^ostrom:/, '');
      const values: Record<string, string> = {};
      for (const [key, field] of i.fields.fields)
        if ('value' in field && typeof field.value === 'string') values[key] = field.value;
      return formCommand(id, values);
    }
    return undefined;
  }

  private async run(i: RepliableInteraction, command: NamedCommand): Promise<void> {
    const community = communityOf(i.guildId!);
    // Channel rules must name a channel Ostrom can post in; only the commands that set them need the list.
    const setsChannels = command.name === 'commons setup' || command.name === 'propose';
    const out = await this.o.core.handle({
      type: 'command',
      eventId: i.id,
      community,
      channelId: i.channelId!,
      actor: actorOfInteraction(i),
      command,
      channels: setsChannels && i.guild ? await postableChannels(i.guild) : undefined,
    });
    if (out.duplicate) return;
    const reply = out.reply ?? { private: true, text: 'Done.' };
    const payload = reply.view ? cardMessage(reply.view) : textMessage(reply.text);
    const files = reply.file
      ? [{ attachment: Buffer.from(reply.file.content, 'utf8'), name: reply.file.name }]
      : undefined;
    // The core has committed: its effects go ahead even when Discord refuses the reply (an expired
    // interaction), and the user is not told "nothing was changed".
    await i
      .reply({ ...payload, components: [], files, flags: reply.private ? MessageFlags.Ephemeral : undefined })
      .catch((err: unknown) => {
        // Not the whole error: its URL holds the interaction token, a short-lived secret.
        const why = err instanceof DiscordAPIError ? { code: err.code, status: err.status } : { err };
        this.o.log.warn(why, 'could not answer an interaction');
      });
    const failed: string[] = [];
    await this.out.perform(out, (e, why) => {
      if (e.type === 'post') failed.push(cardNotPosted(e.view.title, e.channelId, why));
    });
    if (failed.length > 0)
      await i
        .followUp({ ...textMessage(failed.join('\n')), flags: MessageFlags.Ephemeral })
        .catch((err: unknown) => this.o.log.warn({ err }, 'could not tell a member a card failed'));
  }

  private async autocomplete(i: AutocompleteInteraction): Promise<void> {
    if (!i.inGuild()) return i.respond([]);
    const focused = i.options.getFocused(true);
    const kind = focused.name === 'proposal' ? 'proposal' : 'task';
    const found = await this.o.core.suggest(communityOf(i.guildId), kind, String(focused.value));
    await i.respond(found.slice(0, 25).map((s) => ({ name: s.label.slice(0, 100), value: s.number })));
  }

  private async reaction(
    r: MessageReaction | PartialMessageReaction,
    u: User | PartialUser,
    added: boolean,
  ): Promise<Outcome | undefined> {
    const vote = voteOf(r.emoji);
    const guildId = r.message.guildId;
    if (!vote || !guildId || u.bot) return undefined;
    const user = u.partial ? await u.fetch() : u;
    const member = r.message.guild?.members.cache.get(user.id);
    return this.o.core.handle({
      type: 'reaction',
      community: communityOf(guildId),
      actor: actorOfUser(user, member),
      message: { channelId: r.message.channelId, messageId: r.message.id },
      emoji: vote.emoji,
      value: vote.value,
      added,
    });
  }

  private cleared(
    guildId: string | null,
    channelId: string,
    messageId: string,
    emoji?: string,
  ): Promise<Outcome> | undefined {
    if (!guildId) return undefined;
    return this.o.core.handle({
      type: 'reactions-cleared',
      community: communityOf(guildId),
      message: { channelId, messageId },
      emoji,
    });
  }
}

/** A card Discord refused, said to the member whose command made it (the change itself is recorded). */
function cardNotPosted(title: string, channelId: string, why: string): string {
  return `Recorded, but the card "${title}" could not be posted in <#${channelId}>: ${why}. Ostrom needs View Channel, Send Messages, Embed Links and Add Reactions there: an admin can grant them, or the community can choose another channel by proposal (\`change:channels.tasks=#channel\`).`;
}
