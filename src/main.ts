/** Wiring: open the database, build the core, start the scheduler and the adapters chosen by the environment. */
import { existsSync } from 'node:fs';
import { ConsoleAdapter } from '../adapters/console/console-adapter.js';
import { ConsoleClock } from '../adapters/console/clock.js';
import { Governance, type PlatformAdapter } from './core/index.js';
import './core/features.js';
import { openDatabase } from './db/client.js';
import { settingsStore } from './db/kv.js';
import { loadEnv, wantsDiscord, wantsSlack } from './env.js';
import { startScheduler } from './jobs/scheduler.js';
import { createLogger } from './log.js';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const env = loadEnv();
  const consoleMode = !wantsDiscord(env) && !wantsSlack(env);
  const log = createLogger(env.LOG_LEVEL ?? (consoleMode ? 'warn' : 'info'));
  const db = openDatabase(env.DATABASE_PATH);
  const adapters: PlatformAdapter[] = [];

  if (consoleMode) {
    const clock = new ConsoleClock(settingsStore(db));
    const core = new Governance(db, clock);
    const scheduler = startScheduler(core, adapters, log);
    const adapter = new ConsoleAdapter({ core, clock, input: process.stdin, output: process.stdout, runDue: scheduler.tick });
    adapters.push(adapter);
    await scheduler.tick(); // deadlines that fell due while Ostrom was stopped
    await adapter.start();
    await adapter.finished();
    await scheduler.tick();
    scheduler.stop();
    db.$client.close();
    return;
  }
  log.error('Discord and Slack adapters are not available in this build; unset their variables to run the console.');
  process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`Ostrom failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
