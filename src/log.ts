import pino from 'pino';
import { secretNames } from './env.js';

/** Interaction and webhook tokens travel in Discord URLs; an error's url or message must not carry them. */
const TOKEN_IN_URL = /\/(interactions\/\d+|webhooks\/\d+)\/[\w.-]+/g;

export function redactUrls(text: string): string {
  return text.replace(TOKEN_IN_URL, '/$1/[token]');
}

function errSerializer(err: Error): Record<string, unknown> {
  const out = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  for (const key of ['url', 'message', 'stack']) {
    if (typeof out[key] === 'string') out[key] = redactUrls(out[key] as string);
  }
  return out;
}

/** Logs go to stderr (the console adapter owns stdout); known secret fields are redacted. */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2)) {
  return pino(
    {
      level,
      serializers: { err: errSerializer },
      redact: {
        paths: [...secretNames, 'token', '*.token', 'headers.authorization', '*.headers.authorization'],
        censor: '[secret]',
      },
    },
    destination,
  );
}

export type Logger = ReturnType<typeof createLogger>;
