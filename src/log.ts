import pino from 'pino';
import { secretNames } from './env.js';

/** Logs go to stderr (the console adapter owns stdout); known secret fields are redacted. */
export function createLogger(level: string) {
  return pino(
    {
      level,
      redact: {
        paths: [...secretNames, 'token', '*.token', 'headers.authorization', '*.headers.authorization'],
        censor: '[secret]',
      },
    },
    pino.destination(2),
  );
}

export type Logger = ReturnType<typeof createLogger>;
