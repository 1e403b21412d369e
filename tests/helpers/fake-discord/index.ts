/**
 * A fake Discord (REST API v10 + gateway) on 127.0.0.1 for end-to-end tests with the real discord.js
 * Client. See tests/helpers/fake-discord.ts for usage.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { GatewayDispatchEvents } from 'discord-api-types/v10';
import type { APIInteraction, APIMessage, APIUser } from 'discord-api-types/v10';

import {
  buildGuild,
  buildUser,
  type FakeGuild,
  type FakeGuildInput,
  type FakeUserInput,
} from './entities.js';
import { FakeGateway, type DispatchData, type IdentifyRecord, type ResumeRecord } from './gateway.js';
import {
  apiError,
  decodeSegments,
  flattenHeaders,
  parseBody,
  readBody,
  send,
  type RecordedCall,
  type RestRequest,
  type RestResponse,
} from './http.js';
import { PayloadBuilders } from './interactions.js';
import { createRestRouter } from './rest.js';
import { FakeStore, type EmojiInput } from './state.js';

export interface FakeDiscordOptions {
  /** Guilds the bot is in (announced in READY, then sent as GUILD_CREATE). Default: one guild with #general. */
  guilds?: FakeGuildInput[];
  /** When set, REST calls with another `Authorization: Bot …` get 401 and IDENTIFY with another token gets 4004. */
  token?: string;
  /** HELLO heartbeat_interval in ms (default 41250, as Discord). */
  heartbeatIntervalMs?: number;
  /**
   * The shard count `GET /gateway/bot` recommends (default 1). Sessions are sharded by what they send in
   * IDENTIFY, as on Discord: give guilds ids from `snowflakeOnShard` to put them on the shards wanted.
   */
  shards?: number;
  /**
   * `session_start_limit.max_concurrency` of `GET /gateway/bot` (default 1): how many shards of one
   * process may identify at once; with 1, discord.js waits 5 s between its shards' IDENTIFYs.
   */
  maxConcurrency?: number;
}

interface FailRule {
  method: string;
  path: RegExp;
  status: number;
  body?: unknown;
}

const DEFAULT_TIMEOUT_MS = 5000;
/**
 * @discordjs/ws throttles IDENTIFY: a re-identify within 5 s of the previous one waits for the rest of those
 * 5 s plus up to 1.5 s of jitter, so waiting for a re-identify needs more than the default timeout.
 */
const IDENTIFY_TIMEOUT_MS = 10_000;

export class FakeDiscord {
  /** Base URL for discord.js: `new Client({ rest: { api: fake.restUrl } })` (discord.js appends `/v10`). */
  restUrl = '';
  /** The gateway URL `GET /gateway/bot` hands out, `ws://127.0.0.1:PORT`. */
  wsUrl = '';
  /** `http://127.0.0.1:PORT` */
  baseUrl = '';
  /** Every HTTP request received, in order. */
  readonly calls: RecordedCall[] = [];
  readonly store: FakeStore;
  readonly gateway: FakeGateway;
  /** Emits `request` (RecordedCall) and forwards gateway events: identify, resume, heartbeat. */
  readonly events = new EventEmitter();
  /** Interaction payload builders (registered in the fake, ready to dispatch). */
  readonly interaction: {
    chatInput: PayloadBuilders['chatInput'];
    button: PayloadBuilders['button'];
    autocomplete: PayloadBuilders['autocomplete'];
    modalSubmit: PayloadBuilders['modalSubmit'];
  };
  readonly reactionAdd: PayloadBuilders['reactionAdd'];
  readonly reactionRemove: PayloadBuilders['reactionRemove'];
  readonly reactionRemoveAll: PayloadBuilders['reactionRemoveAll'];
  readonly reactionRemoveEmoji: PayloadBuilders['reactionRemoveEmoji'];
  /** A token to log in with (the expected one when `options.token` was given, else an arbitrary dummy). */
  readonly token: string;

  private readonly server: Server;
  private closed = false;
  private readonly failRules: FailRule[] = [];
  private readonly router;

  constructor(private readonly options: FakeDiscordOptions = {}) {
    const botId = '1100000000000000001';
    const bot = buildUser(botId, { username: 'FakeBot', bot: true });
    this.store = new FakeStore(bot, botId); // a bot's application id is its user id
    this.token =
      options.token ??
      `${Buffer.from(botId).toString('base64url')}.fake.${randomBytes(16).toString('base64url')}`;
    for (const input of options.guilds ?? [{}])
      this.store.addGuild(buildGuild(this.store.ids, input, bot, (u) => this.store.user(u)));

    this.gateway = new FakeGateway(this.store, {
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      expectedToken: options.token,
      wsUrl: () => this.wsUrl,
    });
    for (const name of ['identify', 'resume', 'heartbeat']) {
      this.gateway.events.on(name, (...args: unknown[]) => this.events.emit(name, ...args));
    }
    this.router = createRestRouter({
      store: this.store,
      baseUrl: () => this.baseUrl,
      wsUrl: () => this.wsUrl,
      shards: () => options.shards ?? 1,
      maxConcurrency: () => options.maxConcurrency ?? 1,
      echo: (event, data) => void this.gateway.dispatch(event, data),
    });

    const builders = new PayloadBuilders(this.store);
    this.interaction = {
      chatInput: builders.chatInput.bind(builders),
      button: builders.button.bind(builders),
      autocomplete: builders.autocomplete.bind(builders),
      modalSubmit: builders.modalSubmit.bind(builders),
    };
    this.reactionAdd = builders.reactionAdd.bind(builders);
    this.reactionRemove = builders.reactionRemove.bind(builders);
    this.reactionRemoveAll = builders.reactionRemoveAll.bind(builders);
    this.reactionRemoveEmoji = builders.reactionRemoveEmoji.bind(builders);

    this.server = createServer((req, res) => void this.onRequest(req, res));
    this.server.on('upgrade', (req, socket, head) => this.gateway.handleUpgrade(req, socket, head));
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.restUrl = `${this.baseUrl}/api`;
    this.wsUrl = `ws://127.0.0.1:${port}`;
    return this;
  }

