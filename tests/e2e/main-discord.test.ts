import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startWorld } from '../helpers/discord-harness.js';
import { ostromCommand } from '../helpers/console-process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ostrom-main-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Resolves when `ok()` holds, checking every 20 ms; fails after `ms`. */
async function until(ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('npm start with Discord credentials', () => {
  it('starts the Discord adapter from the environment, registers commands in the guild, and stops on SIGTERM', async () => {
    const world = await startWorld();
    const child = spawn(...ostromCommand(), {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_PATH: join(dir, 'ostrom.db'),
        LOG_LEVEL: 'debug',
        DISCORD_TOKEN: world.token,
        DISCORD_APP_ID: world.fake.applicationId,
        DISCORD_GUILD_ID: world.guildId,
        DISCORD_API_URL: world.fake.restUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, stopped as a whole
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const put = await world.fake.waitForCall(
        'PUT',
        `/applications/${world.fake.applicationId}/guilds/${world.guildId}/commands`,
        1,
        15_000,
      );
      expect((put.body as unknown[]).length).toBe(8);
      const identify = await world.fake.waitForIdentify(1, 15_000);
      expect(identify).toBeTruthy();
      await until(() => /Ostrom is running/.test(output), 15_000);
    } finally {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
      expect(await exited).toBe(0);
      await world.fake.close();
    }
    expect(output).not.toContain(world.token);
  }, 30_000);
});
