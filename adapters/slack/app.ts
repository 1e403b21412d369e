/**
 * The Bolt app: one workspace with a bot token (Socket Mode or HTTP), or many workspaces that install
 * it through Slack's OAuth flow (distribution mode, HTTP only), with Web API clients that wait out rate
 * limits.
 */
import { App, HTTPReceiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { Logger } from '../../src/log.js';
import type { SlackInstallationStore } from './installation-store.js';
import { boltLogger } from './logger.js';
import { InstalledWorkspaces, SingleWorkspace, type Workspaces } from './workspaces.js';

/** The bot scopes Ostrom asks for when a workspace installs it: those of slack-manifest.yml. */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'reactions:read',
  'reactions:write',
  'users:read',
  'im:write',
  'files:write',
] as const;

/** Where Slack sends the member back after "Add to Slack" (the path of SLACK_INSTALL_REDIRECT_URL). */
export const REDIRECT_PATH = '/slack/oauth_redirect';
export const INSTALL_PATH = '/slack/install';

/** Distribution mode: Slack's OAuth install for any number of workspaces. */
export interface SlackDistribution {
  clientId: string;
  clientSecret: string;
  /** Signs the OAuth `state` (against forged redirects). */
  stateSecret: string;
  store: SlackInstallationStore;
  /** The full redirect URL, needed when the app has several (ends with /slack/oauth_redirect). */
  redirectUri?: string;
}

/** How Ostrom reaches Slack. */
export interface SlackConnection {
  log: Logger;
  /** One workspace: its bot token. Unset in distribution mode. */
  botToken?: string;
  /** Socket Mode (no public URL) when set; otherwise HTTP at `/slack/events`. */
  appToken?: string;
  /** HTTP mode: every request must carry a valid signature made with it. */
  signingSecret?: string;
  /** Many workspaces through OAuth (HTTP mode). */
  distribution?: SlackDistribution;
  /** Web API base, e.g. `https://slack.com/api/` (a proxy, or a test server). */
  apiUrl?: string;
  /** How often a failed or rate-limited Web API call is retried (default 5). */
  retries?: number;
}

function apiBase(url: string | undefined): string | undefined {
  return url && !url.endsWith('/') ? `${url}/` : url;
}

/** The receiver's part of Bolt's options: a socket, or an HTTP endpoint that checks signatures. */
function receiverOf(o: SlackConnection, slackApiUrl: string | undefined) {
  return o.appToken
    ? {
        socketMode: true,
        appToken: o.appToken,
        // The socket's own client (apps.connections.open) keeps Bolt's patient reconnect retries:
        // sharing the few retries below would give up on a network outage of more than seconds.
        installerOptions: { clientOptions: { slackApiUrl } },
      }
    : { signingSecret: o.signingSecret, endpoints: '/slack/events' };
}

export function createApp(o: SlackConnection): { app: App; workspaces: Workspaces } {
  if (!o.appToken && !o.signingSecret)
    throw new Error('Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP)');
  const slackApiUrl = apiBase(o.apiUrl);
  const logger = boltLogger(o.log);
  const clientOptions: WebClientOptions = {
    slackApiUrl,
    logger,
    // On HTTP 429 the client waits Retry-After, then retries; other failures back off briefly.
    rejectRateLimitedCalls: false,
    retryConfig: { retries: o.retries ?? 5, factor: 2, minTimeout: 100, maxTimeout: 5000 },
  };
  if (o.distribution) return distributed(o, o.distribution, clientOptions);
  if (!o.botToken) throw new Error('Slack needs a bot token, or the OAuth settings of distribution mode');
  const app = new App({ token: o.botToken, ...receiverOf(o, slackApiUrl), logger, clientOptions });
  return { app, workspaces: new SingleWorkspace(app.client) };
}

/**
 * HTTP with Bolt's OAuth: `/slack/install` serves the "Add to Slack" page (its state in a cookie),
 * `/slack/oauth_redirect` exchanges the code (`oauth.v2.access`) and stores the installation; each
 * request is authorized with its workspace's token from the store.
 */
function distributed(
  o: SlackConnection,
  d: SlackDistribution,
  clientOptions: WebClientOptions,
): { app: App; workspaces: Workspaces } {
  if (o.appToken || o.botToken)
    throw new Error('distribution mode runs over HTTP with tokens from installations: no bot or app token');
  const receiver = new HTTPReceiver({
    signingSecret: o.signingSecret!,
    endpoints: '/slack/events',
    logger: clientOptions.logger,
    clientId: d.clientId,
    clientSecret: d.clientSecret,
    stateSecret: d.stateSecret,
    redirectUri: d.redirectUri,
    installationStore: d.store,
    scopes: [...BOT_SCOPES],
    installerOptions: {
      installPath: INSTALL_PATH,
      redirectUriPath: REDIRECT_PATH,
      // The code exchange and the install's auth.test go to the same Web API as everything else.
      clientOptions,
    },
  });
  const installer = receiver.installer!;
  const app = new App({ receiver, logger: clientOptions.logger, clientOptions });
  return { app, workspaces: new InstalledWorkspaces(d.store, installer.authorize, clientOptions) };
}
