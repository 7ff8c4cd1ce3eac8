import { nextWake, queueDepth } from '../../lib/connection/outbox/outbox';
import { TOPIC, crossing, down, err, fresh, kinds, ok, outbox, restored, sends, tick, unwant, want } from './outboxHarness';

describe('outbox intents: a want', () => {
  it('of an entry already held is not reported again, and one unwant ends it', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1));
    at(1, ok('n1'));
    expect(at(2, want(1))).toEqual([]);
    expect(sends(at(3, unwant(1)))).toEqual([`unsubscribe ${TOPIC}/r1#- n2`]);
  });

  it('again before the unsubscribe leaves cancels both: reported at once, nothing sent', () => {
    // one command per 100 ms: the unsubscribe waits in line
    const { at } = outbox({ bucket: { burst: 1, intervalMs: 100 } });
    at(0, fresh);
    at(0, want(1));
    at(1, ok('n1'));
    expect(sends(at(50, unwant(1)))).toEqual([]);
    expect(at(60, want(2))).toEqual([{ type: 'subscribed', refs: [2], topic: TOPIC, room: 'r1' }]);
    expect(sends(at(100, tick))).toEqual([]);
    expect(sends(at(300, unwant(2)))).toEqual([`unsubscribe ${TOPIC}/r1#- n2`]);
  });
});

describe('outbox intents: an unwant', () => {
  // a ref stands for one subscription: its token must match, its room only says where to look first
  it.each([
    ['a subscriber nobody knows, in a room nobody wants', 9, 'r9', 1],
    ['a token nobody wants', 1, 'r1', 2],
  ])('of %s changes nothing', (_title, ref, room, tokenRef) => {
    const { at, s } = outbox();
    at(0, fresh);
    at(0, want(1));
    at(1, ok('n1'));
    expect(at(2, unwant(ref, room, tokenRef))).toEqual([]);
    expect(queueDepth(s)).toBe(0);
    expect(at(3, want(2))).toEqual([{ type: 'subscribed', refs: [2], topic: TOPIC, room: 'r1' }]);
  });

  it('of an entry nobody wants, in a room another wants, changes nothing', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1));
    at(1, ok('n1'));
    expect(at(2, unwant(9))).toEqual([]);
    expect(sends(at(3, unwant(1)))).toEqual([`unsubscribe ${TOPIC}/r1#- n2`]);
  });

  it('of an entry nobody wants, while the room is being unsubscribed, starts no wait in line', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1));
    at(1, ok('n1'));
    expect(sends(at(2, unwant(1)))).toEqual([`unsubscribe ${TOPIC}/r1#- n2`]);
    expect(at(10, unwant(9))).toEqual([]);
    expect(sends(at(20, err('n2', 'err_internal_error')))).toEqual([]);
    expect(at(120, tick)).toStrictEqual([
      { type: 'sent', queuedMs: 0 },
      { type: 'send', nonce: 'n3', kind: 'unsubscribe', topic: TOPIC, room: 'r1' },
    ]);
  });

  it('of one of two entries before the subscribe is answered keeps the other', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1));
    at(0, want(2));
    expect(sends(at(1, unwant(1)))).toEqual([]);
    const out = at(2, ok('n1'));
    expect(out).toContainEqual({ type: 'subscribed', refs: [2], topic: TOPIC, room: 'r1' });
    expect(sends(out)).toEqual([]);
  });

  it('of the only entry before the subscribe is answered: the answer confirms nobody, and the room is unsubscribed', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1));
    expect(at(1, unwant(1))).toEqual([]);
    const out = at(2, ok('n1'));
    expect(kinds(out)).toEqual(['send']);
    expect(sends(out)).toEqual([`unsubscribe ${TOPIC}/r1#- n2`]);
  });
});

