import { queueDepth } from '../../lib/connection/outbox/outbox';
import { TOPIC, err, failures, fresh, kinds, ok, outbox, sends, tick, unwant, want } from './outboxHarness';
import type { OutboxInput } from '../../lib/connection/outbox/state';

/** A response that names no command (the gateway could not read one). */
const nonceless = (error: string | undefined): OutboxInput => ({ type: 'response', nonce: undefined, error, room: undefined, message: undefined });

describe('outbox answers: a response that names no command', () => {
  it.each([
    ['an error other than a rate limit', 'err_bad_request'],
    ['a success', undefined],
  ])('is reported unmatched when it is %s, and pauses nothing', (_title, error) => {
    const { at, s } = outbox();
    at(0, fresh);
    at(0, want(1));
    expect(at(5, nonceless(error))).toEqual([{ type: 'unmatched', nonce: undefined, error }]);
    expect(s.pausedUntil).toBe(-Infinity);
    // the command in flight is still the one its answer matches
    expect(sends(at(600, tick))).toEqual([]);
    expect(at(601, ok('n1'))).toContainEqual({ type: 'subscribed', refs: [1], topic: TOPIC, room: 'r1' });
  });
});

describe('outbox answers: what an answer reports', () => {
  it('the latency of a command, from its sending to its answer', () => {
    const { at } = outbox();
    at(0, fresh);
    at(40, want(1));
    expect(at(100, ok('n1'))).toContainEqual({ type: 'answered', latencyMs: 60 });
  });

  it('a late answer to a command given up on counts once; the same answer again is unmatched', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1));
    at(10, nonceless('rate_limit_exceeded'));
    expect(kinds(at(20, ok('n1')))).toEqual(['subscribed']);
    expect(kinds(at(30, ok('n1')))).toEqual(['unmatched']);
    // the re-send after the pause is not needed any more
    expect(sends(at(510, tick))).toEqual([]);
  });

  it('a late refusal of a command given up on fails nothing: its retry decides', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1));
    at(1000, tick);
    expect(sends(at(1100, tick))).toEqual([`subscribe ${TOPIC}/r1#1 n2`]);
    expect(kinds(at(1150, err('n1', 'err_unauthorized')))).toEqual([]);
    expect(kinds(at(1160, ok('n2')))).toEqual(['subscribed']);
  });

  it('a gateway error without a message gives details without a serverMessage', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1));
    const failed = at(1, err('n1', 'err_bad_request')).find((o) => o.type === 'failed');
    expect(failed?.type === 'failed' && failed.error.details).toStrictEqual({ topic: TOPIC, room: 'r1' });
  });
});

describe('outbox answers: the success of an unsubscribe of a room never confirmed canonical', () => {
  /** r1 subscribed, unanswered and no longer wanted: its unsubscribe n2 is in flight. */
  function uncertainUnsubscribe(o = outbox()) {
    o.at(0, fresh);
    o.at(0, want(1));
    o.at(1, unwant(1));
    o.at(1000, tick);
    expect(sends(o.at(1100, tick))).toEqual([`unsubscribe ${TOPIC}/r1#- n2`]);
    return o;
  }

  it('forgets the room: nothing is lost, nothing is sent again', () => {
    const { at, s } = uncertainUnsubscribe();
    const out = at(1101, ok('n2'));
    expect(kinds(out)).toEqual([]);
    expect(sends(out)).toEqual([]);
    expect(s.slots.get(TOPIC, 'r1')).toBeUndefined();
    expect(queueDepth(s)).toBe(0);
  });

  it('puts the other rooms of the topic in doubt: one wanted is lost and subscribed again, and a refusal then leaves nothing to undo', () => {
    const o = outbox();
    o.at(0, fresh);
    o.at(0, want(2, 'r2'));
    o.at(1, ok('n1'));
    o.at(2, want(1));
    o.at(3, unwant(1));
    o.at(1002, tick);
    expect(sends(o.at(1102, tick))).toEqual([`unsubscribe ${TOPIC}/r1#- n3`]);
    const out = o.at(1103, ok('n3'));
    expect(out).toContainEqual({ type: 'lost', refs: [2] });
    expect(sends(out)).toEqual([`subscribe ${TOPIC}/r2#1 n4`]);
    const refused = o.at(1104, err('n4', 'err_unauthorized'));
    expect(kinds(refused)).toEqual(['failed']);
    expect(sends(refused)).toEqual([]);
    expect(o.s.slots.get(TOPIC, 'r2')).toBeUndefined();
  });

  it('puts the other rooms of the topic in doubt: one no longer wanted is unsubscribed', () => {
    // one command per 100 ms: r2's unsubscribe waits in line while r1's is answered
    const o = outbox({ bucket: { burst: 1, intervalMs: 100 } });
    o.at(0, fresh);
    o.at(0, want(2, 'r2'));
    o.at(1, ok('n1'));
    o.at(100, want(1));
    o.at(200, unwant(1));
    o.at(1100, tick);
    expect(sends(o.at(1200, tick))).toEqual([`unsubscribe ${TOPIC}/r1#- n3`]);
    expect(sends(o.at(1201, unwant(2, 'r2')))).toEqual([]);
    expect(sends(o.at(1250, ok('n3')))).toEqual([]);
    expect(sends(o.at(1300, tick))).toEqual([`unsubscribe ${TOPIC}/r2#- n4`]);
  });
});

