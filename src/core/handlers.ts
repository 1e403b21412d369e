/** Which core operation each validated command runs: one table, and the compiler proves it complete. */
import type { CommandInput, CommandName } from './commands.js';
import { auditList, verify } from './commons/audit-commands.js';
import { config, setup } from './community/setup.js';
import type { Ctx } from './shared/context.js';
import { help } from './help.js';
import type { PagedRead } from './shared/paged-read.js';
import { showLedger, showProfile } from './commons/ledger.js';
import { reviewCommand } from './reviews/commands.js';
import { submitTask } from './reviews/submit.js';
import { listTasks, showTask } from './tasks/queries.js';
import { cancelTask, claimTask, postTask } from './tasks/tasks.js';
import { unclaimTask } from './tasks/unclaim.js';
import { exportLedger } from './commons/export.js';
import { digestNow, scheduleDigest } from './digests/digests.js';
import { listProposals, showProposal } from './proposals/queries.js';
import { propose, voteCommand, withdrawProposal } from './proposals/proposals.js';
import type { Reply } from './shared/views.js';

/** A handler answers with a reply, or with a long read that runs in pages after its transaction. */
type Handlers = {
  [N in CommandName]: (
    ctx: Ctx,
    args: Extract<CommandInput, { name: N }>['args'],
  ) => Reply | PagedRead | Promise<Reply | PagedRead>;
};

const handlers = {
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
  propose,
  vote: voteCommand,
  'proposal list': listProposals,
  'proposal show': (ctx, a) => showProposal(ctx, a.proposal),
  'proposal withdraw': (ctx, a) => withdrawProposal(ctx, a.proposal),
  'digest now': digestNow,
  'digest schedule': scheduleDigest,
  'commons export': exportLedger,
  help: (_ctx, a) => help(a.command),
} satisfies Handlers;

export async function runCommand(ctx: Ctx, input: CommandInput): Promise<Reply | PagedRead> {
  const h = handlers[input.name] as (
    ctx: Ctx,
    args: unknown,
  ) => Reply | PagedRead | Promise<Reply | PagedRead>;
  return h(ctx, input.args);
}
