/**
 * The fake gateway: a `ws` server (noServer mode, fed by the HTTP server's `upgrade` event) that speaks
 * enough of Discord's gateway protocol v10 for discord.js / @discordjs/ws:
 *
 * HELLO → IDENTIFY → READY (+ GUILD_CREATE per guild), HEARTBEAT → HEARTBEAT_ACK, RESUME → replay + RESUMED,
 * and INVALID_SESSION. Sharded as Discord is: a session identified with `shard: [id, count]` is told of,
 * and gets the events of, only the guilds with `(guild_id >> 22) % count === id` (DM events go to shard
 * 0); an impossible shard is closed with 4010. JSON only: no transport compression (discord.js asks for it only with `zlib-sync`).
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

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
  GatewayResumeData,
} from 'discord-api-types/v10';
import { WebSocket, WebSocketServer } from 'ws';

import { shardOf } from './snowflake.js';
import type { FakeStore } from './state.js';

/** The data type of a dispatch event, e.g. `DispatchData<GatewayDispatchEvents.InteractionCreate>`. */
export type DispatchData<E extends GatewayDispatchEvents> = Extract<GatewayDispatchPayload, { t: E }>['d'];

export const PRIVILEGED_INTENTS =
  GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;

export interface IdentifyRecord extends GatewayIdentifyData {
  sessionId: string;
  /** Query string of the WebSocket URL the client connected with (`v`, `encoding`). */
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
  /** When set, IDENTIFY/RESUME with another token is closed with 4004. */
  expectedToken: string | undefined;
  wsUrl: () => string;
}

interface Session {
  id: string;
  seq: number;
  intents: number;
  token: string;
  /** `[shard id, shard count]` from IDENTIFY; `[0, 1]` (every guild) when the client sent none. */
  shard: [number, number];
  /** Dispatches sent in this session (for RESUME replay). */
  sent: { op: GatewayOpcodes.Dispatch; t: string; s: number; d: unknown }[];
  connection: Connection | null;
}

interface Connection {
  ws: WebSocket;
  query: Record<string, string>;
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
      E.ChannelCreate,
      E.ChannelUpdate,
      E.ChannelDelete,
      E.ThreadCreate,
      E.ThreadUpdate,
      E.ThreadDelete,
    ],
    I.Guilds,
  );
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
  return map;
})();

export class FakeGateway {
  readonly events = new EventEmitter();
  readonly identifies: IdentifyRecord[] = [];
  readonly resumes: ResumeRecord[] = [];
  heartbeats = 0;

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
    const connection: Connection = { ws, query, session: null };
    this.connections.add(connection);
    ws.on('message', (raw) => this.onMessage(connection, raw));
    ws.on('close', (code) => {
      this.connections.delete(connection);
      const session = connection.session;
      if (session && session.connection === connection) {
        session.connection = null;
        // A client closing with 1000/1001 ends its session for good (Discord's rule); others may resume.
        if (code === 1000 || code === 1001) this.sessions.delete(session.id);
      }
    });
    ws.on('error', () => undefined);
    this.send(connection, {
      op: GatewayOpcodes.Hello,
      d: { heartbeat_interval: this.options.heartbeatIntervalMs },
    });
  }

  private send(connection: Connection, payload: object): void {
    if (connection.ws.readyState === WebSocket.OPEN) connection.ws.send(JSON.stringify(payload));
  }

  private onMessage(connection: Connection, raw: WebSocket.RawData): void {
    let payload: { op: number; d: unknown };
    try {
      payload = JSON.parse(raw.toString()) as { op: number; d: unknown };
    } catch {
      connection.ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        this.heartbeats += 1;
        this.send(connection, { op: GatewayOpcodes.HeartbeatAck });
        this.events.emit('heartbeat', this.heartbeats);
        return;
      case GatewayOpcodes.Identify:
        this.onIdentify(connection, payload.d as GatewayIdentifyData);
        return;
      case GatewayOpcodes.Resume:
        this.onResume(connection, payload.d as GatewayResumeData);
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
    const [shardId, shardCount] = data.shard ?? [0, 1];
    if (!Number.isInteger(shardId) || !Number.isInteger(shardCount) || shardId < 0 || shardId >= shardCount) {
      connection.ws.close(GatewayCloseCodes.InvalidShard, 'Invalid shard.');
      return;
    }
    const session: Session = {
      id: randomBytes(16).toString('hex'),
      seq: 0,
      intents: data.intents,
      token: data.token,
      shard: [shardId, shardCount],
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

    const guilds = [...this.store.guilds.values()].filter((g) => onShard(session, g.id));
    const ready: GatewayReadyDispatchData = {
      v: 10,
      user: this.store.bot,
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.options.wsUrl(),
      application: { id: this.store.applicationId, flags: 0 as ApplicationFlags, flags_new: '0' },
    };
    if (data.shard) ready.shard = data.shard;
    this.sendDispatch(session, GatewayDispatchEvents.Ready, ready);
    for (const guild of guilds) {
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

  private sendDispatch(session: Session, t: string, d: unknown): void {
    session.seq += 1;
    const payload = { op: GatewayOpcodes.Dispatch as const, t, s: session.seq, d };
    session.sent.push(payload);
    if (session.sent.length > 1000) session.sent.shift();
    if (session.connection) this.send(session.connection, payload);
  }

  /**
   * Sends a dispatch to every live session (a session whose socket was dropped resumably gets it on
   * RESUME) of the shard that holds the event's guild. As on Discord, sessions that lack the event's
   * intent do not get it (a missing intent is a bug the real gateway would hide silently). Returns how
   * many sessions the event went to.
   */
  dispatch<E extends GatewayDispatchEvents>(event: E, data: DispatchData<E>): number {
    let delivered = 0;
    const guildId = guildOf(event, data);
    for (const session of this.sessions.values()) {
      if (guildId === undefined ? session.shard[0] !== 0 : !onShard(session, guildId)) continue;
      if (!wants(session, event, data)) continue;
      this.sendDispatch(session, event, data);
      delivered += 1;
    }
    return delivered;
  }

  /**
   * Ends the current gateway connection(s). Resumable: closes with 4000 (discord.js resumes). Not resumable:
   * invalidates the session and sends INVALID_SESSION(false); discord.js then closes and re-identifies.
   */
  async dropConnection(options: { resumable: boolean }): Promise<void> {
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
      if (options.resumable) connection.ws.close(4000, 'Dropped by test (resumable)');
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

  async close(): Promise<void> {
    for (const connection of this.connections) connection.ws.terminate();
    this.connections.clear();
    this.sessions.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

function onShard(session: Session, guildId: string): boolean {
  return shardOf(guildId, session.shard[1]) === session.shard[0];
}

/** The guild an event is about: its `guild_id`, or the guild itself for GUILD_* events; undefined in DMs. */
function guildOf(event: GatewayDispatchEvents, data: unknown): string | undefined {
  const d = data as { id?: unknown; guild_id?: unknown } | null;
  const E = GatewayDispatchEvents;
  const own = event === E.GuildCreate || event === E.GuildUpdate || event === E.GuildDelete;
  const id = own ? d?.id : d?.guild_id;
  return typeof id === 'string' ? id : undefined;
}

function wants(session: Session, event: GatewayDispatchEvents, data: unknown): boolean {
  const needed = INTENT_OF[event];
  if (!needed) return true;
  const inGuild = typeof (data as { guild_id?: unknown } | null)?.guild_id === 'string';
  return (session.intents & (inGuild ? needed[0] : needed[1])) !== 0;
}
