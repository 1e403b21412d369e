/**
 * End-to-end harness for the Slack adapter: the fake Slack (team "Commons", #tasks and #gov, five members,
 * alice a workspace admin), a core on the test database (SQLite, or PostgreSQL in the `pg` project) with
 * a hand-moved clock, the production logger keeping its lines, and the REAL Bolt app of SlackAdapter in
 * HTTP mode (signed requests) or Socket Mode (envelopes over the fake's WebSocket). Tests act as members
 * and read the Web API calls the bot made.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { BlockAction, EnvelopedEvent, SlashCommand, ViewSubmitAction } from '@slack/bolt';
import type { KnownBlock, ModalView, ReactionAddedEvent, ReactionRemovedEvent } from '@slack/types';
import { SlackAdapter } from '../../adapters/slack/slack-adapter.js';
import { Governance } from '../../src/core/index.js';
import { createLogger } from '../../src/log.js';
import { TestClock } from './core.js';
import { drainedQueue } from './slack-reads.js';
import { testDb, type TestDb } from './test-db.js';
import { startFakeSlack, type FakeSlack, type SlackCall, type Workspace } from './fake-slack/index.js';

export * from './slack-reads.js';

export const NAMES = ['alice', 'bob', 'carol', 'dave', 'erin'] as const;
export type Name = (typeof NAMES)[number];
export type Mode = 'http' | 'socket';

/** Slack's side: the fake and the credentials Ostrom is given. */
export interface World {
  fake: FakeSlack;
  botToken: string;
  appToken: string;
  signingSecret: string;
  ids: Record<Name, string>;
  tasks: string;
  gov: string;
  /** The workspace the members act in (default: the fake's first). */
  ws?: Workspace;
}

