import { TOPIC, crossing, down, fresh, ok, outbox, restored, sends, unwant, want } from './outboxHarness';

describe('outbox across a reconnect frame', () => {
  it('an alias answered after the frame, still wanted by another token, is never unsubscribed under its own name', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1, 'me', 1));
    at(0, want(2, 'me', 2));
    at(1, crossing);
    at(2, ok('n1', 'c'));
    at(3, unwant(2, 'me', 2));
    expect(sends(at(10, restored))).toEqual([`subscribe ${TOPIC}/c#1 n2`]);
  });

  it('an alias answered after the frame and forgotten since is not issued again; its canonical room is', () => {
    const { at, s } = outbox();
    at(0, fresh);
    at(0, want(1, 'me'));
    at(1, crossing);
    at(2, ok('n1', 'c'));
    expect(s.slots.get(TOPIC, 'me')).toBeUndefined();
    expect(sends(at(10, restored))).toEqual([`subscribe ${TOPIC}/c#1 n2`]);
  });

  it('an unsubscribe answered after the frame is issued again: the snapshot may still hold the room', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1));
    at(1, ok('n1'));
    expect(sends(at(2, unwant(1)))).toEqual([`unsubscribe ${TOPIC}/r1#- n2`]);
    at(3, crossing);
    at(4, ok('n2'));
    expect(sends(at(10, restored))).toEqual([`unsubscribe ${TOPIC}/r1#- n3`]);
  });

  it('a command in flight when the socket drops is issued again after a restored welcome', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1));
    at(1, down);
    expect(sends(at(10, restored))).toEqual([`subscribe ${TOPIC}/r1#1 n2`]);
  });

  it('a success answered after the frame, then a drop, is still issued again', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1));
    at(1, crossing);
    at(2, ok('n1'));
    at(3, down);
    expect(sends(at(10, restored))).toEqual([`subscribe ${TOPIC}/r1#1 n2`]);
  });

  it('what was held and untouched across the frame is not issued again', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1));
    at(1, ok('n1'));
    at(2, crossing);
    expect(sends(at(10, restored))).toEqual([]);
    expect(at(11, want(2))).toEqual([{ type: 'subscribed', refs: [2], topic: TOPIC, room: 'r1' }]);
  });
});
