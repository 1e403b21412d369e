/** Ids and value types shared by the core and every adapter. */

export type Platform = 'console' | 'discord' | 'slack';

/** One Discord guild, one Slack workspace, or the local console. */
export interface CommunityRef {
  platform: Platform;
  id: string;
  name?: string;
}

/** Who is acting, as the adapter saw them. */
export interface Actor {
  userId: string;
  name: string;
  isBot?: boolean;
  /** Platform admin (Discord Manage Server, Slack workspace admin, the console's first member). */
  isAdmin?: boolean;
  /** When the person joined the community, if the platform says (ms since epoch). */
  joinedAt?: number;
}

/** A channel the bot can post in, as the platform reports it. */
export interface ChannelInfo {
  id: string;
  name: string;
}

export interface MessageRef {
  channelId: string;
  messageId: string;
}

export type VoteValue = 'yes' | 'no' | 'abstain';

/** The time source of the core; tests and the console move it. */
export interface Clock {
  now(): number;
  /**
   * Brings `now()` up to date before a unit of work, for a clock whose state lives elsewhere (the
   * console's offset is in the database, shared by every console process on it).
   */
  sync?(): Promise<void>;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Where the core reports faults it survives (a pino logger fits). */
export interface FaultLog {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
export const HOUR_MS = 60 * 60 * 1000;