export async function startWorld(): Promise<World> {
  const botToken = `xoxb-1000-2000-${randomBytes(12).toString('hex')}`;
  const appToken = `xapp-1-A0APP-3000-${randomBytes(16).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const fake = await startFakeSlack({
    botToken,
    appToken,
    // relaybot: another app's bot user in the workspace (users.info says is_bot).
    members: [...NAMES.map((name) => ({ name, admin: name === 'alice' })), { name: 'relaybot', bot: true }],
    channels: ['tasks', 'gov'],
  });
  const ids = Object.fromEntries(NAMES.map((n) => [n, fake.ws.userId(n)])) as Record<Name, string>;
  return {
    fake,
    botToken,
    appToken,
    signingSecret,
    ids,
    tasks: fake.ws.channelId('tasks'),
    gov: fake.ws.channelId('gov'),
  };
}

/** Ostrom's side: one core and one Slack adapter on a database. */
export interface Bot {
  /** The bot's database (SQLite or PostgreSQL, as the vitest project runs). */
  db: TestDb;
  core: Governance;
  clock: TestClock;
  adapter: SlackAdapter;
  mode: Mode;
  /** Every log line (JSON) of the production logger, level debug and up. */
  logs: string[];
  stop(): Promise<void>;
}

export async function startBot(
  w: World,
  opts: {
    mode: Mode;
    /** An SQLite file (ignored on PostgreSQL, where each bot gets a new database). */
    dbPath?: string;
    /** A database to open again: an earlier bot's `db.location()` (a restart). */
    at?: string;
    clock?: TestClock;
  } = { mode: 'http' },
): Promise<Bot> {
  const db = testDb({ path: opts.dbPath, at: opts.at });
  const clock = opts.clock ?? new TestClock(Date.now());
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const log = createLogger('debug', sink, { secrets: [w.botToken, w.appToken, w.signingSecret] });
  const core = new Governance(db.storage, clock, log);
  const adapter = new SlackAdapter({
    core,
    log,
    botToken: w.botToken,
    ...(opts.mode === 'socket' ? { appToken: w.appToken } : { signingSecret: w.signingSecret, port: 0 }),
    apiUrl: w.fake.apiUrl,
  });
  await adapter.start();
  let stopped = false;
  return {
    db,
    core,
    clock,
    adapter,
    mode: opts.mode,
    logs,
    async stop() {
      if (stopped) return;
      stopped = true;
      await adapter.stop();
      await db.storage.close();
    },
  };
}

/** How a request reached the app, and what came back: HTTP status and body, or the socket ack. */
export interface Delivery {
  status: number;
  /** The acknowledgement's body (HTTP) or payload (Socket Mode), parsed when JSON. */
  body: unknown;
  ms: number;
}

export interface Forgery {
  /** Sign with this secret instead of the right one. */
  secret?: string;
  /** Unix seconds to claim (default now). */
  timestamp?: number;
  /** Leave the signature headers out. */
  unsigned?: boolean;
  retryNum?: number;
}

/** Slack's request signature: `v0=` HMAC-SHA256 of `v0:timestamp:body` with the signing secret. */
export function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

type Kind = 'slash_commands' | 'interactive' | 'events_api';

let counter = 0;
const unique = (p: string) => `${p}${Date.now().toString(36)}${(++counter).toString(36)}`;

/** Where the app listens: Socket Mode, or HTTP on a port (an adapter in this process, or `npm start`). */
export interface Reachable {
  mode: Mode;
  adapter: { port?: number };
}

/** Acting as members, over HTTP or Socket Mode. */
export class Actions {
  constructor(
    readonly w: World,
    public bot: Reachable,
  ) {}

  get fake(): FakeSlack {
    return this.w.fake;
  }

  get ws(): Workspace {
    return this.w.ws ?? this.w.fake.ws;
  }

  /**
   * Resolves once an adapter in this process has handed every reaction it was sent to the core. It
   * acknowledges an event at once and queues it (in Slack's order, a member looked up first), so an
   * acknowledged reaction may not be applied yet. Ostrom in another process: nothing to wait for here.
   */
  async drained(): Promise<void> {
    if (!(this.bot.adapter instanceof SlackAdapter)) return;
    await drainedQueue(this.bot.adapter);
  }

  /** Delivers a payload the way Slack does in the bot's mode. */
  async deliver(kind: Kind, payload: object, forge: Forgery = {}): Promise<Delivery> {
    if (this.bot.mode === 'socket') {
      const { ack, ms } = await this.fake.envelope(kind, payload, { retryAttempt: forge.retryNum });
      return { status: 200, body: ack.payload, ms };
    }
    const body =
      kind === 'events_api'
        ? JSON.stringify(payload)
        : kind === 'interactive'
          ? new URLSearchParams({ payload: JSON.stringify(payload) }).toString()
          : new URLSearchParams(payload as Record<string, string>).toString();
    const timestamp = forge.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': kind === 'events_api' ? 'application/json' : 'application/x-www-form-urlencoded',
    };
    if (!forge.unsigned) {
      headers['x-slack-request-timestamp'] = String(timestamp);
      headers['x-slack-signature'] = sign(forge.secret ?? this.w.signingSecret, timestamp, body);
    }
    if (forge.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(forge.retryNum);
      headers['x-slack-retry-reason'] = 'http_timeout';
    }
    const started = Date.now();
    const res = await fetch(`http://127.0.0.1:${this.bot.adapter.port}/slack/events`, {
      method: 'POST',
      headers,
      body,
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // plain text
    }
    return { status: res.status, body: parsed, ms: Date.now() - started };
  }

  slashPayload(user: Name, command: string, text: string, channel = this.w.tasks): SlashCommand {
    return {
      token: 'deprecated-verification-token',
      command,
      text,
      response_url: this.fake.responseUrl(),
      trigger_id: unique('trigger.'),
      user_id: this.w.ids[user],
      user_name: user,
      team_id: this.ws.team.id,
      team_domain: this.ws.team.domain,
      channel_id: channel,
      channel_name: channel === this.w.tasks ? 'tasks' : 'gov',
      api_app_id: this.ws.bot.appId,
    };
  }

  /** `/command text` by `user`; resolves with the delivery and the answer sent to its response URL. */
  async command(user: Name, command: string, text: string, channel?: string) {
    const payload = this.slashPayload(user, command, text, channel);
    const answer = this.answerTo(payload.response_url);
    const delivery = await this.deliver('slash_commands', payload);
    return { delivery, payload, answer };
  }

  /** The answer posted to a response URL. */
  answerTo(responseUrl: string): Promise<SlackCall> {
    const path = new URL(responseUrl).pathname;
    return this.fake.waitForCall('response_url', (c) => c.args.url === path);
  }

  /** Clicks a card button (`ostrom:task.claim:1`). */
  async button(user: Name, actionId: string, card: { channel: string; ts: string }) {
    const payload: BlockAction = {
      type: 'block_actions',
      actions: [
        {
          type: 'button',
          action_id: actionId,
          block_id: 'ostrom:buttons',
          text: { type: 'plain_text', text: actionId },
          value: actionId.replace(/^ostrom:/, ''),
          action_ts: `${Date.now() / 1000}`,
        },
      ],
      team: { id: this.ws.team.id, domain: this.ws.team.domain },
      user: { id: this.w.ids[user], name: user, username: user, team_id: this.ws.team.id },
      channel: { id: card.channel, name: card.channel === this.w.tasks ? 'tasks' : 'gov' },
      message: { type: 'message', ts: card.ts, text: '' },
      container: { type: 'message', message_ts: card.ts, channel_id: card.channel, is_ephemeral: false },
      token: 'deprecated-verification-token',
      response_url: this.fake.responseUrl(),
      trigger_id: unique('trigger.'),
      api_app_id: this.ws.bot.appId,
    };
    const answer = this.answerTo(payload.response_url);
    const delivery = await this.deliver('interactive', payload);
    return { delivery, payload, answer };
  }

  /** Submits a modal the bot opened (the `view` of its views.open call) with these values. */
  async submitView(user: Name, opened: SlackCall, values: Record<string, string>) {
    const view = opened.args.view as ModalView;
    const response = opened.response as { view: { id: string } };
    const state: ViewSubmitAction['view']['state'] = { values: {} };
    for (const block of view.blocks as KnownBlock[]) {
      if (block.type !== 'input' || !block.block_id) continue;
      const id = block.block_id;
      const v = values[id];
      const element = block.element as { type: string; action_id: string };
      state.values[id] = {
        [element.action_id]:
          element.type === 'static_select'
            ? {
                type: 'static_select',
                selected_option: v ? { text: { type: 'plain_text', text: v }, value: v } : null,
              }
            : { type: 'plain_text_input', value: v ?? null },
      };
    }
    const payload: ViewSubmitAction = {
      type: 'view_submission',
      team: { id: this.ws.team.id, domain: this.ws.team.domain },
      user: { id: this.w.ids[user], name: user, team_id: this.ws.team.id },
      view: {
        id: response.view.id,
        callback_id: view.callback_id ?? '',
        team_id: this.ws.team.id,
        app_id: this.ws.bot.appId,
        app_installed_team_id: this.ws.team.id,
        bot_id: this.ws.bot.botId,
        title: view.title,
        type: 'modal',
        blocks: view.blocks,
        close: view.close ?? null,
        submit: view.submit ?? null,
        state,
        hash: unique('hash.'),
        private_metadata: view.private_metadata ?? '',
        root_view_id: null,
        previous_view_id: null,
        clear_on_close: false,
        notify_on_close: false,
        external_id: '',
      },
      api_app_id: this.ws.bot.appId,
      token: 'deprecated-verification-token',
      trigger_id: unique('trigger.'),
    };
    return this.deliver('interactive', payload);
  }

  reactionEvent(
    user: Name | 'bot' | 'relaybot',
    name: string,
    card: { channel: string; ts: string },
    added: boolean,
    eventId?: string,
  ) {
    const userId = this.userIdOf(user);
    const event: ReactionAddedEvent | ReactionRemovedEvent = {
      type: added ? 'reaction_added' : 'reaction_removed',
      user: userId,
      reaction: name,
      item_user: this.ws.bot.userId,
      item: { type: 'message', channel: card.channel, ts: card.ts },
      event_ts: `${Date.now() / 1000}`,
    };
    const envelope: EnvelopedEvent<ReactionAddedEvent | ReactionRemovedEvent> = {
      token: 'deprecated-verification-token',
      team_id: this.ws.team.id,
      api_app_id: this.ws.bot.appId,
      event,
      type: 'event_callback',
      event_id: eventId ?? unique('Ev'),
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        {
          enterprise_id: null,
          team_id: this.ws.team.id,
          user_id: this.ws.bot.userId,
          is_bot: true,
        },
      ],
    };
    return envelope;
  }

  /** `user` reacts on a card: Slack's state changes, and the event is delivered. */
  async react(
    user: Name | 'bot' | 'relaybot',
    name: string,
    card: { channel: string; ts: string },
    added = true,
    forge: Forgery = {},
  ) {
    const userId = this.userIdOf(user);
    this.ws.react(userId, card.channel, card.ts, name, added);
    const envelope = this.reactionEvent(user, name, card, added);
    return { delivery: await this.deliver('events_api', envelope, forge), envelope };
  }

  /** A member's id; `bot` is Ostrom's own bot user, `relaybot` another app's bot. */
  userIdOf(user: Name | 'bot' | 'relaybot'): string {
    if (user === 'bot') return this.ws.bot.userId;
    return user === 'relaybot' ? this.ws.userId('relaybot') : this.w.ids[user];
  }

  /**
   * Resolves once every event delivered before has reached the core: `/help` is answered after them.
   * Returns the event id `/help` was recorded under.
   */
  async settle(): Promise<string> {
    await this.drained();
    const { answer, payload } = await this.command('erin', '/help', 'vote');
    await answer;
    return `command:${payload.trigger_id}`;
  }

  /** The next card (a message with blocks) the bot posts in `channel`. */
  nextCard(channel = this.w.tasks): Promise<SlackCall> {
    return this.fake.nextCall(
      'chat.postMessage',
      (c) => c.args.channel === channel && Array.isArray(c.args.blocks),
    );
  }

  /** The next edit of a card. */
  nextUpdate(card: { channel: string; ts: string }): Promise<SlackCall> {
    return this.fake.nextCall('chat.update', (c) => c.args.channel === card.channel && c.args.ts === card.ts);
  }
}

/** The fake, the bot on it, and the actions of its members. */
export interface Stage {
  w: World;
  bot: Bot;
  act: Actions;
}

export async function startStage(mode: Mode): Promise<Stage> {
  const w = await startWorld();
  const bot = await startBot(w, { mode });
  return { w, bot, act: new Actions(w, bot) };
}

export async function stopStage(s: Partial<Stage>): Promise<void> {
  await s.bot?.stop();
  await s.w?.fake.close();
}
