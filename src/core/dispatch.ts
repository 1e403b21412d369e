/** Which core operation each validated command runs. */
import type { CommandInput, CommandName } from './commands.js';
import { auditList, config, setup, verify } from './commons.js';
import type { Ctx } from './context.js';
import { help } from './help.js';
import type { PagedRead } from './paged-read.js';
import { showLedger, showProfile } from './ledger.js';
import { reviewCommand, submitTask } from './reviews.js';
import { listTasks, showTask } from './task-queries.js';
import { cancelTask, claimTask, postTask } from './tasks.js';
import { unclaimTask } from './unclaim.js';
import type { Reply } from './views.js';

/** A handler answers with a reply, or with a long read that runs in pages after its transaction. */
type Handlers = {
  [N in CommandName]: (ctx: Ctx, args: Extract<CommandInput, { name: N }>['args']) => Reply | PagedRead;
};

/** Extended by feature modules (proposals, digests, export) through `registerHandlers`. */
const handlers: Partial<Handlers> = {
  'task post': postTask,
  'task list': listTasks,
  'task show': (ctx, a) => showTask(ctx, a.task),
  'task claim': (ctx, a) => claimTask(ctx, a.task),
  'task unclaim': (ctx, a) => unclaimTask(ctx, a.task),
  'task submit': submitTask,
  'task cancel': cancelTask,
  review: reviewCommand,
  'commons setup': setup,
  'commons config': (ctx) => config(ctx),
  'commons ledger': (ctx, a) => showLedger(ctx, a.member),
  'commons profile': (ctx, a) => showProfile(ctx, a.member),
  'commons audit': (ctx, a) => auditList(ctx, a.n),
  'commons verify': (ctx, a) => verify(ctx, a.anchor),
  help: (_ctx, a) => help(a.command),
};

export function registerHandlers(more: Partial<Handlers>): void {
  Object.assign(handlers, more);
}

export function runCommand(ctx: Ctx, input: CommandInput): Reply | PagedRead {
  const h = handlers[input.name] as ((ctx: Ctx, args: unknown) => Reply | PagedRead) | undefined;
  if (!h) throw new Error(`no handler for /${input.name}`);
  return h(ctx, input.args);
}
