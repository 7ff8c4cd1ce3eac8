import { tokenSigner } from '../../lib/testing/tokens';

const decode = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('tokenSigner', () => {
  it('issues a JWT with an HS256 header and the claims', () => {
    const signer = tokenSigner('secret', { now: () => 1_000_000 });
    const token = signer.issue({ channel: 'abc', scopes: ['tips:read'], expiresInMs: 5000 });
    const [header, payload, signature] = token.split('.');
    expect(decode(header as string)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decode(payload as string)).toEqual({
      aud: 'astro',
      channel: 'abc',
      scopes: ['tips:read'],
      type: 'jwt',
      iat: 1000,
      exp: 1005,
      jti: expect.any(String),
    });
    expect(signature).toMatch(/^[\w-]{43}$/);
    expect(signer.verify(token)).toEqual({ ok: true, claims: expect.objectContaining({ channel: 'abc' }) });
  });

  it.each(['oauth2', 'apikey'] as const)('issues an opaque %s token that is not JWT-shaped', (type) => {
    const signer = tokenSigner('secret');
    const token = signer.issue({ channel: 'abc', type });
    expect(token.startsWith(`${type}_`)).toBe(true);
    expect(token.split('.')).toHaveLength(2);
    expect(signer.verify(token)).toEqual({ ok: true, claims: expect.objectContaining({ type, scopes: ['*'] }) });
  });

  it('gives every token a unique id', () => {
    const signer = tokenSigner('secret');
    expect(signer.issue({ channel: 'a' })).not.toBe(signer.issue({ channel: 'a' }));
  });

  it('rejects a token with a changed payload, another secret, or garbage', () => {
    const signer = tokenSigner('secret');
    const token = signer.issue({ channel: 'abc' });
    const [h, p, s] = token.split('.');
    const forged = [h, Buffer.from(JSON.stringify({ ...decode(p as string), channel: '*' })).toString('base64url'), s].join('.');
    expect(signer.verify(forged)).toEqual({ ok: false, reason: 'signature' });
    expect(tokenSigner('other').verify(token)).toEqual({ ok: false, reason: 'signature' });
    expect(signer.verify('garbage')).toEqual({ ok: false, reason: 'malformed' });
    expect(signer.verify('apikey_nodot')).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rejects an opaque token relabelled as another kind', () => {
    const signer = tokenSigner('secret');
    const token = signer.issue({ channel: 'abc', type: 'apikey' });
    expect(signer.verify(token.replace(/^apikey_/, 'oauth2_')).ok).toBe(false);
  });

  it('expires tokens at exp, with millisecond precision', () => {
    let now = 10_000;
    const signer = tokenSigner('secret', { now: () => now });
    const token = signer.issue({ channel: 'abc', expiresInMs: 50 });
    now = 10_049;
    expect(signer.verify(token).ok).toBe(true);
    now = 10_050;
    expect(signer.verify(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('keeps reconnect tokens and subscribe tokens apart', () => {
    const signer = tokenSigner('secret');
    const reconnect = signer.issueReconnect('01J5', [['channel.tips', 'abc']], 1000);
    expect(reconnect.startsWith('eyJhbGciOiJIUzI1NiIs')).toBe(true);
    expect(signer.verifyReconnect(reconnect)).toEqual({
      ok: true,
      claims: expect.objectContaining({ aud: 'astro:reconnect', cid: '01J5', subs: [['channel.tips', 'abc']] }),
    });
    expect(signer.verify(reconnect).ok).toBe(false);
    expect(signer.verifyReconnect(signer.issue({ channel: 'abc' })).ok).toBe(false);
  });

  it('validates the issue options', () => {
    const signer = tokenSigner('secret');
    expect(() => signer.issue({ channel: 1 as unknown as string })).toThrow(TypeError);
    expect(() => signer.issue({ channel: 'a', type: 'cookie' as 'jwt' })).toThrow(TypeError);
    expect(() => signer.issue({ channel: 'a', scopes: 'tips:read' as unknown as string[] })).toThrow(TypeError);
    expect(() => signer.issue({ channel: 'a', expiresInMs: NaN })).toThrow(TypeError);
    expect(() => tokenSigner('')).toThrow(TypeError);
  });
});
