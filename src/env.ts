/** process.env → validated settings. Mirrored by .env.example; secrets are never logged. */
import { z } from 'zod';
import { parseSecretKey } from './secret-box.js';

const optional = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const fields = z.object({
  DATABASE_PATH: z.string().trim().min(1).default('./data/ostrom.db'),
  DATABASE_URL: optional.pipe(
    z
      .string()
      .regex(
        /^postgres(ql)?:\/\/\S+$/,
        'must be a PostgreSQL URL: postgres://user:password@host:5432/database',
      )
      .optional(),
  ),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  DISCORD_TOKEN: optional,
  DISCORD_APP_ID: optional,
  DISCORD_GUILD_ID: optional,
  DISCORD_API_URL: optional.pipe(z.url().optional()),
  DISCORD_SHARDS: optional.pipe(
    z
      .string()
      .regex(
        /^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$/,
        'must be shard ids and ranges such as 0,1 or 0-3 or 0-3,8',
      )
      .transform(shardRanges)
      .optional(),
  ),
  DISCORD_SHARD_COUNT: optional.pipe(
    z.coerce
      .number<string>({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .optional(),
  ),
  SLACK_BOT_TOKEN: optional,
  SLACK_APP_TOKEN: optional,
  SLACK_SIGNING_SECRET: optional,
  SLACK_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  SLACK_API_URL: optional.pipe(z.url().optional()),
  SLACK_CLIENT_ID: optional,
  SLACK_CLIENT_SECRET: optional,
  SLACK_STATE_SECRET: optional,
  SLACK_INSTALL_REDIRECT_URL: optional.pipe(
    z
      .url()
      .regex(
        /\/slack\/oauth_redirect$/,
        'must end with /slack/oauth_redirect (https://YOUR-HOST/slack/oauth_redirect)',
      )
      .optional(),
  ),
  OSTROM_SECRET_KEY: optional,
});

/** `0-3,8` → [[0, 3], [8, 8]] (checked against the count, then expanded, once the whole environment parsed). */
function shardRanges(text: string): [number, number][] {
  return text.split(',').map((part) => {
    const [from, to = from] = part.split('-').map((n) => Number(n.trim()));
    return [from!, to!];
  });
}

/**
 * Discord's shards: DISCORD_SHARDS names the ones this process runs, out of DISCORD_SHARD_COUNT in all
 * (which it needs: a shard id means nothing without the count). Every id must be below the count.
 */
function checkShards(env: z.infer<typeof fields>, issue: (path: string, message: string) => void): void {
  const ranges = env.DISCORD_SHARDS;
  if (!ranges) return;
  const count = env.DISCORD_SHARD_COUNT;
  if (count === undefined) {
    issue(
      'DISCORD_SHARD_COUNT',
      'missing: DISCORD_SHARDS is set, and Discord also needs the total number of shards of every process (e.g. DISCORD_SHARDS=0,1 with DISCORD_SHARD_COUNT=4)',
    );
    return;
  }
  for (const [from, to] of ranges) {
    if (from > to) issue('DISCORD_SHARDS', `the range ${from}-${to} runs backwards: write ${to}-${from}`);
    else if (to >= count)
      issue(
        'DISCORD_SHARDS',
        `shard ${to} does not exist: with DISCORD_SHARD_COUNT=${count} the shards are 0 to ${count - 1}`,
      );
  }
}
/** The variables of Slack's distribution mode (many workspaces, OAuth install), all needed. */
const DISTRIBUTION = [
  'SLACK_CLIENT_ID',
  'SLACK_CLIENT_SECRET',
  'SLACK_STATE_SECRET',
  'SLACK_SIGNING_SECRET',
  'OSTROM_SECRET_KEY',
] as const;

/** Whether a distribution-mode variable is set: the operator means the OAuth install for many workspaces. */
const wantsDistribution = (env: Record<string, unknown>) =>
  Boolean(env.SLACK_CLIENT_ID || env.SLACK_CLIENT_SECRET || env.SLACK_STATE_SECRET);

/**
 * Slack runs with a bot token plus an app-level token (Socket Mode) or a signing secret (HTTP), or in
 * distribution mode with the OAuth settings and a signing secret. Half of that stops the start with the
 * missing variable named; a token of the wrong kind (xapp- for the bot) too, and so do both modes at once.
 */
const schema = fields.superRefine((env, ctx) => {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  checkShards(env, issue);
  if (env.OSTROM_SECRET_KEY) {
    try {
      parseSecretKey(env.OSTROM_SECRET_KEY);
    } catch (err) {
      issue('OSTROM_SECRET_KEY', (err as Error).message.replace(/^OSTROM_SECRET_KEY /, ''));
    }
  }
  if (wantsDistribution(env)) return distributionIssues(env, issue);
  const other = env.SLACK_APP_TOKEN ? 'SLACK_APP_TOKEN' : 'SLACK_SIGNING_SECRET';
  if (!env.SLACK_BOT_TOKEN && (env.SLACK_APP_TOKEN || env.SLACK_SIGNING_SECRET))
    issue(
      'SLACK_BOT_TOKEN',
      `missing: ${other} is set, and Slack also needs the bot token (xoxb-…)` +
        (env.SLACK_APP_TOKEN ? '' : ', or SLACK_CLIENT_ID and its fellows for distribution mode'),
    );
  if (env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET)
    issue(
      'SLACK_APP_TOKEN',
      'missing: SLACK_BOT_TOKEN is set, and Slack also needs SLACK_APP_TOKEN (xapp-…, Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)',
    );
  if (env.SLACK_BOT_TOKEN && !env.SLACK_BOT_TOKEN.startsWith('xoxb-'))
    issue(
      'SLACK_BOT_TOKEN',
      'must be a bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token)',
    );
  if (env.SLACK_APP_TOKEN && !env.SLACK_APP_TOKEN.startsWith('xapp-'))
    issue(
      'SLACK_APP_TOKEN',
      'must be an app-level token starting with xapp- (Basic Information → App-Level Tokens)',
    );
});

/** Distribution mode: every variable of it, over HTTP, and no single-workspace token beside it. */
function distributionIssues(env: z.infer<typeof fields>, issue: (path: string, message: string) => void) {
  const set = DISTRIBUTION.filter((v) => env[v]);
  for (const v of DISTRIBUTION.filter((name) => !env[name])) {
    const why =
      v === 'OSTROM_SECRET_KEY'
        ? "it encrypts the workspaces' tokens in the database (generate one: openssl rand -hex 32)"
        : `distribution mode (many workspaces) needs ${DISTRIBUTION.join(', ')}`;
    issue(v, `missing: ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set, and ${why}`);
  }
  if (env.SLACK_BOT_TOKEN)
    issue(
      'SLACK_BOT_TOKEN',
      'set together with SLACK_CLIENT_ID (distribution mode): pick one. A bot token runs one workspace; the OAuth settings run every workspace that installs the app. Unset the other.',
    );
  if (env.SLACK_APP_TOKEN)
    issue(
      'SLACK_APP_TOKEN',
      "distribution mode runs over HTTP (Slack's Marketplace does not allow Socket Mode): unset SLACK_APP_TOKEN and expose /slack/events, /slack/install and /slack/oauth_redirect",
    );
}

export type Env = z.infer<typeof schema>;

/** Names of the variables whose values must never be printed. */
export const secretNames = [
  'DATABASE_URL',
  'DISCORD_TOKEN',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_CLIENT_SECRET',
  'SLACK_STATE_SECRET',
  'OSTROM_SECRET_KEY',
] as const;

/**
 * The variables of each platform. A platform runs when all of one of its `complete` sets are set;
 * setting any of its variables without completing a set is a mistake that stops start-up, rather
 * than silently running something else (the console).
 */
export interface PlatformVariables {
  platform: string;
  /** Each list is one way to run the platform: all of its variables set. */
  complete: string[][];
  /** Every variable that belongs to the platform, optional ones included. */
  all: string[];
}

export const platformVariables: PlatformVariables[] = [
  {
    platform: 'Discord',
    complete: [['DISCORD_TOKEN', 'DISCORD_APP_ID']],
    all: [
      'DISCORD_TOKEN',
      'DISCORD_APP_ID',
      'DISCORD_GUILD_ID',
      'DISCORD_API_URL',
      'DISCORD_SHARDS',
      'DISCORD_SHARD_COUNT',
    ],
  },
];

/** One line per platform whose variables are set only in part, naming what is missing. */
export function halfSetPlatforms(set: Record<string, unknown>): string[] {
  return platformVariables.flatMap((p) => {
    const present = p.all.filter((name) => set[name] !== undefined);
    if (present.length === 0 || p.complete.some((vars) => vars.every((v) => set[v] !== undefined))) return [];
    const ways = p.complete.map((vars) => vars.filter((v) => set[v] === undefined).join(' and '));
    const missing = ways.join(', or ');
    const are = present.length === 1 ? 'is' : 'are';
    return [
      `  ${p.platform}: ${present.join(', ')} ${are} set, but not ${missing}. ` +
        `Set ${missing} to run ${p.platform}, or unset ${present.join(', ')} to run without it.`,
    ];
  });
}

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // A variable left empty (as copied from .env.example) is unset.
  const set = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const parsed = schema.safeParse(set);
  const lines = parsed.success ? [] : parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  lines.push(...halfSetPlatforms(set));
  if (!parsed.success || lines.length > 0) throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  return parsed.data;
}

export function wantsDiscord(env: Env): boolean {
  return Boolean(env.DISCORD_TOKEN && env.DISCORD_APP_ID);
}

export function wantsSlack(env: Env): boolean {
  return (
    Boolean(env.SLACK_BOT_TOKEN && (env.SLACK_APP_TOKEN || env.SLACK_SIGNING_SECRET)) ||
    DISTRIBUTION.every((v) => env[v])
  );
}

/** The Discord shards this process runs, and how many there are in all. */
export interface DiscordSharding {
  shards: number[];
  shardCount: number;
}

/**
 * DISCORD_SHARDS out of DISCORD_SHARD_COUNT; all of the count's shards when only the count is set;
 * undefined when neither is (one process, one shard: discord.js's default, enough up to 2,500 guilds).
 */
export function discordSharding(env: Env): DiscordSharding | undefined {
  const shardCount = env.DISCORD_SHARD_COUNT;
  if (shardCount === undefined) return undefined;
  const ranges = env.DISCORD_SHARDS ?? [[0, shardCount - 1]];
  const shards = new Set<number>();
  for (const [from, to] of ranges) for (let id = from; id <= to; id++) shards.add(id);
  return { shards: [...shards].sort((a, b) => a - b), shardCount };
}

/**
 * Distribution mode when the OAuth settings are set (many workspaces, HTTP); else Socket Mode when an
 * app-level token is set (it needs no public URL), else HTTP; undefined without Slack.
 */
export function slackMode(env: Env): 'socket' | 'http' | 'distribution' | undefined {
  if (!wantsSlack(env)) return undefined;
  if (wantsDistribution(env)) return 'distribution';
  return env.SLACK_APP_TOKEN ? 'socket' : 'http';
}

/** The values of the secrets that are set, for the logger to keep out of every line. */
export function secretValues(env: Env): string[] {
  const values = secretNames.map((n) => env[n]).filter((v): v is string => Boolean(v));
  // The database password may be printed apart from its URL (a driver's message quoting it).
  const password = env.DATABASE_URL && passwordOf(env.DATABASE_URL);
  if (password) values.push(password);
  return values;
}

function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
