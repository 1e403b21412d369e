/**
 * REST routes for interaction callbacks (reply, modal, autocomplete choices) and follow-ups through the
 * interaction webhook. Ostrom answers at once, so deferred replies and edits of @original are not served.
 */
import { InteractionResponseType, MessageFlags } from 'discord-api-types/v10';
import type { RESTPostAPIInteractionCallbackJSONBody } from 'discord-api-types/v10';
import { apiError, json, noContent, Router, type RecordedFile } from './http.js';
import type { InteractionRecord } from './state.js';
import { unknownWebhook, type MessageBody, type MessageOps, type RestContext } from './rest-messages.js';

export function registerInteractionRoutes(router: Router, ctx: RestContext, ops: MessageOps): void {
  const { store } = ctx;
  const { validateMessage, createMessage } = ops;

  const interactionChannel = (record: InteractionRecord) =>
    record.interaction.channel_id ?? record.interaction.channel?.id ?? '0';

  /** A reply or follow-up: a webhook message, kept in the channel unless ephemeral. */
  const reply = (record: InteractionRecord, body: MessageBody, files: RecordedFile[]) =>
    createMessage({
      channelId: interactionChannel(record),
      author: store.bot,
      body,
      files,
      webhook: true,
      store: ((body.flags ?? 0) & MessageFlags.Ephemeral) === 0,
    });

  router.on('POST', '/interactions/:interactionId/:token/callback', (req, p) => {
    const record = store.interactions.get(p['token'] ?? '');
    if (!record || record.interaction.id !== p['interactionId'])
      return apiError(404, 10062, 'Unknown interaction');
    const body = (req.body ?? {}) as RESTPostAPIInteractionCallbackJSONBody;
    record.callbacks.push(body);
    if (record.acknowledged) return apiError(400, 40060, 'Interaction has already been acknowledged.');
    record.acknowledged = true;
    // Modals and autocomplete choices are only recorded; a message reply is a message.
    if (body.type === InteractionResponseType.ChannelMessageWithSource)
      reply(record, (body.data ?? {}) as MessageBody, req.files);
    return noContent();
  });

  router.on('POST', '/webhooks/:applicationId/:token', (req, p) => {
    const record = store.interactions.get(p['token'] ?? '');
    if (!record || p['applicationId'] !== store.applicationId || !record.acknowledged)
      return unknownWebhook();
    const body = (req.body ?? {}) as MessageBody;
    const invalid = validateMessage(body, req.files, true);
    if (invalid) return invalid;
    const message = reply(record, body, req.files);
    return req.query['wait'] === 'true' ? json(message) : noContent();
  });
}
