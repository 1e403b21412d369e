/** Registers the feature modules beyond tasks (proposals, digests, export) with the dispatcher. */
import { registerHandlers } from './dispatch.js';
import { z } from 'zod';
import { job, registerJobs } from './jobs.js';
import { digestNow, runScheduledDigest, scheduleDigest } from './digests.js';
import { exportLedger } from './ledger-export.js';
import { closeProposal } from './proposal-close.js';
import { listProposals, showProposal } from './proposal-queries.js';
import {
  isProposalOpen,
  propose,
  proposalById,
  refreshProposalCard,
  voteCommand,
  withdrawProposal,
} from './proposals.js';
import { registerVoteTarget } from './reactions.js';

// Proposals (SPEC §2, §4): commands, the close at the deadline, and reactions on proposal cards.
registerHandlers({
  propose,
  vote: voteCommand,
  'proposal list': listProposals,
  'proposal show': (ctx, a) => showProposal(ctx, a.proposal),
  'proposal withdraw': (ctx, a) => withdrawProposal(ctx, a.proposal),
});
registerJobs({ 'proposal.close': job(z.object({ proposalId: z.number().int().positive() }), closeProposal) });
registerVoteTarget('proposal', {
  isOpen: isProposalOpen,
  afterChange: (ctx, id) => {
    const p = proposalById(ctx, id);
    if (p) refreshProposalCard(ctx, p);
  },
});

// Digests in a channel and the ledger as open data (SPEC §2, §4).
registerHandlers({
  'digest now': digestNow,
  'digest schedule': scheduleDigest,
  'commons export': exportLedger,
});
registerJobs({ 'digest.post': job(z.object({ channelId: z.string().min(1) }), runScheduledDigest) });
export {};
