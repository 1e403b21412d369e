/** Ostrom on Slack through Bolt: slash commands, buttons, modals, Block Kit cards, threads and reaction votes. */
import type { AddressInfo, Server } from 'node:net';
import type { App, SlashCommand, ViewSubmitAction } from '@slack/bolt';
import type {
  AppUninstalledEvent,
  ReactionAddedEvent,
  ReactionRemovedEvent,
  TokensRevokedEvent,
} from '@slack/types';
import {
  buttonCommand,
  formOf,
  voteOfEmoji,
  type Governance,
  type Outcome,
  type PlatformAdapter,
  type RawCommand,
  type Reply,
} from '../../src/core/index.js';
import { createApp, type SlackConnection } from './app.js';
import { commandOf, Members } from './inbound.js';
import { SlackOutbound } from './outbound.js';
import { reconcileCards } from './reconcile.js';
import {
  channelOfMetadata,
  fieldErrors,
  formFor,
  formMetadata,
  replyMessage,
  respondWith,
  submittedForm,
  type Answer,
} from './interaction.js';
import { formModal } from './render.js';
import type { Workspaces } from './workspaces.js';

export interface SlackOptions extends SlackConnection {
  core: Governance;
  /** HTTP mode: the port (default 3000; 0 takes a free one). */
  port?: number;
}

const SORRY = 'Sorry, something went wrong on our side; nothing was changed. Please try again.';

