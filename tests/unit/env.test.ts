import { describe, expect, it } from 'vitest';
import {
  discordSharding,
  loadEnv,
  secretValues,
  slackMode,
  wantsDiscord,
  wantsSlack,
} from '../../src/env.js';

/** The message `fn` throws; '(no error)' when it does not throw. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return String(e);
  }
  return '(no error)';
}

describe('environment', () => {
  it('defaults to the console on ./data/ostrom.db, treating empty values as unset', () => {
    const env = loadEnv({ LOG_LEVEL: '', DISCORD_TOKEN: '', SLACK_PORT: '' });
    expect(env.DATABASE_PATH).toBe('./data/ostrom.db');
    expect(env.SLACK_PORT).toBe(3000);
    expect(wantsDiscord(env) || wantsSlack(env)).toBe(false);
  });

  it('chooses the adapters whose credentials are complete', () => {
    expect(wantsDiscord(loadEnv({ DISCORD_TOKEN: 't', DISCORD_APP_ID: '1' }))).toBe(true);
    expect(wantsSlack(loadEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }))).toBe(true);
  });

  it('refuses a platform configured in part, naming what is missing, never a secret value', () => {
    expect(() => loadEnv({ DISCORD_TOKEN: 'super-secret' })).toThrow(
      /Discord: DISCORD_TOKEN is set, but not DISCORD_APP_ID\. Set DISCORD_APP_ID to run Discord/,
    );
    expect(() => loadEnv({ DISCORD_APP_ID: '1' })).toThrow(/DISCORD_APP_ID is set, but not DISCORD_TOKEN/);
    expect(() => loadEnv({ DISCORD_GUILD_ID: '9' })).toThrow(/but not DISCORD_TOKEN and DISCORD_APP_ID/);
    expect(() => loadEnv({ DISCORD_TOKEN: 'super-secret' })).not.toThrow(/super-secret/);
  });

  it('names the bad variable without printing secret values', () => {
    expect(() => loadEnv({ LOG_LEVEL: 'loud', DISCORD_TOKEN: 'super-secret' })).toThrow(/LOG_LEVEL/);
    // The message is checked outside a catch, so a loadEnv that stops throwing fails the test.
    const message = errorOf(() => loadEnv({ DISCORD_API_URL: 'not a url', DISCORD_TOKEN: 'super-secret' }));
    expect(message).toMatch(/DISCORD_API_URL/);
    expect(message).not.toMatch(/super-secret/);
  });
});

describe('Slack settings', () => {
  const bot = 'xoxb-1-2-secretbot';
  const app = 'xapp-1-A1-2-secretapp';

  it('runs Socket Mode with an app-level token, HTTP with a signing secret', () => {
    expect(slackMode(loadEnv({ SLACK_BOT_TOKEN: bot, SLACK_APP_TOKEN: app }))).toBe('socket');
    expect(slackMode(loadEnv({ SLACK_BOT_TOKEN: bot, SLACK_SIGNING_SECRET: 'sig' }))).toBe('http');
    expect(
      slackMode(loadEnv({ SLACK_BOT_TOKEN: bot, SLACK_APP_TOKEN: app, SLACK_SIGNING_SECRET: 'sig' })),
    ).toBe('socket');
    expect(slackMode(loadEnv({}))).toBeUndefined();
  });

  it.each([
    [{ SLACK_BOT_TOKEN: bot }, /SLACK_APP_TOKEN: missing.*SLACK_SIGNING_SECRET/],
    [{ SLACK_APP_TOKEN: app }, /SLACK_BOT_TOKEN: missing: SLACK_APP_TOKEN is set/],
    [{ SLACK_SIGNING_SECRET: 'sig' }, /SLACK_BOT_TOKEN: missing: SLACK_SIGNING_SECRET is set/],
    [
      { SLACK_BOT_TOKEN: app, SLACK_APP_TOKEN: bot },
      /SLACK_BOT_TOKEN: must be a bot token[\s\S]*SLACK_APP_TOKEN: must be an app-level/,
    ],
  ])(
    'stops a half-set or mixed-up configuration %#, naming the variable and not the value',
    (vars, message) => {
      let error = '';
      try {
        loadEnv(vars);
      } catch (e) {
        error = String(e);
      }
      expect(error).toMatch(message);
      expect(error).not.toMatch(/secretbot|secretapp/);
    },
  );

  it('hands the logger the values of the secrets that are set', () => {
    expect(secretValues(loadEnv({ SLACK_BOT_TOKEN: bot, SLACK_SIGNING_SECRET: 'sig-secret' }))).toEqual([
      bot,
      'sig-secret',
    ]);
  });
});

describe('Discord shards', () => {
  const discord = { DISCORD_TOKEN: 'super-secret', DISCORD_APP_ID: '1' };
  const sharding = (vars: Record<string, string>) => discordSharding(loadEnv({ ...discord, ...vars }));

  it("runs one shard (discord.js's default) when neither variable is set", () => {
    expect(sharding({})).toBeUndefined();
    expect(sharding({ DISCORD_SHARDS: '', DISCORD_SHARD_COUNT: '' })).toBeUndefined();
  });

  it('runs every shard of the count when only DISCORD_SHARD_COUNT is set', () => {
    expect(sharding({ DISCORD_SHARD_COUNT: '4' })).toEqual({ shards: [0, 1, 2, 3], shardCount: 4 });
    expect(sharding({ DISCORD_SHARD_COUNT: '1' })).toEqual({ shards: [0], shardCount: 1 });
  });

  it.each([
    ['0', [0]],
    ['0,1', [0, 1]],
    ['0-3', [0, 1, 2, 3]],
    [' 6 , 0 - 2 ', [0, 1, 2, 6]],
    ['1,1-2,2', [1, 2]],
  ])('reads DISCORD_SHARDS=%s as %j out of 8', (shards, ids) => {
    expect(sharding({ DISCORD_SHARDS: shards, DISCORD_SHARD_COUNT: '8' })).toEqual({
      shards: ids,
      shardCount: 8,
    });
  });

  it.each([
    [{ DISCORD_SHARDS: '0,1' }, /DISCORD_SHARD_COUNT: missing: DISCORD_SHARDS is set/],
    [{ DISCORD_SHARD_COUNT: '0' }, /DISCORD_SHARD_COUNT: must be at least 1/],
    [{ DISCORD_SHARD_COUNT: 'two' }, /DISCORD_SHARD_COUNT: must be a whole number/],
    [{ DISCORD_SHARD_COUNT: '1.5' }, /DISCORD_SHARD_COUNT: must be a whole number/],
    [{ DISCORD_SHARDS: 'first', DISCORD_SHARD_COUNT: '2' }, /DISCORD_SHARDS: must be shard ids and ranges/],
    [{ DISCORD_SHARDS: '0;1', DISCORD_SHARD_COUNT: '2' }, /DISCORD_SHARDS: must be shard ids and ranges/],
    [{ DISCORD_SHARDS: '-1', DISCORD_SHARD_COUNT: '2' }, /DISCORD_SHARDS: must be shard ids and ranges/],
    [
      { DISCORD_SHARDS: '0,2', DISCORD_SHARD_COUNT: '2' },
      /DISCORD_SHARDS: shard 2 does not exist: with DISCORD_SHARD_COUNT=2 the shards are 0 to 1/,
    ],
    [
      { DISCORD_SHARDS: '0-9999999999', DISCORD_SHARD_COUNT: '4' },
      /DISCORD_SHARDS: shard 9999999999 does not exist/,
    ],
    [{ DISCORD_SHARDS: '3-1', DISCORD_SHARD_COUNT: '4' }, /DISCORD_SHARDS: the range 3-1 runs backwards/],
  ])('refuses %j, naming the variable and not the token', (vars, message) => {
    const error = errorOf(() => loadEnv({ ...discord, ...vars }));
    expect(error).toMatch(message);
    expect(error).not.toMatch(/super-secret/);
  });

  it("counts the shard variables as Discord's: set without credentials, they stop the start", () => {
    expect(() => loadEnv({ DISCORD_SHARDS: '0', DISCORD_SHARD_COUNT: '2' })).toThrow(
      /Discord: DISCORD_SHARDS, DISCORD_SHARD_COUNT are set, but not DISCORD_TOKEN and DISCORD_APP_ID/,
    );
    expect(() => loadEnv({ DISCORD_SHARD_COUNT: '2' })).toThrow(
      /DISCORD_SHARD_COUNT is set, but not DISCORD_TOKEN/,
    );
  });
});

describe('Slack distribution mode (many workspaces)', () => {
  const key = 'ab'.repeat(32);
  const full = {
    SLACK_CLIENT_ID: '1000.2000',
    SLACK_CLIENT_SECRET: 'client-secretvalue',
    SLACK_STATE_SECRET: 'state-secretvalue',
    SLACK_SIGNING_SECRET: 'signing-secretvalue',
    OSTROM_SECRET_KEY: key,
  };
  const errorOf = (vars: Record<string, string>) => {
    try {
      loadEnv(vars);
      return '';
    } catch (e) {
      return String(e);
    }
  };

  it('runs with the OAuth settings, a signing secret and a secret key, and no bot token', () => {
    const env = loadEnv({
      ...full,
      SLACK_INSTALL_REDIRECT_URL: 'https://ostrom.example.org/slack/oauth_redirect',
    });
    expect(slackMode(env)).toBe('distribution');
    expect(wantsSlack(env)).toBe(true);
    expect(secretValues(env)).toEqual(
      expect.arrayContaining(['client-secretvalue', 'state-secretvalue', 'signing-secretvalue', key]),
    );
    expect(secretValues(env)).not.toContain('1000.2000');
  });

  it.each([
    [{ SLACK_CLIENT_ID: '1000.2000' }, /SLACK_CLIENT_SECRET: missing: SLACK_CLIENT_ID is set/],
    [
      { ...full, SLACK_STATE_SECRET: '' },
      /SLACK_STATE_SECRET: missing: .*distribution mode \(many workspaces\) needs/,
    ],
    [{ ...full, SLACK_SIGNING_SECRET: '' }, /SLACK_SIGNING_SECRET: missing/],
    [{ ...full, OSTROM_SECRET_KEY: '' }, /OSTROM_SECRET_KEY: missing: .*openssl rand -hex 32/],
    [{ ...full, OSTROM_SECRET_KEY: 'short-secretvalue' }, /OSTROM_SECRET_KEY: must be 32 random bytes/],
    [
      { ...full, SLACK_BOT_TOKEN: 'xoxb-1-2-secretbot' },
      /SLACK_BOT_TOKEN: set together with SLACK_CLIENT_ID.*pick one/,
    ],
    [
      { ...full, SLACK_APP_TOKEN: 'xapp-1-A1-2-secretapp' },
      /SLACK_APP_TOKEN: distribution mode runs over HTTP/,
    ],
    [
      { ...full, SLACK_INSTALL_REDIRECT_URL: 'https://x.example/oauth' },
      /must end with \/slack\/oauth_redirect/,
    ],
  ])('stops a half-set or mixed configuration %#, naming what is wrong and no secret', (vars, message) => {
    const error = errorOf(vars);
    expect(error).toMatch(message);
    expect(error).not.toMatch(/secretvalue|secretbot|secretapp/);
    expect(error).not.toContain(key);
  });
});
