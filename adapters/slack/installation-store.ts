/**
 * Bolt's installation store on Ostrom's database (distribution mode): one row per workspace, or per
 * org-wide Enterprise Grid install. The whole installation Bolt hands over (bot token, refresh token,
 * scopes …) is sealed with OSTROM_SECRET_KEY into `data`; the plain columns only find a row and say
 * which workspace it is. Every access is one unit of work of the storage port, so it runs on both
 * databases; nothing it logs carries a token.
 */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { and, asc, eq } from 'drizzle-orm';
import { slackInstallations as t } from '../../src/db/schema.js';
import type { Storage } from '../../src/db/storage.js';
import type { Logger } from '../../src/log.js';
import { open, seal, type SecretKey } from '../../src/secret-box.js';

/** A row's key: '' stands for an absent id (an org-wide install has no team). */
interface Key {
  enterpriseId: string;
  teamId: string;
}

/** What an operator may know of an installation without its secrets. */
export interface InstalledWorkspace extends Key {
  teamName: string | null;
  botUserId: string | null;
  tokenExpiresAt: number | null;
  installedAt: number;
  updatedAt: number;
}

function keyOf(i: Installation): Key {
  return {
    enterpriseId: i.enterprise?.id ?? '',
    teamId: i.isEnterpriseInstall ? '' : (i.team?.id ?? ''),
  };
}

/** The sealed data is bound to its row: copied into another workspace's row, it does not open. */
const context = (k: Key) => `slack-installation:${k.enterpriseId}:${k.teamId}`;

export class SlackInstallationStore implements InstallationStore {
  constructor(
    private readonly storage: Storage,
    private readonly key: SecretKey,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Saves an installation: a new workspace, a reinstall, or rotated tokens (the same row). */
  async storeInstallation(installation: Installation): Promise<void> {
    const k = keyOf(installation);
    if (!k.teamId && !k.enterpriseId) throw new Error('a Slack installation without team or enterprise id');
    const at = this.now();
    const expiresAt = installation.bot?.expiresAt;
    const fields = {
      teamName: installation.isEnterpriseInstall
        ? (installation.enterprise?.name ?? null)
        : (installation.team?.name ?? null),
      appId: installation.appId ?? null,
      botUserId: installation.bot?.userId ?? null,
      tokenExpiresAt: expiresAt === undefined ? null : expiresAt * 1000,
      data: seal(this.key, JSON.stringify(installation), context(k)),
      updatedAt: at,
    };
    const fresh = await this.storage.write(async (db) => {
      const before = await db
        .select({ id: t.id })
        .from(t)
        .where(and(eq(t.enterpriseId, k.enterpriseId), eq(t.teamId, k.teamId)))
        .limit(1);
      await db
        .insert(t)
        .values({ ...k, ...fields, installedAt: at })
        .onConflictDoUpdate({ target: [t.enterpriseId, t.teamId], set: fields });
      return before.length === 0;
    });
    this.log.info(
      {
        team: k.teamId || undefined,
        enterprise: k.enterpriseId || undefined,
        rotating: expiresAt !== undefined,
      },
      fresh ? 'Slack workspace installed' : 'Slack installation updated',
    );
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation> {
    const found = await this.find(query);
    if (!found) {
      const what = query.isEnterpriseInstall ? `enterprise ${query.enterpriseId}` : `team ${query.teamId}`;
      throw new Error(`Ostrom is not installed in Slack ${what}`);
    }
    return JSON.parse(open(this.key, found.data, context(found))) as Installation;
  }

  /** Forgets an installation (uninstalled, or its bot token revoked). The community's data stays. */
  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    const found = await this.find(query);
    if (!found) return;
    await this.storage.write((db) => db.delete(t).where(eq(t.id, found.id)));
    this.log.info(
      { team: found.teamId || undefined, enterprise: found.enterpriseId || undefined },
      'Slack installation deleted; the community and its ledger are kept',
    );
  }

  /** Every installation, without secrets, oldest first. */
  list(): Promise<InstalledWorkspace[]> {
    return this.storage.read((db) =>
      db
        .select({
          enterpriseId: t.enterpriseId,
          teamId: t.teamId,
          teamName: t.teamName,
          botUserId: t.botUserId,
          tokenExpiresAt: t.tokenExpiresAt,
          installedAt: t.installedAt,
          updatedAt: t.updatedAt,
        })
        .from(t)
        .orderBy(asc(t.id)),
    );
  }

  /**
   * Opens every stored installation once: at start, so a wrong OSTROM_SECRET_KEY stops Ostrom with a
   * clear error rather than failing each request. Returns how many there are.
   */
  async check(): Promise<number> {
    const rows = await this.storage.read((db) => db.select().from(t));
    for (const r of rows) {
      try {
        open(this.key, r.data, context(r));
      } catch (err) {
        const which = r.teamId ? `team ${r.teamId}` : `enterprise ${r.enterpriseId}`;
        throw new Error(`cannot read the Slack installation of ${which}: ${(err as Error).message}`);
      }
    }
    return rows.length;
  }

  /**
   * A workspace's row; a team of an Enterprise Grid without its own row falls back to its org-wide
   * install.
   */
  private async find(q: InstallationQuery<boolean>) {
    return this.storage.read(async (db) => {
      const enterpriseId = q.enterpriseId ?? '';
      if (!q.isEnterpriseInstall && q.teamId) {
        const [row] = await db.select().from(t).where(eq(t.teamId, q.teamId)).limit(1);
        if (row || !enterpriseId) return row;
      }
      if (!enterpriseId) return undefined;
      const [org] = await db
        .select()
        .from(t)
        .where(and(eq(t.enterpriseId, enterpriseId), eq(t.teamId, '')))
        .limit(1);
      return org;
    });
  }
}
