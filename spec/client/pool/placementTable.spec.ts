import { Move, SETTLE_IDS, SETTLE_MS, admits, wantedOn } from '../../../lib/client/pool/move';
import { confirm, holders, moveTo, placeOf, refuse, type Placeable } from '../../../lib/client/pool/placement';
import { keyHash, ownerOf } from '../../../lib/client/pool/rendezvous';

// The placement machine as tables: where a key goes, and what each step of a move does.

const key = (room: string, canonical?: string): Placeable => ({ topic: 'channel.tips', room, tokenRef: 1, canonical, owner: 0, move: undefined });
const placed = (owner = 0) => ({ owner, move: undefined as Move | undefined });
/** A key whose owner among 4 is not 0, and whose canonical room has another owner again. */
const rooms = Array.from({ length: 200 }, (_, i) => `r${i}`);
const ownedBy = (k: number, o: number) => rooms.find((r) => ownerOf(keyHash('channel.tips', r, 'tok'), k) === o) as string;

describe('placeOf', () => {
  it('hashes the topic, the room and the token among k connections', () => {
    for (let o = 0; o < 4; o++) expect(placeOf(key(ownedBy(4, o)), 4, 'tok')).toBe(o);
  });

  it('puts every key on connection 0 when k is 1, and an entry without a token on 0', () => {
    const room = ownedBy(4, 3);
    expect(placeOf(key(room), 1, 'tok')).toBe(0);
    expect(placeOf(key(room), 4, undefined)).toBe(0);
    expect(placeOf(key(room), 4, 'tok')).toBe(3);
  });

  it('hashes the canonical room once known, not the requested one', () => {
    const requested = ownedBy(4, 1);
    const canonical = ownedBy(4, 2);
    expect(placeOf(key(requested, canonical), 4, 'tok')).toBe(2);
    expect(placeOf(key(canonical, requested), 4, 'tok')).toBe(1);
  });

  it('depends on the token', () => {
    const owners = new Set(['a1', 'b2', 'c3', 'd4', 'e5', 'f6', 'g7', 'h8'].map((t) => placeOf(key('r0'), 8, t)));
    expect(owners.size).toBeGreaterThan(1);
  });
});

describe('moveTo, confirm, refuse and holders', () => {
  it('moving to the owner without a move asks for nothing and keeps no move', () => {
    const e = placed(2);
    expect(moveTo(e, 2)).toEqual([]);
    expect(e.move).toBeUndefined();
    expect(holders(e)).toEqual([2]);
  });

  it('a settling move is replaced without unsubscribing anyone', () => {
    const e = placed(0);
    moveTo(e, 1);
    confirm(e, 1, 10);
    // the owner is now 1; moving to 2 wants 2 only, the settling move is forgotten
    expect(moveTo(e, 2)).toEqual([{ type: 'want', conn: 2 }]);
    expect(e.move?.from).toBe(1);
    expect(e.move?.to).toBe(2);
    expect(e.move?.pending).toBe(true);
  });

  it('moving a settling entry back to its owner drops the move and asks nothing', () => {
    const e = placed(0);
    moveTo(e, 1);
    confirm(e, 1, 10);
    expect(moveTo(e, 1)).toEqual([]);
    expect(e.move).toBeUndefined();
  });

  it('a settling move holds only the owner, and a confirmation or a refusal after the switch changes nothing', () => {
    const e = placed(0);
    moveTo(e, 1);
    expect(confirm(e, 1, 10)).toBe(0);
    expect(holders(e)).toEqual([1]);
    expect([wantedOn(e, 0), wantedOn(e, 1)]).toEqual([false, true]);
    expect(confirm(e, 1, 20)).toBeUndefined();
    expect(e.move?.switchedAt).toBe(10);
    expect(refuse(e, 1)).toBe(false);
    expect(e.move).toBeDefined();
    expect(e.owner).toBe(1);
  });

  it('without a move: no confirmation switches, no refusal is a move, the owner alone holds', () => {
    const e = placed(3);
    expect(confirm(e, 3, 5)).toBeUndefined();
    expect(confirm(e, 1, 5)).toBeUndefined();
    expect(refuse(e, 3)).toBe(false);
    expect(e.owner).toBe(3);
    expect(holders(e)).toEqual([3]);
    expect([wantedOn(e, 3), wantedOn(e, 0)]).toEqual([true, false]);
  });

  it('a refusal by the owner during a move is not the move', () => {
    const e = placed(0);
    moveTo(e, 2);
    expect(refuse(e, 0)).toBe(false);
    expect(e.move?.to).toBe(2);
    expect(holders(e)).toEqual([0, 2]);
    expect(wantedOn(e, 1)).toBe(false);
  });
});

