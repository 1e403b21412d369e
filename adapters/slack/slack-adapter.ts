/** Ostrom on Slack through Bolt: slash commands, buttons, modals, Block Kit cards, threads and reaction votes. */
import type { AddressInfo, Server } from 'node:net';
import type { App, SlashCommand, ViewSubmitAction } from '@slack/bolt';
import type { ReactionAddedEvent, ReactionRemovedEvent } from '@slack/types';
import {
  buttonCommand,
  formOf,
  voteOfEmoji,
  type CommunityRef,
  type Governance,
  type Outcome,
  type PlatformAdapter,
  type RawCommand,
  type Reply,
} from '../../src/core/index.js';
import { createApp, type SlackConnection } from './app.js';
import { commandOf, communityOf, Members } from './inbound.js';
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
  private readonly out: SlackOutbound;
  private readonly members: Members;
  private community?: CommunityRef;
  private botUserId = '';
  private inbound: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: SlackOptions) {
    this.app = createApp(o);
    this.out = new SlackOutbound(this.app.client, o.core, o.log);
    this.members = new Members(this.app.client);
    this.wire();
  }

  async start(): Promise<void> {
    const auth = await this.app.client.auth.test();
    if (!auth.team_id || !auth.user_id) throw new Error('Slack auth.test returned no team or bot user');
    this.botUserId = auth.user_id;
    this.community = communityOf(auth.team_id, auth.team);
    if (this.o.appToken) await this.app.start();
    else {
      const server = (await this.app.start(this.o.port ?? 3000)) as unknown as Server;
      this.port = (server.address() as AddressInfo).port;
    }
    this.o.log.info(
      { team: auth.team_id, mode: this.o.appToken ? 'socket' : 'http', port: this.port },
      'Slack connected',
    );
    // Votes cast or withdrawn while Ostrom was down; events that arrive meanwhile wait their turn.
    await this.inOrder(async () => {
      const n = await reconcileCards(
        this.app.client,
        this.o.core,
        this.out,
        this.members,
        this.community!,
        this.botUserId,
        this.o.log,
      );
      this.o.log.info({ cards: n }, 'Slack vote cards reconciled');
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
          teamId: body.team?.id ?? this.community?.id ?? '',
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
    const chat = this.app.client.chat;
    const answer: Answer = (reply) =>
      reply.private
        ? chat.postEphemeral({ channel: channelId, user: userId, ...replyMessage(reply) })
        : chat.postMessage({ channel: channelId, ...replyMessage(reply) });
    const teamId = body.team?.id ?? body.user.team_id ?? this.community?.id ?? '';
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
    if (form) return this.openForm(c.trigger_id, form, c.channel_id);
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
    if (submit) return this.openForm(at.triggerId, `submit:${submit[1]}`, at.channelId);
    const input = buttonCommand(id);
    if (input) await this.run({ ...at, eventId: `action:${at.triggerId}`, input });
  }

  private async openForm(triggerId: string, formId: string, channelId: string): Promise<void> {
    const form = formOf(formId)!;
    await this.app.client.views.open({
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
    const actor = await this.members.actor(r.userId);
    const out = await this.o.core.handle({
      type: 'command',
      eventId: r.eventId,
      community: this.communityOf(r.teamId),
      channelId: r.channelId,
      actor,
      command: r.input,
    });
    if (out.duplicate || (r.checked && !(await r.checked(out)))) return;
    const reply = out.reply ?? { private: true, text: 'Done.' };
    // The core has committed: its effects go ahead even when the answer cannot be delivered.
    await this.reply(reply, r.userId, r.answer).catch((err: unknown) =>
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

  private async reply(reply: Reply, userId: string, answer: Answer): Promise<void> {
    if (!reply.file) return void (await answer(reply));
    // A file goes to the member's direct messages; the answer says where to find it.
    await this.out.upload(await this.out.dm(userId), reply.file, reply.text);
    await answer({ ...reply, text: `${reply.text}: sent to you as a direct message (${reply.file.name}).` });
  }

  private communityOf(teamId: string): CommunityRef {
    return teamId === this.community?.id ? this.community : communityOf(teamId);
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
    if (e.item.type !== 'message' || !vote || e.user === this.botUserId) return undefined;
    const actor = await this.members.actor(e.user);
    if (actor.isBot) return undefined;
    return this.o.core.handle({
      type: 'reaction',
      eventId,
      community: this.communityOf(teamId),
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
