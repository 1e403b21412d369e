/** What a fake Slack workspace holds: its team, members and channels, the bot's messages and reactions. */
import type { UsersInfoResponse } from '@slack/web-api';

export type SlackUser = NonNullable<UsersInfoResponse['user']>;

export interface FakeMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
  /** Reaction name → user ids, in the order they reacted. */
  reactions: Map<string, string[]>;
}

export interface MemberSpec {
  name: string;
  admin?: boolean;
  owner?: boolean;
  bot?: boolean;
}

/** Another workspace than the first: its team, and a prefix that keeps its ids apart (`U`+prefix+…). */
export interface TeamSpec {
  id: string;
  name: string;
  domain: string;
  prefix: string;
}

export class Workspace {
  readonly team: { id: string; name: string; domain: string };
  /** Ostrom's bot user here (one app, a bot user per workspace). */
  readonly bot: { userId: string; botId: string; appId: string; name: string };
  readonly users = new Map<string, SlackUser>();
  readonly channels = new Map<string, { id: string; name: string }>();
  readonly messages = new Map<string, FakeMessage>();
  private tsCounter = 0;

  constructor(
    members: MemberSpec[],
    channels: string[],
    team: TeamSpec = { id: 'T0FAKE', name: 'Commons', domain: 'commons', prefix: '' },
  ) {
    const p = team.prefix;
    this.team = { id: team.id, name: team.name, domain: team.domain };
    this.bot = { userId: `U${p}0BOT`, botId: `B${p}0BOT`, appId: 'A0APP', name: 'ostrom' };
    members.forEach((m, i) =>
      this.addUser(`U${p}${String(i + 1).padStart(4, '0')}${m.name.toUpperCase()}`, m),
    );
    this.addUser(this.bot.userId, { name: this.bot.name, bot: true });
    channels.forEach((name, i) => {
      const id = `C${p}${i + 1}${name.toUpperCase()}`;
      this.channels.set(id, { id, name });
    });
  }

  private addUser(id: string, m: MemberSpec): void {
    this.users.set(id, {
      id,
      team_id: this.team.id,
      name: m.name,
      real_name: m.name,
      profile: { display_name: m.name, real_name: m.name },
      is_admin: m.admin ?? false,
      is_owner: m.owner ?? false,
      is_bot: m.bot ?? false,
      deleted: false,
    });
  }

  userId(name: string): string {
    for (const u of this.users.values()) if (u.name === name) return u.id!;
    throw new Error(`no user ${name}`);
  }

  channelId(name: string): string {
    for (const c of this.channels.values()) if (c.name === name) return c.id;
    throw new Error(`no channel #${name}`);
  }

  /** A channel id the bot may post in: a channel, or a DM opened with conversations.open. */
  knows(channel: string): boolean {
    return this.channels.has(channel) || (channel.startsWith('D') && this.users.has(channel.slice(1)));
  }

  nextTs(): string {
    this.tsCounter++;
    return `${1_760_000_000 + this.tsCounter}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  message(channel: string, ts: string): FakeMessage | undefined {
    return this.messages.get(`${channel}/${ts}`);
  }

  /** Sets a reaction as Slack would hold it (tests then send the matching event, or not: downtime). */
  react(userId: string, channel: string, ts: string, name: string, added = true): void {
    const m = this.message(channel, ts);
    if (!m) throw new Error(`no message ${channel}/${ts}`);
    const users = m.reactions.get(name) ?? [];
    const next = added ? [...users.filter((u) => u !== userId), userId] : users.filter((u) => u !== userId);
    if (next.length > 0) m.reactions.set(name, next);
    else m.reactions.delete(name);
  }
}
