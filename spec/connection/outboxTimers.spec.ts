import { nextWake, queueDepth } from '../../lib/connection/outbox/outbox';
import { OutboxOutput } from '../../lib/connection/outbox/state';
import { TOPIC, down, fresh, kinds, ok, outbox, sends, tick, unwant, want } from './outboxHarness';

const queued = (outs: OutboxOutput[]) => outs.flatMap((o) => (o.type === 'sent' ? [o.queuedMs] : []));

describe('outbox timers: deadlines', () => {
  it('count only while a session is up', () => {
    const { at, s, cfg } = outbox({ maxAttempts: 1 });
    at(0, fresh);
    at(0, want(1));
    at(1, down);
    expect(nextWake(s, 1, cfg)).toBeUndefined();
    expect(at(5000, tick)).toEqual([]);
    expect(s.byNonce.size).toBe(1);
  });

  it('give a command up at its deadline: the subscribe fails after maxAttempts', () => {
    const { at, s, cfg } = outbox({ maxAttempts: 1 });
    at(0, fresh);
    at(0, want(1));
    expect(nextWake(s, 0, cfg)).toBe(1000);
    expect(at(999, tick)).toEqual([]);
    const out = at(1000, tick);
    expect(kinds(out)).toEqual(['failed', 'send']);
    // the gateway may hold it all the same
    expect(sends(out)).toEqual([`unsubscribe ${TOPIC}/r1#- n2`]);
    expect(out.find((o) => o.type === 'failed')).toMatchObject({ refs: [1], error: { code: 'timeout', message: `no answer to subscribe of ${TOPIC} within 1000 ms` } });
  });

  it('a late answer within a second timeout still counts', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1));
    at(1000, tick);
    expect(at(1001, ok('n1'))).toContainEqual({ type: 'subscribed', refs: [1], topic: TOPIC, room: 'r1' });
  });

  it('a late answer ends the backoff it arrived in: nothing waits, and no wake is due', () => {
    const { at, s, cfg } = outbox();
    at(0, fresh);
    at(0, want(1));
    at(1000, tick); // backs off until 1100
    expect(queueDepth(s)).toBe(1);
    at(1050, ok('n1'));
    expect(queueDepth(s)).toBe(0);
    expect(nextWake(s, 1050, cfg)).toBeUndefined();
    expect(sends(at(1100, tick))).toEqual([]);
  });

  it('a late answer after a second timeout is unmatched', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1));
    at(1000, tick);
    at(1100, tick);
    at(1101, ok('n2'));
    at(2000, tick);
    expect(kinds(at(2000, ok('n1')))).toEqual(['unmatched']);
  });

  it('leave the outcome unknown: an unsubscribe is sent when nobody wants it any more', () => {
    const { at, s, cfg } = outbox();
    at(0, fresh);
    at(0, want(1));
    at(1000, tick);
    expect(queueDepth(s)).toBe(1);
    expect(nextWake(s, 1000, cfg)).toBe(1100);
    expect(sends(at(1001, unwant(1)))).toEqual([]);
    expect(sends(at(1100, tick))).toEqual([`unsubscribe ${TOPIC}/r1#- n2`]);
    expect(queueDepth(s)).toBe(0);
  });
});

describe('outbox timers: time in the queue', () => {
  it('is measured from the first time a slot is put in line', () => {
    const { at } = outbox();
    at(0, fresh);
    for (let ref = 1; ref <= 3; ref++) at(0, want(ref, `r${ref}`));
    at(10, want(4, 'r4'));
    at(50, want(5, 'r4'));
    const out = at(100, tick);
    expect(sends(out)).toEqual([`subscribe ${TOPIC}/r4#1 n4`]);
    expect(queued(out)).toEqual([90]);
  });
});
