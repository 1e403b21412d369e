/** process.env → validated settings. Mirrored by .env.example; secrets are never logged. */
import { z } from 'zod';

const optional = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const schema = z.object({
  DATABASE_PATH: z.string().trim().min(1).default('./data/ostrom.db'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  DISCORD_TOKEN: optional,
  DISCORD_APP_ID: optional,
  DISCORD_GUILD_ID: optional,
  DISCORD_API_URL: optional.pipe(z.url().optional()),
  SLACK_BOT_TOKEN: optional,
  SLACK_APP_TOKEN: optional,
  SLACK_SIGNING_SECRET: optional,
  SLACK_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  SLACK_API_URL: optional.pipe(z.url().optional()),
});

export type Env = z.infer<typeof schema>;

/** Names of the variables whose values must never be printed. */
export const secretNames = [
  'DISCORD_TOKEN',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_SIGNING_SECRET',
] as const;

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // A variable left empty (as copied from .env.example) is unset.
  const set = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const parsed = schema.safeParse(set);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export function wantsDiscord(env: Env): boolean {
  return Boolean(env.DISCORD_TOKEN && env.DISCORD_APP_ID);
}

export function wantsSlack(env: Env): boolean {
  return Boolean(env.SLACK_BOT_TOKEN && (env.SLACK_APP_TOKEN || env.SLACK_SIGNING_SECRET));
}
