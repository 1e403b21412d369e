/**
 * Each community's parsed rules, kept per process (one per `Governance`, so per database) and keyed by
 * the community row's `rules_version`: every unit that writes a rule bumps it (`setRule`), and every
 * unit reads the row first (a write unit locks it), so a version seen again means the rules are the
 * ones cached under it, whichever process changed them last.
 */
import type { Db } from '../../db/client.js';
import type { CommunityRow } from '../shared/context.js';
import { loadRules } from './community.js';
import type { Rules } from './rules.js';

export class RulesCache {
  private readonly byCommunity = new Map<number, { version: number; rules: Readonly<Rules> }>();

  /**
   * The rules of `community`, a row read at the start of this unit, before anything was written. Only
   * a write unit (`fill`) caches what it loads: it holds the row's lock, so no rule can change between
   * reading the version and reading the rules. Each caller gets its own copy (a unit's `setRule` writes
   * into its context's rules).
   */
  async rulesOf(db: Db, community: CommunityRow, fill: boolean): Promise<Rules> {
    const hit = this.byCommunity.get(community.id);
    if (hit && hit.version === community.rulesVersion) return { ...hit.rules };
    const rules = await loadRules(db, community.id);
    if (fill) this.byCommunity.set(community.id, { version: community.rulesVersion, rules: { ...rules } });
    return rules;
  }
}
