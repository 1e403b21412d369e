import pino from 'pino';
import { secretNames } from './env.js';

/** Interaction and webhook tokens travel in Discord URLs; an error's url or message must not carry them. */
const TOKEN_IN_URL = /\/(interactions\/\d+|webhooks\/\d+)\/[\w.-]+/g;
/** Slack tokens (bot xoxb-, user xoxp-, app-level xapp-, …) and bearer credentials, wherever they appear. */
const SLACK_TOKEN = /\b(?:xox[abeoprs]|xapp)-[\w-]+/g;
const BEARER = /\b(Bearer|Basic)\s+[\w.~+/=-]+/gi;

export function redactUrls(text: string): string {
  return text.replace(TOKEN_IN_URL, '/$1/[token]');
}

/** Text with every known token shape and every given secret value replaced. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = redactUrls(text).replace(SLACK_TOKEN, '[secret]').replace(BEARER, '$1 [secret]');
  for (const s of secrets) if (s.length >= 6) out = out.split(s).join('[secret]');
  return out;
}

/** A copy of a logged value with secrets removed from every string in it, errors included (cut at depth 6). */
function scrub(value: unknown, secrets: readonly string[], depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 6 || seen.has(value)) return '[…]';
  seen.add(value);
  const source =
    value instanceof Error ? (pino.stdSerializers.err(value) as unknown as Record<string, unknown>) : value;
  if (Array.isArray(source)) return source.map((v) => scrub(v, secrets, depth + 1, seen));
  if (source instanceof Map || Buffer.isBuffer(source) || ArrayBuffer.isView(source)) return '[binary]';
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(source))
    out[k] = /^(authorization|token|appToken|botToken|signingSecret)$/i.test(k)
      ? '[secret]'
      : scrub(v, secrets, depth + 1, seen);
  return out;
}

export interface LoggerOptions {
  /** Secret values (tokens, the signing secret) that must never appear in a log line, whatever carries them. */
  secrets?: readonly string[];
}

/**
 * Logs go to stderr (the console adapter owns stdout). Known secret fields are redacted by name; token
 * shapes and the given secret values are removed from messages and from errors, nested ones included.
 */
export function createLogger(
  level: string,
  destination: pino.DestinationStream = pino.destination(2),
  options: LoggerOptions = {},
) {
  const secrets = (options.secrets ?? []).filter(Boolean);
  return pino(
    {
      level,
      serializers: { err: (err: Error) => scrub(err, secrets) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const clean = args.map((a) => scrub(a, secrets));
          return method.apply(this, clean as Parameters<typeof method>);
        },
      },
      redact: {
        paths: [
          ...secretNames,
          'token',
          '*.token',
          'appToken',
          'botToken',
          'signingSecret',
          'headers.authorization',
          'headers.Authorization',
          '*.headers.authorization',
          '*.headers.Authorization',
        ],
        censor: '[secret]',
      },
    },
    destination,
  );
}

export type Logger = ReturnType<typeof createLogger>;
