import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BOT_SCOPES, REDIRECT_PATH } from '../../adapters/slack/app.js';
import { groups } from '../../src/core/index.js';

const manifest = readFileSync(new URL('../../slack-manifest.yml', import.meta.url), 'utf8');
const lines = manifest.split('\n').filter((l) => !/^\s*#/.test(l));
const values = (re: RegExp) => lines.flatMap((l) => (re.exec(l)?.[1] ? [re.exec(l)![1]!] : []));

/** The list items under `key:` (until the indentation goes back). */
function listUnder(key: string): string[] {
  const start = lines.findIndex((l) => l.trim() === `${key}:`);
  if (start < 0) return [];
  const indent = lines[start]!.search(/\S/);
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (l.search(/\S/) <= indent) break;
    const m = /^\s*- ([\w:.]+)/.exec(l);
    if (m) out.push(m[1]!);
  }
  return out;
}

describe('slack-manifest.yml', () => {
  it('declares every command of the core, each escaping channels and members', () => {
    expect(values(/^\s+- command: (\/\S+)/).sort()).toEqual(groups.map((g) => `/${g}`).sort());
    expect(values(/^\s+should_escape: (\w+)/)).toEqual(groups.map(() => 'true'));
  });

  it('asks for exactly the bot scopes the adapter uses', () => {
    expect(listUnder('bot').sort()).toEqual(
      [
        'chat:write',
        'commands',
        'files:write',
        'im:write',
        'reactions:read',
        'reactions:write',
        'users:read',
      ].sort(),
    );
  });

  it('lists the same scopes the OAuth install of distribution mode asks for', () => {
    expect(listUnder('bot').sort()).toEqual([...BOT_SCOPES].sort());
  });

  it("gives distribution mode's redirect URL, on the path Ostrom serves, to uncomment", () => {
    expect(manifest).toMatch(/\n {2}# redirect_urls: +# Distribution\n/);
    expect(manifest).toContain(`#   - https://YOUR-HOST${REDIRECT_PATH}   # Distribution`);
  });

  it('subscribes to reactions, turns interactivity on and runs Socket Mode by default', () => {
    expect(listUnder('bot_events')).toEqual(['reaction_added', 'reaction_removed']);
    expect(manifest).toMatch(/interactivity:\n\s+is_enabled: true/);
    expect(manifest).toMatch(/\n\s+socket_mode_enabled: true\n/);
  });
});
