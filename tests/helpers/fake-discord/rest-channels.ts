/** REST routes for channels, messages, reactions and threads: the ones Ostrom's cards and votes use. */
import { ChannelType, GatewayDispatchEvents, PermissionFlagsBits } from 'discord-api-types/v10';
import type { RESTPostAPIChannelThreadsJSONBody } from 'discord-api-types/v10';
import { buildThread } from './entities.js';
import type { DispatchData } from './gateway.js';
import { apiError, json, noContent, Router } from './http.js';
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
  const { validateMessage, createMessage, editMessage, echoMessage, echoReaction } = ops;

  // ---------- channels and messages ----------

  router.on('GET', '/channels/:channelId', (_r, p) => {
    const channel = store.channels.get(p['channelId'] ?? '');
    return channel ? json(channel) : unknownChannel();
  });

  router.on('POST', '/channels/:channelId/messages', (req, p) => {
    const channelId = p['channelId'] ?? '';
    const channel = store.channels.get(channelId);
    if (!channel) return unknownChannel();
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

  // ---------- reactions ----------

  router.on('GET', '/channels/:channelId/messages/:messageId/reactions/:emoji', (req, p) => {
    const channelId = p['channelId'] ?? '';
    const messageId = p['messageId'] ?? '';
    const known =
      store.getMessage(channelId, messageId) !== undefined ||
      store.reactions.has(`${channelId}/${messageId}`);
    if (!known) return unknownMessage();
    if (req.query['type'] === '1') return json([]); // no burst (super) reactions in the fake
    const limit = Math.max(1, Math.min(Number(req.query['limit'] ?? 25), 100));
    const after = req.query['after'];
    const users = store
      .reactionUsers(channelId, messageId, p['emoji'] ?? '')
      .sort(compareSnowflakes)
      .filter((id) => after === undefined || compareSnowflakes(id, after) > 0)
      .slice(0, limit)
      .map((id) => store.users.get(id) ?? store.user(id));
    return json(users);
  });
  router.on('PUT', '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', (_r, p) => {
    const channelId = p['channelId'] ?? '';
    const messageId = p['messageId'] ?? '';
    const emoji = p['emoji'] ?? '';
    if (!store.channels.has(channelId)) return unknownChannel();
    if (store.getMessage(channelId, messageId) === undefined) return unknownMessage();
    const perms = channelPermissions(store, channelId, bot().id);
    const isNewEmoji = store.reactionUsers(channelId, messageId, emoji).length === 0;
    if (
      !has(perms, PermissionFlagsBits.ReadMessageHistory) ||
      (isNewEmoji && !has(perms, PermissionFlagsBits.AddReactions))
    ) {
      return missingPermissions();
    }
    if (store.addReaction(channelId, messageId, emoji, bot().id))
      echoReaction(channelId, messageId, emoji, bot().id);
    return noContent();
  });

  // ---------- threads (on a card message) ----------

  router.on('POST', '/channels/:channelId/messages/:messageId/threads', (req, p) => {
    const channelId = p['channelId'] ?? '';
    const parent = store.channels.get(channelId);
    const guild = store.guildOfChannel(channelId);
    if (!parent || !guild) return unknownChannel();
    const message = store.getMessage(channelId, p['messageId'] ?? '');
    if (!message) return unknownMessage();
    const body = (req.body ?? {}) as RESTPostAPIChannelThreadsJSONBody;
    if (!body.name)
      return invalidForm({
        name: { _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }] },
      });
    if (!has(channelPermissions(store, channelId, bot().id), PermissionFlagsBits.CreatePublicThreads))
      return missingPermissions();
    if (message.thread) return apiError(400, 160004, 'A thread has already been created for this message');
    const thread = buildThread({
      id: message.id, // Discord reuses the starter message id as the thread id
      guildId: guild.id,
      parentId: channelId,
      ownerId: bot().id,
      name: body.name,
      type:
        parent.type === ChannelType.GuildAnnouncement
          ? ChannelType.AnnouncementThread
          : ChannelType.PublicThread,
      ...(body.auto_archive_duration !== undefined
        ? { autoArchiveDuration: body.auto_archive_duration }
        : {}),
    });
    store.addThread(guild, thread);
    message.thread = thread;
    ctx.echo(GatewayDispatchEvents.ThreadCreate, {
      ...structuredClone(thread),
      newly_created: true,
    } as DispatchData<GatewayDispatchEvents.ThreadCreate>);
    return json(thread, 201);
  });
}
