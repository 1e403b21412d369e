/** What every core operation gets: the open transaction's view of one community at one instant. */
import type { Db } from '../../db/client.js';
import type { BatchScope } from '../batch-scope.js';
import type { communities, members } from '../../db/schema.js';
import type { ChannelInfo, Platform } from './model.js';
import type { Rules } from '../community/rules.js';
import type { Effect } from './views.js';

export type CommunityRow = typeof communities.$inferSelect;
export type MemberRow = typeof members.$inferSelect;

export interface Ctx {
  db: Db;
  now: number;
  platform: Platform;
  community: CommunityRow;
  rules: Rules;
  /** Where the command was typed (digests, replies); '' for scheduled jobs. */
  channelId: string;
  /** The acting member; undefined for scheduled jobs. */
  actor?: MemberRow & { isAdmin: boolean };
  effects: Effect[];
  /** The channels the bot can post in, when the adapter knows them (to refuse a channel rule naming none). */
  channels?: ChannelInfo[];
  /** What the events of a batch share (batch-scope.ts); undefined for a unit of one event. */
  batch?: BatchScope;
}

export function actorOf(ctx: Ctx): MemberRow & { isAdmin: boolean } {
  if (!ctx.actor) throw new Error('this operation needs an acting member');
  return ctx.actor;
}

/** The tasks channel: the rule once set up, else where the command was typed. */
export function tasksChannel(ctx: Ctx): string {
  return ctx.rules['channels.tasks'] || ctx.channelId;
}

export function proposalsChannel(ctx: Ctx): string {
  return ctx.rules['channels.proposals'] || ctx.channelId;
}