describe('outbox sessions: a fresh session', () => {
  it('holds nothing: a refused subscribe of the new session leaves nothing to unsubscribe', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1));
    at(1, ok('n1'));
    at(2, down);
    expect(sends(at(10, fresh))).toEqual([`subscribe ${TOPIC}/r1#1 n2`]);
    const refused = at(11, err('n2', 'err_unauthorized'));
    expect(kinds(refused)).toEqual(['failed']);
    expect(sends(refused)).toEqual([]);
    expect(sends(at(500, tick))).toEqual([]);
  });

  it('forgets what nobody wants any more: it takes no place in line', () => {
    // one command per 100 ms
    const { at, s } = outbox({ bucket: { burst: 1, intervalMs: 100 } });
    at(0, fresh);
    at(0, want(2, 'r2'));
    at(1, ok('n1'));
    at(100, want(3, 'r3'));
    at(101, ok('n2'));
    at(200, want(1, 'r1'));
    at(201, ok('n3'));
    expect(sends(at(250, unwant(1, 'r1')))).toEqual([]);
    at(260, down);
    expect(sends(at(270, fresh))).toEqual([`subscribe ${TOPIC}/r2#1 n4`]);
    expect(queueDepth(s)).toBe(1);
    expect(s.slots.get(TOPIC, 'r1')).toBeUndefined();
    expect(sends(at(370, tick))).toEqual([`subscribe ${TOPIC}/r3#1 n5`]);
    expect(sends(at(470, tick))).toEqual([]);
  });
});

describe('outbox timers: a command without an answer', () => {
  it('is sent again only when its backoff ends', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1));
    expect(sends(at(1000, tick))).toEqual([]);
    expect(sends(at(1050, tick))).toEqual([]);
    expect(sends(at(1099, tick))).toEqual([]);
    expect(sends(at(1100, tick))).toEqual([`subscribe ${TOPIC}/r1#1 n2`]);
  });

  it('fails after maxAttempts with a timeout error naming the command, topic and room', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1));
    at(1000, tick);
    at(1100, tick);
    const out = at(2100, tick);
    const failed = out.find((o) => o.type === 'failed');
    expect(failed?.type === 'failed' && [failed.refs, failed.error.code, failed.error.message, failed.error.details]).toStrictEqual([
      [1],
      'timeout',
      `no answer to subscribe of ${TOPIC} within 1000 ms`,
      { topic: TOPIC, room: 'r1' },
    ]);
  });
});

describe('outbox answers: a late success for a room forgotten since', () => {
  it('holds the room again: it is unsubscribed, and a new want of it waits for that', () => {
    const { at, s } = outbox();
    at(0, fresh);
    at(0, want(1));
    at(10, err(undefined, 'rate_limit_exceeded'));
    at(20, unwant(1));
    expect(sends(at(510, tick))).toEqual([]);
    expect(s.slots.get(TOPIC, 'r1')).toBeUndefined();
    expect(sends(at(520, ok('n1')))).toEqual([`unsubscribe ${TOPIC}/r1#- n2`]);
    expect(sends(at(530, want(2)))).toEqual([]);
    expect(sends(at(540, ok('n2')))).toEqual([`subscribe ${TOPIC}/r1#1 n3`]);
  });
});

describe('outbox timers: a slot whose backoff ends', () => {
  it('wanted again at that very time, keeps its place before what the same step lets go', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1, ''));
    at(0, want(2, 'r2'));
    at(1, ok('n1', ''));
    at(1, ok('n2', 'r2'));
    expect(sends(at(100, want(5, 'q', 1, 'channel.raid')))).toEqual(['subscribe channel.raid/q#1 n3']);
    // the unsubscribe of every room locks the topic: r3 waits for its answer
    expect(sends(at(200, unwant(1, '')))).toEqual([`unsubscribe ${TOPIC}/*#- n4`]);
    expect(sends(at(300, want(3, 'r3')))).toEqual([]);
    // the raid's subscribe is unanswered: sent again at 1200
    expect(sends(at(1100, tick))).toEqual([]);
    // at 1200, the raid is wanted again, then the unsubscribe times out and lets r3 go
    expect(sends(at(1200, want(6, 'q', 1, 'channel.raid')))).toEqual(['subscribe channel.raid/q#1 n5', `subscribe ${TOPIC}/r3#1 n6`]);
  });
});

