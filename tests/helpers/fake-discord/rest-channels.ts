/** REST routes for channels, messages, pins, reactions and threads. */
import { ChannelType, GatewayDispatchEvents, PermissionFlagsBits } from 'discord-api-types/v10';
import type {
  APIMessage,
  RESTPostAPIChannelThreadsJSONBody,
  ThreadAutoArchiveDuration,
} from 'discord-api-types/v10';
import { buildThread } from './entities.js';
import type { DispatchData } from './gateway.js';
import { apiError, json, noContent, Router, type RestRequest, type RestResponse } from './http.js';
import { parseEmoji } from './state.js';
import { compareSnowflakes } from './snowflake.js';
import { channelPermissions, has, isThread } from './permissions.js';
import {
  invalidForm,
  missingPermissions,
  unknownChannel,
  unknownMessage,
  type MessageBody,
  type MessageOps,
  type RestContext,
} from './rest-messages.js';

export function registerChannelRoutes(router: Router, ctx: RestContext, ops: MessageOps): void {
  const { store } = ctx;
  const bot = () => store.bot;
  const {
    validateMessage,
    createMessage,
    editMessage,
    echoMessage,
    echoReaction,
    requireChannel,
    isResponse,
  } = ops;

  // ---------- channels ----------

  router.on('GET', '/channels/:channelId', (_r, p) => {
    const channel = requireChannel(p['channelId'] ?? '');
    return isResponse(channel) ? channel : json(channel);
  });
  router.on('PATCH', '/channels/:channelId', (req, p) => {
    const channel = requireChannel(p['channelId'] ?? '');
    if (isResponse(channel)) return channel;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const target = channel as unknown as Record<string, unknown>;
    for (const key of ['name', 'topic', 'rate_limit_per_user', 'nsfw', 'parent_id', 'position']) {
      if (key in body) target[key] = body[key];
    }
    if (isThread(channel)) {
      const meta = channel.thread_metadata;
      if (meta) {
        if (typeof body['archived'] === 'boolean') {
          meta.archived = body['archived'];
          meta.archive_timestamp = new Date().toISOString();
        }
        if (typeof body['locked'] === 'boolean') meta.locked = body['locked'];
        if (typeof body['auto_archive_duration'] === 'number') {
          meta.auto_archive_duration = body['auto_archive_duration'] as ThreadAutoArchiveDuration;
        }
      }
      ctx.echo(
        GatewayDispatchEvents.ThreadUpdate,
        structuredClone(channel) as DispatchData<GatewayDispatchEvents.ThreadUpdate>,
      );
    } else {
      ctx.echo(
        GatewayDispatchEvents.ChannelUpdate,
        structuredClone(channel) as DispatchData<GatewayDispatchEvents.ChannelUpdate>,
      );
    }
    return json(channel);
  });

  router.on('GET', '/channels/:channelId/messages', (req, p) => {
    const channelId = p['channelId'] ?? '';
    if (!store.channels.has(channelId)) return unknownChannel();
    const limit = Math.min(Number(req.query['limit'] ?? 50), 100);
    let list = store.listMessages(channelId); // oldest first
    const { before, after, around } = req.query;
    if (before) list = list.filter((m) => compareSnowflakes(m.id, before) < 0).slice(-limit);
    else if (after) list = list.filter((m) => compareSnowflakes(m.id, after) > 0).slice(0, limit);
    else if (around) {
      const index = list.findIndex((m) => compareSnowflakes(m.id, around) >= 0);
      const start = Math.max(0, (index === -1 ? list.length : index) - Math.floor(limit / 2));
      list = list.slice(start, start + limit);
    } else list = list.slice(-limit);
    return json(list.reverse().map((m) => store.messageWithReactions(m))); // newest first, like Discord
  });

  router.on('POST', '/channels/:channelId/messages', (req, p) => {
    const channelId = p['channelId'] ?? '';
    const channel = requireChannel(channelId);
    if (isResponse(channel)) return channel;
    const perms = channelPermissions(store, channelId, bot().id);
    const sendBit = isThread(channel)
      ? PermissionFlagsBits.SendMessagesInThreads
      : PermissionFlagsBits.SendMessages;
    if (!has(perms, PermissionFlagsBits.ViewChannel)) return apiError(403, 50001, 'Missing Access');
    if (!has(perms, sendBit)) return missingPermissions();
    if (isThread(channel) && channel.thread_metadata?.locked)
      return apiError(403, 50083, 'Thread is archived');
    const body = (req.body ?? {}) as MessageBody;
    const invalid = validateMessage(body, req.files, true);
    if (invalid) return invalid;
    if (isThread(channel) && channel.thread_metadata?.archived) channel.thread_metadata.archived = false;
    return json(createMessage({ channelId, author: bot(), body, files: req.files }));
  });

  router.on('GET', '/channels/:channelId/messages/:messageId', (_r, p) => {
    const message = store.getMessage(p['channelId'] ?? '', p['messageId'] ?? '');
    return message ? json(store.messageWithReactions(message)) : unknownMessage();
  });

  router.on('PATCH', '/channels/:channelId/messages/:messageId', (req, p) => {
    const message = store.getMessage(p['channelId'] ?? '', p['messageId'] ?? '');
    if (!message) return unknownMessage();
    if (message.author.id !== bot().id)
      return apiError(403, 50005, 'Cannot edit a message authored by another user');
    const body = (req.body ?? {}) as MessageBody;
    const invalid = validateMessage(body, req.files, false);
    if (invalid) return invalid;
    editMessage(message, body, req.files);
    echoMessage(GatewayDispatchEvents.MessageUpdate, message);
    return json(store.messageWithReactions(message));
  });

  router.on('DELETE', '/channels/:channelId/messages/:messageId', (_r, p) => {
    const channelId = p['channelId'] ?? '';
    const messageId = p['messageId'] ?? '';
    const message = store.getMessage(channelId, messageId);
    if (!message) return unknownMessage();
    if (
      message.author.id !== bot().id &&
      !has(channelPermissions(store, channelId, bot().id), PermissionFlagsBits.ManageMessages)
    ) {
      return missingPermissions();
    }
    store.messages.get(channelId)?.delete(messageId);
    store.clearReactions(channelId, messageId);
    const guild = store.guildOfChannel(channelId);
    ctx.echo(GatewayDispatchEvents.MessageDelete, {
      id: messageId,
      channel_id: channelId,
      ...(guild ? { guild_id: guild.id } : {}),
    });
    return noContent();
  });

  router.on('POST', '/channels/:channelId/typing', (_r, p) =>
    store.channels.has(p['channelId'] ?? '') ? noContent() : unknownChannel(),
  );

  const pin = (pinned: boolean) => (_r: RestRequest, p: Record<string, string>) => {
    const message = store.getMessage(p['channelId'] ?? '', p['messageId'] ?? '');
    if (!message) return unknownMessage();
    message.pinned = pinned;
    return noContent();
  };
  router.on('PUT', '/channels/:channelId/pins/:messageId', pin(true));
  router.on('DELETE', '/channels/:channelId/pins/:messageId', pin(false));
  router.on('PUT', '/channels/:channelId/messages/pins/:messageId', pin(true));
  router.on('DELETE', '/channels/:channelId/messages/pins/:messageId', pin(false));

  // ---------- reactions ----------

  const reactionTarget = (p: Record<string, string>) => {
    const channelId = p['channelId'] ?? '';
    const messageId = p['messageId'] ?? '';
    const known =
      store.getMessage(channelId, messageId) !== undefined ||
      store.reactions.has(`${channelId}/${messageId}`);
    return { channelId, messageId, emoji: p['emoji'] ?? '', known };
  };

  router.on('GET', '/channels/:channelId/messages/:messageId/reactions/:emoji', (req, p) => {
    const t = reactionTarget(p);
    if (!t.known) return unknownMessage();
    if (req.query['type'] === '1') return json([]); // no burst (super) reactions in the fake
    const limit = Math.max(1, Math.min(Number(req.query['limit'] ?? 25), 100));
    const after = req.query['after'];
    const users = store
      .reactionUsers(t.channelId, t.messageId, t.emoji)
      .sort(compareSnowflakes)
      .filter((id) => after === undefined || compareSnowflakes(id, after) > 0)
      .slice(0, limit)
      .map((id) => store.users.get(id) ?? store.user(id));
    return json(users);
  });
  router.on('PUT', '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', (_r, p) => {
    const t = reactionTarget(p);
    if (!store.channels.has(t.channelId)) return unknownChannel();
    if (store.getMessage(t.channelId, t.messageId) === undefined) return unknownMessage();
    const perms = channelPermissions(store, t.channelId, bot().id);
    const isNewEmoji = store.reactionUsers(t.channelId, t.messageId, t.emoji).length === 0;
    if (
      !has(perms, PermissionFlagsBits.ReadMessageHistory) ||
      (isNewEmoji && !has(perms, PermissionFlagsBits.AddReactions))
    ) {
      return missingPermissions();
    }
    if (store.addReaction(t.channelId, t.messageId, t.emoji, bot().id)) {
      echoReaction(GatewayDispatchEvents.MessageReactionAdd, t.channelId, t.messageId, t.emoji, bot().id);
    }
    return noContent();
  });
  const removeOne = (userParam: 'me' | 'param') => (_r: RestRequest, p: Record<string, string>) => {
    const t = reactionTarget(p);
    if (!t.known) return unknownMessage();
    const userId = userParam === 'me' ? bot().id : (p['userId'] ?? '');
    if (
      userId !== bot().id &&
      !has(channelPermissions(store, t.channelId, bot().id), PermissionFlagsBits.ManageMessages)
    ) {
      return missingPermissions();
    }
    if (store.removeReaction(t.channelId, t.messageId, t.emoji, userId)) {
      echoReaction(GatewayDispatchEvents.MessageReactionRemove, t.channelId, t.messageId, t.emoji, userId);
    }
    return noContent();
  };
  router.on('DELETE', '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', removeOne('me'));
  router.on(
    'DELETE',
    '/channels/:channelId/messages/:messageId/reactions/:emoji/:userId',
    removeOne('param'),
  );
  router.on('DELETE', '/channels/:channelId/messages/:messageId/reactions/:emoji', (_r, p) => {
    const t = reactionTarget(p);
    if (!t.known) return unknownMessage();
    if (!has(channelPermissions(store, t.channelId, bot().id), PermissionFlagsBits.ManageMessages))
      return missingPermissions();
    store.removeReaction(t.channelId, t.messageId, t.emoji);
    const guild = store.guildOfChannel(t.channelId);
    ctx.echo(GatewayDispatchEvents.MessageReactionRemoveEmoji, {
      channel_id: t.channelId,
      message_id: t.messageId,
      emoji: parseEmoji(t.emoji).emoji,
      ...(guild ? { guild_id: guild.id } : {}),
    });
    return noContent();
  });
  router.on('DELETE', '/channels/:channelId/messages/:messageId/reactions', (_r, p) => {
    const t = reactionTarget(p);
    if (!t.known) return unknownMessage();
    if (!has(channelPermissions(store, t.channelId, bot().id), PermissionFlagsBits.ManageMessages))
      return missingPermissions();
    store.clearReactions(t.channelId, t.messageId);
    const guild = store.guildOfChannel(t.channelId);
    ctx.echo(GatewayDispatchEvents.MessageReactionRemoveAll, {
      channel_id: t.channelId,
      message_id: t.messageId,
      ...(guild ? { guild_id: guild.id } : {}),
    });
    return noContent();
  });

  // ---------- threads ----------

  const startThread = (
    channelId: string,
    body: RESTPostAPIChannelThreadsJSONBody,
    fromMessage?: APIMessage,
  ): RestResponse => {
    const parent = store.channels.get(channelId);
    const guild = store.guildOfChannel(channelId);
    if (!parent || !guild) return unknownChannel();
    if (!body.name)
      return invalidForm({
        name: { _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }] },
      });
    const perms = channelPermissions(store, channelId, bot().id);
    const privateThread = !fromMessage && body.type === ChannelType.PrivateThread;
    if (
      !has(
        perms,
        privateThread ? PermissionFlagsBits.CreatePrivateThreads : PermissionFlagsBits.CreatePublicThreads,
      )
    ) {
      return missingPermissions();
    }
    if (fromMessage?.thread)
      return apiError(400, 160004, 'A thread has already been created for this message');
    const thread = buildThread({
      id: fromMessage?.id ?? store.ids.next(), // Discord reuses the starter message id as the thread id
      guildId: guild.id,
      parentId: channelId,
      ownerId: bot().id,
      name: body.name,
      type: privateThread
        ? ChannelType.PrivateThread
        : parent.type === ChannelType.GuildAnnouncement
          ? ChannelType.AnnouncementThread
          : ChannelType.PublicThread,
      ...(body.auto_archive_duration !== undefined
        ? { autoArchiveDuration: body.auto_archive_duration }
        : {}),
      ...(body.rate_limit_per_user !== undefined && body.rate_limit_per_user !== null
        ? { rateLimitPerUser: body.rate_limit_per_user }
        : {}),
    });
    store.addThread(guild, thread);
    if (fromMessage) fromMessage.thread = thread;
    ctx.echo(GatewayDispatchEvents.ThreadCreate, {
      ...structuredClone(thread),
      newly_created: true,
    } as DispatchData<GatewayDispatchEvents.ThreadCreate>);
    return json(thread, 201);
  };
  router.on('POST', '/channels/:channelId/messages/:messageId/threads', (req, p) => {
    const message = store.getMessage(p['channelId'] ?? '', p['messageId'] ?? '');
    if (!store.channels.has(p['channelId'] ?? '')) return unknownChannel();
    if (!message) return unknownMessage();
    return startThread(p['channelId'] ?? '', (req.body ?? {}) as RESTPostAPIChannelThreadsJSONBody, message);
  });
  router.on('POST', '/channels/:channelId/threads', (req, p) =>
    startThread(p['channelId'] ?? '', (req.body ?? {}) as RESTPostAPIChannelThreadsJSONBody),
  );
  const threadMember = (_r: RestRequest, p: Record<string, string>) =>
    store.channels.get(p['channelId'] ?? '') ? noContent() : unknownChannel();
  router.on('PUT', '/channels/:channelId/thread-members/:userId', threadMember);
  router.on('DELETE', '/channels/:channelId/thread-members/:userId', threadMember);
}
