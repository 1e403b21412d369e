/**
 * Fake Discord server for end-to-end tests: REST API v10 and gateway on one 127.0.0.1 port, so the real
 * discord.js Client can log in without any network access.
 *
 * ```ts
 * const fake = await startFakeDiscord({ guilds: [{ name: 'Commons', members: [{ user: { username: 'alice' } }] }] });
 * const client = new Client({ intents: [...], rest: { api: fake.restUrl } });
 * await client.login(fake.token);                       // any token works unless `token` was configured
 * fake.dispatch(GatewayDispatchEvents.InteractionCreate, fake.interaction.chatInput({ name: 'task', options: { title: 'x' } }));
 * await fake.waitForCall('POST', /^\/interactions\/\d+\/[^/]+\/callback$/);
 * await client.destroy();
 * await fake.close();
 * ```
 *
 * Notes
 * - `fake.restUrl` is `http://127.0.0.1:PORT/api`; @discordjs/rest appends `/v10` itself.
 * - `GET /gateway/bot` returns `ws://127.0.0.1:PORT`; @discordjs/ws connects to `…?v=10&encoding=json`
 *   (no transport compression: discord.js asks for it only when `zlib-sync` is installed).
 * - Recorded requests (`fake.calls`) have `path` without the `/api/v10` prefix, e.g. `/channels/1/messages`.
 * - Dispatches only reach sessions that asked for the event's intent, as on Discord.
 * - It serves what Ostrom's adapter and discord.js's login use, and no more: an unknown route answers 404
 *   (recorded), so a new REST call shows up as a failing test rather than a silent pass.
 */
export { FakeDiscord, startFakeDiscord, type FakeDiscordOptions } from './fake-discord/index.js';
export type { DispatchData, IdentifyRecord, ResumeRecord } from './fake-discord/gateway.js';
export { PRIVILEGED_INTENTS } from './fake-discord/gateway.js';
export type { MultipartPart, RecordedCall, RecordedFile } from './fake-discord/http.js';
export type {
  ActorInput,
  AutocompleteInput,
  ChatInputInput,
  ComponentInput,
  OptionsInput,
  ReactionInput,
} from './fake-discord/interactions.js';
export {
  buildMessage,
  type FakeChannelInput,
  type FakeGuild,
  type FakeGuildInput,
  type FakeMemberInput,
  type FakeRoleInput,
  type FakeUserInput,
} from './fake-discord/entities.js';
export type { EmojiInput } from './fake-discord/state.js';
export { shardOf, snowflakeOnShard } from './fake-discord/snowflake.js';
