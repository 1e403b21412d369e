/**
 * Shared REST machinery: the context REST handlers get, Discord error answers, and the message operations
 * (create / edit with mentions, attachments and validation, plus the gateway echoes) used by several routes.
 * Mentions are resolved from `allowed_mentions` as Discord does, so a test can see whether a card pinged.
 */
import {
  GatewayDispatchEvents,
  MessageFlags,
  MessageReferenceType,
  ReactionType,
} from 'discord-api-types/v10';
import type {
  APIAllowedMentions,
  APIAttachment,
  APIEmbed,
  APIGuildMember,
  APIMessage,
  APIUser,
  RESTPatchAPIChannelMessageJSONBody,
  RESTPostAPIChannelMessageJSONBody,
} from 'discord-api-types/v10';
import { buildMessage } from './entities.js';
import type { DispatchData } from './gateway.js';
import { apiError, type RecordedFile, type RestResponse } from './http.js';
import { parseEmoji, type FakeStore } from './state.js';

export interface RestContext {
  store: FakeStore;
  /** `http://127.0.0.1:PORT` */
  baseUrl: () => string;
  wsUrl: () => string;
  /** The shard count `GET /gateway/bot` recommends. */
  shards: () => number;
  /** `session_start_limit.max_concurrency` of `GET /gateway/bot`. */
  maxConcurrency: () => number;
  /** Sends a gateway event caused by a REST action. */
  echo: <E extends GatewayDispatchEvents>(event: E, data: DispatchData<E>) => void;
}

export type MessageBody = RESTPostAPIChannelMessageJSONBody & RESTPatchAPIChannelMessageJSONBody;

export const unknownChannel = () => apiError(404, 10003, 'Unknown Channel');
export const unknownMessage = () => apiError(404, 10008, 'Unknown Message');
export const unknownGuild = () => apiError(404, 10004, 'Unknown Guild');
export const unknownWebhook = () => apiError(404, 10015, 'Unknown Webhook');
export const missingPermissions = () => apiError(403, 50013, 'Missing Permissions');
export const invalidForm = (errors: object) => apiError(400, 50035, 'Invalid Form Body', { errors });

function guildMemberNoUser(member: APIGuildMember) {
  const { user: _user, ...rest } = member;
  return { ...rest, joined_at: member.joined_at ?? new Date().toISOString() };
}

export type MessageOps = ReturnType<typeof createMessageOps>;

