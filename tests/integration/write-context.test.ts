/** The context of a write unit (src/core/write-context.ts): what the events of one scope share. */
import { describe, expect, it } from 'vitest';
import { BatchScope } from '../../src/core/batch-scope.js';
import { RulesCache } from '../../src/core/community/rules-cache.js';
import { defaultRules } from '../../src/core/community/rules.js';
import { writeContext } from '../../src/core/write-context.js';
import type { Db } from '../../src/db/client.js';
import { run } from '../../src/db/step.js';
import { testDb } from '../helpers/test-db.js';

const ref = { platform: 'console' as const, id: 'scope-rules' };
const actor = (userId: string) => ({ userId, name: userId });

describe('write context', () => {
  it("shares one set of rules across a scope's events, which none can change for the others", async () => {
    const t = testDb();
    const cache = new RulesCache();
    const scope = new BatchScope();
    const out = await t.storage.write((db: Db) =>
      run(
        (function* () {
          const first = yield* writeContext(db, cache, ref, 1_000, 'ch', actor('u1'), scope);
          let threw: unknown;
          try {
            first.rules['review.approvals'] = 9;
          } catch (err) {
            threw = err;
          }
          const second = yield* writeContext(db, cache, ref, 1_000, 'ch', actor('u2'), scope);
          // Outside a scope (a command's unit), the context's rules are its own to change (`setRule`).
          const alone = yield* writeContext(db, cache, ref, 1_000, 'ch', actor('u3'));
          alone.rules['review.approvals'] = 7;
          const after = yield* writeContext(db, cache, ref, 1_000, 'ch', actor('u4'), scope);
          return { threw, second: second.rules, alone: alone.rules, after: after.rules };
        })(),
      ),
    );
    const approvals = defaultRules()['review.approvals'];
    expect(out.threw).toBeInstanceOf(TypeError);
    expect(out.second['review.approvals']).toBe(approvals);
    expect(out.alone['review.approvals']).toBe(7);
    expect(out.after['review.approvals']).toBe(approvals);
    await t.storage.close();
  });
});
