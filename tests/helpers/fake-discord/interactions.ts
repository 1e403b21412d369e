/**
 * Builders for gateway payloads tests dispatch: interactions (chat input, button, string select,
 * autocomplete, modal submit) and reaction events. Each interaction gets a fresh snowflake id and a unique
 * token, and is registered in the store so that its callback / webhook routes work.
 */
import { randomBytes } from 'node:crypto';

import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  ButtonStyle,
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
  APIMessageComponentSelectMenuInteraction,
  APIModalSubmitInteraction,
  APIUser,
  GatewayMessageCreateDispatchData,
  GatewayMessageReactionAddDispatchData,
  GatewayMessageReactionRemoveAllDispatchData,
  GatewayMessageReactionRemoveDispatchData,
  GatewayMessageReactionRemoveEmojiDispatchData,
} from 'discord-api-types/v10';

import { buildMessage, memberPermissions, type FakeGuild, type FakeUserInput } from './entities.js';
import { channelPermissions } from './permissions.js';
import { parseEmoji, type EmojiInput, type FakeStore } from './state.js';

/** Who acts and where. Defaults: the first configured guild, its first text channel, its first human member. */
export interface ActorInput {
  /** A user id, a user object, or a partial user to create. */
  user?: string | APIUser | FakeUserInput;
  /** Guild id; `null` makes it a DM. */
  guildId?: string | null;
  channelId?: string;
  /** Overrides `member.permissions` (default: computed from the member's roles and channel overwrites). */
  memberPermissions?: bigint | string;
  /** Roles given to the member when the user is not a member of the guild yet. */
  roles?: string[];
  locale?: Locale;
}

type TypedOptionValue =
  | {
      type:
        | ApplicationCommandOptionType.User
        | ApplicationCommandOptionType.Role
        | ApplicationCommandOptionType.Channel
        | ApplicationCommandOptionType.Mentionable;
      value: string;
    }
  | { type: ApplicationCommandOptionType.String; value: string }
  | { type: ApplicationCommandOptionType.Integer | ApplicationCommandOptionType.Number; value: number }
  | { type: ApplicationCommandOptionType.Boolean; value: boolean };

/** Option values: strings, booleans, integers and numbers are typed by their JS type; users/roles/channels need `{ type, value }`. */
export type OptionsInput =
  | Record<string, string | number | boolean | TypedOptionValue>
  | APIApplicationCommandInteractionDataBasicOption[];

export interface ChatInputInput extends ActorInput {
  name: string;
  commandId?: string;
  subcommand?: string;
  subcommandGroup?: string;
  options?: OptionsInput;
}

export interface AutocompleteInput extends Omit<ChatInputInput, 'options'> {
  options?: OptionsInput;
  /** The option being typed into. */
  focused: {
    name: string;
    value: string | number;
    type?:
      | ApplicationCommandOptionType.String
      | ApplicationCommandOptionType.Integer
      | ApplicationCommandOptionType.Number;
  };
}

export interface ComponentInput extends ActorInput {
  customId: string;
  /** The message carrying the component: an object, or the id of a message stored in the fake. */
  message?: APIMessage | string;
}

export interface ReactionInput {
  messageId: string;
  channelId?: string;
  /** Reacting user; default: the first human member of the guild. */
  userId?: string;
  emoji: EmojiInput;
  /** Guild id; `null` for a DM. Default: the channel's guild. */
  guildId?: string | null;
  messageAuthorId?: string;
  burst?: boolean;
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

  /** The guild an actor acts in: none for a DM (guildId null), else the given or the default one. */
  private guildOf(input: ActorInput) {
    if (input.guildId === null) return undefined;
    const guild = input.guildId ? this.store.guilds.get(input.guildId) : this.defaultGuild();
    if (input.guildId && !guild) throw new Error(`fake-discord: unknown guild ${input.guildId}`);
    return guild;
  }

