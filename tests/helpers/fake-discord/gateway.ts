/**
 * The fake gateway: a `ws` server (noServer mode, fed by the HTTP server's `upgrade` event) that speaks
 * enough of Discord's gateway protocol v10 for discord.js / @discordjs/ws:
 *
 * HELLO → IDENTIFY → READY (+ GUILD_CREATE per guild), HEARTBEAT → HEARTBEAT_ACK, RESUME → replay + RESUMED,
 * INVALID_SESSION, REQUEST_GUILD_MEMBERS → GUILD_MEMBERS_CHUNK, and `zlib-stream` transport compression when
 * the client asks for it (discord.js does so only when the optional `zlib-sync` package is installed).
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { constants as zlibConstants, deflateRawSync } from 'node:zlib';

import {
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayIntentBits,
  GatewayOpcodes,
} from 'discord-api-types/v10';
import type {
  ApplicationFlags,
  GatewayDispatchPayload,
  GatewayIdentifyData,
  GatewayReadyDispatchData,
  GatewayRequestGuildMembersData,
  GatewayResumeData,
} from 'discord-api-types/v10';
import { WebSocket, WebSocketServer } from 'ws';

import type { FakeStore } from './state.js';

/** The data type of a dispatch event, e.g. `DispatchData<GatewayDispatchEvents.InteractionCreate>`. */
export type DispatchData<E extends GatewayDispatchEvents> = Extract<GatewayDispatchPayload, { t: E }>['d'];

export const PRIVILEGED_INTENTS =
  GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;

export interface IdentifyRecord extends GatewayIdentifyData {
  sessionId: string;
  /** Query string of the WebSocket URL the client connected with (`v`, `encoding`, `compress`). */
  connectQuery: Record<string, string>;
  at: number;
}

export interface ResumeRecord extends GatewayResumeData {
  /** Whether the fake accepted the resume (false → it answered INVALID_SESSION). */
  accepted: boolean;
  replayed: number;
  at: number;
}

export interface GatewayOptions {
  heartbeatIntervalMs: number;
  enforceIntents: boolean;
  rejectPrivilegedIntents: boolean;
  /** When set, IDENTIFY/RESUME with another token is closed with 4004. */
  expectedToken: string | undefined;
  wsUrl: () => string;
}

interface Session {
  id: string;
  seq: number;
  intents: number;
  token: string;
  /** Dispatches sent in this session (for RESUME replay). */
  sent: { op: GatewayOpcodes.Dispatch; t: string; s: number; d: unknown }[];
  connection: Connection | null;
}

interface Connection {
  ws: WebSocket;
  query: Record<string, string>;
  zlib: boolean;
  zlibStarted: boolean;
  session: Session | null;
}

/** Which intent an event needs (guild flavour, DM flavour); events not listed need none. */
const INTENT_OF: Partial<Record<GatewayDispatchEvents, [guild: number, dm: number]>> = (() => {
  const I = GatewayIntentBits;
  const E = GatewayDispatchEvents;
  const map: Partial<Record<GatewayDispatchEvents, [number, number]>> = {};
  const set = (events: GatewayDispatchEvents[], guild: number, dm = guild) => {
    for (const e of events) map[e] = [guild, dm];
  };
  set(
    [
      E.GuildCreate,
      E.GuildUpdate,
      E.GuildDelete,
      E.GuildRoleCreate,
      E.GuildRoleUpdate,
      E.GuildRoleDelete,
      E.ChannelCreate,
      E.ChannelUpdate,
      E.ChannelDelete,
      E.ThreadCreate,
      E.ThreadUpdate,
      E.ThreadDelete,
      E.ThreadListSync,
      E.ThreadMemberUpdate,
    ],
    I.Guilds,
  );
  set([E.GuildMemberAdd, E.GuildMemberUpdate, E.GuildMemberRemove, E.ThreadMembersUpdate], I.GuildMembers);
  set(
    [E.MessageCreate, E.MessageUpdate, E.MessageDelete, E.MessageDeleteBulk],
    I.GuildMessages,
    I.DirectMessages,
  );
  set(
    [E.MessageReactionAdd, E.MessageReactionRemove, E.MessageReactionRemoveAll, E.MessageReactionRemoveEmoji],
    I.GuildMessageReactions,
    I.DirectMessageReactions,
  );
  set([E.TypingStart], I.GuildMessageTyping, I.DirectMessageTyping);
  set([E.MessagePollVoteAdd, E.MessagePollVoteRemove], I.GuildMessagePolls, I.DirectMessagePolls);
  return map;
})();

