/** How much each digest section reads, and how far back or ahead it looks. */
import { DAY_MS, HOUR_MS } from '../../shared/model.js';

/** Items per section read from the database; the renderer may show fewer. */
export const SECTION_LOAD = 10;
export const SKILL_GROUPS_LOAD = 8;
export const PER_SKILL_LOAD = 5;
/** The first digest of a channel looks back this far for new tasks and contributions. */
export const FIRST_LOOKBACK_MS = 7 * DAY_MS;
export const PROPOSALS_WITHIN_MS = 48 * HOUR_MS;
export const CLAIMS_WITHIN_MS = 3 * DAY_MS;
