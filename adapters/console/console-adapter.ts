/** The console: a local chat on stdin/stdout with the same rules, storage and texts as the platforms. */
import { randomUUID } from 'node:crypto';
import { createInterface, type Interface } from 'node:readline';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import {
  formatTime,
  type CommunityRef,
  type Effect,
  type Governance,
  type Outcome,
  type PlatformAdapter,
  type Reply,
} from '../../src/core/index.js';
import { parseStep, type ConsoleClock } from './clock.js';
import { voteEmoji } from './emoji.js';
import type { Settings } from '../../src/db/kv.js';
import { block, renderView, safeText } from './render.js';

const COMMUNITY: CommunityRef = { platform: 'console', id: 'local', name: 'console' };
const COUNTER = 'console.nextMessage';
const ADMIN = 'console.admin';
/** Who acts before any `/as`: a plain member, never the admin (the admin is the first name given to /as). */
export const DEFAULT_MEMBER = 'guest';

export interface ConsoleOptions {
  core: Governance;
  /** The console's own state: message counter and admin (the clock keeps its offset there too). */
  settings: Settings;
  clock: ConsoleClock;
  input: Readable;
  output: Writable;
  /** Runs what fell due (the scheduler's tick), after `/clock`. */
  runDue: () => Promise<number>;
  exportDir?: string;
}

export class ConsoleAdapter implements PlatformAdapter {
  readonly platform = 'console' as const;
  private actor?: string;
  private channel = 'general';
  private done?: Promise<void>;
  private rl?: Interface;
  /** The output went away (`| head -1` exited): stop reading and writing, and end quietly. */
  private outputGone = false;

  constructor(private readonly o: ConsoleOptions) {
    o.output.on('error', () => this.closeOutput());
  }

  async start(): Promise<void> {
    const admin = await this.o.settings.getSetting(ADMIN);
    this.write(
      `Ostrom console. You are ${DEFAULT_MEMBER} until you pick a name with /as <name>; ` +
        (admin
          ? `the admin is ${admin}. `
          : `the first name you pick is the admin (${DEFAULT_MEMBER} never is). `) +
        'Try /help. End with /quit or Ctrl-D.',
    );
    this.done = this.loop();
  }

  private closeOutput(): void {
    this.outputGone = true;
    this.rl?.close();
  }

  /** Resolves when input ends or /quit is typed. */
  finished(): Promise<void> {
    return this.done ?? Promise.resolve();
  }

  async stop(): Promise<void> {}

  async perform(outcome: Outcome): Promise<void> {
    for (const e of outcome.effects) await this.effect(e);
  }

  private async loop(): Promise<void> {
    const rl = createInterface({ input: this.o.input, terminal: false, crlfDelay: Infinity });
    this.rl = rl;
    if (this.outputGone) rl.close();
    for await (const raw of rl) {
      if (this.outputGone) break;
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      if (line === '/quit' || line === '/exit') break;
      try {
        await this.line(line);
      } catch (err) {
        this.write(`(internal error: ${(err as Error).message}; nothing was changed)`);
      }
    }
    rl.close();
  }

