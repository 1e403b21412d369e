/**
 * REST routes of the fake Discord (everything under `/api/v10`): the ones Ostrom's adapter and discord.js's
 * login use. Stateful: messages, threads, reactions, interaction responses and commands are kept in the
 * FakeStore, and — like Discord — the matching gateway events (MESSAGE_CREATE for the bot's own messages,
 * THREAD_CREATE, …) are echoed.
 */
import type { RESTGetAPIGatewayBotResult } from 'discord-api-types/v10';
import { apiError, json, Router } from './http.js';
import { createMessageOps, invalidForm, unknownGuild, type RestContext } from './rest-messages.js';
import { registerChannelRoutes } from './rest-channels.js';
import { registerCommandRoutes } from './rest-commands.js';
import { registerInteractionRoutes } from './rest-interactions.js';

export function createRestRouter(ctx: RestContext): Router {
  const { store } = ctx;
  const router = new Router();

  router.on('GET', '/gateway/bot', () => {
    const result: RESTGetAPIGatewayBotResult = {
      url: ctx.wsUrl(),
      shards: ctx.shards(),
      session_start_limit: {
        total: 1000,
        remaining: 999,
        reset_after: 14_400_000,
        max_concurrency: ctx.maxConcurrency(),
      },
    };
    return json(result);
  });
  // A reactor discord.js has not cached, and the member a DM goes to.
  router.on('GET', '/users/:userId', (_req, p) => {
    const user = store.users.get(p['userId'] ?? '');
    return user ? json(user) : apiError(404, 10013, 'Unknown User');
  });
  router.on('POST', '/users/@me/channels', (req) => {
    const recipient = (req.body as { recipient_id?: string } | undefined)?.recipient_id;
    if (!recipient) return invalidForm({ recipient_id: { _errors: [{ code: 'BASE_TYPE_REQUIRED' }] } });
    return json(store.ensureDmChannel(store.user(recipient)));
  });
  // guild.members.fetchMe() and fetch({ user }).
  router.on('GET', '/guilds/:guildId/members/:userId', (_r, p) => {
    const guild = store.guilds.get(p['guildId'] ?? '');
    if (!guild) return unknownGuild();
    const member = guild.members.find((m) => m.user.id === p['userId']);
    return member ? json(member) : apiError(404, 10007, 'Unknown Member');
  });

  const ops = createMessageOps(ctx);
  registerChannelRoutes(router, ctx, ops);
  registerCommandRoutes(router, ctx);
  registerInteractionRoutes(router, ctx, ops);
  return router;
}