describe('outbox lanes: a slot re-subscribed in bulk', () => {
  it('wanted by one more entry keeps its place in the bulk lane', () => {
    // one command per 100 ms
    const { at, s } = outbox({ bucket: { burst: 1, intervalMs: 100 } });
    at(0, fresh);
    for (let i = 1; i <= 3; i++) {
      at(i * 100, want(i, `r${i}`));
      at(i * 100 + 1, ok(`n${i}`));
    }
    at(400, down);
    expect(sends(at(500, fresh))).toEqual([`subscribe ${TOPIC}/r1#1 n4`]);
    at(510, want(9, 'r3'));
    expect(queueDepth(s)).toBe(2);
    expect(sends(at(600, tick))).toEqual([`subscribe ${TOPIC}/r2#1 n5`]);
    expect(sends(at(700, tick))).toEqual([`subscribe ${TOPIC}/r3#1 n6`]);
  });
});

describe('outbox answers: a late refusal while the command sent again is in flight', () => {
  it('keeps the room: a new want of it waits for that command, and its success serves it', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1));
    at(10, err(undefined, 'rate_limit_exceeded'));
    expect(sends(at(510, tick))).toEqual([`subscribe ${TOPIC}/r1#1 n2`]);
    at(520, unwant(1));
    expect(kinds(at(530, err('n1', 'err_unauthorized')))).toEqual([]);
    expect(sends(at(535, want(2)))).toEqual([]);
    expect(at(540, ok('n2'))).toContainEqual({ type: 'subscribed', refs: [2], topic: TOPIC, room: 'r1' });
  });
});

describe('outbox lanes: a room unsubscribed, then wanted again', () => {
  it('queues behind what was wanted before it', () => {
    // one command per 100 ms
    const { at } = outbox({ bucket: { burst: 1, intervalMs: 100 } });
    at(0, fresh);
    at(0, want(1));
    at(1, ok('n1'));
    expect(sends(at(100, unwant(1)))).toEqual([`unsubscribe ${TOPIC}/r1#- n2`]);
    at(110, ok('n2'));
    at(120, want(8, 'r8'));
    at(130, want(1));
    expect(sends(at(200, tick))).toEqual([`subscribe ${TOPIC}/r8#1 n3`]);
    expect(sends(at(300, tick))).toEqual([`subscribe ${TOPIC}/r1#1 n4`]);
  });
});

describe('outbox intents: a token no longer wanted in a room another token keeps', () => {
  it('is forgotten: wanting it again subscribes it again', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1, 'r1', 1));
    at(0, want(2, 'r1', 2));
    at(1, ok('n1'));
    at(2, ok('n2'));
    expect(sends(at(10, unwant(2, 'r1', 2)))).toEqual([]);
    // the other token is still held
    expect(at(15, want(4, 'r1', 1))).toEqual([{ type: 'subscribed', refs: [4], topic: TOPIC, room: 'r1' }]);
    const again = at(20, want(3, 'r1', 2));
    expect(kinds(again)).toEqual(['send']);
    expect(sends(again)).toEqual([`subscribe ${TOPIC}/r1#2 n3`]);
  });
});

describe('outbox sessions: a restored session', () => {
  it('leaves a command that crossed the frame in doubt: refused when sent again, there is nothing to undo', () => {
    const { at, s } = outbox();
    at(0, fresh);
    at(0, want(1));
    at(1, crossing);
    expect(sends(at(10, restored))).toEqual([`subscribe ${TOPIC}/r1#1 n2`]);
    const refused = at(11, err('n2', 'err_unauthorized'));
    expect(kinds(refused)).toEqual(['failed']);
    expect(sends(refused)).toEqual([]);
    expect(s.slots.get(TOPIC, 'r1')).toBeUndefined();
  });
});

describe('outbox timers: a command without an answer whose slot already waits in line', () => {
  it('is sent again only when its backoff ends', () => {
    // one command per 100 ms: the unwant finds no token, so r1 waits in line while its subscribe is in flight
    const { at, s, cfg } = outbox({ bucket: { burst: 1, intervalMs: 100 } });
    at(0, fresh);
    at(0, want(2, 'r2'));
    at(1, ok('n1'));
    expect(sends(at(100, want(1)))).toEqual([`subscribe ${TOPIC}/r1#1 n2`]);
    at(101, unwant(1));
    expect(sends(at(1100, tick))).toEqual([]);
    expect(queueDepth(s)).toBe(1);
    expect(nextWake(s, 1100, cfg)).toBe(1200);
    expect(sends(at(1199, tick))).toEqual([]);
    expect(sends(at(1200, tick))).toEqual([`unsubscribe ${TOPIC}/r1#- n3`]);
  });
});