  /** Stops the gateway (terminating sockets) and the HTTP server (closing keep-alive connections). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.events.removeAllListeners();
  }

  // ---------- state accessors ----------

  get bot(): APIUser {
    return this.store.bot;
  }
  get applicationId(): string {
    return this.store.applicationId;
  }
  /** The guilds (live GUILD_CREATE objects), in configuration order. */
  get guilds(): FakeGuild[] {
    return [...this.store.guilds.values()];
  }
  /** Every IDENTIFY received (intents, properties, shard…). */
  get identifies(): IdentifyRecord[] {
    return this.gateway.identifies;
  }
  get resumes(): ResumeRecord[] {
    return this.gateway.resumes;
  }

  /** Registers a user (e.g. a reactor) so REST answers carry its name. */
  addUser(input: FakeUserInput = {}): APIUser {
    return this.store.user(input);
  }

  /** Stores a message as if someone had posted it (nothing is dispatched). */
  putMessage(message: APIMessage): APIMessage {
    return this.store.putMessage(message);
  }
  getMessage(channelId: string, messageId: string): APIMessage | undefined {
    const message = this.store.getMessage(channelId, messageId);
    return message && this.store.messageWithReactions(message);
  }
  /** Messages of a channel (or thread), oldest first. */
  messages(channelId: string): APIMessage[] {
    return this.store.listMessages(channelId).map((m) => this.store.messageWithReactions(m));
  }

  /** Sets who reacted to a message with an emoji (`'👍'`, `'name:id'` or an emoji object); [] clears it. */
  setReactions(channelId: string, messageId: string, emoji: EmojiInput, userIds: string[]): void {
    this.store.setReactions(channelId, messageId, emoji, userIds);
  }
  reactionUsers(channelId: string, messageId: string, emoji: EmojiInput): string[] {
    return this.store.reactionUsers(channelId, messageId, emoji);
  }

  // ---------- gateway control ----------

  /**
   * Sends a dispatch (op 0, increasing `s`) to every connected session. Interactions are registered so
   * their callbacks work, and reaction events update the fake's reaction store. Returns the number of
   * sessions that got it (0 when no session has the event's intent).
   */
  dispatch<E extends GatewayDispatchEvents>(event: E, data: DispatchData<E>): number {
    this.applyDispatchToStore(event, data);
    return this.gateway.dispatch(event, data);
  }

  private applyDispatchToStore(event: GatewayDispatchEvents, data: unknown): void {
    const E = GatewayDispatchEvents;
    if (event === E.InteractionCreate) this.store.registerInteraction(data as APIInteraction);
    const d = data as { channel_id: string; message_id: string; user_id: string; emoji: EmojiInput };
    if (event === E.MessageReactionAdd)
      this.store.addReaction(d.channel_id, d.message_id, d.emoji, d.user_id);
    if (event === E.MessageReactionRemove)
      this.store.removeReaction(d.channel_id, d.message_id, d.emoji, d.user_id);
    if (event === E.MessageReactionRemoveEmoji)
      this.store.removeReaction(d.channel_id, d.message_id, d.emoji);
    if (event === E.MessageReactionRemoveAll) this.store.clearReactions(d.channel_id, d.message_id);
  }

  /** Closes the gateway socket; see FakeGateway#dropConnection. Resolves once the socket is closed. */
  dropConnection(options: { resumable: boolean }): Promise<void> {
    return this.gateway.dropConnection(options);
  }

