/**
 * Slack for many workspaces (distribution mode) end to end: the real Bolt app with its OAuth install
 * (`/slack/install`, `/slack/oauth_redirect`) against the fake Slack's `oauth.v2.access`, installations
 * kept in Ostrom's database (SQLite, or PostgreSQL in the `pg` project) with their tokens sealed. Two
 * workspaces install and each runs a task to the ledger in its own community with its own token; one
 * uninstalls (its token leaves the database, its ledger stays) and reinstalls; a forged OAuth state is
 * refused; a rotating token is refreshed and the new one used and stored. One file, one story.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_SCOPES } from '../../adapters/slack/app.js';
import { SlackInstallationStore } from '../../adapters/slack/installation-store.js';
import { SlackAdapter } from '../../adapters/slack/slack-adapter.js';
import { DAY_MS } from '../../src/core/shared/model.js';
import { Governance } from '../../src/core/index.js';
import { createLogger } from '../../src/log.js';
import { parseSecretKey } from '../../src/secret-box.js';
import { TestClock } from '../helpers/core.js';
import {
  startFakeSlack,
  type FakeSlack,
  type SlackCall,
  type Workspace,
} from '../helpers/fake-slack/index.js';
import { Actions, blocksText, cardOf, NAMES, type Name, type World } from '../helpers/slack-harness.js';
import { testDb, type TestDb } from '../helpers/test-db.js';

const clientId = '1000.2000';
const clientSecret = `client-${randomBytes(12).toString('hex')}`;
const stateSecret = `state-${randomBytes(12).toString('hex')}`;
const signingSecret = randomBytes(16).toString('hex');
const keyHex = randomBytes(32).toString('hex');
const key = parseSecretKey(keyHex);

const members = [
  ...NAMES.map((name) => ({ name, admin: name === 'alice' })),
  { name: 'relaybot', bot: true },
];
const dir = mkdtempSync(join(tmpdir(), 'ostrom-oauth-'));

let fake: FakeSlack;
/** Workspace A (team T0FAKE), B (T0BETA), and C (T0GAMA, token rotation on). */
let A: Workspace;
let B: Workspace;
let C: Workspace;

/** Ostrom in distribution mode on one database. */
interface Ostrom {
  db: TestDb;
  store: SlackInstallationStore;
  core: Governance;
  adapter: SlackAdapter;
  clock: TestClock;
  logs: string[];
  base: string;
  stop(): Promise<void>;
}

async function startOstrom(at?: string, clock = new TestClock(Date.now())): Promise<Ostrom> {
  const db = testDb(at ? { at } : { path: join(dir, 'ostrom.db') });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const log = createLogger('debug', sink, { secrets: [signingSecret, clientSecret, stateSecret, keyHex] });
  const core = new Governance(db.storage, clock, log);
  const store = new SlackInstallationStore(db.storage, key, log);
  const adapter = new SlackAdapter({
    core,
    log,
    signingSecret,
    port: 0,
    apiUrl: fake.apiUrl,
    distribution: { clientId, clientSecret, stateSecret, store },
  });
  await adapter.start();
  return {
    db,
    store,
    core,
    adapter,
    clock,
    logs,
    base: `http://127.0.0.1:${adapter.port}`,
    async stop() {
      await adapter.stop();
      await db.storage.close();
    },
  };
}

let o: Ostrom;

/** Members of one workspace acting through Slack (signed HTTP requests). */
function actorsIn(ws: Workspace): Actions {
  const ids = Object.fromEntries(NAMES.map((n) => [n, ws.userId(n)])) as Record<Name, string>;
  const w: World = {
    fake,
    botToken: '',
    appToken: '',
    signingSecret,
    ids,
    tasks: ws.channelId('tasks'),
    gov: ws.channelId('gov'),
    ws,
  };
  return new Actions(w, {
    mode: 'http',
    get adapter() {
      return o.adapter;
    },
  });
}

