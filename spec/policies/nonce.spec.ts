import { defaultNonce, uuidV4 } from '../../lib/policies/nonce';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// Runs `fn` with `globalThis.crypto` replaced, then puts the original back.
function withCrypto<R>(crypto: unknown, fn: () => R): R {
  const original = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
  Object.defineProperty(globalThis, 'crypto', { value: crypto, configurable: true, writable: true });
  try {
    return fn();
  } finally {
    if (original) Object.defineProperty(globalThis, 'crypto', original);
  }
}

describe('defaultNonce', () => {
  afterEach(() => jest.restoreAllMocks());

  it('returns a v4 UUID', () => {
    expect(defaultNonce()).toMatch(UUID_V4);
  });

  it('returns a different value on each call', () => {
    const nonces = new Set(Array.from({ length: 100 }, () => defaultNonce()));
    expect(nonces.size).toBe(100);
  });

  it('uses crypto.randomUUID when it exists', () => {
    jest.spyOn(globalThis.crypto, 'randomUUID').mockReturnValue('11111111-2222-4333-8444-555555555555');
    expect(defaultNonce()).toBe('11111111-2222-4333-8444-555555555555');
  });

  it('falls back to getRandomValues without randomUUID', () => {
    const getRandomValues = jest.fn((bytes: Uint8Array) => bytes.fill(0xab));
    expect(withCrypto({ getRandomValues }, defaultNonce)).toBe('abababab-abab-4bab-abab-abababababab');
    expect(getRandomValues).toHaveBeenCalledTimes(1);
  });

  it('falls back to Math.random without Web Crypto', () => {
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.5);
    expect(withCrypto(undefined, defaultNonce)).toBe('80808080-8080-4080-8080-808080808080');
    expect(random).toHaveBeenCalledTimes(16);
  });
});

describe('uuidV4', () => {
  it('sets the version and variant bits', () => {
    expect(uuidV4(() => 0)).toBe('00000000-0000-4000-8000-000000000000');
    expect(uuidV4(() => 255)).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });

  it('lays the bytes out in order', () => {
    expect(uuidV4((i) => i)).toBe('00010203-0405-4607-8809-0a0b0c0d0e0f');
  });
});
