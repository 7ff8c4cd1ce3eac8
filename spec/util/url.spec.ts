import { checkUrl, reconnectUrl } from '../../lib/util/url';
import { safeLogger } from '../../lib/util/logger';

describe('checkUrl', () => {
  it.each(['wss://astro.streamelements.com', 'ws://127.0.0.1:8080', 'ws://localhost:1', 'ws://[::1]:9'])('accepts %s', (url) => {
    expect(() => checkUrl(url)).not.toThrow();
  });

  it.each([
    ['ws://astro.streamelements.com', 'insecure_url'],
    ['http://example.com', 'invalid_argument'],
    ['not a url', 'invalid_argument'],
  ])('rejects %s with %s', (url, code) => {
    expect(() => checkUrl(url)).toThrow(expect.objectContaining({ code }));
  });

  it('names the option that allows ws:// elsewhere', () => {
    expect(() => checkUrl('ws://10.1.2.3')).toThrow(/allowInsecure/);
    expect(() => checkUrl('ws://10.1.2.3', true)).not.toThrow();
  });

  it('URL-encodes the reconnect token', () => {
    expect(reconnectUrl('wss://h/', 'a+b/c=')).toBe('wss://h/?reconnect_token=a%2Bb%2Fc%3D');
  });
});

describe('safeLogger', () => {
  it('redacts secrets from messages and metadata, and survives a throwing logger', () => {
    const lines: unknown[] = [];
    const log = safeLogger({ info: (m, meta) => lines.push([m, meta]), warn: () => { throw new Error('boom'); } });
    log.addSecret('tok-123456');
    log.log('info', 'using tok-123456 at wss://h/?reconnect_token=abc', { token: 'tok-123456', nested: { t: 'x tok-123456' } });
    expect(() => log.log('warn', 'x')).not.toThrow();
    log.log('debug', 'not configured');
    expect(JSON.stringify(lines)).not.toContain('tok-123456');
    expect(JSON.stringify(lines)).not.toContain('abc');
    expect(lines).toHaveLength(1);
  });
});