/** The browser's part of "Add to Slack": the install page, its state cookie, and the redirect back. */
async function openInstallPage() {
  const page = await fetch(`${o.base}/slack/install`);
  const html = await page.text();
  const href = /<a href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
  const cookie = /^(slack-app-oauth-state=[^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1];
  return { page, html, url: href ? new URL(href) : undefined, cookie };
}

async function redirect(query: Record<string, string>, cookie?: string) {
  const res = await fetch(`${o.base}/slack/oauth_redirect?${new URLSearchParams(query)}`, {
    headers: cookie ? { cookie } : {},
    redirect: 'manual',
  });
  return { status: res.status, body: await res.text() };
}

/** A member of `ws` installs Ostrom there; resolves with the token Slack gave. */
async function install(ws: Workspace, rotation?: number): Promise<string> {
  const { url, cookie } = await openInstallPage();
  const code = fake.installCode(ws, ws.userId('alice'), rotation);
  const exchanged = fake.nextCall('oauth.v2.access', (c) => c.args.code === code);
  const done = await redirect({ code, state: url!.searchParams.get('state')! }, cookie);
  expect(done.status).toBe(200);
  const call = await exchanged;
  return (call.response as { access_token: string }).access_token;
}

/** Resolves with `read()` once `ok` holds for it (events are acknowledged before they are handled). */
async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const teamsInstalled = async (db: TestDb) => (await rows(db)).map((r) => r.team_id);

const rows = (db: TestDb) =>
  db.query<{ team_id: string; team_name: string; data: string; bot_user_id: string }>(
    'select * from slack_installations order by team_id',
  );

/** Every value of every column of every row of every table, as text. */
async function everyValue(db: TestDb): Promise<string[]> {
  const out: string[] = [];
  for (const table of await db.tables())
    for (const row of await db.query(`select * from "${table}"`))
      for (const v of Object.values(row)) if (v !== null) out.push(String(v));
  return out;
}

/** The workspace a Web API call acted in, judged by its arguments (channel, member, message). */
function actedIn(c: SlackCall): Workspace | undefined {
  const channel = (c.args.channel ?? c.args.channel_id) as string | undefined;
  const user = (c.args.user ?? c.args.users) as string | undefined;
  for (const ws of [A, B, C]) {
    if (channel && ws.knows(channel)) return ws;
    if (!channel && user && ws.users.has(user)) return ws;
  }
  return undefined;
}

/** Every Web API call acting in a workspace used a token that workspace was given, and none was refused. */
function expectOwnTokens(): number {
  const api = fake.calls.filter((c) => !['response_url', 'upload', 'oauth.v2.access'].includes(c.method));
  for (const c of api) {
    expect((c.response as { error?: string }).error, `${c.method} ${JSON.stringify(c.args)}`).toBeUndefined();
    const ws = actedIn(c);
    if (ws) expect(fake.issued.get(c.token!), `${c.method} in ${ws.team.id}`).toBe(ws);
  }
  return api.length;
}

beforeAll(async () => {
  fake = await startFakeSlack({
    botToken: `xoxb-unused-${randomBytes(8).toString('hex')}`,
    members,
    channels: ['tasks', 'gov'],
    oauth: { clientId, clientSecret },
  });
  A = fake.ws;
  // Nothing is installed yet: the first workspace's preset token is not Ostrom's.
  fake.revoke(A);
  B = fake.addWorkspace({ id: 'T0BETA', name: 'Beta', domain: 'beta', prefix: 'B' }, members, [
    'tasks',
    'gov',
  ]);
  C = fake.addWorkspace({ id: 'T0GAMA', name: 'Gamma', domain: 'gamma', prefix: 'G' }, members, [
    'tasks',
    'gov',
  ]);
  o = await startOstrom();
});

afterAll(async () => {
  await o?.stop();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Slack distribution: installing', () => {
  it('starts with no installation and makes no Web API call', async () => {
    expect(await rows(o.db)).toEqual([]);
    expect(fake.calls).toEqual([]);
  });

  it('serves the Add to Slack page: a link to Slack with the scopes of the manifest and a signed state, the state in a cookie', async () => {
    const { page, html, url, cookie } = await openInstallPage();
    expect(page.status).toBe(200);
    expect(html).toContain('Add to Slack');
    expect(url?.origin + url!.pathname).toBe('https://slack.com/oauth/v2/authorize');
    expect(url!.searchParams.get('client_id')).toBe(clientId);
    expect(url!.searchParams.get('scope')!.split(',').sort()).toEqual([...BOT_SCOPES].sort());
    const state = url!.searchParams.get('state');
    expect(state).toBeTruthy();
    expect(cookie).toBe(`slack-app-oauth-state=${state}`);
    expect(page.headers.get('set-cookie')).toMatch(/HttpOnly/);
  });

  it('refuses a forged or mismatched state, and one from another browser: no code exchanged, nothing stored', async () => {
    const { url, cookie } = await openInstallPage();
    const state = url!.searchParams.get('state')!;
    const code = fake.installCode(A, A.userId('alice'));
    const forged = `${Buffer.from(JSON.stringify({ now: new Date(), installOptions: { scopes: [] } })).toString('base64')}.x`;
    const attempts = [
      await redirect({ code, state: forged }, `slack-app-oauth-state=${forged}`), // not signed by us
      await redirect({ code, state }, 'slack-app-oauth-state=another'), // not this browser's state
      await redirect({ code, state }), // no cookie at all
      await redirect({ code, state: `${state}x` }, `${cookie}x`), // altered
    ];
    for (const a of attempts) expect(a.status).toBeGreaterThanOrEqual(400);
    expect(fake.callsTo('oauth.v2.access')).toEqual([]);
    expect(await rows(o.db)).toEqual([]);
  });

  it('installs two workspaces: each code exchanged with the client credentials, one row per workspace', async () => {
    const tokenA = await install(A);
    const tokenB = await install(B);
    expect(tokenA).not.toBe(tokenB);
    for (const c of fake.callsTo('oauth.v2.access'))
      expect(c.args).toMatchObject({ client_id: clientId, client_secret: clientSecret });
    // Bolt checks each new token with auth.test (its bot id), against the fake.
    expect(fake.callsTo('auth.test').map((c) => c.token)).toEqual([tokenA, tokenB]);
    const stored = await rows(o.db);
    expect(stored.map((r) => [r.team_id, r.team_name, r.bot_user_id])).toEqual([
      ['T0BETA', 'Beta', B.bot.userId],
      ['T0FAKE', 'Commons', A.bot.userId],
    ]);
    expect(await o.store.list()).toHaveLength(2);
  });

  it('keeps no token in clear text in any column of any row, and logs none', async () => {
    const values = await everyValue(o.db);
    expect(values.length).toBeGreaterThan(10);
    for (const token of fake.issued.keys()) {
      expect(values.some((v) => v.includes(token))).toBe(false);
      expect(o.logs.some((l) => l.includes(token))).toBe(false);
    }
    for (const secret of [clientSecret, stateSecret, keyHex])
      expect(o.logs.some((l) => l.includes(secret))).toBe(false);
    expect(o.logs.some((l) => l.includes('Slack workspace installed'))).toBe(true);
  });
});

/** Runs a task to the ledger in one workspace, checking each card came with that workspace's token. */
async function taskToLedger(act: Actions, ws: Workspace) {
  const setup = await act.command(
    'alice',
    '/commons',
    `setup tasks:<#${act.w.tasks}|tasks> review.approvals=1`,
  );
  expect((await setup.answer).args.text).toContain(`channels.tasks = ${act.w.tasks}`);
  const next = act.nextCard();
  await act.command('alice', '/task', `post Docs for ${ws.team.name} skills:docs`);
  const post = await next;
  expect(fake.issued.get(post.token!)).toBe(ws);
  const card = cardOf(post);
  const claimed = act.nextUpdate(card);
  await (
    await act.button('bob', 'ostrom:task.claim:1', card)
  ).answer;
  expect(blocksText(await claimed)).toContain('*Claimed by*\nbob (1/1)');
  const reviewCard = act.nextCard();
  const { answer } = await act.command('bob', '/task', 'submit 1 link:https://example.org/pr/1');
  await answer;
  const review = cardOf(await reviewCard);
  await fake.waitForCall(
    'reactions.add',
    (c) => c.args.channel === review.channel && c.args.timestamp === review.ts && c.args.name === 'x',
  );
  const accepted = act.nextUpdate(review);
  await act.react('carol', 'white_check_mark', review);
  expect(blocksText(await accepted)).toContain('accepted ✅');
  const ledger = await act.command('erin', '/commons', 'ledger');
  expect((await ledger.answer).args.text).toContain('by bob; reviewed by carol');
}

describe('Slack distribution: each workspace its own community and token', () => {
  let a: Actions;
  let b: Actions;
  beforeAll(() => {
    a = actorsIn(A);
    b = actorsIn(B);
  });

  it('runs a task from post to ledger in each workspace, every call with that workspace’s token', async () => {
    await taskToLedger(a, A);
    await taskToLedger(b, B);
    const communities = await o.db.query<{ external_id: string; name: string }>(
      "select external_id, name from communities where platform = 'slack' order by external_id",
    );
    expect(communities).toEqual([
      { external_id: 'T0BETA', name: 'Beta' },
      { external_id: 'T0FAKE', name: 'Commons' },
    ]);
    expect(expectOwnTokens()).toBeGreaterThan(20);
  });

  it('sends deadline effects (claim reminders by DM) through perform with the token of each community', async () => {
    for (const act of [a, b]) {
      const next = act.nextCard();
      await act.command('alice', '/task', 'post Translate the guide');
      await (
        await act.button('dave', 'ostrom:task.claim:2', cardOf(await next))
      ).answer;
    }
    const before = fake.callsTo('conversations.open').length;
    o.clock.advance(12 * DAY_MS + 60_000);
    const outcomes = await o.core.runDue(['slack']);
    expect(new Set(outcomes.map((x) => x.community.id))).toEqual(new Set(['T0FAKE', 'T0BETA']));
    for (const x of outcomes) await o.adapter.perform(x);
    const opened = fake.callsTo('conversations.open').slice(before);
    expect(opened.map((c) => fake.issued.get(c.token!)?.team.id).sort()).toEqual(['T0BETA', 'T0FAKE']);
    expect(opened.map((c) => c.args.users).sort()).toEqual([A.userId('dave'), B.userId('dave')].sort());
    expectOwnTokens();
  });

  it('uploads the ledger export to the member by DM with the token of the member’s workspace', async () => {
    const complete = fake.nextCall('files.completeUploadExternal');
    await b.command('erin', '/commons', 'export format:csv');
    const done = await complete;
    expect(fake.issued.get(done.token!)).toBe(B);
    expect(done.args.channel_id).toBe(`D${B.userId('erin')}`);
    expectOwnTokens();
  });
});

describe('Slack distribution: a restart', () => {
  it('reconciles the open vote cards of every installed workspace, each with its own token', async () => {
    // An open review card in each workspace, then a vote cast while Ostrom is down.
    const cards: { ws: Workspace; review: { channel: string; ts: string } }[] = [];
    for (const ws of [A, B]) {
      const act = actorsIn(ws);
      const next = act.nextCard();
      await act.command('carol', '/task', 'post Fix the footer');
      await (
        await act.button('carol', 'ostrom:task.claim:3', cardOf(await next))
      ).answer;
      const reviewCard = act.nextCard();
      await (
        await act.command('carol', '/task', 'submit 3 link:https://example.org/pr/3')
      ).answer;
      const review = cardOf(await reviewCard);
      // Its vote emoji are seeded once the card is recorded.
      await fake.waitForCall(
        'reactions.add',
        (c) => c.args.channel === review.channel && c.args.timestamp === review.ts && c.args.name === 'x',
      );
      cards.push({ ws, review });
    }
    const at = await o.db.location();
    await o.stop();
    for (const { ws, review } of cards) ws.react(ws.userId('erin'), review.channel, review.ts, 'x');
    const before = fake.calls.length;
    o = await startOstrom(at, o.clock);
    const reads = fake.calls.slice(before).filter((c) => c.method === 'reactions.get');
    expect(reads.map((c) => [fake.issued.get(c.token!)?.team.id, c.args.timestamp]).sort()).toEqual(
      cards.map(({ ws, review }) => [ws.team.id, review.ts]).sort(),
    );
    // erin's ❌ counted in each community.
    const marks = await o.db.query<{ external_id: string }>(
      `select c.external_id from vote_marks m join members mb on mb.id = m.member_id
       join communities c on c.id = m.community_id where mb.display_name = 'erin' and m.source = 'x'
       order by c.external_id`,
    );
    expect(marks.map((m) => m.external_id)).toEqual(['T0BETA', 'T0FAKE']);
    expectOwnTokens();
  });
});

describe('Slack distribution: uninstall and reinstall', () => {
  const uninstallEvent = (ws: Workspace, event: Record<string, unknown>) => ({
    token: 'deprecated-verification-token',
    team_id: ws.team.id,
    api_app_id: ws.bot.appId,
    event: { ...event, event_ts: `${Date.now() / 1000}` },
    type: 'event_callback',
    event_id: `Ev${randomBytes(6).toString('hex')}`,
    event_time: Math.floor(Date.now() / 1000),
  });

  it('deletes the installation on app_uninstalled; the token is gone from the database, the ledger kept', async () => {
    const a = actorsIn(A);
    const tasksBefore = await o.db.query(
      "select t.number, t.status from tasks t join communities c on c.id = t.community_id where c.external_id = 'T0FAKE' order by t.number",
    );
    fake.revoke(A);
    const d = await a.deliver('events_api', uninstallEvent(A, { type: 'app_uninstalled' }));
    expect(d.status).toBe(200);
    expect(
      await until(
        () => teamsInstalled(o.db),
        (t) => t.length === 1,
      ),
    ).toEqual(['T0BETA']);
    const ledger = await o.db.query(
      "select l.id from ledger l join communities c on c.id = l.community_id where c.external_id = 'T0FAKE'",
    );
    expect(ledger).toHaveLength(1);
    expect(
      await o.db.query(
        "select t.number, t.status from tasks t join communities c on c.id = t.community_id where c.external_id = 'T0FAKE' order by t.number",
      ),
    ).toEqual(tasksBefore);
    expect(o.logs.some((l) => l.includes('Slack installation deleted'))).toBe(true);
  });

  it('answers nothing in the uninstalled workspace and makes no call with its dead token', async () => {
    const a = actorsIn(A);
    const before = fake.calls.length;
    const { delivery } = await a.command('bob', '/task', 'list');
    expect(delivery.status).toBe(200);
    await actorsIn(B).settle(); // B still answers
    const after = fake.calls.slice(before).filter((c) => c.method !== 'response_url');
    expect(after.every((c) => fake.issued.get(c.token!) === B)).toBe(true);
    expectOwnTokens();
  });

  it('resumes the same community when the workspace installs again: old tasks, numbering and ledger', async () => {
    const token = await install(A);
    expect((await rows(o.db)).map((r) => r.team_id)).toEqual(['T0BETA', 'T0FAKE']);
    const a = actorsIn(A);
    const shown = await a.command('bob', '/task', 'show 1');
    expect((await shown.answer).args.text).toMatch(/Task #1 · Docs for Commons/);
    const next = a.nextCard();
    await a.command('alice', '/task', 'post After the reinstall');
    const post = await next;
    expect(post.token).toBe(token);
    expect(post.args.text).toBe('Task #4 · After the reinstall');
    const ledger = await a.command('erin', '/commons', 'ledger');
    expect((await ledger.answer).args.text).toContain('by bob; reviewed by carol');
    const communities = await o.db.query("select id from communities where external_id = 'T0FAKE'");
    expect(communities).toHaveLength(1);
    expectOwnTokens();
  });

  it('deletes the installation when the bot token is revoked (tokens_revoked), not for a user token', async () => {
    const b = actorsIn(B);
    await b.deliver('events_api', uninstallEvent(B, { type: 'tokens_revoked', tokens: { oauth: ['UX'] } }));
    await until(
      async () => o.logs.some((l) => l.includes('user tokens revoked')),
      (seen) => seen,
    );
    expect(await teamsInstalled(o.db)).toEqual(['T0BETA', 'T0FAKE']);
    fake.revoke(B);
    await b.deliver(
      'events_api',
      uninstallEvent(B, { type: 'tokens_revoked', tokens: { bot: [B.bot.userId] } }),
    );
    expect(
      await until(
        () => teamsInstalled(o.db),
        (t) => t.length === 1,
      ),
    ).toEqual(['T0FAKE']);
    expect(await o.db.query("select id from communities where external_id = 'T0BETA'")).toHaveLength(1);
  });
});

describe('Slack distribution: token rotation', () => {
  it('refreshes a token about to expire, uses the new one and stores it sealed', async () => {
    const first = await install(C, 3600); // expires within Bolt's two-hour window: refreshed at first use
    const [row] = (await rows(o.db)).filter((r) => r.team_id === 'T0GAMA');
    expect(row).toBeDefined();
    const c = actorsIn(C);
    const refreshed = fake.nextCall('oauth.v2.access', (x) => x.args.grant_type === 'refresh_token');
    const { answer } = await c.command('alice', '/commons', `setup tasks:<#${c.w.tasks}|tasks>`);
    const refresh = await refreshed;
    const fresh = (refresh.response as { access_token: string }).access_token;
    expect(fresh).not.toBe(first);
    expect((await answer).args.text).toContain('channels.tasks');
    // users.info for alice went out with the refreshed token; the old one is dead at the fake.
    const lookups = fake.callsTo('users.info').filter((x) => fake.issued.get(x.token!) === C);
    expect(lookups.map((x) => x.token)).toEqual([fresh]);
    const stored = await o.store.fetchInstallation({
      teamId: 'T0GAMA',
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    expect(stored.bot?.token).toBe(fresh);
    expect(stored.bot?.expiresAt).toBeGreaterThan(Date.now() / 1000 + 11 * 3600);
    const [after] = (await rows(o.db)).filter((r) => r.team_id === 'T0GAMA');
    expect(after!.data).not.toBe(row!.data);
    const values = await everyValue(o.db);
    for (const token of fake.issued.keys()) expect(values.some((v) => v.includes(token))).toBe(false);
    expect(fake.callsTo('oauth.v2.access').filter((x) => x.args.grant_type === 'refresh_token')).toHaveLength(
      1,
    );
  });

  it('refreshes for an effect of a deadline too (no request from Slack to start it)', async () => {
    // Time passes: the stored token is about to expire again.
    const q = { teamId: 'T0GAMA', enterpriseId: undefined, isEnterpriseInstall: false } as const;
    const inst = await o.store.fetchInstallation(q);
    await o.store.storeInstallation({
      ...inst,
      bot: { ...inst.bot!, expiresAt: Math.floor(Date.now() / 1000) + 60 },
    });
    const refreshed = fake.nextCall('oauth.v2.access', (x) => x.args.grant_type === 'refresh_token');
    const said = fake.nextCall('chat.postMessage', (x) => x.args.channel === C.channelId('tasks'));
    await o.adapter.perform({
      community: { platform: 'slack', id: 'T0GAMA' },
      effects: [{ type: 'say', channelId: C.channelId('tasks'), text: 'A reminder' }],
    });
    const fresh = ((await refreshed).response as { access_token: string }).access_token;
    expect((await said).token).toBe(fresh);
    expect((await o.store.fetchInstallation(q)).bot?.token).toBe(fresh);
    expectOwnTokens();
  });
});
