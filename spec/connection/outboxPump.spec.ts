import { nextWake, queueDepth } from '../../lib/connection/outbox/outbox';
import { TOPIC, crossing, err, fresh, kinds, ok, outbox, restored, sends, tick, unwant, want } from './outboxHarness';

/**
 * The global room '' and r2 held; the unsubscribe of every room (n3) in flight,
 * which locks the topic: a want of r3 waits for its answer.
 */
function topicLocked() {
  const o = outbox();
  o.at(0, fresh);
  o.at(0, want(1, ''));
  o.at(0, want(2, 'r2'));
  o.at(1, ok('n1', ''));
  o.at(1, ok('n2', 'r2'));
  expect(sends(o.at(200, unwant(1, '')))).toEqual([`unsubscribe ${TOPIC}/*#- n3`]);
  expect(sends(o.at(300, want(3, 'r3')))).toEqual([]);
  return o;
}

describe('outbox pump: a topic locked by an unsubscribe of every room', () => {
  it('holds a want of the topic back until the unsubscribe succeeds, then sends it with the lost rooms', () => {
    const { at, s } = topicLocked();
    expect(s.blocked.size).toBe(1);
    expect(queueDepth(s)).toBe(0);
    const answered = at(400, ok('n3'));
    expect(answered).toContainEqual({ type: 'lost', refs: [2] });
    expect(sends(answered)).toEqual([`subscribe ${TOPIC}/r2#1 n4`, `subscribe ${TOPIC}/r3#1 n5`]);
    expect(s.blocked.size).toBe(0);
  });

  it('holds it back until the unsubscribe is refused, then sends it', () => {
    const { at } = topicLocked();
    expect(sends(at(400, err('n3', 'err_bad_request')))).toEqual([`subscribe ${TOPIC}/r3#1 n4`]);
  });

  it('holds it back until the unsubscribe times out, then sends it', () => {
    const { at } = topicLocked();
    expect(sends(at(1199, tick))).toEqual([]);
    expect(sends(at(1200, tick))).toEqual([`subscribe ${TOPIC}/r3#1 n4`]);
  });

  it('holds it back across a rate limit: the unsubscribe is sent again first, the want after its answer', () => {
    const { at, s } = topicLocked();
    expect(kinds(at(400, err(undefined, 'rate_limit_exceeded')))).toEqual(['rate_limited']);
    expect(s.blocked.size).toBe(0);
    expect(queueDepth(s)).toBe(2);
    expect(sends(at(900, tick))).toEqual([`unsubscribe ${TOPIC}/*#- n4`]);
    expect(sends(at(901, ok('n4')))).toEqual([`subscribe ${TOPIC}/r2#1 n5`, `subscribe ${TOPIC}/r3#1 n6`]);
  });

  it('holds back wants of that topic only', () => {
    const { at } = topicLocked();
    expect(sends(at(301, want(4, 'r4', 1, 'channel.follow')))).toEqual(['subscribe channel.follow/r4#1 n4']);
  });

  it('lets a held-back want go after a restored welcome, before the commands that crossed the frame', () => {
    const { at } = topicLocked();
    at(301, crossing);
    // the unsubscribe of every room crossed: it is decided again, and waits for the subscribe of r3
    expect(sends(at(400, restored))).toEqual([`subscribe ${TOPIC}/r3#1 n4`]);
    expect(sends(at(401, ok('n4')))).toEqual([`unsubscribe ${TOPIC}/*#- n5`]);
  });

  it('forgets a held-back want on a fresh session and sends what is wanted', () => {
    const { at, s } = topicLocked();
    at(301, { type: 'down' });
    expect(sends(at(400, fresh))).toEqual([`subscribe ${TOPIC}/r2#1 n4`, `subscribe ${TOPIC}/r3#1 n5`]);
    expect(s.blocked.size).toBe(0);
  });
});

