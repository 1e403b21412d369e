import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, log: createLogger('info', sink) };
}

describe('logging', () => {
  it('redacts interaction and webhook tokens from logged errors', () => {
    const { lines, log } = capture();
    const err = Object.assign(
      new Error('Unknown interaction at /api/v10/interactions/123/aW50ZXJhY3Rpb246c2VjcmV0/callback'),
      {
        url: 'http://x/api/v10/webhooks/456/aW50ZXJhY3Rpb246c2VjcmV0/messages/@original',
      },
    );
    log.error({ err }, 'reply failed');
    expect(lines.join('')).not.toMatch(/aW50ZXJhY3Rpb246c2VjcmV0/);
    expect(lines.join('')).toMatch(/interactions\/123\/\[token\]/);
    expect(lines.join('')).toMatch(/webhooks\/456\/\[token\]/);
  });

  it('redacts secret fields by name', () => {
    const { lines, log } = capture();
    log.info({ DISCORD_TOKEN: 'bot-token-value', token: 'x-secret' }, 'config');
    expect(lines.join('')).not.toMatch(/bot-token-value|x-secret/);
  });
});
