/** The Bolt app for one workspace: Socket Mode or HTTP, with a Web API client that waits out rate limits. */
import { App } from '@slack/bolt';
import type { Logger } from '../../src/log.js';
import { boltLogger } from './logger.js';

/** How Ostrom reaches Slack. */
export interface SlackConnection {
  log: Logger;
  botToken: string;
  /** Socket Mode (no public URL) when set; otherwise HTTP at `/slack/events`. */
  appToken?: string;
  /** HTTP mode: every request must carry a valid signature made with it. */
  signingSecret?: string;
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

export function createApp(o: SlackConnection): App {
  if (!o.appToken && !o.signingSecret)
    throw new Error('Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP)');
  const slackApiUrl = apiBase(o.apiUrl);
  return new App({
    token: o.botToken,
    ...receiverOf(o, slackApiUrl),
    logger: boltLogger(o.log),
    clientOptions: {
      slackApiUrl,
      // On HTTP 429 the client waits Retry-After, then retries; other failures back off briefly.
      rejectRateLimitedCalls: false,
      retryConfig: { retries: o.retries ?? 5, factor: 2, minTimeout: 100, maxTimeout: 5000 },
    },
  });
}
