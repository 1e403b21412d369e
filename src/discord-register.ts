/** `npm run discord:register`: (re)registers Ostrom's slash commands without starting the bot. */
import { existsSync } from 'node:fs';
import { REST } from 'discord.js';
import { registerCommands } from '../adapters/discord/register.js';
import { loadEnv } from './env.js';

if (existsSync('.env')) process.loadEnvFile('.env');
const env = loadEnv();
if (!env.DISCORD_TOKEN || !env.DISCORD_APP_ID) {
  process.stderr.write('Set DISCORD_TOKEN and DISCORD_APP_ID (see .env.example).\n');
  process.exit(1);
}
const rest = new REST(env.DISCORD_API_URL ? { api: env.DISCORD_API_URL } : {}).setToken(env.DISCORD_TOKEN);
registerCommands(rest, env.DISCORD_APP_ID, env.DISCORD_GUILD_ID)
  .then((n) =>
    process.stdout.write(
      `Registered ${n} commands ${env.DISCORD_GUILD_ID ? `in guild ${env.DISCORD_GUILD_ID}` : 'globally (may take up to an hour to appear)'}.\n`,
    ),
  )
  .catch((err: unknown) => {
    process.stderr.write(`Registration failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
