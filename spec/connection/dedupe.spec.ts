import { Dedupe } from '../../lib/connection/dedupe';

const seenAll = (d: Dedupe, ids: string[]) => ids.map((id) => d.seen(id));

describe('Dedupe', () => {
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
    d.seen('a');
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

  it('forgets the ids of an earlier handover when armed again', () => {
    const d = new Dedupe(5);
    d.arm();
    d.seen('a');
    d.arm();
    expect(seenAll(d, ['a', 'a'])).toEqual([false, true]);
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
});
