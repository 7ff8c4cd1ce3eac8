import { Move, SETTLE_MS, admits, wantedOn } from '../../../lib/client/pool/move';
import { confirm, holders, moveTo, refuse } from '../../../lib/client/pool/placement';

// A move from connection 0 to connection 1, as a table: which copy of an event reaches the subscribers.

const entry = () => ({ owner: 0, move: undefined as Move | undefined });
/** An entry whose move 0 → 1 switched at t = 100. */
function switched() {
  const e = entry();
  moveTo(e, 1);
  confirm(e, 1, 100);
  return e;
}

describe('a move between two connections', () => {
  it('asks the target to subscribe first and keeps the owner until it confirms', () => {
    const e = entry();
    expect(moveTo(e, 1)).toEqual([{ type: 'want', conn: 1 }]);
    expect(holders(e)).toEqual([0, 1]);
    expect([wantedOn(e, 0), wantedOn(e, 1)]).toEqual([true, true]);
    // only the owner's copies while pending
    expect([admits(e, 0, 'a', 50), admits(e, 1, 'b', 50)]).toEqual([true, false]);
    // a confirmation from another connection switches nothing
    expect(confirm(e, 2, 60)).toBeUndefined();
    expect(confirm(e, 1, 100)).toBe(0);
    expect(e.owner).toBe(1);
    expect(holders(e)).toEqual([1]);
    expect([wantedOn(e, 0), wantedOn(e, 1)]).toEqual([false, true]);
  });

  it('re-aims a pending move (unsubscribing the abandoned target) and cancels it when aimed back at the owner', () => {
    const e = entry();
    moveTo(e, 1);
    expect(moveTo(e, 1)).toEqual([]);
    expect(moveTo(e, 2)).toEqual([
      { type: 'unwant', conn: 1 },
      { type: 'want', conn: 2 },
    ]);
    expect(moveTo(e, 0)).toEqual([{ type: 'unwant', conn: 2 }]);
    expect(e.move).toBeUndefined();
    expect(holders(e)).toEqual([0]);
  });

  it('calls a move off when the target refuses, keeping the owner', () => {
    const e = entry();
    moveTo(e, 1);
    expect(refuse(e, 0)).toBe(false);
    expect(refuse(e, 1)).toBe(true);
    expect(e.owner).toBe(0);
    expect(e.move).toBeUndefined();
  });

  it.each([
    // [first copy, second copy]: the first of the two to arrive is delivered, never both
    ['the new connection first', 1, 0],
    ['the old connection first (its socket read ahead)', 0, 1],
  ])('while settling, delivers an event seen on both connections once, %s', (_name, first, second) => {
    const e = switched();
    expect(admits(e, first, 'x', 110)).toBe(true);
    expect(admits(e, second, 'x', 111)).toBe(false);
  });

  it('while settling, delivers an event only the old connection had (published before the switch, read late)', () => {
    const e = switched();
    expect(admits(e, 1, 'after', 101)).toBe(true);
    expect(admits(e, 0, 'before', 102)).toBe(true);
  });

  it('ignores the old connection without ids, after the settling window, and forgets the move then', () => {
    const e = switched();
    expect(admits(e, 0, undefined, 101)).toBe(false);
    expect(admits(e, 1, undefined, 101)).toBe(true);
    expect(admits(e, 0, 'late', 100 + SETTLE_MS + 1)).toBe(false);
    expect(e.move).toBeUndefined();
    expect(admits(e, 1, 'next', 100 + SETTLE_MS + 2)).toBe(true);
  });

  it('never admits a third connection', () => {
    const e = switched();
    expect(admits(e, 2, 'z', 101)).toBe(false);
    expect(admits(entry(), 2, 'z', 0)).toBe(false);
  });
});