describe('a settling move at the edge of its window', () => {
  const switchedAt = (t: number) => {
    const e = placed(0);
    moveTo(e, 1);
    confirm(e, 1, t);
    return e;
  };

  it.each([
    ['the last instant of the window', SETTLE_MS, true],
    ['just past it', SETTLE_MS + 1, false],
  ])('admits the old connection at %s: %s', (_name, after, admitted) => {
    const e = switchedAt(1000);
    expect(admits(e, 0, 'id', 1000 + after)).toBe(admitted);
  });

  it.each([
    ['at the last instant of the window', SETTLE_MS, false, true],
    ['just past it', SETTLE_MS + 1, true, false],
  ])('settles %s: settled is %s', (_name, after, settled, kept) => {
    const e = switchedAt(1000);
    expect(e.move?.settled(1000 + after)).toBe(settled);
    admits(e, 1, 'id', 1000 + after);
    expect(e.move !== undefined).toBe(kept);
  });

  it('a pending move is never settled, however late', () => {
    const m = new Move(0, 1);
    expect(m.settled(1e12)).toBe(false);
    expect(m.pending).toBe(true);
  });

  it('past the window the new connection delivers ids it already delivered (no reconciliation any more)', () => {
    const e = switchedAt(0);
    expect(admits(e, 1, 'a', 10)).toBe(true);
    // while settling, the old side's copy of an id the new side delivered is dropped
    expect(admits(e, 0, 'a', 20)).toBe(false);
    // past it, the first frame ends the move: the owner's copy goes through, the old side's does not
    expect(admits(e, 1, 'a', SETTLE_MS + 1)).toBe(true);
    expect(e.move).toBeUndefined();
    expect(admits(e, 0, 'b', SETTLE_MS + 2)).toBe(false);
  });

  it('the new connection drops a copy the old one delivered while settling, and delivers its own new ids', () => {
    const m = switchedAt(0).move as Move;
    expect(m.admits(0, 'old')).toBe(true);
    expect(m.admits(1, 'old')).toBe(false);
    expect(m.admits(1, 'new')).toBe(true);
    expect(m.admits(0, 'new')).toBe(false);
    expect(m.admits(0, 'other')).toBe(true);
    expect(m.admits(0, 'other')).toBe(true);
  });

  it('remembers up to SETTLE_IDS ids per side', () => {
    const m = switchedAt(0).move as Move;
    for (let i = 0; i < SETTLE_IDS; i++) m.admits(0, `id${i}`);
    expect(m.admits(1, 'id0')).toBe(false);
    expect(m.admits(1, `id${SETTLE_IDS - 1}`)).toBe(false);
  });

  it('spends no room of its id window on frames without an id', () => {
    const m = switchedAt(0).move as Move;
    for (let i = 0; i < SETTLE_IDS; i++) m.admits(1, `id${i}`);
    expect(m.admits(1, undefined)).toBe(true);
    // the oldest id is still remembered: the old connection's copy is dropped
    expect(m.admits(0, 'id0')).toBe(false);
  });
});

describe('holders', () => {
  it('is exactly the owner without a pending move, and the owner then the target with one', () => {
    const e = { owner: 2, move: undefined as Move | undefined };
    expect(holders(e)).toStrictEqual([2]);
    moveTo(e, 0);
    expect(holders(e)).toStrictEqual([2, 0]);
    confirm(e, 0, 10);
    expect(holders(e)).toStrictEqual([0]);
  });
});
