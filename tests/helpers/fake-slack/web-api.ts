/**
 * The Web API methods the adapter uses, on the fake workspace. Each answer is typed with @slack/web-api's
 * response type, so a drift between the fake and the real API shape fails the typecheck.
 */
import type {
  AppsConnectionsOpenResponse,
  AuthTestResponse,
  ChatPostEphemeralResponse,
  ChatPostMessageResponse,
  ChatUpdateResponse,
  ConversationsOpenResponse,
  FilesCompleteUploadExternalResponse,
  FilesGetUploadURLExternalResponse,
  OauthV2AccessResponse,
  ReactionsAddResponse,
  ReactionsGetResponse,
  UsersInfoResponse,
  ViewsOpenResponse,
} from '@slack/web-api';
import type { Workspace } from './state.js';

export type Args = Record<string, unknown>;
export type Answer = { ok?: boolean; error?: string };

/** What a method needs beyond its arguments: the base URL (for upload and socket URLs) and the token kind. */
export interface MethodContext {
  ws: Workspace;
  baseUrl: string;
  socketUrl: string;
  nextId: (prefix: string) => string;
  uploads: Map<string, { filename: string; length: number }>;
}

const fail = (error: string): Answer => ({ ok: false, error });
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function post(c: MethodContext, a: Args): ChatPostMessageResponse | Answer {
  const channel = str(a.channel);
  if (!channel || !c.ws.knows(channel)) return fail('channel_not_found');
  if (!str(a.text) && !a.blocks) return fail('no_text');
  const thread = str(a.thread_ts);
  if (thread && !c.ws.message(channel, thread)) return fail('thread_not_found');
  const ts = c.ws.nextTs();
  c.ws.messages.set(`${channel}/${ts}`, {
    channel,
    ts,
    text: str(a.text),
    blocks: a.blocks as unknown[] | undefined,
    thread_ts: thread,
    reactions: new Map(),
  });
  return {
    ok: true,
    channel,
    ts,
    message: {
      type: 'message',
      ts,
      text: str(a.text),
      bot_id: c.ws.bot.botId,
      ...(thread && { thread_ts: thread }),
    },
  } satisfies ChatPostMessageResponse;
}

function update(c: MethodContext, a: Args): ChatUpdateResponse | Answer {
  const m = c.ws.message(String(a.channel), String(a.ts));
  if (!m) return fail('message_not_found');
  m.text = str(a.text);
  m.blocks = a.blocks as unknown[] | undefined;
  return { ok: true, channel: m.channel, ts: m.ts, text: m.text } satisfies ChatUpdateResponse;
}

function reactionsGet(c: MethodContext, a: Args): ReactionsGetResponse | Answer {
  const m = c.ws.message(String(a.channel), String(a.timestamp));
  if (!m) return fail('message_not_found');
  const reactions = [...m.reactions].map(([name, users]) => ({ name, users, count: users.length }));
  return {
    ok: true,
    type: 'message',
    channel: m.channel,
    message: { type: 'message', ts: m.ts, text: m.text, ...(reactions.length > 0 && { reactions }) },
  } satisfies ReactionsGetResponse;
}

function reactionsAdd(c: MethodContext, a: Args): ReactionsAddResponse | Answer {
  const m = c.ws.message(String(a.channel), String(a.timestamp));
  if (!m) return fail('message_not_found');
  const name = String(a.name);
  if (m.reactions.get(name)?.includes(c.ws.bot.userId)) return fail('already_reacted');
  c.ws.react(c.ws.bot.userId, m.channel, m.ts, name);
  return { ok: true } satisfies ReactionsAddResponse;
}

