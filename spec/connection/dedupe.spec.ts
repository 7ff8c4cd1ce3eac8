import { Dedupe } from '../../lib/connection/dedupe';

const B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** A ULID per short name: the same name, the same ULID. */
const ulid = (name: string): string => {
  const n = [...name].reduce((h, c) => h * 131 + c.charCodeAt(0), 7);
  return `01JMFBZF7KSRDDXXV0EH${Array.from({ length: 6 }, (_, i) => B32[Math.floor(n / 32 ** i) % 32]).join('')}`;
};

// The same behaviour whether ids are ULIDs (held packed) or any other string.
describe.each([
  ['string ids', (name: string) => name],
  ['ULID ids', ulid],
])('Dedupe, %s', (_kind, idOf) => {
  const seenAll = (d: Dedupe, names: string[]) => names.map((name) => d.seen(idOf(name), 'channel.tips', 'r1'));

  it('lets everything through while never armed', () => {
    const d = new Dedupe(10);
    expect(seenAll(d, ['a', 'a', 'b', 'a'])).toEqual([false, false, false, false]);
  });

  it('drops repeats without limit while two sockets overlap', () => {
    const d = new Dedupe(2);
    d.arm();
    expect(seenAll(d, ['a', 'b', 'a', 'c', 'b', 'a'])).toEqual([false, false, true, false, true, false]);
  });

  it('forgets ids beyond the window while overlapping', () => {
    const d = new Dedupe(2);
    d.arm();
    expect(seenAll(d, ['a', 'b', 'c', 'a'])).toEqual([false, false, false, false]);
  });

  it('after the switch, checks `window` more messages and then stops', () => {
    const d = new Dedupe(3);
    d.arm();
    seenAll(d, ['a']);
    d.settle(false);
    // budget refilled to 3: three checks, then nothing is checked
    expect(seenAll(d, ['a', 'x', 'a', 'a'])).toEqual([true, false, true, false]);
  });

  it('keeps checking while an old socket still delivers after the switch', () => {
    const d = new Dedupe(2);
    d.arm();
    d.settle(true);
    expect(seenAll(d, ['a', 'a', 'a', 'a', 'b', 'b'])).toEqual([false, true, true, true, false, true]);
    d.settle(false);
    expect(seenAll(d, ['b', 'b', 'b'])).toEqual([true, true, false]);
  });

  it('does not switch on by settling alone', () => {
    const d = new Dedupe(5);
    d.settle(true);
    expect(seenAll(d, ['a', 'a'])).toEqual([false, false]);
    d.settle(false);
    expect(seenAll(d, ['a', 'a'])).toEqual([false, false]);
  });

  it('keeps the ids of an earlier handover when armed again: its old socket may still deliver them', () => {
    const d = new Dedupe(5);
    d.arm();
    seenAll(d, ['a']);
    d.arm();
    expect(seenAll(d, ['a', 'b', 'b'])).toEqual([true, false, true]);
  });

  it('holds ids only while it checks: none once the budget after the switch is spent', () => {
    const d = new Dedupe(3);
    d.arm();
    seenAll(d, ['a', 'b', 'c', 'd']);
    expect(d.size).toBe(3);
    d.settle(false);
    expect(seenAll(d, ['d', 'e'])).toEqual([true, false]);
    expect(d.size).toBe(3);
    // the last check still answers, then every id is let go
    expect(d.seen(idOf('e'), 'channel.tips', 'r1')).toBe(true);
    expect(d.size).toBe(0);
    expect(seenAll(d, ['e', 'e'])).toEqual([false, false]);
    expect(d.size).toBe(0);
  });

  it('stays off once the budget after the switch is spent, even when settled again', () => {
    const d = new Dedupe(1);
    d.arm();
    d.settle(false);
    expect(seenAll(d, ['a', 'a'])).toEqual([false, false]);
    d.settle(true);
    expect(seenAll(d, ['a', 'a'])).toEqual([false, false]);
    d.settle(false);
    expect(seenAll(d, ['a', 'a'])).toEqual([false, false]);
  });

  it('knows an id within its topic and room only (the same id elsewhere is another event)', () => {
    const d = new Dedupe(10);
    d.arm();
    const id = idOf('a');
    expect([d.seen(id, 'channel.tips', 'r1'), d.seen(id, 'channel.tips.moderation', 'r1'), d.seen(id, 'channel.tips', 'r2')]).toEqual([false, false, false]);
    expect([d.seen(id, 'channel.tips', 'r1'), d.seen(id, 'channel.tips.moderation', 'r1'), d.seen(id, 'channel.tips', 'r2')]).toEqual([true, true, true]);
    // the separator counts: topic "ab" in room "c" is not topic "a" in room "bc"
    expect([d.seen(id, 'ab', 'c'), d.seen(id, 'a', 'bc')]).toEqual([false, false]);
    expect(d.size).toBe(5);
  });
});

describe('Dedupe: config', () => {
  it.each([0, -1, Number.NaN])('refuses a window of %p, saying what it got', (window) => {
    expect(() => new Dedupe(window)).toThrow(new TypeError(`dedupeWindow must be >= 1, got ${window}`));
  });

  it('holds ULIDs and other ids apart, each up to the window', () => {
    const d = new Dedupe(2);
    d.arm();
    ['a', 'b', 'c'].forEach((name) => d.seen(ulid(name), 't', 'r'));
    ['a', 'b', 'c'].forEach((name) => d.seen(name, 't', 'r'));
    expect(d.size).toBe(4);
    expect([d.seen(ulid('a'), 't', 'r'), d.seen(ulid('c'), 't', 'r'), d.seen('a', 't', 'r'), d.seen('c', 't', 'r')]).toEqual([false, true, false, true]);
  });
});