export class SlackAdapter implements PlatformAdapter {
  readonly platform = 'slack' as const;
  readonly app: App;
  /** The HTTP port listened on, once started in HTTP mode. */
  port?: number;
  /** The workspaces Ostrom runs in, each with its own token's Web API client. */
  readonly workspaces: Workspaces;
  private readonly out: SlackOutbound;
  private readonly members: Members;
  private inbound: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: SlackOptions) {
    ({ app: this.app, workspaces: this.workspaces } = createApp(o));
    this.out = new SlackOutbound(this.workspaces, o.core, o.log);
    this.members = new Members(this.workspaces);
    this.wire();
  }

  private get mode(): string {
    return this.o.appToken ? 'socket' : this.o.distribution ? 'distribution' : 'http';
  }

  async start(): Promise<void> {
    const known = await this.workspaces.start();
    if (this.o.appToken) await this.app.start();
    else {
      const server = (await this.app.start(this.o.port ?? 3000)) as unknown as Server;
      this.port = (server.address() as AddressInfo).port;
    }
    this.o.log.info({ ...known, mode: this.mode, port: this.port }, 'Slack connected');
    // Votes cast or withdrawn while Ostrom was down, in every workspace; events that arrive meanwhile
    // wait their turn.
    await this.inOrder(async () => {
      for (const teamId of await this.workspaces.teams()) {
        try {
          const ws = await this.workspaces.of(teamId);
          const n = await reconcileCards(ws, this.o.core, this.out, this.members, this.o.log);
          this.o.log.info({ team: teamId, cards: n }, 'Slack vote cards reconciled');
        } catch (err) {
          if (!this.o.distribution) throw err;
          // One workspace's revoked token must not keep Ostrom from the others.
          this.o.log.warn({ err, team: teamId }, 'could not reconcile the vote cards of a Slack workspace');
        }
      }
      return undefined;
    });
  }

  async stop(): Promise<void> {
    await this.app.stop();
  }

  perform(outcome: Outcome): Promise<void> {
    return this.out.perform(outcome);
  }

  private wire(): void {
    const app = this.app;
    // Every listener acknowledges first (Slack waits 3 seconds at most), then works.
    app.command(/^\/[\w-]+$/, async ({ command, ack, respond }) => {
      await ack();
      await this.guarded(respondWith(respond), () => this.command(command, respondWith(respond)));
    });
    app.action(/^ostrom:/, async ({ ack, body, action, respond }) => {
      await ack();
      if (body.type !== 'block_actions' || action.type !== 'button' || !('action_id' in action)) return;
      const answer = respondWith(respond);
      await this.guarded(answer, () =>
        this.button(action.action_id.replace(/^ostrom:/, ''), {
          teamId: body.team?.id ?? body.user.team_id ?? '',
          userId: body.user.id,
          channelId: body.channel?.id ?? '',
          triggerId: body.trigger_id,
          answer,
        }),
      );
    });
    // A form is the one exception: the core checks it first, so a bad value is shown under its field.
    app.view(/^ostrom:/, async ({ ack, body, view }) => {
      const input = submittedForm(view.callback_id, view.state.values);
      if (!input || body.type !== 'view_submission') return void (await ack());
      await this.formSubmitted(body, input, (errors) =>
        errors ? ack({ response_action: 'errors', errors }) : ack(),
      );
    });
    app.event('reaction_added', async ({ event, body }) => {
      await this.inOrder(() => this.reaction(event, body.event_id, body.team_id, true));
    });
    app.event('reaction_removed', async ({ event, body }) => {
      await this.inOrder(() => this.reaction(event, body.event_id, body.team_id, false));
    });
    if (this.o.distribution) {
      // Uninstalled, or the bot's token revoked: the installation goes, the community's data stays.
      app.event('app_uninstalled', async ({ body }) => {
        await this.uninstalled(body.team_id, body.enterprise_id, (body.event as AppUninstalledEvent).type);
      });
      app.event('tokens_revoked', async ({ event, body }) => {
        const e = event as TokensRevokedEvent;
        if ((e.tokens.bot ?? []).length > 0) await this.uninstalled(body.team_id, body.enterprise_id, e.type);
        // Ostrom asks for no user scopes: a user's token going is nothing to it.
        else this.o.log.info({ team: body.team_id }, 'Slack user tokens revoked; the installation is kept');
      });
    }
    app.error(async (err) => this.o.log.error({ err }, 'a Slack listener failed'));
  }

  /**
   * A filled-in form runs its command; the answer goes to the channel the form was opened from. The
   * submission is acknowledged once the core has answered: with the errors under the form's fields when
   * it rejected a value (the form stays open, nothing changed), or plainly, whatever happened.
   */
  private async formSubmitted(
    body: ViewSubmitAction,
    input: RawCommand,
    ack: (errors?: Record<string, string>) => Promise<void>,
  ): Promise<void> {
    const channelId = channelOfMetadata(body.view.private_metadata);
    const userId = body.user.id;
    const teamId = body.team?.id ?? body.user.team_id ?? '';
    const chat = (await this.workspaces.of(teamId)).client.chat;
    const answer: Answer = (reply) =>
      reply.private
        ? chat.postEphemeral({ channel: channelId, user: userId, ...replyMessage(reply) })
        : chat.postMessage({ channel: channelId, ...replyMessage(reply) });
    let acked = false;
    const checked = async (out: Outcome) => {
      const errors = fieldErrors(body.view.callback_id, out);
      acked = true;
      await ack(errors);
      return !errors;
    };
    await this.guarded(answer, async () => {
      try {
        await this.run({
          eventId: `view:${body.view.id}`,
          teamId,
          userId,
          channelId,
          input,
          answer,
          checked,
        });
      } finally {
        if (!acked) await ack();
      }
    });
  }

  /** Runs one handler; what throws is ours (bad input comes back as a value): logged and apologised for. */
  private async guarded(answer: Answer, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.o.log.error({ err }, 'a Slack request failed');
      await answer({ private: true, text: SORRY }).catch((e: unknown) =>
        this.o.log.warn({ err: e }, 'could not answer a Slack request'),
      );
    }
  }

  private async command(c: SlashCommand, answer: Answer): Promise<void> {
    const form = formFor(c.command, c.text);
    if (form) return this.openForm(c.team_id, c.trigger_id, form, c.channel_id);
    await this.run({
      eventId: `command:${c.trigger_id}`,
      teamId: c.team_id,
      userId: c.user_id,
      channelId: c.channel_id,
      input: commandOf(c.command, c.text),
      answer,
    });
  }

  private async button(
    id: string,
    at: { teamId: string; userId: string; channelId: string; triggerId: string; answer: Answer },
  ): Promise<void> {
    const submit = /^task\.submit:(\d+)$/.exec(id);
    if (submit) return this.openForm(at.teamId, at.triggerId, `submit:${submit[1]}`, at.channelId);
    const input = buttonCommand(id);
    if (input) await this.run({ ...at, eventId: `action:${at.triggerId}`, input });
  }

  private async openForm(
    teamId: string,
    triggerId: string,
    formId: string,
    channelId: string,
  ): Promise<void> {
    const form = formOf(formId)!;
    const { client } = await this.workspaces.of(teamId);
    await client.views.open({
      trigger_id: triggerId,
      view: formModal(form, formMetadata(channelId)),
    });
  }

  /** One command through the core; the reply goes to the member, then the effects are performed. */
  private async run(r: {
    eventId: string;
    teamId: string;
    userId: string;
    channelId: string;
    input: RawCommand;
    answer: Answer;
    /** Sees the outcome first; false when it was shown another way and needs no answer. */
    checked?: (out: Outcome) => Promise<boolean>;
  }): Promise<void> {
    const actor = await this.members.actor(r.teamId, r.userId);
    const out = await this.o.core.handle({
      type: 'command',
      eventId: r.eventId,
      community: (await this.workspaces.of(r.teamId)).community,
      channelId: r.channelId,
      actor,
      command: r.input,
    });
    if (out.duplicate || (r.checked && !(await r.checked(out)))) return;
    const reply = out.reply ?? { private: true, text: 'Done.' };
    // The core has committed: its effects go ahead even when the answer cannot be delivered.
    await this.reply(reply, r.teamId, r.userId, r.answer).catch((err: unknown) =>
      this.o.log.warn({ err }, 'could not answer a Slack request'),
    );
    const failed: string[] = [];
    await this.out.perform(out, (e) => {
      if (e.type === 'post') failed.push(cardNotPosted(e.view.title, e.channelId));
    });
    if (failed.length > 0)
      await r
        .answer({ private: true, text: failed.join('\n') })
        .catch((err: unknown) => this.o.log.warn({ err }, 'could not tell a member a card failed'));
  }

  private async reply(reply: Reply, teamId: string, userId: string, answer: Answer): Promise<void> {
    if (!reply.file) return void (await answer(reply));
    // A file goes to the member's direct messages; the answer says where to find it.
    await this.out.upload(teamId, await this.out.dm(teamId, userId), reply.file, reply.text);
    await answer({ ...reply, text: `${reply.text}: sent to you as a direct message (${reply.file.name}).` });
  }

  /** Forgets an uninstalled workspace: its installation and its client. Its community stays. */
  private async uninstalled(teamId: string, enterpriseId: string | undefined, why: string): Promise<void> {
    const store = this.o.distribution!.store;
    const org = !teamId && Boolean(enterpriseId);
    await store.deleteInstallation(
      org
        ? { teamId: undefined, enterpriseId: enterpriseId!, isEnterpriseInstall: true }
        : { teamId, enterpriseId, isEnterpriseInstall: false },
    );
    this.workspaces.forget(teamId);
    this.o.log.info({ team: teamId, enterprise: enterpriseId, event: why }, 'Slack workspace uninstalled');
  }

  /** Reactions reach the core in the order Slack sent them, even when one must first look up its member. */
  private inOrder(handle: () => Promise<Outcome | undefined>): Promise<void> {
    const handled = this.inbound.then(handle);
    this.inbound = handled.catch(() => undefined);
    return handled.then((out) => (out ? this.out.perform(out) : undefined));
  }

  private async reaction(
    e: ReactionAddedEvent | ReactionRemovedEvent,
    eventId: string,
    teamId: string,
    added: boolean,
  ): Promise<Outcome | undefined> {
    const vote = voteOfEmoji(e.reaction);
    if (e.item.type !== 'message' || !vote) return undefined;
    const ws = await this.workspaces.of(teamId);
    if (e.user === ws.botUserId) return undefined;
    const actor = await this.members.actor(teamId, e.user);
    if (actor.isBot) return undefined;
    return this.o.core.handle({
      type: 'reaction',
      eventId,
      community: ws.community,
      actor,
      message: { channelId: e.item.channel, messageId: e.item.ts },
      emoji: vote.emoji,
      value: vote.value,
      added,
    });
  }
}

/** A card Slack refused, said to the member whose command made it (the change itself is recorded). */
function cardNotPosted(title: string, channelId: string): string {
  return `Recorded, but the card "${title}" could not be posted in channel ${channelId}. Invite Ostrom there (\`/invite @Ostrom\`), or the community can choose another channel by proposal (\`change:channels.tasks=#channel\`).`;
}
