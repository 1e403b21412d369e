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
    expect(wantsDiscord(loadEnv({ DISCORD_TOKEN: 't' }))).toBe(false);
    expect(wantsDiscord(loadEnv({ DISCORD_TOKEN: 't', DISCORD_APP_ID: '1' }))).toBe(true);
    expect(wantsSlack(loadEnv({ SLACK_BOT_TOKEN: 'x', SLACK_SIGNING_SECRET: 's' }))).toBe(true);
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
