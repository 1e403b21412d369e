/**
 * Secrets at rest (Slack installations' tokens): AES-256-GCM with the key of OSTROM_SECRET_KEY. A sealed
 * value is text, `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts), so it fits a text column on
 * both databases. The key id (8 hex digits of a hash of the key, not the key) tells a wrong key apart
 * from altered data. `context` (e.g. the row's workspace) is authenticated too: a value copied into
 * another row does not open there.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const KEY_FORMAT = '32 random bytes as 64 hex digits or as base64 (generate one with `openssl rand -hex 32`)';

/** A parsed key: never printed (its id is what messages show). */
export interface SecretKey {
  readonly id: string;
  readonly bytes: Buffer;
}

/** OSTROM_SECRET_KEY's text → the key; throws saying the expected format (never echoing the value). */
export function parseSecretKey(text: string): SecretKey {
  const t = text.trim();
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(t)) bytes = Buffer.from(t, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) bytes = Buffer.from(t, 'base64');
  if (!bytes || bytes.length !== 32) throw new Error(`OSTROM_SECRET_KEY must be ${KEY_FORMAT}`);
  return { bytes, id: keyId(bytes) };
}

function keyId(bytes: Buffer): string {
  return createHash('sha256').update('ostrom secret key id\0').update(bytes).digest('hex').slice(0, 8);
}

const b64 = (b: Buffer) => b.toString('base64url');

/** Encrypts `plaintext`; `context` must be given again to open it. */
export function seal(key: SecretKey, plaintext: string, context = ''): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, key.id, b64(iv), b64(cipher.getAuthTag()), b64(body)].join('.');
}

/** Decrypts a sealed value; throws a clear error for another key, another format, or altered data. */
export function open(key: SecretKey, sealed: string, context = ''): string {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION)
    throw new Error(`not a sealed value of format ${VERSION} (the data is damaged or not encrypted)`);
  const [, id, iv, tag, body] = parts as [string, string, string, string, string];
  if (id !== key.id)
    throw new Error(
      `sealed with another key (id ${id}); OSTROM_SECRET_KEY is key ${key.id}. Start with the key the data was encrypted with.`,
    );
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new Error('a sealed value failed its integrity check: it was altered, or belongs to another row');
  }
}
