/** Wiring: open the database, build the core, start the scheduler and the adapters chosen by the environment. */
import { existsSync } from 'node:fs';
import { ConsoleAdapter } from '../adapters/console/console-adapter.js';
import { ConsoleClock } from '../adapters/console/clock.js';
import { Governance, systemClock, type PlatformAdapter } from './core/index.js';
import { openDatabase } from './db/client.js';
import { settingsStore } from './db/kv.js';
import { sqliteStorage, type Storage } from './db/storage.js';
import {
  discordSharding,
  loadEnv,
  secretValues,
  slackMode,
  wantsDiscord,
  wantsSlack,
  type Env,
} from './env.js';
import { startScheduler, type Scheduler } from './jobs/scheduler.js';
import { createLogger, type Logger } from './log.js';

/**
 * The storage port every unit of work of the core runs through: PostgreSQL when DATABASE_URL is set
 * (DATABASE_PATH is then ignored), else the SQLite file.
 */
async function openStorage(env: Env, log: Logger): Promise<Storage> {
  if (env.DATABASE_URL) {
    const { openPgDatabase, describeUrl, pgStorage } = await import('./db/pg.js');
    const { pool } = await openPgDatabase(env.DATABASE_URL, env.DATABASE_POOL_SIZE);
    log.info({ database: describeUrl(env.DATABASE_URL), pool: env.DATABASE_POOL_SIZE }, 'PostgreSQL');
    return pgStorage(pool);
  }
  return sqliteStorage(openDatabase(env.DATABASE_PATH));
}

/** The console on stdin/stdout until its input ends; deadlines run before, on demand, and after. */
async function runConsole(storage: Storage, log: Logger): Promise<void> {
  // The console's own state (clock offset, message counter, admin) lives in its store, not the core.
  const settings = settingsStore(storage);
  const clock = new ConsoleClock(settings);
  const core = new Governance(storage, clock, log);
  const adapters: PlatformAdapter[] = [];
  const scheduler = startScheduler(core, adapters, log);
  const adapter = new ConsoleAdapter({
    core,
    settings,
    clock,
    input: process.stdin,
    output: process.stdout,
    runDue: scheduler.tick,
  });
  adapters.push(adapter);
  await scheduler.tick(); // deadlines that fell due while Ostrom was stopped
  await adapter.start();
  await adapter.finished();
  await scheduler.tick();
  scheduler.stop();
  await storage.close();
}

// Each platform's SDK is loaded only when that platform runs: they take a while to import.
async function discordAdapter(env: Env, core: Governance, log: Logger): Promise<PlatformAdapter> {
  const { DiscordAdapter } = await import('../adapters/discord/discord-adapter.js');
  return new DiscordAdapter({
    core,
    log,
    token: env.DISCORD_TOKEN!,
    appId: env.DISCORD_APP_ID!,
    guildId: env.DISCORD_GUILD_ID,
    apiUrl: env.DISCORD_API_URL,
    sharding: discordSharding(env),
  });
}

async function slackAdapter(
  env: Env,
  mode: 'socket' | 'http' | 'distribution',
  core: Governance,
  storage: Storage,
  log: Logger,
): Promise<PlatformAdapter> {
  const { SlackAdapter } = await import('../adapters/slack/slack-adapter.js');
  const common = { core, log, apiUrl: env.SLACK_API_URL };
  if (mode === 'socket')
    return new SlackAdapter({ ...common, botToken: env.SLACK_BOT_TOKEN, appToken: env.SLACK_APP_TOKEN });
  const http = { ...common, signingSecret: env.SLACK_SIGNING_SECRET, port: env.SLACK_PORT };
  if (mode === 'http') return new SlackAdapter({ ...http, botToken: env.SLACK_BOT_TOKEN });
  // Many workspaces: each one's installation (its tokens sealed with OSTROM_SECRET_KEY) in the database.
  const { SlackInstallationStore } = await import('../adapters/slack/installation-store.js');
  const { parseSecretKey } = await import('./secret-box.js');
  const store = new SlackInstallationStore(storage, parseSecretKey(env.OSTROM_SECRET_KEY!), log);
  return new SlackAdapter({
    ...http,
    distribution: {
      clientId: env.SLACK_CLIENT_ID!,
      clientSecret: env.SLACK_CLIENT_SECRET!,
      stateSecret: env.SLACK_STATE_SECRET!,
      redirectUri: env.SLACK_INSTALL_REDIRECT_URL,
      store,
    },
  });
}

/** The adapters of the platforms the environment configures (not yet started). */
async function platformsFromEnv(
  env: Env,
  core: Governance,
  storage: Storage,
  log: Logger,
): Promise<PlatformAdapter[]> {
  const adapters: PlatformAdapter[] = [];
  if (wantsDiscord(env)) adapters.push(await discordAdapter(env, core, log));
  const slack = slackMode(env);
  if (slack) adapters.push(await slackAdapter(env, slack, core, storage, log));
  return adapters;
}

/** On SIGINT or SIGTERM: stop the scheduler, then the adapters, close the database and exit. */
function stopOnSignal(
  scheduler: Scheduler,
  adapters: PlatformAdapter[],
  storage: Storage,
  log: Logger,
): void {
  const shutdown = async (signal: string) => {
    log.info({ signal }, 'stopping');
    scheduler.stop();
    for (const a of adapters) await a.stop().catch(() => undefined);
    await storage.close();
    process.exit(0);
  };
  // A signal can come twice (a process group is signalled, and tsx relays it to its child too): the
  // second must not kill the process half-way through a clean stop.
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    void shutdown(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** The platforms the environment names, with the scheduler, until a signal stops them. */
async function runPlatforms(env: Env, storage: Storage, log: Logger): Promise<void> {
  const core = new Governance(storage, systemClock, log);
  const adapters = await platformsFromEnv(env, core, storage, log);
  if (adapters.length === 0) {
    log.error(
      'No platform to run: set DISCORD_TOKEN and DISCORD_APP_ID, or SLACK_BOT_TOKEN with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET, or the Slack distribution settings (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET, SLACK_SIGNING_SECRET, OSTROM_SECRET_KEY), or unset everything to run the console.',
    );
    process.exitCode = 1;
    return;
  }
  for (const a of adapters) await a.start();
  const scheduler = startScheduler(core, adapters, log);
  await scheduler.tick();
  log.info({ platforms: adapters.map((a) => a.platform) }, 'Ostrom is running');
  stopOnSignal(scheduler, adapters, storage, log);
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const env = loadEnv();
  const consoleMode = !wantsDiscord(env) && !wantsSlack(env);
  const log = createLogger(env.LOG_LEVEL ?? (consoleMode ? 'warn' : 'info'), undefined, {
    secrets: secretValues(env),
  });
  const storage = await openStorage(env, log);
  if (consoleMode) await runConsole(storage, log);
  else await runPlatforms(env, storage, log);
}

main().catch((err: unknown) => {
  process.stderr.write(`Ostrom failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
