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

describe('logging Slack secrets', () => {
  const bot = 'xoxb-1111111111-2222222222-AbCdEfGhIjKlMnOpQrStUvWx';
  const app = 'xapp-1-A0123456789-1234567890123-0123456789abcdef';
  const signing = '8f742231b10e8888abcd99yyyzzz85a5';

  function captureWith(secrets: string[]) {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    return { lines, log: createLogger('debug', sink, { secrets }) };
  }

  it('removes xoxb- and xapp- tokens from messages, fields and nested errors', () => {
    const { lines, log } = captureWith([]);
    const original = Object.assign(new Error(`request with ${bot} failed`), {
      config: { headers: { Authorization: `Bearer ${bot}` } },
    });
    const err = Object.assign(new Error('An API error occurred: invalid_auth'), {
      original,
      data: { ok: false, echo: `token=${app}` },
    });
    log.error({ err, detail: { sent: [`x ${bot}`] } }, `calling with ${app}`);
    log.debug(`http request headers: {"Authorization":"Bearer ${bot}"}`);
    const out = lines.join('');
    expect(out).not.toContain(bot);
    expect(out).not.toContain(app);
    expect(out).not.toMatch(/xoxb-|xapp-/);
    expect(out).toContain('invalid_auth');
  });

  it('removes a configured secret value such as the signing secret wherever it appears', () => {
    const { lines, log } = captureWith([signing]);
    log.warn({ err: new Error(`bad secret ${signing}`), signingSecret: signing }, `secret is ${signing}`);
    expect(lines.join('')).not.toContain(signing);
    expect(lines.join('')).toContain('bad secret [secret]');
  });
});
