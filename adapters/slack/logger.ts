/** Bolt's and the Web API client's log lines go to Ostrom's logger (and through its redaction). */
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../src/log.js';

const levels: Record<LogLevel, string> = {
  [LogLevel.DEBUG]: 'debug',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARN]: 'warn',
  [LogLevel.ERROR]: 'error',
};

export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ lib: 'slack' });
  const write = (level: 'debug' | 'info' | 'warn' | 'error', msgs: unknown[]) => {
    const err = msgs.find((m) => m instanceof Error);
    const text = msgs
      .filter((m) => !(m instanceof Error))
      .map(String)
      .join(' ');
    if (err) child[level]({ err }, text);
    else child[level](text);
  };
  return {
    debug: (...m: unknown[]) => write('debug', m),
    info: (...m: unknown[]) => write('info', m),
    warn: (...m: unknown[]) => write('warn', m),
    error: (...m: unknown[]) => write('error', m),
    // Ostrom's LOG_LEVEL decides; Bolt may ask, so answer with the matching level.
    setLevel: () => undefined,
    getLevel: () =>
      (Object.entries(levels).find(([, l]) => l === child.level)?.[0] as LogLevel | undefined) ??
      LogLevel.INFO,
    setName: () => undefined,
  };
}