describe('outbox pump: the unsubscribe of every room waits for the commands of its topic', () => {
  /** The global room held, r2's subscribe (n2) in flight, the global room no longer wanted. */
  function waiting() {
    const o = outbox();
    o.at(0, fresh);
    o.at(0, want(1, ''));
    o.at(1, ok('n1', ''));
    o.at(100, want(2, 'r2'));
    expect(sends(o.at(200, unwant(1, '')))).toEqual([]);
    return o;
  }

  it('is sent once the other command is answered', () => {
    const { at } = waiting();
    expect(sends(at(300, ok('n2')))).toEqual([`unsubscribe ${TOPIC}/*#- n3`]);
  });

  it('is sent once the other command is refused', () => {
    const { at } = waiting();
    expect(sends(at(300, err('n2', 'err_unauthorized')))).toEqual([`unsubscribe ${TOPIC}/*#- n3`]);
  });

  it('is not sent when an answer of another topic comes', () => {
    const { at } = waiting();
    expect(sends(at(250, want(3, 'r3', 1, 'channel.follow')))).toEqual(['subscribe channel.follow/r3#1 n3']);
    expect(sends(at(260, ok('n3')))).toEqual([]);
    expect(sends(at(300, ok('n2')))).toEqual([`unsubscribe ${TOPIC}/*#- n4`]);
  });

  it('keeps its place in line behind what was wanted while it waited, even when another topic is answered meanwhile', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1, '', 1, 'b'));
    at(0, want(2, 'x', 1, 'b'));
    at(1, ok('n1', ''));
    expect(sends(at(2, unwant(1, '', 1, 'b')))).toEqual([]);
    expect(sends(at(2, want(3, 'y', 1, 'a')))).toEqual(['subscribe a/y#1 n3']);
    // the bucket is empty: what is unblocked now waits in line
    at(3, ok('n3'));
    at(4, want(4, 'z', 1, 'c'));
    at(5, ok('n2'));
    expect(sends(at(100, tick))).toEqual(['subscribe c/z#1 n4']);
    expect(sends(at(200, tick))).toEqual(['unsubscribe b/*#- n5']);
  });
});

describe('outbox pump: a late answer while the topic is locked again', () => {
  it('leaves what waits for the lock where it is: it takes its place in line when the lock goes', () => {
    const { at } = outbox({ bucket: { burst: 1, intervalMs: 100 } });
    at(0, fresh);
    at(0, want(1, ''));
    at(1, ok('n1', ''));
    at(100, want(2, 'r2'));
    at(101, ok('n2'));
    expect(sends(at(200, unwant(1, '')))).toEqual([`unsubscribe ${TOPIC}/*#- n3`]);
    at(250, want(3, 'r3'));
    expect(sends(at(300, tick))).toEqual([]);
    at(310, err(undefined, 'rate_limit_exceeded'));
    expect(sends(at(810, tick))).toEqual([`unsubscribe ${TOPIC}/*#- n4`]);
    at(905, want(5, 'q', 1, 'channel.raid'));
    // r3 waits for the lock again; the raid takes the token
    expect(sends(at(910, tick))).toEqual(['subscribe channel.raid/q#1 n5']);
    // the late success of the first unsubscribe: r2 is lost; r3 still waits for n4
    expect(at(915, ok('n3'))).toContainEqual({ type: 'lost', refs: [2] });
    at(950, want(4, 'z', 1, 'channel.follow'));
    expect(sends(at(960, ok('n4')))).toEqual([]);
    expect(sends(at(1010, tick))).toEqual([`subscribe ${TOPIC}/r2#1 n6`]);
    expect(sends(at(1110, tick))).toEqual(['subscribe channel.follow/z#1 n7']);
    expect(sends(at(1210, tick))).toEqual([`subscribe ${TOPIC}/r3#1 n8`]);
  });
});

describe('outbox pump: what is not held and no longer wanted', () => {
  it('is forgotten without a command, and asks for no wake-up', () => {
    const { at, s, cfg } = outbox();
    at(0, fresh);
    at(0, want(1, 'r1'));
    at(0, want(2, 'r2'));
    at(0, want(3, 'r3'));
    at(0, want(4, 'r4'));
    expect(queueDepth(s)).toBe(1);
    at(1, unwant(4, 'r4'));
    expect(nextWake(s, 1, cfg)).toBe(100);
    expect(sends(at(100, tick))).toEqual([]);
    expect(s.slots.get(TOPIC, 'r4')).toBeUndefined();
    expect(queueDepth(s)).toBe(0);
  });
});