  private actor(input: ActorInput) {
    const guild = this.guildOf(input);
    const user = this.resolveUser(input.user, guild);
    const locale = input.locale ?? Locale.EnglishUS;
    if (!guild) {
      const dm = input.channelId
        ? this.store.channels.get(input.channelId)
        : this.store.ensureDmChannel(user);
      if (!dm) throw new Error(`fake-discord: unknown channel ${input.channelId ?? ''}`);
      return {
        guild,
        user,
        locale,
        common: {
          user,
          channel_id: dm.id,
          channel: { id: dm.id, type: dm.type },
          context: InteractionContextType.BotDM,
          authorizing_integration_owners: { [ApplicationIntegrationType.UserInstall]: user.id },
          app_permissions: channelPermissions(this.store, dm.id, this.store.bot.id).toString(),
        },
      };
    }
    const channelId =
      input.channelId ??
      guild.channels.find((c) => c.type === ChannelType.GuildText)?.id ??
      guild.channels[0]?.id ??
      '';
    const channel = this.store.channels.get(channelId);
    if (!channel) throw new Error(`fake-discord: unknown channel ${channelId}`);
    const member = this.store.ensureMember(guild, user, input.roles ?? []);
    const interactionMember: APIInteractionGuildMember = {
      ...structuredClone(member),
      user,
      permissions:
        input.memberPermissions !== undefined
          ? BigInt(input.memberPermissions).toString()
          : channelPermissions(this.store, channelId, user.id).toString(),
    };
    return {
      guild,
      user,
      locale,
      common: {
        guild_id: guild.id,
        guild: { id: guild.id, locale: guild.preferred_locale, features: guild.features },
        guild_locale: guild.preferred_locale,
        member: interactionMember,
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
      actor,
      fields: {
        id: this.store.ids.next(),
        application_id: this.store.applicationId,
        token: `fake-interaction-token-${randomBytes(24).toString('base64url')}`,
        version: 1 as const,
        locale: actor.locale,
        entitlements: [],
        attachment_size_limit: 10 * 1024 * 1024,
        ...actor.common,
      },
    };
  }

  private options(input: OptionsInput | undefined, guild: FakeGuild | undefined) {
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
        return { name, ...raw } as APIApplicationCommandInteractionDataBasicOption;
      },
    );
    return { options, resolved: Object.keys(resolved).length > 0 ? resolved : undefined };
  }

  private resolve(
    option: TypedOptionValue,
    resolved: APIInteractionDataResolved,
    guild: FakeGuild | undefined,
  ): void {
    const id = String(option.value);
    const T = ApplicationCommandOptionType;
    if (option.type === T.User || (option.type === T.Mentionable && this.store.users.has(id))) {
      const user = this.store.user(id);
      (resolved.users ??= {})[id] = user;
      const member = guild?.members.find((m) => m.user.id === id);
      if (member && guild) {
        const { user: _u, ...rest } = member;
        (resolved.members ??= {})[id] = { ...rest, permissions: memberPermissions(guild, id).toString() };
      }
    } else if (option.type === T.Role || option.type === T.Mentionable) {
      const role = guild?.roles.find((r) => r.id === id);
      if (role) (resolved.roles ??= {})[id] = role;
    } else if (option.type === T.Channel) {
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
  }

  private wrapSubcommand(
    input: { subcommand?: string; subcommandGroup?: string },
    options: APIApplicationCommandInteractionDataBasicOption[],
  ): APIApplicationCommandInteractionDataOption[] {
    if (!input.subcommand) return options;
    const sub: APIApplicationCommandInteractionDataOption = {
      name: input.subcommand,
      type: ApplicationCommandOptionType.Subcommand,
      options,
    };
    if (!input.subcommandGroup) return [sub];
    return [
      { name: input.subcommandGroup, type: ApplicationCommandOptionType.SubcommandGroup, options: [sub] },
    ];
  }

  private commandId(name: string, guildId: string | undefined, explicit: string | undefined): string {
    if (explicit) return explicit;
    const known = [
      ...(guildId ? (this.store.guildCommands.get(guildId) ?? []) : []),
      ...this.store.globalCommands,
    ];
    return known.find((c) => c.name === name)?.id ?? this.store.ids.next();
  }

  // ---------- interactions ----------

  chatInput(input: ChatInputInput): APIChatInputApplicationCommandInteraction {
    const { actor, fields } = this.base(input);
    const { options, resolved } = this.options(input.options, actor.guild);
    const interaction = {
      ...fields,
      type: InteractionType.ApplicationCommand,
      data: {
        id: this.commandId(input.name, actor.guild?.id, input.commandId),
        name: input.name,
        type: ApplicationCommandType.ChatInput,
        options: this.wrapSubcommand(input, options),
        ...(actor.guild ? { guild_id: actor.guild.id } : {}),
        ...(resolved ? { resolved } : {}),
      },
    } as APIChatInputApplicationCommandInteraction;
    this.store.registerInteraction(interaction);
    return interaction;
  }

  autocomplete(input: AutocompleteInput): APIApplicationCommandAutocompleteInteraction {
    const { actor, fields } = this.base(input);
    const { options } = this.options(input.options, actor.guild);
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
        id: this.commandId(input.name, actor.guild?.id, input.commandId),
        name: input.name,
        type: ApplicationCommandType.ChatInput,
        options: this.wrapSubcommand(input, [...options, focused]),
        ...(actor.guild ? { guild_id: actor.guild.id } : {}),
      },
    } as APIApplicationCommandAutocompleteInteraction;
    this.store.registerInteraction(interaction);
    return interaction;
  }

  private componentMessage(
    input: ComponentInput,
    channelId: string,
    component: 'button' | 'select',
  ): APIMessage {
    if (typeof input.message === 'object') return input.message;
    if (typeof input.message === 'string') {
      const stored = this.store.getMessage(channelId, input.message);
      if (!stored)
        throw new Error(`fake-discord: message ${input.message} is not stored in channel ${channelId}`);
      return stored;
    }
    return buildMessage({
      id: this.store.ids.next(),
      channelId,
      author: this.store.bot,
      content: 'message with components',
      components: [
        {
          type: ComponentType.ActionRow,
          components: [
            component === 'button'
              ? {
                  type: ComponentType.Button,
                  style: ButtonStyle.Primary,
                  custom_id: input.customId,
                  label: 'Button',
                }
              : {
                  type: ComponentType.StringSelect,
                  custom_id: input.customId,
                  options: [{ label: 'a', value: 'a' }],
                },
          ],
        },
      ],
    });
  }

  button(input: ComponentInput): APIMessageComponentButtonInteraction {
    const { fields } = this.base(input);
    const interaction = {
      ...fields,
      type: InteractionType.MessageComponent,
      message: this.componentMessage(input, fields.channel_id, 'button'),
      data: { custom_id: input.customId, component_type: ComponentType.Button },
    } as APIMessageComponentButtonInteraction;
    this.store.registerInteraction(interaction);
    return interaction;
  }

  stringSelect(input: ComponentInput & { values: string[] }): APIMessageComponentSelectMenuInteraction {
    const { fields } = this.base(input);
    const interaction = {
      ...fields,
      type: InteractionType.MessageComponent,
      message: this.componentMessage(input, fields.channel_id, 'select'),
      data: { custom_id: input.customId, component_type: ComponentType.StringSelect, values: input.values },
    } as APIMessageComponentSelectMenuInteraction;
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

  // ---------- messages and reactions ----------

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

  reactionAdd(input: ReactionInput): GatewayMessageReactionAddDispatchData {
    const { guild, base } = this.reactionBase(input);
    const user = this.resolveUser(input.userId, guild);
    const data: GatewayMessageReactionAddDispatchData = {
      ...base,
      user_id: user.id,
      emoji: parseEmoji(input.emoji).emoji,
      burst: input.burst ?? false,
      type: input.burst ? ReactionType.Super : ReactionType.Normal,
    };
    if (guild) data.member = structuredClone(this.store.ensureMember(guild, user));
    const author =
      input.messageAuthorId ?? this.store.getMessage(base.channel_id, input.messageId)?.author.id;
    if (author) data.message_author_id = author;
    return data;
  }

  reactionRemove(input: ReactionInput): GatewayMessageReactionRemoveDispatchData {
    const { guild, base } = this.reactionBase(input);
    return {
      ...base,
      user_id: this.resolveUser(input.userId, guild).id,
      emoji: parseEmoji(input.emoji).emoji,
      burst: input.burst ?? false,
      type: input.burst ? ReactionType.Super : ReactionType.Normal,
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

  /** A MESSAGE_CREATE payload for a message written by a user (stored in the fake, so REST can fetch it). */
  messageCreate(
    input: ActorInput & { content: string; id?: string; messageReference?: APIMessage['message_reference'] },
  ): GatewayMessageCreateDispatchData {
    const guild = this.guildOf(input);
    const author = this.resolveUser(input.user, guild);
    const channelId =
      input.channelId ??
      (guild
        ? (guild.channels.find((c) => c.type === ChannelType.GuildText)?.id ?? '')
        : this.store.ensureDmChannel(author).id);
    const mentions = [...input.content.matchAll(/<@!?(\d+)>/g)].map((m) => this.store.user(m[1] ?? ''));
    const message = buildMessage({
      id: input.id ?? this.store.ids.next(),
      channelId,
      author,
      content: input.content,
      mentions,
      mentionRoles: [...input.content.matchAll(/<@&(\d+)>/g)].map((m) => m[1] ?? ''),
      mentionEveryone: /@(everyone|here)\b/.test(input.content),
      ...(input.messageReference ? { messageReference: input.messageReference } : {}),
    });
    this.store.putMessage(message);
    const data: GatewayMessageCreateDispatchData = {
      ...structuredClone(message),
      mentions: structuredClone(mentions),
    };
    if (guild) {
      data.guild_id = guild.id;
      const { user: _u, ...member } = this.store.ensureMember(guild, author);
      data.member = { ...structuredClone(member), joined_at: member.joined_at ?? new Date().toISOString() };
    }
    return data;
  }
}