describe('outbox answers: the success of an unsubscribe of every room', () => {
  it('leaves a room that was no longer wanted not held: nothing more is sent', () => {
    const { at, s } = outbox();
    at(0, fresh);
    at(0, want(1, ''));
    at(0, want(2, 'r2'));
    at(1, ok('n1', ''));
    at(1, ok('n2', 'r2'));
    expect(sends(at(200, unwant(1, '')))).toEqual([`unsubscribe ${TOPIC}/*#- n3`]);
    expect(sends(at(201, unwant(2, 'r2')))).toEqual([]);
    const out = at(202, ok('n3'));
    expect(kinds(out)).toEqual([]);
    expect(sends(out)).toEqual([]);
    expect(sends(at(400, tick))).toEqual([]);
    expect(s.slots.get(TOPIC, 'r2')).toBeUndefined();
  });
});

describe('outbox answers: a refused subscribe of a second token', () => {
  it('leaves the room held for the first: its unsubscribe is sent when it leaves', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1, 'r1', 1));
    at(0, want(2, 'r1', 2));
    expect(sends(at(1, ok('n1')))).toEqual([`subscribe ${TOPIC}/r1#2 n2`]);
    expect(failures(at(2, err('n2', 'err_unauthorized')))).toEqual([`2 err_unauthorized: subscribe ${TOPIC} in room r1 failed with err_unauthorized`]);
    expect(sends(at(200, unwant(1, 'r1', 1)))).toEqual([`unsubscribe ${TOPIC}/r1#- n3`]);
  });
});

describe('outbox answers: a retryable refusal of an unsubscribe', () => {
  it('is retried after the backoff, never given up', () => {
    const { at } = outbox({ maxAttempts: 1 });
    at(0, fresh);
    at(0, want(1));
    at(1, ok('n1'));
    expect(sends(at(2, unwant(1)))).toEqual([`unsubscribe ${TOPIC}/r1#- n2`]);
    const refused = at(3, err('n2', 'err_internal_error'));
    expect(kinds(refused)).toEqual([]);
    expect(sends(refused)).toEqual([]);
    expect(sends(at(102, tick))).toEqual([]);
    expect(sends(at(103, tick))).toEqual([`unsubscribe ${TOPIC}/r1#- n3`]);
  });
});

describe('outbox answers: the aliases the gateway named', () => {
  it('remembers each while there is room for it', () => {
    const { at, s } = outbox();
    at(0, fresh);
    at(1, want(1, 'q0'));
    at(2, ok('n1', 'c0'));
    at(3, want(2, 'q1'));
    at(4, ok('n2', 'c1'));
    expect(s.aliases.size).toBe(2);
    expect(at(5, want(3, 'q0'))).toEqual([{ type: 'subscribed', refs: [3], topic: TOPIC, room: 'c0' }]);
    expect(at(6, want(4, 'q1'))).toEqual([{ type: 'subscribed', refs: [4], topic: TOPIC, room: 'c1' }]);
  });
});
