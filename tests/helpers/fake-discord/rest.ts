/**
 * REST routes of the fake Discord (everything under `/api/v10`). Stateful: messages, threads, reactions,
 * interaction responses and commands are kept in the FakeStore, and — like Discord — the matching gateway
 * events (MESSAGE_CREATE for the bot's own messages, THREAD_CREATE, …) are echoed when `echoEvents` is on.
 */
import { GatewayDispatchEvents, PermissionFlagsBits } from 'discord-api-types/v10';
import type { RESTGetAPIGatewayBotResult } from 'discord-api-types/v10';
import { memberPermissions, restGuild, type FakeGuild } from './entities.js';
import { apiError, json, noContent, Router, type RestRequest, type RestResponse } from './http.js';
import { compareSnowflakes } from './snowflake.js';
import { has } from './permissions.js';
import {
  createMessageOps,
  invalidForm,
  missingPermissions,
  unknownGuild,
  type RestContext,
} from './rest-messages.js';
import { registerChannelRoutes } from './rest-channels.js';
import { registerCommandRoutes } from './rest-commands.js';
import { registerInteractionRoutes } from './rest-interactions.js';

export function createRestRouter(ctx: RestContext): Router {
  const { store } = ctx;
  const router = new Router();
  const bot = () => store.bot;

  // ---------- gateway / application / users ----------

  router.on('GET', '/gateway', () => json({ url: ctx.wsUrl() }));
  router.on('GET', '/gateway/bot', () => {
    const result: RESTGetAPIGatewayBotResult = {
      url: ctx.wsUrl(),
      shards: 1,
      session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
    };
    return json(result);
  });
  router.on('GET', '/applications/@me', () =>
    json({
      id: store.applicationId,
      name: bot().username,
      icon: null,
      description: '',
      bot_public: false,
      bot_require_code_grant: false,
      verify_key: '0'.repeat(64),
      flags: 0,
      bot: bot(),
    }),
  );
  router.on('GET', '/users/@me', () => json(bot()));
  router.on('GET', '/users/:userId', (_req, p) => {
    const user = store.users.get(p['userId'] ?? '');
    return user ? json(user) : apiError(404, 10013, 'Unknown User');
  });
  router.on('POST', '/users/@me/channels', (req) => {
    const recipient = (req.body as { recipient_id?: string } | undefined)?.recipient_id;
    if (!recipient) return invalidForm({ recipient_id: { _errors: [{ code: 'BASE_TYPE_REQUIRED' }] } });
    return json(store.ensureDmChannel(store.user(recipient)));
  });

  // ---------- guilds ----------

  const withGuild = (guildId: string, fn: (guild: FakeGuild) => RestResponse): RestResponse => {
    const guild = store.guilds.get(guildId);
    return guild ? fn(guild) : unknownGuild();
  };
  router.on('GET', '/guilds/:guildId', (_r, p) => withGuild(p['guildId'] ?? '', (g) => json(restGuild(g))));
  router.on('GET', '/guilds/:guildId/channels', (_r, p) =>
    withGuild(p['guildId'] ?? '', (g) => json(g.channels)),
  );
  router.on('GET', '/guilds/:guildId/threads/active', (_r, p) =>
    withGuild(p['guildId'] ?? '', (g) => json({ threads: g.threads, members: [] })),
  );
  router.on('GET', '/guilds/:guildId/roles', (_r, p) => withGuild(p['guildId'] ?? '', (g) => json(g.roles)));
  router.on('GET', '/guilds/:guildId/members', (req, p) =>
    withGuild(p['guildId'] ?? '', (g) => {
      const limit = Math.min(Number(req.query['limit'] ?? 1), 1000);
      const after = req.query['after'] ?? '0';
      const members = [...g.members]
        .filter((m) => compareSnowflakes(m.user.id, after) > 0)
        .sort((a, b) => compareSnowflakes(a.user.id, b.user.id))
        .slice(0, limit);
      return json(members);
    }),
  );
  router.on('GET', '/guilds/:guildId/members/:userId', (_r, p) =>
    withGuild(p['guildId'] ?? '', (g) => {
      const member = g.members.find((m) => m.user.id === p['userId']);
      return member ? json(member) : apiError(404, 10007, 'Unknown Member');
    }),
  );
  const changeRole = (add: boolean) => (_r: RestRequest, p: Record<string, string>) =>
    withGuild(p['guildId'] ?? '', (g) => {
      const member = g.members.find((m) => m.user.id === p['userId']);
      if (!member) return apiError(404, 10007, 'Unknown Member');
      const roleId = p['roleId'] ?? '';
      if (!g.roles.some((r) => r.id === roleId)) return apiError(404, 10011, 'Unknown Role');
      if (!has(memberPermissions(g, bot().id), PermissionFlagsBits.ManageRoles)) return missingPermissions();
      member.roles = add ? [...new Set([...member.roles, roleId])] : member.roles.filter((r) => r !== roleId);
      ctx.echo(GatewayDispatchEvents.GuildMemberUpdate, {
        guild_id: g.id,
        ...member,
        avatar: member.avatar ?? null,
        banner: member.banner ?? null,
      });
      return noContent();
    });
  router.on('PUT', '/guilds/:guildId/members/:userId/roles/:roleId', changeRole(true));
  router.on('DELETE', '/guilds/:guildId/members/:userId/roles/:roleId', changeRole(false));

  const ops = createMessageOps(ctx);
  registerChannelRoutes(router, ctx, ops);
  registerCommandRoutes(router, ctx);
  registerInteractionRoutes(router, ctx, ops);
  return router;
}
