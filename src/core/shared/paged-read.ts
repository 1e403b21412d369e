/** A read too long for one transaction, done in pages (see `Governance.handle`). */
import type { Db } from '../../db/client.js';
import type { Reply } from './views.js';

/**
 * What a command handler returns instead of a reply when its read can be long (`/commons verify` on a
 * chain of a million events). The command's own transaction commits first; then `step` is called again
 * and again, each call in its own short read transaction, until it returns the reply. State between
 * pages lives in the object; each step reads at most one page.
 */
export abstract class PagedRead {
  abstract step(db: Db): Promise<Reply | undefined>;
}