export function createMessageOps(ctx: RestContext) {
  const { store } = ctx;

  const resolveMentions = (content: string, allowed: APIAllowedMentions | undefined, reply?: APIMessage) => {
    const parse = allowed?.parse;
    const allowUser = (id: string) =>
      allowed === undefined || parse?.includes('users' as never) || allowed.users?.includes(id);
    const allowRole = (id: string) =>
      allowed === undefined || parse?.includes('roles' as never) || allowed.roles?.includes(id);
    const users = [...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1] ?? '').filter((id) => allowUser(id));
    const roles = [...content.matchAll(/<@&(\d+)>/g)].map((m) => m[1] ?? '').filter((id) => allowRole(id));
    const everyone =
      /@(everyone|here)\b/.test(content) &&
      (allowed === undefined || parse?.includes('everyone' as never) === true);
    const mentions: APIUser[] = [...new Set(users)].map((id) => store.users.get(id) ?? store.user(id));
    if (
      reply &&
      (allowed === undefined || allowed.replied_user === true) &&
      !mentions.some((u) => u.id === reply.author.id)
    ) {
      mentions.push(reply.author);
    }
    return { mentions, mention_roles: [...new Set(roles)], mention_everyone: everyone };
  };

  const attachmentsFor = (
    channelId: string,
    files: RecordedFile[],
    meta: MessageBody['attachments'],
    existing: APIAttachment[],
  ): APIAttachment[] => {
    const kept =
      meta === undefined || meta === null
        ? existing
        : existing.filter((a) => meta.some((m) => String(m.id) === a.id));
    const created = files.map((file, index) => {
      const index_ = /\[(\d+)\]/.exec(file.field)?.[1] ?? String(index);
      const m = meta?.find((x) => String(x.id) === index_);
      const id = store.ids.next();
      // Not served back: Ostrom only uploads (the ledger export).
      const path = `/attachments/${channelId}/${id}/${encodeURIComponent(file.filename)}`;
      const attachment: APIAttachment = {
        id,
        filename: m?.filename ?? file.filename,
        size: file.data.length,
        url: `${ctx.baseUrl()}${path}`,
        proxy_url: `${ctx.baseUrl()}${path}`,
        content_type: file.contentType,
      };
      if (m?.description !== undefined) attachment.description = m.description;
      return attachment;
    });
    return [...kept, ...created];
  };

  /** Validation Discord does on message bodies; returns an error response or undefined. */
  const validateMessage = (
    body: MessageBody,
    files: RecordedFile[],
    creating: boolean,
  ): RestResponse | undefined => {
    if (body.content !== undefined && body.content !== null && body.content.length > 2000) {
      return invalidForm({
        content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] },
      });
    }
    if ((body.embeds?.length ?? 0) > 10) {
      return invalidForm({
        embeds: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 10 or fewer in length.' }] },
      });
    }
    const empty =
      !body.content &&
      (body.embeds?.length ?? 0) === 0 &&
      (body.components?.length ?? 0) === 0 &&
      (body.sticker_ids?.length ?? 0) === 0 &&
      files.length === 0 &&
      !body.poll;
    if (creating && empty) return apiError(400, 50006, 'Cannot send an empty message');
    return undefined;
  };

  const createMessage = (init: {
    channelId: string;
    author: APIUser;
    body: MessageBody;
    files: RecordedFile[];
    webhook?: boolean;
    store?: boolean;
  }): APIMessage => {
    const { body } = init;
    const reference = body.message_reference ?? undefined;
    const replyTo = reference?.message_id
      ? store.getMessage(reference.channel_id ?? init.channelId, reference.message_id)
      : undefined;
    const message = buildMessage({
      id: store.ids.next(),
      channelId: init.channelId,
      author: init.author,
      content: body.content ?? '',
      embeds: (body.embeds ?? []) as APIEmbed[],
      components: (body.components ?? []) as APIMessage['components'],
      flags: body.flags ?? 0,
      tts: body.tts ?? false,
      attachments: attachmentsFor(init.channelId, init.files, body.attachments, []),
      ...(init.webhook ? { webhookId: store.applicationId, applicationId: store.applicationId } : {}),
      ...(reference?.message_id ? { messageReference: toMessageReference(reference, init.channelId) } : {}),
      ...resolveMentionsInit(resolveMentions(body.content ?? '', body.allowed_mentions, replyTo)),
    });
    if (replyTo) message.referenced_message = replyTo;
    if (init.store !== false) {
      store.putMessage(message);
      echoMessage(GatewayDispatchEvents.MessageCreate, message);
    }
    return message;
  };

  const editMessage = (message: APIMessage, body: MessageBody, files: RecordedFile[]): APIMessage => {
    if (body.content !== undefined) message.content = body.content ?? '';
    if (body.embeds !== undefined) message.embeds = (body.embeds ?? []) as APIEmbed[];
    if (body.components !== undefined)
      message.components = (body.components ?? []) as NonNullable<APIMessage['components']>;
    if (body.flags !== undefined && body.flags !== null) {
      // Only SUPPRESS_EMBEDS may be changed on edit; EPHEMERAL stays.
      const keep = (message.flags ?? 0) & MessageFlags.Ephemeral;
      message.flags = keep | (body.flags & MessageFlags.SuppressEmbeds);
    }
    if (body.attachments !== undefined || files.length > 0) {
      message.attachments = attachmentsFor(message.channel_id, files, body.attachments, message.attachments);
    }
    if (body.content !== undefined) {
      const m = resolveMentions(message.content, body.allowed_mentions);
      message.mentions = m.mentions;
      message.mention_roles = m.mention_roles;
      message.mention_everyone = m.mention_everyone;
    }
    message.edited_timestamp = new Date().toISOString();
    return message;
  };

  const echoMessage = (
    event: GatewayDispatchEvents.MessageCreate | GatewayDispatchEvents.MessageUpdate,
    message: APIMessage,
  ) => {
    if (((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0) return;
    const guild = store.guildOfChannel(message.channel_id);
    const data: DispatchData<GatewayDispatchEvents.MessageCreate> = {
      ...structuredClone(message),
      mentions: structuredClone(message.mentions),
    };
    if (guild) {
      data.guild_id = guild.id;
      const member = guild.members.find((m) => m.user.id === message.author.id);
      if (member) data.member = guildMemberNoUser(member);
    }
    ctx.echo(event, data);
  };

  /** MESSAGE_REACTION_ADD for a reaction the bot added over REST. */
  const echoReaction = (channelId: string, messageId: string, emojiParam: string, userId: string) => {
    const guild = store.guildOfChannel(channelId);
    const data: DispatchData<GatewayDispatchEvents.MessageReactionAdd> = {
      user_id: userId,
      channel_id: channelId,
      message_id: messageId,
      emoji: parseEmoji(emojiParam).emoji,
      burst: false,
      type: ReactionType.Normal,
    };
    if (guild) {
      data.guild_id = guild.id;
      const member = guild.members.find((m) => m.user.id === userId);
      if (member) data.member = member;
    }
    const author = store.getMessage(channelId, messageId)?.author.id;
    if (author) data.message_author_id = author;
    ctx.echo(GatewayDispatchEvents.MessageReactionAdd, data);
  };

  return { validateMessage, createMessage, editMessage, echoMessage, echoReaction };
}

function resolveMentionsInit(m: { mentions: APIUser[]; mention_roles: string[]; mention_everyone: boolean }) {
  return { mentions: m.mentions, mentionRoles: m.mention_roles, mentionEveryone: m.mention_everyone };
}

function toMessageReference(
  reference: NonNullable<MessageBody['message_reference']>,
  channelId: string,
): NonNullable<APIMessage['message_reference']> {
  const out: NonNullable<APIMessage['message_reference']> = {
    type: MessageReferenceType.Default,
    channel_id: reference.channel_id ?? channelId,
  };
  if (reference.message_id !== undefined) out.message_id = reference.message_id;
  if (reference.guild_id !== undefined) out.guild_id = reference.guild_id;
  return out;
}