/** Methods called with the bot token. */
export const botMethods: Record<string, (c: MethodContext, a: Args) => Answer> = {
  'auth.test': (c) =>
    ({
      ok: true,
      url: `https://${c.ws.team.domain}.slack.com/`,
      team: c.ws.team.name,
      user: c.ws.bot.name,
      team_id: c.ws.team.id,
      user_id: c.ws.bot.userId,
      bot_id: c.ws.bot.botId,
      is_enterprise_install: false,
    }) satisfies AuthTestResponse,
  'chat.postMessage': post,
  'chat.update': update,
  'chat.postEphemeral': (c, a) => {
    const channel = str(a.channel);
    if (!channel || !c.ws.knows(channel)) return fail('channel_not_found');
    if (!str(a.user) || !c.ws.users.has(String(a.user))) return fail('user_not_found');
    return { ok: true, message_ts: c.ws.nextTs() } satisfies ChatPostEphemeralResponse;
  },
  'conversations.open': (c, a) => {
    const user = str(a.users);
    if (!user || !c.ws.users.has(user)) return fail('user_not_found');
    return { ok: true, channel: { id: `D${user}` } } satisfies ConversationsOpenResponse;
  },
  'reactions.add': reactionsAdd,
  'reactions.get': reactionsGet,
  'users.info': (c, a) => {
    const user = c.ws.users.get(String(a.user));
    if (!user) return fail('user_not_found');
    return { ok: true, user } satisfies UsersInfoResponse;
  },
  'views.open': (c, a) => {
    if (!str(a.trigger_id)) return fail('invalid_trigger_id');
    const view = a.view as Record<string, unknown>;
    return {
      ok: true,
      view: { ...view, id: c.nextId('V'), team_id: c.ws.team.id, app_id: c.ws.bot.appId },
    } satisfies ViewsOpenResponse;
  },
  'files.getUploadURLExternal': (c, a) => {
    const filename = str(a.filename);
    const length = Number(a.length);
    if (!filename || !(length > 0)) return fail('invalid_arguments');
    const fileId = c.nextId('F');
    c.uploads.set(fileId, { filename, length });
    return {
      ok: true,
      upload_url: `${c.baseUrl}/upload/${fileId}`,
      file_id: fileId,
    } satisfies FilesGetUploadURLExternalResponse;
  },
  'files.completeUploadExternal': (c, a) => {
    const files = (typeof a.files === 'string' ? JSON.parse(a.files) : a.files) as {
      id: string;
      title?: string;
    }[];
    if (!Array.isArray(files) || files.some((f) => !c.uploads.has(f.id))) return fail('file_not_found');
    const channel = str(a.channel_id);
    if (channel && !c.ws.knows(channel)) return fail('channel_not_found');
    return {
      ok: true,
      files: files.map((f) => ({ id: f.id, title: f.title ?? c.uploads.get(f.id)!.filename })),
    } satisfies FilesCompleteUploadExternalResponse;
  },
};

/** Methods called with the app-level token (Socket Mode). */
export const appMethods: Record<string, (c: MethodContext, a: Args) => Answer> = {
  'apps.connections.open': (c) => ({ ok: true, url: c.socketUrl }) satisfies AppsConnectionsOpenResponse,
};

/** One workspace's answer to the code of its "Add to Slack" (or to a refresh of its rotating token). */
export interface Grant {
  ws: Workspace;
  accessToken: string;
  /** Token rotation on: the refresh token and how long the access token lives. */
  refreshToken?: string;
  expiresIn?: number;
}

/** `oauth.v2.access` as Slack answers it for a bot install (no user scopes). */
export function oauthAnswer(g: Grant, scope: string, installerId: string): OauthV2AccessResponse {
  return {
    ok: true,
    app_id: g.ws.bot.appId,
    authed_user: { id: installerId },
    scope,
    token_type: 'bot',
    access_token: g.accessToken,
    bot_user_id: g.ws.bot.userId,
    team: { id: g.ws.team.id, name: g.ws.team.name },
    enterprise: undefined,
    is_enterprise_install: false,
    ...(g.refreshToken && { refresh_token: g.refreshToken, expires_in: g.expiresIn }),
  };
}
