import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, parseSecretKey, seal } from '../../src/secret-box.js';

const hexKey = randomBytes(32).toString('hex');
const key = parseSecretKey(hexKey);

describe('secret box (AES-256-GCM with OSTROM_SECRET_KEY)', () => {
  it('reads a key of 64 hex digits or of base64, the same bytes either way', () => {
    const bytes = randomBytes(32);
    const a = parseSecretKey(bytes.toString('hex'));
    const b = parseSecretKey(bytes.toString('base64'));
    const c = parseSecretKey(` ${bytes.toString('base64url')}\n`);
    expect(a.bytes.equals(bytes) && b.bytes.equals(bytes) && c.bytes.equals(bytes)).toBe(true);
    expect(a.id).toMatch(/^[0-9a-f]{8}$/);
    expect(b.id).toBe(a.id);
  });

  it.each(['', 'secret', 'ab'.repeat(31), 'ab'.repeat(33), randomBytes(16).toString('base64')])(
    'refuses a key that is not 32 bytes (%j), without echoing it',
    (text) => {
      expect(() => parseSecretKey(text)).toThrow(
        /OSTROM_SECRET_KEY must be 32 random bytes.*openssl rand -hex 32/,
      );
      try {
        parseSecretKey(text);
      } catch (err) {
        if (text) expect((err as Error).message).not.toContain(text);
      }
    },
  );

  it('seals to text that holds neither the plaintext nor the key, and opens back', () => {
    const token = 'xoxb-1-2-abcdefabcdef';
    const sealed = seal(key, token, 'T1');
    expect(sealed).toMatch(/^v1\.[0-9a-f]{8}\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain(token);
    expect(sealed).not.toContain(hexKey);
    expect(seal(key, token, 'T1')).not.toBe(sealed); // a fresh IV each time
    expect(open(key, sealed, 'T1')).toBe(token);
  });

  it('says so when the key is another one', () => {
    const other = parseSecretKey(randomBytes(32).toString('hex'));
    const sealed = seal(key, 'xoxb-secret');
    expect(() => open(other, sealed)).toThrow(
      new RegExp(`sealed with another key \\(id ${key.id}\\).*key ${other.id}`),
    );
  });

  it('refuses altered data, and a value moved to another context', () => {
    const sealed = seal(key, 'xoxb-secret', 'T1');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[4]!, 'base64url');
    body[0] = body[0]! ^ 1;
    const tampered = [...parts.slice(0, 4), body.toString('base64url')].join('.');
    expect(() => open(key, tampered, 'T1')).toThrow(/failed its integrity check/);
    expect(() => open(key, sealed, 'T2')).toThrow(/failed its integrity check/);
    expect(() => open(key, 'xoxb-plain', 'T1')).toThrow(/not a sealed value/);
  });
});
