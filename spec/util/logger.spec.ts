import { safeLogger } from '../../lib/util/logger';

/** Token-like strings that none of redact's shape rules (JWT, 40+ characters) would catch on their own. */
const token = (n: number) => `tok-${n.toString(36)}-rotated`;

describe('safeLogger secrets', () => {
  it('redacts a secret from messages and metadata', () => {
    const lines: unknown[] = [];
    const log = safeLogger({ info: (m, meta) => lines.push([m, meta]) });
    log.addSecret('tok-123456');
    log.log('info', 'tok-123456 at start, twice: tok-123456', { token: 'tok-123456' });
    expect(lines).toEqual([['[redacted] at start, twice: [redacted]', { token: '[redacted]' }]]);
  });

  it('keeps a secret added twice and removed once', () => {
    const log = safeLogger(undefined);
    log.addSecret('tok-123456');
    log.addSecret('tok-123456');
    log.removeSecret('tok-123456');
    expect(log.scrub('using tok-123456')).toBe('using [redacted]');
    expect(log.secretCount()).toBe(1);
  });

  it('forgets a secret when its count reaches zero', () => {
    const log = safeLogger(undefined);
    log.addSecret('tok-123456');
    log.addSecret('tok-123456');
    log.removeSecret('tok-123456');
    log.removeSecret('tok-123456');
    expect(log.secretCount()).toBe(0);
    expect(log.scrub('using tok-123456')).toBe('using tok-123456');
  });

  it('ignores the removal of a secret it does not hold', () => {
    const log = safeLogger(undefined);
    log.addSecret('tok-123456');
    log.removeSecret('tok-999999');
    log.removeSecret('tok-999999');
    expect(log.secretCount()).toBe(1);
    expect(log.scrub('tok-123456')).toBe('[redacted]');
  });

  it('ignores secrets shorter than 4 characters', () => {
    const log = safeLogger(undefined);
    log.addSecret('');
    log.addSecret('abc');
    expect(log.secretCount()).toBe(0);
    expect(log.scrub('abc')).toBe('abc');
  });

  it('leaves no fragment of overlapping secrets', () => {
    const log = safeLogger(undefined);
    log.addSecret('abcdef');
    log.addSecret('defghi');
    log.addSecret('ghij');
    expect(log.scrub('xx abcdefghij yy ghij')).toBe('xx [redacted] yy [redacted]');
  });

  it('redacts secrets that share their beginning, like JWTs with one header', () => {
    const log = safeLogger(undefined);
    log.addSecret('header.payload-one.sig1');
    log.addSecret('header.payload-two.sig2');
    expect(log.scrub('a header.payload-two.sig2 b header.payload-one.sig1')).toBe('a [redacted] b [redacted]');
  });

  it('still applies the shape rules of redact', () => {
    const log = safeLogger(undefined);
    expect(log.scrub('wss://h/?reconnect_token=abc&x=1')).toBe('wss://h/?reconnect_token=[redacted]&x=1');
  });

  it('takes initial secrets, once each', () => {
    const log = safeLogger(undefined, new Set(['tok-123456']));
    expect(log.scrub('tok-123456')).toBe('[redacted]');
    log.removeSecret('tok-123456');
    expect(log.secretCount()).toBe(0);
  });

  it('returns to zero secrets after 100 000 rotated tokens, and still redacts a live one', () => {
    const log = safeLogger(undefined);
    log.addSecret('tok-live-one');
    for (let n = 0; n < 100_000; n++) {
      log.addSecret(token(n));
      log.removeSecret(token(n));
    }
    expect(log.secretCount()).toBe(1);
    expect(log.scrub(`gone ${token(42)}, live tok-live-one`)).toBe(`gone ${token(42)}, live [redacted]`);
    log.removeSecret('tok-live-one');
    expect(log.secretCount()).toBe(0);
  });

  it('redacts correctly with 100 000 live secrets', () => {
    const log = safeLogger(undefined);
    for (let n = 0; n < 100_000; n++) log.addSecret(token(n));
    expect(log.secretCount()).toBe(100_000);
    const line = `subscribed to channel.tips with ${token(7)} then ${token(99_999)}; ${'ordinary text '.repeat(10)}`;
    // (its cost is measured by the bench, not here: a unit test asserts no timing)
    const out = log.scrub(line);
    expect(out).toBe(`subscribed to channel.tips with [redacted] then [redacted]; ${'ordinary text '.repeat(10)}`);
    for (let n = 0; n < 100_000; n++) log.removeSecret(token(n));
    expect(log.secretCount()).toBe(0);
  });
});