  /** Resolves when `n` IDENTIFYs in total have been received (the first login counts as 1). */
  waitForIdentify(n = 1, timeoutMs = IDENTIFY_TIMEOUT_MS): Promise<IdentifyRecord> {
    return this.waitUntil('identify', () => this.gateway.identifies[n - 1], timeoutMs, `${n} IDENTIFY`);
  }
  /** Resolves when `n` RESUMEs in total have been received. */
  waitForResume(n = 1, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ResumeRecord> {
    return this.waitUntil('resume', () => this.gateway.resumes[n - 1], timeoutMs, `${n} RESUME`);
  }
  /** Resolves when `n` heartbeats in total have been received. */
  waitForHeartbeat(n = 1, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<number> {
    return this.waitUntil(
      'heartbeat',
      () => (this.gateway.heartbeats >= n ? this.gateway.heartbeats : undefined),
      timeoutMs,
      `${n} heartbeats`,
    );
  }

  // ---------- REST inspection / fault injection ----------

  /** Recorded calls matching a method (or '*') and a path regex / exact path. */
  callsTo(method: string, path: RegExp | string): RecordedCall[] {
    return this.calls.filter((c) => matches(c, method, path));
  }

  /** Resolves with the `n`-th (1-based, counting past calls) request matching method and path. */
  waitForCall(
    method: string,
    path: RegExp | string,
    n = 1,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<RecordedCall> {
    return this.waitUntil(
      'request',
      () => this.callsTo(method, path)[n - 1],
      timeoutMs,
      `${n}× ${method} ${String(path)}`,
    );
  }

  /**
   * Makes the next request matching method ('*' for any) and path regex fail once with `status`.
   * 429 gets Discord's rate-limit body and headers (retry after 50 ms unless overridden); 5xx a generic error.
   */
  failNext(method: string, path: RegExp | string, status: number, body?: unknown): void {
    this.failRules.push({ method: method.toUpperCase(), path: toRegExp(path), status, body });
  }

  private injected(req: RestRequest): RestResponse | undefined {
    const index = this.failRules.findIndex(
      (r) => (r.method === '*' || r.method === req.method) && r.path.test(req.path),
    );
    if (index === -1) return undefined;
    const [rule] = this.failRules.splice(index, 1);
    if (!rule) return undefined;
    if (rule.status === 429) {
      const body = (rule.body ?? {
        message: 'You are being rate limited.',
        retry_after: 0.05,
        global: false,
        code: 0,
      }) as {
        retry_after?: number;
        global?: boolean;
      };
      const retryAfter = String(body.retry_after ?? 0.05);
      const headers: Record<string, string> = {
        'retry-after': retryAfter,
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset-after': retryAfter,
        'x-ratelimit-reset': String(Date.now() / 1000 + Number(retryAfter)),
        'x-ratelimit-bucket': 'fake-bucket',
        'x-ratelimit-scope': body.global ? 'global' : 'user',
        ...(body.global ? { 'x-ratelimit-global': 'true' } : {}),
      };
      return { status: 429, body, headers };
    }
    return {
      status: rule.status,
      body: rule.body ?? { message: `${rule.status}: Injected failure`, code: 0 },
    };
  }

  // ---------- HTTP ----------

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl || 'http://127.0.0.1');
    const headers = flattenHeaders(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const rawPath = url.pathname;
    const path = `/${decodeSegments(rawPath.replace(/^\/api(?:\/v\d+)?(?=\/|$)/, '')).join('/')}`;
    const query = Object.fromEntries(url.searchParams);
    let parsed: Awaited<ReturnType<typeof parseBody>>;
    try {
      parsed = await parseBody(await readBody(req), headers['content-type']);
    } catch (error) {
      parsed = { body: String(error), files: [] };
    }
    const restReq: RestRequest = { method, path, query, body: parsed.body, files: parsed.files, headers };

    let response: RestResponse;
    let injected = false;
    const fault = this.injected(restReq);
    if (fault) {
      response = fault;
      injected = true;
    } else if (!rawPath.startsWith('/api')) {
      response = apiError(404, 0, '404: Not Found');
    } else if (
      this.options.token !== undefined &&
      headers['authorization'] !== undefined &&
      headers['authorization'] !== `Bot ${this.options.token}`
    ) {
      response = apiError(401, 0, '401: Unauthorized');
    } else {
      const match = this.router.match(method, path);
      try {
        response = match ? await match.handler(restReq, match.params) : apiError(404, 0, 'Unknown');
      } catch (error) {
        response = apiError(
          500,
          0,
          `fake-discord handler error: ${error instanceof Error ? error.stack : String(error)}`,
        );
      }
    }

    const call: RecordedCall = {
      method,
      path,
      rawPath,
      query,
      body: parsed.body,
      files: parsed.files,
      headers,
      status: response.status,
      response: response.body,
      injected,
      at: Date.now(),
    };
    if (parsed.parts) call.parts = parsed.parts;
    this.calls.push(call);
    send(res, response);
    this.events.emit('request', call);
  }

  private waitUntil<T>(
    event: string,
    check: () => T | undefined,
    timeoutMs: number,
    what: string,
  ): Promise<T> {
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise<T>((resolve, reject) => {
      const onEvent = () => {
        const value = check();
        if (value === undefined) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake-discord: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off(event, onEvent);
      };
      this.events.on(event, onEvent);
    });
  }
}

function toRegExp(path: RegExp | string): RegExp {
  return typeof path === 'string' ? new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : path;
}

function matches(call: RecordedCall, method: string, path: RegExp | string): boolean {
  return (method === '*' || call.method === method.toUpperCase()) && toRegExp(path).test(call.path);
}

/** Starts a fake Discord on 127.0.0.1 (random port). Always `await fake.close()` when done. */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  return new FakeDiscord(options).listen();
}
