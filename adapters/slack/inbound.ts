/** Slack's payloads → core input: escaped command text, the acting member, the workspace. */
import type { Actor, CommunityRef, TypedCommand } from '../../src/core/index.js';
import type { Workspaces } from './workspaces.js';

export function communityOf(teamId: string, name?: string): CommunityRef {
  return { platform: 'slack', id: teamId, ...(name && { name }) };
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&' };
const entities = (s: string) => s.replace(/&(lt|gt|amp);/g, (_, e: string) => ENTITIES[e]!);

/** `<target|label>` split at the first `|`. */
function parts(inner: string): { target: string; label?: string } {
  const bar = inner.indexOf('|');
  return bar < 0 ? { target: inner } : { target: inner.slice(0, bar), label: inner.slice(bar + 1) };
}

/** How a piece of markup reads in prose: `#tasks`, `@ana`, `@here`, a link's label or URL. */
function shown(inner: string): string {
  const { target, label } = parts(inner);
  if (target.startsWith('#')) return `#${label || target.slice(1)}`;
  if (target.startsWith('@')) return `@${label || target.slice(1)}`;
  if (target.startsWith('!')) return label || `@${target.slice(1).split('^')[0]}`;
  return label || target;
}

/** What a piece of markup stands for as a value: the channel or user id, or the URL. */
function idOf(inner: string): string {
  const { target } = parts(inner);
  return /^[#@]/.test(target) ? target.slice(1) : target;
}

const WHOLE = /^([\w.-]+=)?<([^<>]+)>$/;

/** One word that is markup, or `key=markup`, as its id; otherwise as shown. */
function word(w: string): string {
  const m = WHOLE.exec(w);
  return m ? (m[1] ?? '') + entities(idOf(m[2]!)) : prose(w);
}

function prose(s: string): string {
  return entities(s.replace(/<([^<>]+)>/g, (_, inner: string) => shown(inner)));
}

/**
 * Slack's escaped text → what the member meant. Markup standing for a whole value (`tasks:<#C1|tasks>`,
 * `/commons profile <@U1|ana>`, `link:<https://…>`), or for the value of each `key=value`
 * (`change:channels.tasks=<#C1|tasks>`), is read as its id or URL; inside prose it reads as Slack shows
 * it (`#tasks`, `@ana`). `&lt;` `&gt;` `&amp;` are the characters; a typed `<@U1>` stays text.
 */
export function unescapeValue(value: string): string {
  const v = value.trim();
  if (WHOLE.test(v)) return word(v);
  const words = v.split(/\s+/);
  if (words.length > 1 && words.every((w) => /^[\w.-]+=\S/.test(w))) return words.map(word).join(' ');
  return prose(value);
}

/**
 * A slash command (`/task`, text `post Fix the docs skills:docs`) → the line for the core, which splits
 * it and reads each option's text through `unescapeValue` before validating.
 */
export function commandOf(command: string, text: string): TypedCommand {
  return { text: `${command} ${text}`, unescape: unescapeValue };
}

interface CachedActor {
  actor: Actor;
  at: number;
}

/** Members as `users.info` of their workspace describes them, kept a short while (admin rights may change). */
export class Members {
  private readonly cache = new Map<string, CachedActor>();

  constructor(
    private readonly workspaces: Pick<Workspaces, 'of'>,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The acting member; bots, apps and Slackbot are marked as bots (they never vote). */
  async actor(teamId: string, userId: string): Promise<Actor> {
    const key = `${teamId}/${userId}`;
    const hit = this.cache.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.actor;
    const { client } = await this.workspaces.of(teamId);
    const res = await client.users.info({ user: userId });
    const u = res.user;
    const actor: Actor = {
      userId,
      name: u?.profile?.display_name || u?.profile?.real_name || u?.real_name || u?.name || userId,
      isBot: Boolean(u?.is_bot || userId === 'USLACKBOT'),
      isAdmin: Boolean(u?.is_admin || u?.is_owner || u?.is_primary_owner),
    };
    this.cache.set(key, { actor, at: this.now() });
    return actor;
  }
}