  private async line(line: string): Promise<void> {
    const [head = '', ...rest] = line.split(/\s+/);
    switch (head) {
      case '/as':
        return await this.as(rest.join(' '));
      case '/in':
        this.channel = (rest[0] ?? 'general').replace(/^#/, '');
        return this.write(`(now in #${this.channel})`);
      case '/react':
      case '/unreact':
        return this.react(rest[0], rest[1], head === '/react');
      case '/clock':
        return this.clock(rest[0]);
      default:
        // The console has no chat: a line without a slash is not a command named after its first word.
        if (!head.startsWith('/'))
          return this.write('Commands start with / (this console has no chat). Try /help.');
        return this.command(line);
    }
  }

  private async as(name: string): Promise<void> {
    const clean = name.replace(/^@/, '').trim();
    if (!/^[\w.-]{1,32}$/.test(clean)) return this.write('Usage: /as <name> (letters, digits, . _ -)');
    this.actor = clean;
    // Insert-if-absent: two consoles naming their first member at once agree on one admin.
    const admin =
      clean === DEFAULT_MEMBER
        ? await this.o.settings.getSetting(ADMIN)
        : await this.o.settings.initSetting(ADMIN, clean);
    this.write(`(you are now ${clean}${admin === clean ? ' (admin)' : ''})`);
  }

  private async actorNow() {
    if (!this.actor) {
      this.actor = DEFAULT_MEMBER;
      this.write(`(you are ${DEFAULT_MEMBER}, not an admin; pick a name with /as <name>)`);
    }
    const userId = this.actor;
    return { userId, name: userId, isAdmin: (await this.o.settings.getSetting(ADMIN)) === userId };
  }

  private async command(line: string): Promise<void> {
    const actor = await this.actorNow();
    // Unique across processes: two consoles on one file may type at the same instant.
    const eventId = `console:${randomUUID()}`;
    const out = await this.o.core.handle({
      type: 'command',
      eventId,
      community: COMMUNITY,
      channelId: this.channel,
      actor,
      command: { text: line },
    });
    if (out.reply) await this.reply(out.reply, actor.userId);
    for (const e of out.effects) await this.effect(e);
  }

  private async react(ref: string | undefined, emoji: string | undefined, added: boolean): Promise<void> {
    const verb = added ? '/react' : '/unreact';
    if (!ref || !emoji || !/^m\d+$/.test(ref))
      return this.write(`${verb} needs a message reference and an emoji, e.g. ${verb} m7 ✅`);
    const shown = Number((await this.o.settings.getSetting(COUNTER)) ?? 0);
    if (Number(ref.slice(1)) > shown)
      return this.write(`There is no message ${ref} (the latest is m${shown}).`);
    const actor = await this.actorNow();
    this.write(`(${actor.name} ${added ? 'reacts' : 'removes'} ${emoji} on ${ref})`);
    const vote = voteEmoji(emoji);
    if (!vote) return; // other emoji are not votes
    const message = { channelId: this.channel, messageId: ref };
    const out = await this.o.core.handle({
      type: 'reaction',
      community: COMMUNITY,
      actor,
      message,
      emoji: vote.emoji,
      value: vote.value,
      added,
    });
    for (const e of out.effects) await this.effect(e);
  }

  private async clock(step: string | undefined): Promise<void> {
    const ms = step ? parseStep(step) : undefined;
    if (ms === undefined) return this.write('Usage: /clock +3d (or +36h, +90m)');
    await this.o.clock.advance(ms);
    this.write(`(clock is now ${formatTime(this.o.clock.now())})`);
    await this.o.runDue();
  }

  /** The next message reference; counted in one statement so two consoles never hand out the same one. */
  private async nextRef(): Promise<string> {
    return `m${await this.o.settings.addToSetting(COUNTER, 1)}`;
  }

  private async reply(r: Reply, userId: string): Promise<void> {
    const ref = await this.nextRef();
    const who = r.private ? `(only ${userId} sees this) ` : `#${this.channel} · `;
    this.write(block(ref, who, r.view ? renderView(r.view) : r.text.split('\n')));
    if (r.file) this.writeFile(r.file.name, r.file.content);
  }

  private writeFile(name: string, content: string): void {
    const dir = resolve(this.o.exportDir ?? 'exports');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, name);
    writeFileSync(path, content);
    this.write(`(file written: ${path})`);
  }

  private async effect(e: Effect): Promise<void> {
    switch (e.type) {
      case 'post': {
        const ref = await this.nextRef();
        if (e.cardKey)
          await this.o.core.recordCard(COMMUNITY, e.cardKey, {
            channelId: e.channelId,
            messageId: ref,
            threadId: e.thread ? `${ref}t` : undefined,
          });
        const thread = e.thread ? ` (thread "${e.thread.name}" opened)` : '';
        return this.write(
          block(ref, `#${e.channelId} · `, [...renderView(e.view), ...(thread ? [thread.trim()] : [])]),
        );
      }
      case 'update': {
        const card = await this.o.core.findCard(COMMUNITY, e.cardKey);
        if (!card) return;
        return this.write(block(card.messageId, `(updated) #${card.channelId} · `, renderView(e.view)));
      }
      case 'thread': {
        const card = await this.o.core.findCard(COMMUNITY, e.cardKey);
        if (!card) return;
        return this.write(
          block(await this.nextRef(), `↳ thread of ${card.messageId} · `, e.text.split('\n')),
        );
      }
      case 'say':
        return this.write(
          block(await this.nextRef(), `#${e.channelId || this.channel} · `, e.text.split('\n')),
        );
      case 'notify':
        return this.write(block(await this.nextRef(), `(to ${e.userId}) `, e.text.split('\n')));
    }
  }

  private write(text: string): void {
    if (this.outputGone) return;
    this.o.output.write(`${safeText(text)}\n`);
  }
}
