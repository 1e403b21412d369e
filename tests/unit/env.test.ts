import { describe, expect, it } from 'vitest';
import { loadEnv, wantsDiscord, wantsSlack } from '../../src/env.js';

describe('environment', () => {
  it('defaults to the console on ./data/ostrom.db, treating empty values as unset', () => {
    const env = loadEnv({ LOG_LEVEL: '', DISCORD_TOKEN: '', SLACK_PORT: '' });
    expect(env.DATABASE_PATH).toBe('./data/ostrom.db');
    expect(env.SLACK_PORT).toBe(3000);
    expect(wantsDiscord(env) || wantsSlack(env)).toBe(false);
  });

  it('chooses the adapters whose credentials are complete', () => {
    expect(wantsDiscord(loadEnv({ DISCORD_TOKEN: 't', DISCORD_APP_ID: '1' }))).toBe(true);
    expect(wantsSlack(loadEnv({ SLACK_BOT_TOKEN: 'x', SLACK_SIGNING_SECRET: 's' }))).toBe(true);
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
    try {
      loadEnv({ DISCORD_API_URL: 'not a url', DISCORD_TOKEN: 'super-secret' });
    } catch (e) {
      expect(String(e)).toMatch(/DISCORD_API_URL/);
      expect(String(e)).not.toMatch(/super-secret/);
    }
  });
});
