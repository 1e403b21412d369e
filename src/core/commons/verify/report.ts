/** The answer to `/commons verify`: whether the chain holds, what failed first, and the anchor. */
import type { Reply } from '../../shared/views.js';
import { GENESIS } from '../audit.js';
import type { ChainState } from './chain.js';
import type { Anchor, Seen } from './types.js';

/** What a finished run found. */
export interface Findings {
  chain: ChainState;
  /** The first thing people read that does not match its event. */
  mismatch?: string;
  seen: Seen;
  anchor?: Anchor;
}

function verdict({ chain, mismatch, seen }: Findings): string[] {
  const head = `${chain.count} events, head #${chain.count} ${chain.count ? chain.prevHash : GENESIS}`;
  if (chain.broken)
    return [
      `Audit chain BROKEN at event #${chain.broken.seq}: ${chain.broken.reason}. The ${chain.count} events before it verify (head #${chain.count} ${chain.prevHash}).`,
    ];
  if (mismatch) return [`Audit check FAILED: ${mismatch}.`, `The chain itself links up: ${head}.`];
  return [
    `Audit chain intact: ${head}.`,
    `The ledger (${seen.entries} entries, with their tasks and people), ${seen.tasks.size} tasks and ${seen.proposals.size} proposals match their events.`,
  ];
}

function anchorLine(a: Anchor, chain: ChainState): string {
  const at = `Anchor #${a.seq} ${a.hash}`;
  if (chain.anchorOk === true) return `${at}: still in the chain.`;
  if (chain.anchorOk === false) return `${at}: DOES NOT MATCH: event #${a.seq} has a different hash now.`;
  if (chain.broken && a.seq >= chain.broken.seq) return `${at}: not checked, the chain breaks before it.`;
  return `${at}: MISSING: the chain has only ${chain.count} events, so events after #${chain.count} were deleted.`;
}

export function verifyReply(f: Findings): Reply {
  const lines = verdict(f);
  const { chain } = f;
  if (f.anchor) lines.push(anchorLine(f.anchor, chain));
  else if (!chain.broken && chain.count > 0)
    lines.push(
      `Save this head outside Ostrom; later, \`/commons verify ${chain.count}:${chain.prevHash}\` shows whether the chain still holds it.`,
    );
  return { private: true, text: lines.join('\n') };
}