export class FakeGateway {
  readonly events = new EventEmitter();
  readonly identifies: IdentifyRecord[] = [];
  readonly resumes: ResumeRecord[] = [];
  /** Every payload a client sent (heartbeats included). */
  readonly received: { op: number; d: unknown }[] = [];
  heartbeats = 0;
  /** Set to false to stop acknowledging heartbeats (simulates a zombie connection). */
  ackHeartbeats = true;

  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly connections = new Set<Connection>();
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly store: FakeStore,
    private readonly options: GatewayOptions,
  ) {}

  /** Number of currently open gateway sockets. */
  get openConnections(): number {
    return [...this.connections].filter((c) => c.ws.readyState === WebSocket.OPEN).length;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, query));
  }

  private onConnection(ws: WebSocket, query: Record<string, string>): void {
    const connection: Connection = {
      ws,
      query,
      zlib: query['compress'] === 'zlib-stream',
      zlibStarted: false,
      session: null,
    };
    this.connections.add(connection);
    ws.on('message', (raw, isBinary) => this.onMessage(connection, raw, isBinary));
    ws.on('close', (code) => {
      this.connections.delete(connection);
      const session = connection.session;
      if (session && session.connection === connection) {
        session.connection = null;
        // A client closing with 1000/1001 ends its session for good (Discord's rule); others may resume.
        if (code === 1000 || code === 1001) this.sessions.delete(session.id);
      }
      this.events.emit('close', code);
    });
    ws.on('error', () => undefined);
    this.events.emit('connection', query);
    this.send(connection, {
      op: GatewayOpcodes.Hello,
      d: { heartbeat_interval: this.options.heartbeatIntervalMs },
    });
  }

  private send(connection: Connection, payload: object): void {
    if (connection.ws.readyState !== WebSocket.OPEN) return;
    const text = JSON.stringify(payload);
    if (!connection.zlib) {
      connection.ws.send(text);
      return;
    }
    // zlib-stream: one zlib stream per connection, every message ends with a sync flush (00 00 ff ff).
    // Each message is an independent run of raw deflate blocks (never final), which is a valid
    // continuation of the stream; the zlib header goes in front of the first one.
    const body = deflateRawSync(Buffer.from(text), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    const chunk = connection.zlibStarted ? body : Buffer.concat([Buffer.from([0x78, 0x9c]), body]);
    connection.zlibStarted = true;
    connection.ws.send(chunk, { binary: true });
  }

  private onMessage(connection: Connection, raw: WebSocket.RawData, isBinary: boolean): void {
    let payload: { op: number; d: unknown };
    try {
      const text = isBinary ? Buffer.from(raw as Buffer).toString('utf8') : raw.toString();
      payload = JSON.parse(text) as { op: number; d: unknown };
    } catch {
      connection.ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    this.received.push(payload);
    this.events.emit('payload', payload);
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        this.heartbeats += 1;
        if (this.ackHeartbeats) this.send(connection, { op: GatewayOpcodes.HeartbeatAck });
        this.events.emit('heartbeat', this.heartbeats);
        return;
      case GatewayOpcodes.Identify:
        this.onIdentify(connection, payload.d as GatewayIdentifyData);
        return;
      case GatewayOpcodes.Resume:
        this.onResume(connection, payload.d as GatewayResumeData);
        return;
      case GatewayOpcodes.RequestGuildMembers:
        this.onRequestGuildMembers(connection, payload.d as GatewayRequestGuildMembersData);
        return;
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestSoundboardSounds:
        return;
      default:
        connection.ws.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
    }
  }

  private onIdentify(connection: Connection, data: GatewayIdentifyData): void {
    if (connection.session) {
      connection.ws.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
      return;
    }
    if (this.options.expectedToken !== undefined && data.token !== this.options.expectedToken) {
      connection.ws.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    if (this.options.rejectPrivilegedIntents && (data.intents & PRIVILEGED_INTENTS) !== 0) {
      connection.ws.close(GatewayCloseCodes.DisallowedIntents, 'Disallowed intent(s).');
      return;
    }
    const session: Session = {
      id: randomBytes(16).toString('hex'),
      seq: 0,
      intents: data.intents,
      token: data.token,
      sent: [],
      connection,
    };
    connection.session = session;
    this.sessions.set(session.id, session);
    const record: IdentifyRecord = {
      ...data,
      sessionId: session.id,
      connectQuery: connection.query,
      at: Date.now(),
    };
    this.identifies.push(record);

    const ready: GatewayReadyDispatchData = {
      v: 10,
      user: this.store.bot,
      guilds: [...this.store.guilds.values()].map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.options.wsUrl(),
      application: { id: this.store.applicationId, flags: 0 as ApplicationFlags, flags_new: '0' },
    };
    if (data.shard) ready.shard = data.shard;
    this.sendDispatch(session, GatewayDispatchEvents.Ready, ready);
    for (const guild of this.store.guilds.values()) {
      this.sendDispatch(session, GatewayDispatchEvents.GuildCreate, structuredClone(guild));
    }
    this.events.emit('identify', record);
  }

  private onResume(connection: Connection, data: GatewayResumeData): void {
    const session = this.sessions.get(data.session_id);
    const accepted = session !== undefined && session.token === data.token && data.seq <= session.seq;
    const record: ResumeRecord = { ...data, accepted, replayed: 0, at: Date.now() };
    this.resumes.push(record);
    if (!session || !accepted) {
      this.send(connection, { op: GatewayOpcodes.InvalidSession, d: false });
      this.events.emit('resume', record);
      return;
    }
    if (session.connection && session.connection !== connection)
      session.connection.ws.close(4000, 'Resumed elsewhere');
    session.connection = connection;
    connection.session = session;
    for (const payload of session.sent) {
      if (payload.s > data.seq) {
        this.send(connection, payload);
        record.replayed += 1;
      }
    }
    this.sendDispatch(session, GatewayDispatchEvents.Resumed, {});
    this.events.emit('resume', record);
  }

  private onRequestGuildMembers(connection: Connection, data: GatewayRequestGuildMembersData): void {
    const session = connection.session;
    if (!session) {
      connection.ws.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
      return;
    }
    const guildIds = Array.isArray(data.guild_id) ? data.guild_id : [data.guild_id];
    for (const guildId of guildIds) {
      const guild = this.store.guilds.get(guildId);
      if (!guild) continue;
      let members = guild.members;
      if ('user_ids' in data && data.user_ids !== undefined) {
        const wanted = new Set(Array.isArray(data.user_ids) ? data.user_ids : [data.user_ids]);
        members = members.filter((m) => wanted.has(m.user.id));
      } else if ('query' in data && typeof data.query === 'string' && data.query !== '') {
        const q = data.query.toLowerCase();
        members = members.filter((m) => m.user.username.toLowerCase().startsWith(q));
      }
      const limit = 'limit' in data ? data.limit : 0;
      if (limit) members = members.slice(0, limit);
      const chunk: DispatchData<GatewayDispatchEvents.GuildMembersChunk> = {
        guild_id: guildId,
        members: structuredClone(members),
        chunk_index: 0,
        chunk_count: 1,
      };
      if (data.nonce !== undefined) chunk.nonce = data.nonce;
      this.sendDispatch(session, GatewayDispatchEvents.GuildMembersChunk, chunk);
    }
  }

  private sendDispatch(session: Session, t: string, d: unknown): void {
    session.seq += 1;
    const payload = { op: GatewayOpcodes.Dispatch as const, t, s: session.seq, d };
    session.sent.push(payload);
    if (session.sent.length > 1000) session.sent.shift();
    if (session.connection) this.send(session.connection, payload);
  }

  /**
   * Sends a dispatch to every live session (a session whose socket was dropped resumably gets it on
   * RESUME). With `enforceIntents`, sessions that lack the event's intent do not get it, and message
   * content is blanked for sessions without MESSAGE_CONTENT, as Discord does. Returns how many sessions
   * the event went to.
   */
  dispatch<E extends GatewayDispatchEvents>(event: E, data: DispatchData<E>): number {
    let delivered = 0;
    for (const session of this.sessions.values()) {
      const filtered = this.filterForSession(session, event, data);
      if (filtered === undefined) continue;
      this.sendDispatch(session, event, filtered);
      delivered += 1;
    }
    this.events.emit('dispatch', event, data, delivered);
    return delivered;
  }

  private filterForSession(session: Session, event: GatewayDispatchEvents, data: unknown): unknown {
    if (!this.options.enforceIntents) return data;
    const needed = INTENT_OF[event];
    const record = (data ?? {}) as Record<string, unknown>;
    const inGuild = typeof record['guild_id'] === 'string';
    if (needed) {
      const bit = inGuild ? needed[0] : needed[1];
      if ((session.intents & bit) === 0) return undefined;
    }
    if (
      (event === GatewayDispatchEvents.MessageCreate || event === GatewayDispatchEvents.MessageUpdate) &&
      inGuild &&
      (session.intents & GatewayIntentBits.MessageContent) === 0
    ) {
      const author = record['author'] as { id?: string } | undefined;
      const mentions = (record['mentions'] as { id: string }[] | undefined) ?? [];
      const botId = this.store.bot.id;
      if (author?.id !== botId && !mentions.some((m) => m.id === botId)) {
        return { ...record, content: '', embeds: [], attachments: [], components: [] };
      }
    }
    return data;
  }

  /**
   * Ends the current gateway connection(s). Resumable: closes with 4000 (discord.js resumes). Not resumable:
   * invalidates the session and sends INVALID_SESSION(false); discord.js then closes and re-identifies.
   * `code` closes with exactly that close code instead (the session is kept unless `resumable` is false).
   */
  async dropConnection(options: { resumable: boolean; code?: number }): Promise<void> {
    const targets = [...this.connections].filter((c) => c.ws.readyState === WebSocket.OPEN);
    const closed = targets.map(
      (c) =>
        new Promise<void>((resolve) =>
          c.ws.readyState === WebSocket.CLOSED ? resolve() : c.ws.once('close', () => resolve()),
        ),
    );
    for (const connection of targets) {
      const session = connection.session;
      if (!options.resumable && session) {
        this.sessions.delete(session.id);
        session.connection = null;
        connection.session = null;
      }
      if (options.code !== undefined) connection.ws.close(options.code, 'Dropped by test');
      else if (options.resumable) connection.ws.close(4000, 'Dropped by test (resumable)');
      else {
        this.send(connection, { op: GatewayOpcodes.InvalidSession, d: false });
        // The client closes the socket itself; make sure it goes away even if it does not.
        const ws = connection.ws;
        const timer = setTimeout(() => ws.terminate(), 2000);
        ws.once('close', () => clearTimeout(timer));
      }
    }
    await Promise.all(closed);
  }

  /** Asks clients to reconnect and resume (op 7 RECONNECT). */
  requestReconnect(): void {
    for (const connection of this.connections)
      this.send(connection, { op: GatewayOpcodes.Reconnect, d: null });
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.ws.terminate();
    this.connections.clear();
    this.sessions.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
