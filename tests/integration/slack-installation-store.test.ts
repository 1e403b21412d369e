/** The database installation store of Slack's distribution mode, on SQLite and (pg project) PostgreSQL. */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Installation } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { SlackInstallationStore } from '../../adapters/slack/installation-store.js';
import { createLogger } from '../../src/log.js';
import { parseSecretKey } from '../../src/secret-box.js';
import { testDb, type TestDb } from '../helpers/test-db.js';

const key = parseSecretKey(randomBytes(32).toString('hex'));
const lines: string[] = [];
const log = createLogger(
  'debug',
  new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  }),
);

function installation(team: string | undefined, token: string, enterprise?: string): Installation {
  return {
    team: team ? { id: team, name: `Team ${team}` } : undefined,
    enterprise: enterprise ? { id: enterprise, name: `Org ${enterprise}` } : undefined,
    user: { id: 'U1', token: undefined, scopes: undefined },
    bot: { token, id: 'B1', userId: 'UBOT', scopes: ['commands', 'chat:write'] },
    appId: 'A1',
    tokenType: 'bot',
    isEnterpriseInstall: !team,
    authVersion: 'v2',
  } as Installation;
}

const team = (teamId: string) => ({ teamId, enterpriseId: undefined, isEnterpriseInstall: false }) as const;

let db: TestDb | undefined;
afterEach(async () => {
  await db?.storage.close();
  db = undefined;
});

describe('Slack installation store', () => {
  it('stores, finds, updates in place and deletes one row per workspace, its tokens sealed', async () => {
    db = testDb();
    const store = new SlackInstallationStore(db.storage, key, log, () => 1_000);
    const t1 = `xoxb-${randomBytes(8).toString('hex')}`;
    const t2 = `xoxb-${randomBytes(8).toString('hex')}`;
    await store.storeInstallation(installation('T1', t1));
    await store.storeInstallation(installation('T2', 'xoxb-other'));
    expect((await store.fetchInstallation(team('T1'))).bot?.token).toBe(t1);
    await store.storeInstallation(installation('T1', t2)); // a reinstall: same row, new token
    expect((await store.fetchInstallation(team('T1'))).bot?.token).toBe(t2);
    const rows = await db.query<Record<string, unknown>>('select * from slack_installations');
    expect(rows).toHaveLength(2);
    for (const v of rows.flatMap((r) => Object.values(r))) expect(String(v)).not.toMatch(/xoxb-/);
    expect(await store.list()).toEqual([
      expect.objectContaining({ teamId: 'T1', teamName: 'Team T1', botUserId: 'UBOT', enterpriseId: '' }),
      expect.objectContaining({ teamId: 'T2' }),
    ]);
    await store.deleteInstallation(team('T1'));
    await expect(store.fetchInstallation(team('T1'))).rejects.toThrow(/not installed in Slack team T1/);
    expect(lines.join('')).not.toMatch(new RegExp(`${t1}|${t2}`));
  });

  it("finds a grid team's own install first, else its organisation's install", async () => {
    db = testDb();
    const store = new SlackInstallationStore(db.storage, key, log);
    await store.storeInstallation(installation(undefined, 'xoxb-org', 'E1'));
    await store.storeInstallation(installation('T9', 'xoxb-team', 'E1'));
    const q = (teamId: string) => ({ teamId, enterpriseId: 'E1', isEnterpriseInstall: false }) as const;
    expect((await store.fetchInstallation(q('T9'))).bot?.token).toBe('xoxb-team');
    expect((await store.fetchInstallation(q('T8'))).bot?.token).toBe('xoxb-org');
    expect(
      (await store.fetchInstallation({ teamId: undefined, enterpriseId: 'E1', isEnterpriseInstall: true }))
        .bot?.token,
    ).toBe('xoxb-org');
  });

  it('refuses at start with another key, and a sealed value copied into another row', async () => {
    db = testDb();
    const store = new SlackInstallationStore(db.storage, key, log);
    await store.storeInstallation(installation('T1', 'xoxb-one'));
    await store.storeInstallation(installation('T2', 'xoxb-two'));
    expect(await store.check()).toBe(2);
    const other = new SlackInstallationStore(
      db.storage,
      parseSecretKey(randomBytes(32).toString('hex')),
      log,
    );
    await expect(other.check()).rejects.toThrow(/Slack installation of team T1: sealed with another key/);
    await db.exec(
      "update slack_installations set data = (select data from slack_installations where team_id = 'T1') where team_id = 'T2'",
    );
    await expect(store.fetchInstallation(team('T2'))).rejects.toThrow(/integrity check/);
  });
});
