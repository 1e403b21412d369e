/**
 * `/commons verify`: the audit chain, and what people read checked against it.
 *
 * The chain alone proves only that the events link up. What members read is the ledger, the tasks and
 * the proposals, kept in their own tables, so each of those is checked against the event that made it:
 * - every `contribution.accepted` event has its ledger entry, equal in task number and title,
 *   contributors and reviewers (user ids, and names where the event carries them), link, license,
 *   time and audit hash; its `ledger_people` rows name the same members in the same roles;
 * - every ledger entry has its event (one added or left behind by hand has none);
 * - every `task.posted` / `proposal.opened` event matches its row (number, title …), and the
 *   community's numbering has an event for every number it gave out: deleting the newest events
 *   leaves tasks or proposals without one.
 * Deleting the newest events that left no such trace is what no check inside the database can see;
 * an anchor can: the head (seq and hash) saved somewhere else earlier must still be in the chain.
 *
 * Paging: a chain can hold a million events, so this is a `PagedRead`. Each step reads one page of
 * at most VERIFY_PAGE events plus, for the events of that page only, the rows they describe; the
 * next step continues after the last seq. Everything is bounded by a snapshot taken in the first
 * step (head seq, last ledger id, the numbering), so events and entries committed meanwhile by other
 * commands are neither checked nor mistaken for strays.
 *
 * The checks live in `verify/` (chain, posted-check, ledger-check, numbering); the Verifier pages
 * through them in that order.
 */
import type { Db } from '../../db/client.js';
import { PagedRead } from '../shared/paged-read.js';
import type { Reply } from '../shared/views.js';
import { chainPage, chainStart, follow } from './verify/chain.js';
import { checkAccepted, ledgerPage, strayEntry } from './verify/ledger-check.js';
import { numberingProblem } from './verify/numbering.js';
import { checkProposals, checkTasks } from './verify/posted-check.js';
import { verifyReply } from './verify/report.js';
import { takeSnapshot } from './verify/snapshot.js';
import { nothingSeen, type Anchor, type AuditRow, type Snapshot } from './verify/types.js';

export type { Anchor };

/**
 * Events per read transaction. A page holds SQLite's one connection (and PostgreSQL's snapshot) for
 * as long as it takes: 1,000 events took up to ~50 ms on the bench's 1.36M-event chain (issue 12's
 * limit for `verify.blocks`), more on a busy machine; 250 keeps each block a quarter of that, for a
 * little more per-transaction overhead over the whole run.
 */
export const VERIFY_PAGE = 250;

export class Verifier extends PagedRead {
  private snap?: Snapshot;
  private phase: 'chain' | 'ledger' | 'done' = 'chain';
  private readonly chain = chainStart();
  private readonly seen = nothingSeen();
  private ledgerAfter = 0;
  /** The first thing people read that does not match its event. */
  private mismatch?: string;

  constructor(
    private readonly communityId: number,
    private readonly anchor?: Anchor,
    private readonly page = VERIFY_PAGE,
  ) {
    super();
  }

  async step(db: Db): Promise<Reply | undefined> {
    if (!this.snap) {
      this.snap = await takeSnapshot(db, this.communityId);
      return undefined;
    }
    if (this.phase === 'chain') {
      if (await this.chainStep(db, this.snap)) return undefined;
      this.phase = this.chain.broken || this.mismatch ? 'done' : 'ledger';
      return undefined;
    }
    if (this.phase === 'ledger') {
      if (await this.ledgerStep(db, this.snap)) return undefined;
      this.phase = 'done';
      this.mismatch ??= numberingProblem(this.seen, this.snap);
    }
    return verifyReply({ chain: this.chain, mismatch: this.mismatch, seen: this.seen, anchor: this.anchor });
  }

  /** One page of the chain and the rows its events describe. False when the chain is done (or broken). */
  private async chainStep(db: Db, snap: Snapshot): Promise<boolean> {
    const events = await chainPage(db, this.communityId, this.chain.count, snap.headSeq, this.page);
    if (events.length === 0 || !follow(this.chain, events, this.anchor)) return false;
    this.mismatch ??= await this.checkRows(db, events);
    return true;
  }

  /** The first row of this page's events that does not match its event, checked in this order. */
  private async checkRows(db: Db, events: AuditRow[]): Promise<string | undefined> {
    const of = (type: string) => events.filter((e) => e.type === type);
    const id = this.communityId;
    return (
      (await checkTasks(db, id, of('task.posted'), this.seen.tasks)) ??
      (await checkProposals(db, id, of('proposal.opened'), this.seen.proposals)) ??
      (await checkAccepted(db, id, of('contribution.accepted'), this.seen))
    );
  }

  /** One page of ledger ids: every entry up to the snapshot must belong to an event of the chain. */
  private async ledgerStep(db: Db, snap: Snapshot): Promise<boolean> {
    const ids = await ledgerPage(db, this.communityId, this.ledgerAfter, snap.lastLedgerId, this.page);
    const stray = strayEntry(ids, this.seen);
    if (stray) this.mismatch = stray;
    if (stray || ids.length < this.page) return false;
    this.ledgerAfter = ids.at(-1)!.id;
    return true;
  }
}
