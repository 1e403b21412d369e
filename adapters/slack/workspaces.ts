/**
 * The workspaces Ostrom runs in, each with the Web API client of its own token. One workspace with a
 * bot token (`SingleWorkspace`), or every workspace that installed the app (`InstalledWorkspaces`,
 * distribution mode), whose tokens come from the installation store through Bolt's `authorize`, which
 * also refreshes a rotating token that is about to expire.
 */
import type { AuthorizeResult, InstallationQuery } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { CommunityRef } from '../../src/core/index.js';
import { communityOf } from './inbound.js';
import type { SlackInstallationStore } from './installation-store.js';

/** One workspace as the adapter needs it. */
export interface Workspace {
  client: WebClient;
  /** Ostrom's bot user there (its own reactions are not votes). */
  botUserId: string;
  community: CommunityRef;
}

export interface Workspaces {
  /** Learns what it needs at start (the single workspace's team); returns a description to log. */
  start(): Promise<Record<string, unknown>>;
  /** The workspace of a Slack team; throws when Ostrom is not installed there. */
  of(teamId: string): Promise<Workspace>;
  /** The teams Ostrom runs in now, e.g. to reconcile each at start. */
  teams(): Promise<string[]>;
  /** Drops what is kept of a team (uninstalled). */
  forget(teamId: string): void;
}

/** One workspace, one bot token (SLACK_BOT_TOKEN): every team id maps to it. */
export class SingleWorkspace implements Workspaces {
  private ws?: Workspace;

  constructor(private readonly client: WebClient) {}

  async start() {
    const auth = await this.client.auth.test();
    if (!auth.team_id || !auth.user_id) throw new Error('Slack auth.test returned no team or bot user');
    this.ws = {
      client: this.client,
      botUserId: auth.user_id,
      community: communityOf(auth.team_id, auth.team),
    };
    return { team: auth.team_id };
  }

  async of(teamId: string): Promise<Workspace> {
    const ws = this.ws!;
    return teamId === ws.community.id ? ws : { ...ws, community: communityOf(teamId) };
  }

  async teams(): Promise<string[]> {
    return [this.ws!.community.id];
  }

  forget(): void {}
}

type Authorize = (source: InstallationQuery<false>) => Promise<AuthorizeResult>;

/**
 * Every installed workspace (distribution mode). Each call asks the store for the team's token (the
 * store is the truth: uninstalls and rotations show at once); the client is kept while the token stays.
 */
export class InstalledWorkspaces implements Workspaces {
  private readonly clients = new Map<string, { token: string; client: WebClient; name?: string }>();

  constructor(
    private readonly store: SlackInstallationStore,
    private readonly authorize: Authorize,
    private readonly clientOptions: WebClientOptions,
  ) {}

  async start() {
    return { installations: await this.store.check() };
  }

  async of(teamId: string): Promise<Workspace> {
    const auth = await this.authorize({ teamId, enterpriseId: undefined, isEnterpriseInstall: false });
    if (!auth.botToken || !auth.botUserId) throw new Error(`no bot token for Slack team ${teamId}`);
    let kept = this.clients.get(teamId);
    if (kept?.token !== auth.botToken) {
      // A new install or a rotated token: a new client (the old one's token is dead or dying).
      const name = (await this.store.list()).find((w) => w.teamId === teamId)?.teamName ?? undefined;
      const client = new WebClient(auth.botToken, { ...this.clientOptions, teamId });
      kept = { token: auth.botToken, client, name };
      this.clients.set(teamId, kept);
    }
    return { client: kept.client, botUserId: auth.botUserId, community: communityOf(teamId, kept.name) };
  }

  async teams(): Promise<string[]> {
    return (await this.store.list()).flatMap((w) => (w.teamId ? [w.teamId] : []));
  }

  forget(teamId: string): void {
    this.clients.delete(teamId);
  }
}
