import { TOPIC, fresh, ok, outbox, sends, unwant, want } from './outboxHarness';

// An unwant names the room its subscriber asked for. The want it ends may live under
// another room: the canonical room the gateway named, and the one it names after that.
describe('outbox: an unwant finds its want wherever the gateway moved it', () => {
  it('after the gateway named a second canonical room for the first', () => {
    const { at, s } = outbox();
    at(0, fresh);
    at(0, want(1, 'a'));
    expect(sends(at(1, ok('n1', 'b')))).toEqual([]); // a → b: already what the gateway holds
    // the gateway loses its state; the resubscribe of b is answered with c
    expect(sends(at(2, fresh))).toEqual([`subscribe ${TOPIC}/b#1 n2`]);
    at(3, ok('n2', 'c'));
    expect(s.slots.get(TOPIC, 'c')?.wants).toBeDefined();
    expect(sends(at(200, unwant(1, 'a')))).toEqual([`unsubscribe ${TOPIC}/c#- n3`]);
    at(201, ok('n3'));
    expect(s.slots.get(TOPIC, 'c')).toBeUndefined();
  });

  it('after its alias was forgotten (the outbox keeps the last 100 000)', () => {
    const { at, s } = outbox();
    at(0, fresh);
    at(0, want(1, 'q'));
    at(1, ok('n1', 'c'));
    for (let i = 0; i < 100_000; i++) s.aliases.set(`other ${i}`, 'x');
    s.aliases.delete(`${TOPIC}\u0000q\u00001`); // as the 100 001st alias would
    expect(sends(at(200, unwant(1, 'q')))).toEqual([`unsubscribe ${TOPIC}/c#- n2`]);
  });

  it('and ends only its own want: another subscriber of the same rooms stays', () => {
    const { at, s } = outbox();
    at(0, fresh);
    at(0, want(1, 'a'));
    at(1, ok('n1', 'b'));
    at(2, want(2, 'b'));
    at(3, fresh);
    at(4, ok('n2', 'c'));
    expect(sends(at(200, unwant(1, 'a')))).toEqual([]);
    expect(s.slots.get(TOPIC, 'c')?.wants).toBeDefined();
    expect(sends(at(300, unwant(2, 'b')))).toEqual([`unsubscribe ${TOPIC}/c#- n3`]);
  });

  it('past the rooms of the topic that other subscribers want', () => {
    const { at, s } = outbox();
    at(0, fresh);
    at(0, want(5, 'z')); // the first room of the topic the search meets
    at(0, want(1, 'q'));
    at(1, ok('n1'));
    at(1, ok('n2', 'c'));
    s.aliases.clear(); // as if forgotten
    expect(sends(at(200, unwant(1, 'q')))).toEqual([`unsubscribe ${TOPIC}/c#- n3`]);
    expect(s.slots.get(TOPIC, 'z')?.wants).toBeDefined();
  });
});
