import { aliasKey } from '../../lib/connection/subscriptionKey';
import { nextWake } from '../../lib/connection/outbox/outbox';
import { TOPIC, crossing, err, failures, fresh, kinds, ok, outbox, restored, sends, tick, unwant, want } from './outboxHarness';

describe('outbox answers: a rate limit that names its command', () => {
  /** Five rooms wanted in one session: r1..r3 leave at once (n1..n3), r4 and r5 wait for the bucket. */
  function fiveQueued() {
    const o = outbox();
    o.at(0, fresh);
    for (let ref = 1; ref <= 5; ref++) o.at(0, want(ref, `r${ref}`));
    return o;
  }

  it('reports the rate limit, pauses, then sends the refused command first', () => {
    const { at, s, cfg } = fiveQueued();
    const limited = at(10, err('n2', 'rate_limit_exceeded'));
    expect(kinds(limited)).toEqual(['rate_limited']);
    expect(sends(limited)).toEqual([]);
    expect(s.pausedUntil).toBe(510);
    expect(nextWake(s, 10, cfg)).toBe(510);
    expect(sends(at(509, tick))).toEqual([]);
    expect(sends(at(510, tick))).toEqual([`subscribe ${TOPIC}/r2#1 n4`, `subscribe ${TOPIC}/r4#1 n5`, `subscribe ${TOPIC}/r5#1 n6`]);
  });

  it('a second named rate limit extends the pause', () => {
    const { at, s } = fiveQueued();
    at(10, err('n1', 'rate_limit_exceeded'));
    at(300, err('n2', 'rate_limit_exceeded'));
    expect(s.pausedUntil).toBe(800);
    expect(sends(at(799, tick))).toEqual([]);
    expect(sends(at(800, tick))).toEqual([`subscribe ${TOPIC}/r2#1 n4`, `subscribe ${TOPIC}/r1#1 n5`, `subscribe ${TOPIC}/r4#1 n6`]);
  });

  it('a late rate limit of a command given up on neither pauses nor reports', () => {
    const { at, s } = fiveQueued();
    at(10, err(undefined, 'rate_limit_exceeded'));
    const late = at(400, err('n3', 'rate_limit_exceeded'));
    expect(kinds(late)).toEqual([]);
    expect(s.pausedUntil).toBe(510);
  });

  it('a rate-limited command that crossed a reconnect frame is issued again after the restored welcome', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1));
    at(1, crossing);
    at(2, err('n1', 'rate_limit_exceeded'));
    // nobody wants it any more: only the doubt about the gateway's snapshot is left
    at(3, unwant(1));
    expect(sends(at(600, restored))).toEqual([`unsubscribe ${TOPIC}/r1#- n2`]);
  });

  it('a refused command that crossed a reconnect frame leaves no doubt: nothing is issued again', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1));
    at(1, crossing);
    expect(kinds(at(2, err('n1', 'err_unauthorized')))).toEqual(['failed']);
    expect(sends(at(600, restored))).toEqual([]);
  });
});

describe('outbox answers: the error of a failed subscribe', () => {
  it.each([
    ['with the gateway message', 'bad token', `1 err_unauthorized: subscribe ${TOPIC} in room r1 failed with err_unauthorized: bad token`],
    ['without a gateway message', undefined, `1 err_unauthorized: subscribe ${TOPIC} in room r1 failed with err_unauthorized`],
  ])('names the command, topic, room and code, %s', (_title, message, expected) => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1));
    const out = at(1, err('n1', 'err_unauthorized', message));
    expect(failures(out)).toEqual([expected]);
    const failed = out.find((o) => o.type === 'failed');
    expect(failed?.type === 'failed' && failed.error.details).toEqual({ topic: TOPIC, room: 'r1', ...(message !== undefined ? { serverMessage: message } : {}) });
  });

  it('names the canonical room of the command and keeps the slot for its other token', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1, 'r1', 1));
    at(0, want(2, 'r1', 2));
    at(1, ok('n1'));
    expect(failures(at(2, err('n2', 'err_bad_request', 'nope')))).toEqual([`2 err_bad_request: subscribe ${TOPIC} in room r1 failed with err_bad_request: nope`]);
  });
});

describe('outbox answers: a refused subscribe resolves an unknown state', () => {
  it('to not held when no other token is confirmed: nothing to undo', () => {
    const { at, s } = outbox();
    at(0, fresh);
    at(0, want(1));
    at(1000, tick); // n1 unanswered: the gateway may hold it
    expect(sends(at(1100, tick))).toEqual([`subscribe ${TOPIC}/r1#1 n2`]);
    const refused = at(1101, err('n2', 'err_unauthorized'));
    expect(kinds(refused)).toEqual(['failed']);
    expect(sends(refused)).toEqual([]);
    expect(s.slots.get(TOPIC, 'r1')).toBeUndefined();
  });

  it('stays unknown while another token is confirmed: its unsubscribe is sent when it leaves', () => {
    const { at } = outbox();
    at(0, fresh);
    at(0, want(1, 'r1', 1));
    at(0, want(2, 'r1', 2));
    expect(sends(at(1, ok('n1')))).toEqual([`subscribe ${TOPIC}/r1#2 n2`]);
    at(1001, tick); // n2 unanswered
    expect(sends(at(1101, tick))).toEqual([`subscribe ${TOPIC}/r1#2 n3`]);
    expect(kinds(at(1102, err('n3', 'err_unauthorized')))).toEqual(['failed']);
    expect(sends(at(1200, unwant(1, 'r1', 1)))).toEqual([`unsubscribe ${TOPIC}/r1#- n4`]);
  });
});

describe('outbox answers: a refused subscribe of another token', () => {
  it('leaves a held room held: the room its gone entry was subscribed to is still unsubscribed', () => {
    const { at } = outbox();
    at(0, fresh);
    expect(sends(at(0, want(1, 'r1', 1)))).toEqual([`subscribe ${TOPIC}/r1#1 n1`]);
    at(0, want(2, 'r1', 2)); // waits: one command per room at a time
    at(1, unwant(1, 'r1', 1)); // entry 1 leaves before its answer
    expect(sends(at(2, ok('n1')))).toEqual([`subscribe ${TOPIC}/r1#2 n2`]);
    const refused = at(3, err('n2', 'err_unauthorized'));
    expect(kinds(refused)).toEqual(['failed', 'send']);
    expect(sends(refused)).toEqual([`unsubscribe ${TOPIC}/r1#- n3`]);
  });
});

describe('outbox answers: the aliases the gateway named', () => {
  it('keeps the last 100 000, forgetting the oldest first', () => {
    const { at, s } = outbox();
    at(0, fresh);
    at(1, want(1, 'q0'));
    at(2, ok('n1', 'c0'));
    // as if 99 999 more rooms had been named since (keys that never match these wants)
    for (let i = 0; i < 99_999; i++) s.aliases.set(`other ${i}`, 'c');
    at(3, want(2, 'q1'));
    at(4, ok('n2', 'c1'));
    expect(s.aliases.size).toBe(100_000);
    expect(s.aliases.has('other 0')).toBe(true);
    expect(s.aliases.has(aliasKey(TOPIC, 'q1', 1))).toBe(true);
    // the first alias is forgotten: its requested room is subscribed under its own name
    expect(sends(at(200, want(3, 'q0')))).toEqual([`subscribe ${TOPIC}/q0#1 n3`]);
    // the last is known: already subscribed in its canonical room
    expect(at(201, want(4, 'q1'))).toEqual([{ type: 'subscribed', refs: [4], topic: TOPIC, room: 'c1' }]);
  });
});
