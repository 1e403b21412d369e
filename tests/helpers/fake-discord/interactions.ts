/**
 * Builders for gateway payloads tests dispatch: interactions (chat input, button, autocomplete, modal
 * submit) in a guild, and reaction events. Each interaction gets a fresh snowflake id and a unique token,
 * and is registered in the store so that its callback and follow-up routes work.
 */
import { randomBytes } from 'node:crypto';

import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  ChannelType,
  ComponentType,
  InteractionContextType,
  InteractionType,
  Locale,
  ReactionType,
} from 'discord-api-types/v10';
import type {
  APIApplicationCommandAutocompleteInteraction,
  APIApplicationCommandInteractionDataBasicOption,
  APIApplicationCommandInteractionDataOption,
  APIChatInputApplicationCommandInteraction,
  APIInteractionDataResolved,
  APIInteractionGuildMember,
  APIMessage,
  APIMessageComponentButtonInteraction,
  APIModalSubmitInteraction,
  APIUser,
  GatewayMessageReactionAddDispatchData,
  GatewayMessageReactionRemoveAllDispatchData,
  GatewayMessageReactionRemoveDispatchData,
  GatewayMessageReactionRemoveEmojiDispatchData,
} from 'discord-api-types/v10';

import { memberPermissions, type FakeGuild, type FakeUserInput } from './entities.js';
import { channelPermissions } from './permissions.js';
import { parseEmoji, type EmojiInput, type FakeStore } from './state.js';

/** Who acts and where. Defaults: the first configured guild, its first text channel, its first human member. */
export interface ActorInput {
  /** A user id, a user object, or a partial user to create. */
  user?: string | APIUser | FakeUserInput;
  guildId?: string;
  channelId?: string;
}

type TypedOptionValue = {
  type: ApplicationCommandOptionType.User | ApplicationCommandOptionType.Channel;
  value: string;
};

/** Option values: strings, booleans, integers and numbers are typed by their JS type; users and channels need `{ type, value }`. */
export type OptionsInput =
  | Record<string, string | number | boolean | TypedOptionValue>
  | APIApplicationCommandInteractionDataBasicOption[];

export interface ChatInputInput extends ActorInput {
  name: string;
  subcommand?: string;
  options?: OptionsInput;
}

export interface AutocompleteInput extends ChatInputInput {
  /** The option being typed into. */
  focused: {
    name: string;
    value: string | number;
    type?: ApplicationCommandOptionType.String | ApplicationCommandOptionType.Integer;
  };
}

export interface ComponentInput extends ActorInput {
  customId: string;
  /** The message carrying the component: an object, or the id of a message stored in the fake. */
  message: APIMessage | string;
}

export interface ReactionInput {
  messageId: string;
  channelId?: string;
  /** Reacting user; default: the first human member of the guild. */
  userId?: string;
  emoji: EmojiInput;
  /** Guild id; `null` for a DM. Default: the channel's guild. */
  guildId?: string | null;
}

export class PayloadBuilders {
  constructor(private readonly store: FakeStore) {}

  // ---------- context ----------

  private defaultGuild(): FakeGuild | undefined {
    return this.store.guilds.values().next().value;
  }

  private resolveUser(input: ActorInput['user'], guild: FakeGuild | undefined): APIUser {
    if (typeof input === 'string') return this.store.user(input);
    if (input) return this.store.user(input);
    const human = guild?.members.find((m) => !m.user.bot);
    return human?.user ?? this.store.user({ username: 'tester' });
  }

