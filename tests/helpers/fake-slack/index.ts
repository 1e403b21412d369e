/**
 * A small fake of Slack on 127.0.0.1: the Web API methods Ostrom uses (`/api/<method>`), response URLs,
 * the file upload URL, and a Socket Mode WebSocket handed out by `apps.connections.open`. Every request is
 * recorded (method, token, arguments); `rateLimit` makes the next calls of a method answer 429.
 * Several workspaces may hold the app (`addWorkspace`): each bot token reaches its own workspace, and
 * `oauth.v2.access` trades an install's code (`installCode`) or a refresh token for a workspace's token.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  appMethods,
  botMethods,
  oauthAnswer,
  type Answer,
  type Args,
  type Grant,
  type MethodContext,
} from './web-api.js';
import { Workspace, type MemberSpec, type TeamSpec } from './state.js';

export { Workspace, type FakeMessage, type MemberSpec, type TeamSpec } from './state.js';

/** One request the fake answered. `method` is the Web API method, `response_url` or `upload`. */
export interface SlackCall {
  method: string;
  /** The bearer token (or the body's `token`), if any. */
  token?: string;
  args: Args;
  status: number;
  response: Answer | string;
  at: number;
}

/** What the app sent back on the socket for one envelope. */
export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export interface FakeSlackOptions {
  botToken: string;
  appToken?: string;
  members: MemberSpec[];
  channels: string[];
  /** The app's OAuth credentials, which `oauth.v2.access` checks. */
  oauth?: { clientId: string; clientSecret: string };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Form values as the Web API client sends them: objects and arrays as JSON text. */
function parseArgs(raw: Buffer, contentType: string): Args {
  if (raw.length === 0) return {};
  if (contentType.includes('application/json')) return JSON.parse(raw.toString('utf8')) as Args;
  const args: Args = {};
  for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) {
    args[k] = /^[[{]/.test(v) ? tryJson(v) : v;
  }
  return args;
}

function tryJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

export class FakeSlack {
  /** The first workspace (the one of `botToken`). */
  readonly ws: Workspace;
  /** Every workspace, by team id. */
  readonly workspaces = new Map<string, Workspace>();
  /** Live bot tokens → their workspace (an uninstall or a rotation takes a token away). */
  readonly tokens = new Map<string, Workspace>();
  /** Codes of "Add to Slack" not yet exchanged, and refresh tokens, → the grant they give. */
  private readonly codes = new Map<string, { ws: Workspace; rotation?: number; installer: string }>();
  private readonly refreshTokens = new Map<string, { ws: Workspace }>();
  /** Every token ever handed out (access and refresh), live or not, → its workspace. */
  readonly issued = new Map<string, Workspace>();
  readonly calls: SlackCall[] = [];
  /** Files uploaded to the upload URL: file id → content. */
  readonly files = new Map<string, Buffer>();
  readonly events = new EventEmitter();
  readonly acks: SocketAck[] = [];
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<WebSocket>();
  private readonly limits = new Map<string, { times: number; retryAfter: number }>();
  private readonly uploads = new Map<string, { filename: string; length: number }>();
  private ids = 0;
  private pinger?: NodeJS.Timeout;
  baseUrl = '';

  constructor(private readonly o: FakeSlackOptions) {
    this.ws = new Workspace(o.members, o.channels);
    this.workspaces.set(this.ws.team.id, this.ws);
    this.tokens.set(o.botToken, this.ws);
    this.server = createServer((req, res) => void this.serve(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/link')) return socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (s) => this.connected(s));
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Another workspace, where Ostrom is not installed until it exchanges a code of `installCode`. */
  addWorkspace(team: TeamSpec, members: MemberSpec[], channels: string[]): Workspace {
    const ws = new Workspace(members, channels, team);
    this.workspaces.set(team.id, ws);
    return ws;
  }

  /**
   * The code Slack hands the redirect once `installer` approved "Add to Slack" in `ws`. With `rotation`
   * (seconds), the token it gives expires then and comes with a refresh token (token rotation on).
   */
  installCode(ws: Workspace, installer: string, rotation?: number): string {
    const code = `code-${randomBytes(8).toString('hex')}`;
    this.codes.set(code, { ws, rotation, installer });
    return code;
  }

  /** The app is uninstalled from `ws`: every token of it stops working. */
  revoke(ws: Workspace): void {
    for (const [token, w] of this.tokens) if (w === ws) this.tokens.delete(token);
    for (const [token, g] of this.refreshTokens) if (g.ws === ws) this.refreshTokens.delete(token);
  }

  /** The workspace a recorded call's token reaches (undefined for a dead token). */
  workspaceOf(call: SlackCall): Workspace | undefined {
    return call.token ? this.tokens.get(call.token) : undefined;
  }

  /** The Web API base to give the app (SLACK_API_URL). */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  /** A fresh response URL, as Slack puts in each command and action payload. */
  responseUrl(): string {
    return `${this.baseUrl}/respond/${this.nextId('R')}`;
  }

  nextId(prefix: string): string {
    return `${prefix}${String(++this.ids).padStart(6, '0')}`;
  }

  /** The next `times` calls of `method` answer HTTP 429 with `Retry-After: retryAfter`. */
  rateLimit(method: string, times = 1, retryAfter = 1): void {
    this.limits.set(method, { times, retryAfter });
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves with the first call (already made or coming) of `method` matching `match`, after `skip` of them. */
  waitForCall(
    method: string,
    match: (c: SlackCall) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<SlackCall> {
    const found = this.calls.find((c) => c.method === method && match(c));
    if (found) return Promise.resolve(found);
    return this.nextCall(method, match, timeoutMs);
  }

  /** Resolves with the next call of `method` (2xx, `ok` unless `failed`) matching `match`. Create it before acting. */
  nextCall(
    method: string,
    match: (c: SlackCall) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<SlackCall> {
    const waiting = new Promise<SlackCall>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off('call', onCall);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${method}`));
      }, timeoutMs);
      const onCall = (c: SlackCall) => {
        if (c.method !== method || c.status !== 200 || !match(c)) return;
        clearTimeout(timer);
        this.events.off('call', onCall);
        resolve(c);
      };
      this.events.on('call', onCall);
    });
    waiting.catch(() => undefined);
    return waiting;
  }

  private record(call: Omit<SlackCall, 'at'>): void {
    const c = { ...call, at: Date.now() };
    this.calls.push(c);
    this.events.emit('call', c);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', this.baseUrl);
    const type = req.headers['content-type'] ?? '';
    const send = (status: number, body: Answer | string, headers: Record<string, string> = {}) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, {
        'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
        ...headers,
      });
      res.end(text);
    };
    if (url.pathname.startsWith('/respond/')) {
      const args = parseArgs(raw, type);
      this.record({
        method: 'response_url',
        args: { ...args, url: url.pathname },
        status: 200,
        response: 'ok',
      });
      return send(200, 'ok');
    }
    if (url.pathname.startsWith('/upload/')) return this.upload(url.pathname.slice(8), raw, type, send);
    const method = url.pathname.replace(/^\/api\//, '');
    const args = parseArgs(raw, type);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? (typeof args.token === 'string' ? args.token : undefined);
    const limit = this.limits.get(method);
    if (limit && limit.times > 0) {
      limit.times--;
      this.record({ method, token, args, status: 429, response: 'ratelimited' });
      return send(429, 'ratelimited', { 'retry-after': String(limit.retryAfter) });
    }
    const answer = method === 'oauth.v2.access' ? this.oauthAccess(args) : this.answer(method, token, args);
    this.record({ method, token, args, status: 200, response: answer });
    send(200, answer);
  }

  /** Trades a code or a refresh token for a workspace's bot token, as Slack's `oauth.v2.access`. */
  private oauthAccess(args: Args): Answer {
    const o = this.o.oauth;
    if (!o || args.client_id !== o.clientId) return { ok: false, error: 'invalid_client_id' };
    if (args.client_secret !== o.clientSecret) return { ok: false, error: 'bad_client_secret' };
    const scope = 'commands,chat:write,reactions:read,reactions:write,users:read,im:write,files:write';
    if (args.grant_type === 'refresh_token') {
      const refresh = this.refreshTokens.get(String(args.refresh_token));
      if (!refresh) return { ok: false, error: 'invalid_refresh_token' };
      this.refreshTokens.delete(String(args.refresh_token));
      // The old access token is retired at once here, so only the refreshed one works.
      for (const [token, w] of this.tokens) if (w === refresh.ws) this.tokens.delete(token);
      // A refreshed token lives 12 hours, as Slack's do.
      return oauthAnswer(this.grant(refresh.ws, 12 * 3600), scope, '');
    }
    const pending = this.codes.get(String(args.code));
    if (!pending) return { ok: false, error: 'invalid_code' };
    this.codes.delete(String(args.code));
    return oauthAnswer(this.grant(pending.ws, pending.rotation), scope, pending.installer);
  }

  private grant(ws: Workspace, rotation?: number): Grant {
    const secret = () => randomBytes(12).toString('hex');
    const accessToken = `${rotation ? 'xoxe.' : ''}xoxb-${ws.team.id}-${secret()}`;
    this.tokens.set(accessToken, ws);
    this.issued.set(accessToken, ws);
    if (!rotation) return { ws, accessToken };
    const refreshToken = `xoxe-1-${ws.team.id}-${secret()}`;
    this.refreshTokens.set(refreshToken, { ws });
    this.issued.set(refreshToken, ws);
    return { ws, accessToken, refreshToken, expiresIn: rotation };
  }

  private answer(method: string, token: string | undefined, args: Args): Answer {
    const ws = token ? this.tokens.get(token) : undefined;
    const ctx: MethodContext = {
      ws: ws ?? this.ws,
      baseUrl: this.baseUrl,
      socketUrl: `${this.baseUrl.replace(/^http/, 'ws')}/link?ticket=${randomBytes(6).toString('hex')}`,
      nextId: (p) => this.nextId(p),
      uploads: this.uploads,
    };
    if (method in appMethods) {
      if (!this.o.appToken || token !== this.o.appToken) return { ok: false, error: 'invalid_auth' };
      return appMethods[method]!(ctx, args);
    }
    if (!(method in botMethods)) return { ok: false, error: 'unknown_method' };
    if (!ws) return { ok: false, error: token ? 'invalid_auth' : 'not_authed' };
    return botMethods[method]!(ctx, args);
  }

  private async upload(
    fileId: string,
    raw: Buffer,
    type: string,
    send: (status: number, body: string) => void,
  ): Promise<void> {
    const expected = this.uploads.get(fileId);
    let data = raw;
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
      const part = [...form.values()].find((v) => typeof v !== 'string') as Blob | undefined;
      data = part ? Buffer.from(await part.arrayBuffer()) : Buffer.alloc(0);
    }
    const ok = expected !== undefined && data.length === expected.length;
    if (ok) this.files.set(fileId, data);
    this.record({
      method: 'upload',
      args: { fileId, bytes: data.length },
      status: ok ? 200 : 400,
      response: ok ? 'OK' : 'bad',
    });
    send(ok ? 200 : 400, ok ? `OK - ${data.length}` : 'bad upload');
  }

  private connected(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('message', (data) => {
      const ack = JSON.parse(String(data)) as SocketAck;
      this.acks.push(ack);
      this.events.emit('ack', ack);
    });
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'fake-slack', build_number: 1, approximate_connection_time: 3600 },
        connection_info: { app_id: this.ws.bot.appId },
      }),
    );
    // Slack pings its clients; Bolt reconnects when the pings stop.
    this.pinger ??= setInterval(() => this.sockets.forEach((s) => s.ping()), 5000);
    this.events.emit('socket', socket);
  }

  /** Open Socket Mode connections. */
  get socketCount(): number {
    return this.sockets.size;
  }

  /** Resolves once the app holds a Socket Mode connection. */
  async socketOpen(timeoutMs = 5000): Promise<void> {
    if (this.sockets.size > 0) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no Socket Mode connection')), timeoutMs);
      this.events.once('socket', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Sends one envelope over Socket Mode (`events_api`, `slash_commands` or `interactive`) and resolves with
   * the app's acknowledgement and how long it took.
   */
  async envelope(
    type: 'events_api' | 'slash_commands' | 'interactive',
    payload: unknown,
    opts: { retryAttempt?: number; timeoutMs?: number } = {},
  ): Promise<{ ack: SocketAck; ms: number }> {
    const socket = [...this.sockets][0];
    if (!socket) throw new Error('no Socket Mode connection');
    const envelope_id = randomBytes(8).toString('hex');
    const started = Date.now();
    const acked = new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`envelope ${type} not acknowledged`)),
        opts.timeoutMs ?? 5000,
      );
      const onAck = (a: SocketAck) => {
        if (a.envelope_id !== envelope_id) return;
        clearTimeout(timer);
        this.events.off('ack', onAck);
        resolve(a);
      };
      this.events.on('ack', onAck);
    });
    socket.send(
      JSON.stringify({
        envelope_id,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        retry_attempt: opts.retryAttempt ?? 0,
        retry_reason: opts.retryAttempt ? 'timeout' : '',
      }),
    );
    const ack = await acked;
    return { ack, ms: Date.now() - started };
  }

  async close(): Promise<void> {
    clearInterval(this.pinger);
    for (const s of this.sockets) s.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export async function startFakeSlack(o: FakeSlackOptions): Promise<FakeSlack> {
  const fake = new FakeSlack(o);
  await fake.listen();
  return fake;
}
