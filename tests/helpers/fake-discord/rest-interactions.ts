/** REST routes for interaction callbacks and the interaction webhook (original response, follow-ups). */
import { GatewayDispatchEvents, InteractionResponseType, MessageFlags } from 'discord-api-types/v10';
import type {
  APIMessage,
  RESTPostAPIInteractionCallbackJSONBody,
  RESTPostAPIInteractionCallbackWithResponseResult,
} from 'discord-api-types/v10';
import { apiError, json, noContent, Router, type RestResponse } from './http.js';
import type { InteractionRecord } from './state.js';
import {
  unknownMessage,
  unknownWebhook,
  type MessageBody,
  type MessageOps,
  type RestContext,
} from './rest-messages.js';

export function registerInteractionRoutes(router: Router, ctx: RestContext, ops: MessageOps): void {
  const { store } = ctx;
  const bot = () => store.bot;
  const { validateMessage, createMessage, editMessage, echoMessage } = ops;

  // ---------- interactions ----------

  const interactionChannel = (record: InteractionRecord) =>
    record.interaction.channel_id ?? record.interaction.channel?.id ?? '0';

  router.on('POST', '/interactions/:interactionId/:token/callback', (req, p) => {
    const record = store.interactions.get(p['token'] ?? '');
    if (!record || record.interaction.id !== p['interactionId'])
      return apiError(404, 10062, 'Unknown interaction');
    const body = (req.body ?? {}) as RESTPostAPIInteractionCallbackJSONBody;
    record.callbacks.push(body);
    if (record.acknowledged) return apiError(400, 40060, 'Interaction has already been acknowledged.');
    record.acknowledged = true;
    const channelId = interactionChannel(record);
    const data = ('data' in body ? body.data : undefined) as MessageBody | undefined;
    switch (body.type) {
      case InteractionResponseType.ChannelMessageWithSource: {
        const ephemeral = ((data?.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
        record.original = createMessage({
          channelId,
          author: bot(),
          body: data ?? {},
          files: req.files,
          webhook: true,
          store: !ephemeral,
        });
        break;
      }
      case InteractionResponseType.DeferredChannelMessageWithSource: {
        const ephemeral = ((data?.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
        record.original = createMessage({
          channelId,
          author: bot(),
          body: { flags: (ephemeral ? MessageFlags.Ephemeral : 0) | MessageFlags.Loading },
          files: [],
          webhook: true,
          store: !ephemeral,
        });
        break;
      }
      case InteractionResponseType.DeferredMessageUpdate:
        record.original = record.interaction.message ?? null;
        break;
      case InteractionResponseType.UpdateMessage: {
        const target = record.interaction.message;
        if (target) {
          const stored = store.getMessage(target.channel_id, target.id) ?? target;
          editMessage(stored, data ?? {}, req.files);
          echoMessage(GatewayDispatchEvents.MessageUpdate, stored);
          record.original = stored;
        }
        break;
      }
      default:
        break;
    }
    if (req.query['with_response'] !== 'true') return noContent();
    const result: RESTPostAPIInteractionCallbackWithResponseResult = {
      interaction: { id: record.interaction.id, type: record.interaction.type },
    };
    if (record.original) {
      result.interaction.response_message_id = record.original.id;
      result.interaction.response_message_loading =
        ((record.original.flags ?? 0) & MessageFlags.Loading) !== 0;
      result.interaction.response_message_ephemeral =
        ((record.original.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
      result.resource = { type: body.type, message: record.original };
    } else {
      result.resource = { type: body.type };
    }
    return json(result);
  });

  const withWebhook = (
    p: Record<string, string>,
    fn: (record: InteractionRecord) => RestResponse,
  ): RestResponse => {
    const record = store.interactions.get(p['token'] ?? '');
    if (!record || p['applicationId'] !== store.applicationId || !record.acknowledged)
      return unknownWebhook();
    return fn(record);
  };
  const findWebhookMessage = (record: InteractionRecord, messageId: string): APIMessage | undefined =>
    messageId === '@original'
      ? (record.original ?? undefined)
      : record.followups.find((m) => m.id === messageId);

  router.on('POST', '/webhooks/:applicationId/:token', (req, p) =>
    withWebhook(p, (record) => {
      const body = (req.body ?? {}) as MessageBody;
      const invalid = validateMessage(body, req.files, true);
      if (invalid) return invalid;
      const ephemeral = ((body.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
      const message = createMessage({
        channelId: interactionChannel(record),
        author: bot(),
        body,
        files: req.files,
        webhook: true,
        store: !ephemeral,
      });
      record.followups.push(message);
      return req.query['wait'] === 'true' ? json(message) : noContent();
    }),
  );
  router.on('GET', '/webhooks/:applicationId/:token/messages/:messageId', (_r, p) =>
    withWebhook(p, (record) => {
      const message = findWebhookMessage(record, p['messageId'] ?? '');
      return message ? json(store.messageWithReactions(message)) : unknownMessage();
    }),
  );
  router.on('PATCH', '/webhooks/:applicationId/:token/messages/:messageId', (req, p) =>
    withWebhook(p, (record) => {
      const messageId = p['messageId'] ?? '';
      const body = (req.body ?? {}) as MessageBody;
      const invalid = validateMessage(body, req.files, false);
      if (invalid) return invalid;
      let message = findWebhookMessage(record, messageId);
      if (!message && messageId === '@original') {
        message = createMessage({
          channelId: interactionChannel(record),
          author: bot(),
          body: {},
          files: [],
          webhook: true,
          store: false,
        });
        record.original = message;
      }
      if (!message) return unknownMessage();
      editMessage(message, body, req.files);
      if (store.getMessage(message.channel_id, message.id) === message)
        echoMessage(GatewayDispatchEvents.MessageUpdate, message);
      return json(message);
    }),
  );
  router.on('DELETE', '/webhooks/:applicationId/:token/messages/:messageId', (_r, p) =>
    withWebhook(p, (record) => {
      const message = findWebhookMessage(record, p['messageId'] ?? '');
      if (!message) return unknownMessage();
      store.messages.get(message.channel_id)?.delete(message.id);
      if (record.original === message) record.original = null;
      record.followups = record.followups.filter((m) => m !== message);
      return noContent();
    }),
  );
}