  /** The guild member acting in a channel, as an interaction carries it (permissions computed). */
  private actor(input: ActorInput) {
    const guild = input.guildId ? this.store.guilds.get(input.guildId) : this.defaultGuild();
    if (!guild) throw new Error(`fake-discord: unknown guild ${input.guildId ?? '(none configured)'}`);
    const user = this.resolveUser(input.user, guild);
    const channelId =
      input.channelId ?? guild.channels.find((c) => c.type === ChannelType.GuildText)?.id ?? '';
    const channel = this.store.channels.get(channelId);
    if (!channel) throw new Error(`fake-discord: unknown channel ${channelId}`);
    const member: APIInteractionGuildMember = {
      ...structuredClone(this.store.ensureMember(guild, user)),
      user,
      permissions: channelPermissions(this.store, channelId, user.id).toString(),
    };
    return {
      guild,
      common: {
        guild_id: guild.id,
        guild: { id: guild.id, locale: guild.preferred_locale, features: guild.features },
        guild_locale: guild.preferred_locale,
        member,
        channel_id: channelId,
        channel: structuredClone(channel),
        context: InteractionContextType.Guild,
        authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: guild.id },
        app_permissions: channelPermissions(this.store, channelId, this.store.bot.id).toString(),
      },
    };
  }

  private base(input: ActorInput) {
    const actor = this.actor(input);
    return {
      guild: actor.guild,
      fields: {
        id: this.store.ids.next(),
        application_id: this.store.applicationId,
        token: `fake-interaction-token-${randomBytes(24).toString('base64url')}`,
        version: 1 as const,
        locale: Locale.EnglishUS,
        entitlements: [],
        attachment_size_limit: 10 * 1024 * 1024,
        ...actor.common,
      },
    };
  }

  private options(input: OptionsInput | undefined, guild: FakeGuild) {
    if (input === undefined)
      return { options: [] as APIApplicationCommandInteractionDataBasicOption[], resolved: undefined };
    if (Array.isArray(input)) return { options: input, resolved: undefined };
    const resolved: APIInteractionDataResolved = {};
    const options = Object.entries(input).map(
      ([name, raw]): APIApplicationCommandInteractionDataBasicOption => {
        if (typeof raw === 'string') return { name, type: ApplicationCommandOptionType.String, value: raw };
        if (typeof raw === 'boolean') return { name, type: ApplicationCommandOptionType.Boolean, value: raw };
        if (typeof raw === 'number') {
          return Number.isInteger(raw)
            ? { name, type: ApplicationCommandOptionType.Integer, value: raw }
            : { name, type: ApplicationCommandOptionType.Number, value: raw };
        }
        this.resolve(raw, resolved, guild);
        return { name, ...raw };
      },
    );
    return { options, resolved: Object.keys(resolved).length > 0 ? resolved : undefined };
  }

  /** Discord sends the users (with members) and channels that options name in `data.resolved`. */
  private resolve(option: TypedOptionValue, resolved: APIInteractionDataResolved, guild: FakeGuild): void {
    const id = option.value;
    if (option.type === ApplicationCommandOptionType.User) {
      (resolved.users ??= {})[id] = this.store.user(id);
      const member = guild.members.find((m) => m.user.id === id);
      if (member) {
        const { user: _u, ...rest } = member;
        (resolved.members ??= {})[id] = { ...rest, permissions: memberPermissions(guild, id).toString() };
      }
      return;
    }
    const channel = this.store.channels.get(id);
    if (channel && channel.type !== ChannelType.DM && channel.type !== ChannelType.GroupDM) {
      (resolved.channels ??= {})[id] = {
        id,
        type: channel.type,
        name: channel.name ?? '',
        permissions: channelPermissions(this.store, id, this.store.bot.id).toString(),
      } as NonNullable<APIInteractionDataResolved['channels']>[string];
    }
  }

  private wrapSubcommand(
    subcommand: string | undefined,
    options: APIApplicationCommandInteractionDataBasicOption[],
  ): APIApplicationCommandInteractionDataOption[] {
    if (!subcommand) return options;
    return [{ name: subcommand, type: ApplicationCommandOptionType.Subcommand, options }];
  }

  /** The id Ostrom's registration gave the command, as Discord would send it. */
  private commandId(name: string, guildId: string): string {
    const known = [...(this.store.guildCommands.get(guildId) ?? []), ...this.store.globalCommands];
    return known.find((c) => c.name === name)?.id ?? this.store.ids.next();
  }

  // ---------- interactions ----------

  chatInput(input: ChatInputInput): APIChatInputApplicationCommandInteraction {
    const { guild, fields } = this.base(input);
    const { options, resolved } = this.options(input.options, guild);
    const interaction = {
      ...fields,
      type: InteractionType.ApplicationCommand,
      data: {
        id: this.commandId(input.name, guild.id),
        name: input.name,
        type: ApplicationCommandType.ChatInput,
        options: this.wrapSubcommand(input.subcommand, options),
        guild_id: guild.id,
        ...(resolved ? { resolved } : {}),
      },
    } as APIChatInputApplicationCommandInteraction;
    this.store.registerInteraction(interaction);
    return interaction;
  }

  autocomplete(input: AutocompleteInput): APIApplicationCommandAutocompleteInteraction {
    const { guild, fields } = this.base(input);
    const { options } = this.options(input.options, guild);
    const focusedValue = input.focused.value;
    const focused = {
      name: input.focused.name,
      type:
        input.focused.type ??
        (typeof focusedValue === 'number'
          ? ApplicationCommandOptionType.Integer
          : ApplicationCommandOptionType.String),
      value: String(focusedValue),
      focused: true,
    } as APIApplicationCommandInteractionDataBasicOption<InteractionType.ApplicationCommandAutocomplete>;
    const interaction = {
      ...fields,
      type: InteractionType.ApplicationCommandAutocomplete,
      data: {
        id: this.commandId(input.name, guild.id),
        name: input.name,
        type: ApplicationCommandType.ChatInput,
        options: this.wrapSubcommand(input.subcommand, [...options, focused]),
        guild_id: guild.id,
      },
    } as APIApplicationCommandAutocompleteInteraction;
    this.store.registerInteraction(interaction);
    return interaction;
  }

  button(input: ComponentInput): APIMessageComponentButtonInteraction {
    const { fields } = this.base(input);
    const message =
      typeof input.message === 'object'
        ? input.message
        : this.store.getMessage(fields.channel_id, input.message);
    if (!message) throw new Error(`fake-discord: message ${String(input.message)} is not stored`);
    const interaction = {
      ...fields,
      type: InteractionType.MessageComponent,
      message,
      data: { custom_id: input.customId, component_type: ComponentType.Button },
    } as APIMessageComponentButtonInteraction;
    this.store.registerInteraction(interaction);
    return interaction;
  }

  /** A modal submission with text inputs (`fields`: custom_id → value). */
  modalSubmit(
    input: ActorInput & { customId: string; fields: Record<string, string>; message?: APIMessage },
  ): APIModalSubmitInteraction {
    const { fields } = this.base(input);
    const interaction = {
      ...fields,
      type: InteractionType.ModalSubmit,
      ...(input.message ? { message: input.message } : {}),
      data: {
        custom_id: input.customId,
        components: Object.entries(input.fields).map(([customId, value]) => ({
          type: ComponentType.ActionRow,
          components: [{ type: ComponentType.TextInput, custom_id: customId, value }],
        })),
      },
    } as APIModalSubmitInteraction;
    this.store.registerInteraction(interaction);
    return interaction;
  }

  // ---------- reactions ----------

  private reactionBase(input: { messageId: string; channelId?: string; guildId?: string | null }) {
    const guild =
      input.guildId === null
        ? undefined
        : input.guildId
          ? this.store.guilds.get(input.guildId)
          : input.channelId
            ? this.store.guildOfChannel(input.channelId)
            : this.defaultGuild();
    const channelId =
      input.channelId ?? guild?.channels.find((c) => c.type === ChannelType.GuildText)?.id ?? '';
    return {
      guild,
      base: { channel_id: channelId, message_id: input.messageId, ...(guild ? { guild_id: guild.id } : {}) },
    };
  }

  /** A member's reaction: carries the member (as Discord does in guilds) and the message's author. */
  reactionAdd(input: ReactionInput): GatewayMessageReactionAddDispatchData {
    const { guild, base } = this.reactionBase(input);
    const user = this.resolveUser(input.userId, guild);
    const data: GatewayMessageReactionAddDispatchData = {
      ...base,
      user_id: user.id,
      emoji: parseEmoji(input.emoji).emoji,
      burst: false,
      type: ReactionType.Normal,
    };
    if (guild) data.member = structuredClone(this.store.ensureMember(guild, user));
    const author = this.store.getMessage(base.channel_id, input.messageId)?.author.id;
    if (author) data.message_author_id = author;
    return data;
  }

  /** A removed reaction: Discord sends no member with it, so discord.js may have to fetch the user. */
  reactionRemove(input: ReactionInput): GatewayMessageReactionRemoveDispatchData {
    const { guild, base } = this.reactionBase(input);
    return {
      ...base,
      user_id: this.resolveUser(input.userId, guild).id,
      emoji: parseEmoji(input.emoji).emoji,
      burst: false,
      type: ReactionType.Normal,
    };
  }

  reactionRemoveAll(input: {
    messageId: string;
    channelId?: string;
    guildId?: string | null;
  }): GatewayMessageReactionRemoveAllDispatchData {
    return this.reactionBase(input).base;
  }

  reactionRemoveEmoji(input: {
    messageId: string;
    channelId?: string;
    guildId?: string | null;
    emoji: EmojiInput;
  }): GatewayMessageReactionRemoveEmojiDispatchData {
    return { ...this.reactionBase(input).base, emoji: parseEmoji(input.emoji).emoji };
  }
}
