/**
 * `npm start` (tsx src/main.ts) with SLACK_* set against the fake Slack: Socket Mode together with Discord
 * in one process on one database, HTTP mode on SLACK_PORT, distribution mode (OAuth install), and a
 * half-set configuration refused.
 * Each run is its own process group, stopped with SIGTERM to the whole group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startWorld as startDiscord } from '../helpers/discord-harness.js';
import { startFakeSlack } from '../helpers/fake-slack/index.js';
import {
  Actions,
  cardOf,
  eventually,
  NAMES,
  startWorld,
  type Name,
  type World,
} from '../helpers/slack-harness.js';
import { ostromCommand } from '../helpers/console-process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ostrom-main-slack-'));
const running = new Set<ChildProcess>();

afterAll(() => {
  for (const child of running) stop(child);
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Run {
  const child = spawn(...ostromCommand(), {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return { child, output: () => output, exited };
}

/** SIGTERM to the whole process group: tsx and the node process it runs. */
function stop(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    // already gone
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function secretsOf(w: World): string[] {
  return [w.botToken, w.appToken, w.signingSecret];
}

describe('npm start with Slack credentials', () => {
  it('runs Slack in Socket Mode and Discord together in one process on one database', async () => {
    const w = await startWorld();
    const discord = await startDiscord();
    const run = start({
      DATABASE_PATH: join(dir, 'together.db'),
      LOG_LEVEL: 'info',
      SLACK_BOT_TOKEN: w.botToken,
      SLACK_APP_TOKEN: w.appToken,
      SLACK_API_URL: w.fake.apiUrl,
      DISCORD_TOKEN: discord.token,
      DISCORD_APP_ID: discord.fake.applicationId,
      DISCORD_GUILD_ID: discord.guildId,
      DISCORD_API_URL: discord.fake.restUrl,
    });
    try {
      await w.fake.socketOpen(20_000);
      await discord.fake.waitForIdentify(1, 20_000);
      await eventually(
        () => /"platforms":\["discord","slack"\].*Ostrom is running/.test(run.output()),
        20_000,
      );
      const act = new Actions(w, { mode: 'socket', adapter: {} });
      const { delivery, answer } = await act.command('carol', '/help', 'task post');
      expect(delivery.ms).toBeLessThan(3000);
      expect((await answer).args).toMatchObject({
        response_type: 'ephemeral',
        text: expect.stringMatching(/^\/task post &lt;title&gt; \[description:text\]/),
      });
    } finally {
      stop(run.child);
      expect(await run.exited).toBe(0);
      await w.fake.close();
      await discord.fake.close();
    }
    for (const s of [...secretsOf(w), discord.token]) expect(run.output()).not.toContain(s);
  }, 40_000);

  it('serves HTTP on SLACK_PORT at /slack/events, refusing what is not signed with SLACK_SIGNING_SECRET', async () => {
    const w = await startWorld();
    const port = await freePort();
    const run = start({
      DATABASE_PATH: join(dir, 'http.db'),
      SLACK_BOT_TOKEN: w.botToken,
      SLACK_SIGNING_SECRET: w.signingSecret,
      SLACK_PORT: String(port),
      SLACK_API_URL: w.fake.apiUrl,
    });
    try {
      await eventually(() => /Ostrom is running/.test(run.output()), 20_000);
      const act = new Actions(w, { mode: 'http', adapter: { port } });
      const card = w.fake.nextCall('chat.postMessage');
      const { delivery, answer } = await act.command('dave', '/task', 'post Translate the README');
      expect(delivery.status).toBe(200);
      expect((await answer).args.text).toBe('Posted task #1: Translate the README');
      expect(cardOf(await card).channel).toBe(w.tasks);
      const forged = await act.deliver('slash_commands', act.slashPayload('dave', '/task', 'post X'), {
        secret: 'wrong',
      });
      expect(forged.status).toBe(401);
    } finally {
      stop(run.child);
      expect(await run.exited).toBe(0);
      await w.fake.close();
    }
    for (const s of secretsOf(w)) expect(run.output()).not.toContain(s);
  }, 40_000);

  it('stops a half-set Slack configuration with the missing variable named', async () => {
    const run = start({ DATABASE_PATH: join(dir, 'half.db'), SLACK_BOT_TOKEN: 'xoxb-1-2-halfsetsecret' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/SLACK_APP_TOKEN: missing.*SLACK_SIGNING_SECRET/);
    expect(run.output()).not.toContain('halfsetsecret');
  }, 20_000);
});

describe('npm start in Slack distribution mode', () => {
  const oauth = { clientId: '1000.2000', clientSecret: 'client-secret-main-test' };
  const distribution = {
    SLACK_CLIENT_ID: oauth.clientId,
    SLACK_CLIENT_SECRET: oauth.clientSecret,
    SLACK_STATE_SECRET: 'state-secret-main-test',
    SLACK_SIGNING_SECRET: 'signing-secret-main-test',
    OSTROM_SECRET_KEY: 'c0ffee'.repeat(10) + 'c0ff',
  };

  it('serves Add to Slack, stores the installation and answers the workspace with its own token', async () => {
    const fake = await startFakeSlack({
      botToken: 'xoxb-preset-unused',
      members: NAMES.map((name) => ({ name, admin: name === 'alice' })),
      channels: ['tasks', 'gov'],
      oauth,
    });
    fake.revoke(fake.ws);
    const port = await freePort();
    const run = start({
      ...distribution,
      DATABASE_PATH: join(dir, 'distribution.db'),
      SLACK_PORT: String(port),
      SLACK_API_URL: fake.apiUrl,
      LOG_LEVEL: 'debug',
    });
    try {
      await eventually(() => /Ostrom is running/.test(run.output()), 20_000);
      expect(run.output()).toMatch(/"mode":"distribution"/);
      const page = await fetch(`http://127.0.0.1:${port}/slack/install`);
      const href = /<a href="([^"]+)"/.exec(await page.text())![1]!.replace(/&amp;/g, '&');
      const state = new URL(href).searchParams.get('state')!;
      const cookie = /^(slack-app-oauth-state=[^;]+)/.exec(page.headers.get('set-cookie')!)![1]!;
      const code = fake.installCode(fake.ws, fake.ws.userId('alice'));
      const back = await fetch(`http://127.0.0.1:${port}/slack/oauth_redirect?code=${code}&state=${state}`, {
        headers: { cookie },
      });
      expect(back.status).toBe(200);
      const ids = Object.fromEntries(NAMES.map((n) => [n, fake.ws.userId(n)])) as Record<Name, string>;
      const w: World = {
        fake,
        botToken: '',
        appToken: '',
        signingSecret: distribution.SLACK_SIGNING_SECRET,
        ids,
        tasks: fake.ws.channelId('tasks'),
        gov: fake.ws.channelId('gov'),
      };
      const act = new Actions(w, { mode: 'http', adapter: { port } });
      const card = fake.nextCall('chat.postMessage');
      const { answer } = await act.command('dave', '/task', 'post Translate the README');
      expect((await answer).args.text).toBe('Posted task #1: Translate the README');
      const posted = await card;
      const token = (fake.callsTo('oauth.v2.access')[0]!.response as { access_token: string }).access_token;
      expect(posted.token).toBe(token);
      expect(run.output()).not.toContain(token);
    } finally {
      stop(run.child);
      expect(await run.exited).toBe(0);
      await fake.close();
    }
    for (const s of [oauth.clientSecret, distribution.SLACK_STATE_SECRET, distribution.OSTROM_SECRET_KEY])
      expect(run.output()).not.toContain(s);
  }, 40_000);

  it('refuses to start without OSTROM_SECRET_KEY, or with a bot token beside it', async () => {
    const noKey = start({ ...distribution, OSTROM_SECRET_KEY: '', DATABASE_PATH: join(dir, 'nokey.db') });
    expect(await noKey.exited).toBe(1);
    expect(noKey.output()).toMatch(/OSTROM_SECRET_KEY: missing: .*openssl rand -hex 32/);
    const both = start({
      ...distribution,
      SLACK_BOT_TOKEN: 'xoxb-1-2-bothsecret',
      DATABASE_PATH: join(dir, 'both.db'),
    });
    expect(await both.exited).toBe(1);
    expect(both.output()).toMatch(/SLACK_BOT_TOKEN: set together with SLACK_CLIENT_ID/);
    for (const run of [noKey, both]) {
      expect(run.output()).not.toContain('client-secret-main-test');
      expect(run.output()).not.toContain('bothsecret');
    }
  }, 30_000);
});
