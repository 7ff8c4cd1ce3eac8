import type { SchedulerLike } from 'rxjs';
import { virtualGateway, seededRandom, type VirtualGatewayOptions } from '../../lib/testing';
import { createTestScheduler } from '../helpers/testScheduler';
import { rawSocket, sub, unsub, type RawVirtualSocket } from '../helpers/virtualGatewayClient';

const ROOM = 'c1';
const TOKENS = {
  tok: { channel: ROOM, scopes: '*' as const },
  tipsOnly: { channel: ROOM, scopes: ['tips:read'] },
  other: { channel: 'c2', scopes: '*' as const },
};
const TIPS = 'channel.tips';
const ACTS = 'channel.activities';

/** Runs `body` on a fresh TestScheduler with one gateway and one welcomed socket (welcome at 2 ms). */
function scenario(options: Partial<VirtualGatewayOptions>, body: (t: { gw: ReturnType<typeof virtualGateway>; s: RawVirtualSocket; at: (ms: number, fn: () => void) => void; flush: () => void; scheduler: SchedulerLike }) => void): void {
  const scheduler = createTestScheduler();
  scheduler.run(({ flush }) => {
    const gw = virtualGateway({ scheduler, tokens: TOKENS, ...options });
    const s = rawSocket(gw, scheduler);
    const at = (ms: number, fn: () => void) => void scheduler.schedule(fn, ms - scheduler.now());
    body({ gw, s, at, flush, scheduler });
  });
}

describe('virtualGateway: sockets on the scheduler', () => {
  it('opens at 1 ms and welcomes at 2 ms, never synchronously inside subscribe', () => {
    scenario({}, ({ gw, s, flush }) => {
      expect(s.log).toEqual([]);
      flush();
      expect(s.log.map((l) => [l.at, l.kind])).toEqual([[1, 'open'], [2, 'frame']]);
      expect(s.frames()[0]).toEqual({ id: expect.any(String), ts: expect.any(String), type: 'welcome', data: { message: expect.any(String), client_id: gw.connections()[0]?.clientId } });
      expect(gw.current()?.index).toBe(0);
    });
  });

  it('answers after send returns, never inside it', () => {
    scenario({}, ({ s, at, flush }) => {
      at(5, () => {
        expect(s.send(sub('n1', TIPS, ROOM))).toBe(true);
        expect(s.responses()).toEqual([]);
      });
      flush();
      expect(s.responses()).toHaveLength(1);
    });
  });

  it('records closedByClient and drops the subscriptions when the client unsubscribes', () => {
    scenario({}, ({ gw, s, at, flush }) => {
      at(5, () => s.send(sub('n1', TIPS, ROOM)));
      at(10, () => s.close());
      flush();
      expect(gw.connection(0)).toMatchObject({ closed: true, closedByClient: true, live: false });
      expect(gw.connection(0).held.size).toBe(0);
      expect(gw.publish(TIPS, ROOM, {}).delivered).toBe(0);
    });
  });

  it('drop closes the socket with a transport error and loses its subscriptions', () => {
    scenario({}, ({ gw, s, at, flush }) => {
      at(5, () => s.send(sub('n1', TIPS, ROOM)));
      at(10, () => gw.drop(0));
      flush();
      expect(s.error).toMatchObject({ code: 'transport', details: { closeCode: 1006 } });
      expect(gw.connection(0)).toMatchObject({ closed: true, closedByClient: false, closeCode: 1006 });
      expect(gw.current()).toBeUndefined();
    });
  });

  it('refuses the next upgrades with the given status and Retry-After', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ flush }) => {
      const gw = virtualGateway({ scheduler });
      gw.refuseUpgrades(2, { status: 429 });
      const [a, b, c] = [rawSocket(gw, scheduler), rawSocket(gw, scheduler), rawSocket(gw, scheduler)];
      flush();
      expect(a.error).toMatchObject({ code: 'upgrade_refused', details: { status: 429, retryAfterMs: 2000 } });
      expect(b.error).toMatchObject({ code: 'upgrade_refused', details: { status: 429 } });
      expect(c.error).toBeUndefined();
      expect(gw.upgrades.map((u) => u.status)).toEqual([429, 429, undefined]);
    });
  });
});

describe('virtualGateway: commands (PROTOCOL.md §5, §7, §8)', () => {
  it('echoes the nonce and the canonical room on a subscribe', () => {
    scenario({ aliases: { alias: ROOM } }, ({ gw, s, at, flush }) => {
      at(5, () => s.send(sub('n1', TIPS, 'alias')));
      flush();
      expect(s.responses()).toEqual([
        { id: expect.any(String), ts: expect.any(String), type: 'response', nonce: 'n1', data: { message: 'successfully subscribed to topic', topic: TIPS, room: ROOM } },
      ]);
      expect([...gw.connection(0).held]).toEqual([`${TIPS}\u0000${ROOM}`]);
    });
  });

  it.each([
    ['an unknown type', { type: 'ping', nonce: 'n1' }, { nonce: 'n1', error: 'invalid_message_type' }],
    ['an unknown topic', sub('n1', 'channel.polls', ROOM), { nonce: 'n1', error: 'err_bad_request' }],
    ['a subscribe without token', { type: 'subscribe', nonce: 'n1', data: { topic: TIPS, token_type: 'jwt' } }, { nonce: 'n1', error: 'err_bad_request' }],
    ['a subscribe without token_type', { type: 'subscribe', nonce: 'n1', data: { topic: TIPS, token: 'tok' } }, { nonce: 'n1', error: 'err_bad_request' }],
    ['a command without topic', { type: 'unsubscribe', nonce: 'n1', data: {} }, { nonce: 'n1', error: 'err_bad_request' }],
    ['text that is not JSON', '{nope', { error: 'err_bad_request' }],
    ['an unknown token', sub('n1', TIPS, ROOM, 'nobody'), { nonce: 'n1', error: 'err_unauthorized' }],
    ['a token without the scope', sub('n1', ACTS, ROOM, 'tipsOnly'), { nonce: 'n1', error: 'err_unauthorized' }],
    ['a token of another channel', sub('n1', TIPS, ROOM, 'other'), { nonce: 'n1', error: 'err_unauthorized' }],
  ])('answers %s with its error code', (_name, command, expected) => {
    scenario({}, ({ gw, s, at, flush }) => {
      at(5, () => s.send(command));
      flush();
      expect(s.responses()).toEqual([expect.objectContaining({ type: 'response', ...expected, data: { message: expect.any(String) } })]);
      if (!('nonce' in expected)) expect(s.responses()[0]).not.toHaveProperty('nonce');
      expect(gw.connection(0).held.size).toBe(0);
    });
  });

  it('accepts any known token for a topic without scope', () => {
    scenario({}, ({ s, at, flush }) => {
      at(5, () => s.send(sub('n1', 'channel.chatbot.counters', ROOM, 'tipsOnly')));
      flush();
      expect(s.responses()[0]).not.toHaveProperty('error');
    });
  });

  it('answers a duplicate subscribe with success and holds it once', () => {
    scenario({}, ({ gw, s, at, flush }) => {
      at(5, () => s.send(sub('n1', TIPS, ROOM)));
      at(6, () => s.send(sub('n2', TIPS, ROOM)));
      flush();
      expect(s.responses().map((r) => [r.nonce, r.error])).toEqual([['n1', undefined], ['n2', undefined]]);
      expect(gw.connection(0).held.size).toBe(1);
    });
  });

  it('removes one (topic, canonical room) on an unsubscribe with a room', () => {
    scenario({ tokens: { any: { channel: '*', scopes: '*' } }, aliases: { alias: 'r1' } }, ({ gw, s, at, flush }) => {
      at(5, () => ['r1', 'r2'].forEach((room, i) => s.send(sub(`s${i}`, TIPS, room, 'any'))));
      at(10, () => s.send(unsub('u1', TIPS, 'alias')));
      flush();
      expect([...gw.connection(0).held]).toEqual([`${TIPS}\u0000r2`]);
      expect(s.responses().at(-1)).toMatchObject({ nonce: 'u1', data: { topic: TIPS, room: 'r1' } });
    });
  });

  it.each([['absent', undefined], ['empty', '']])('removes the topic in every room when the room is %s (§5.2)', (_name, room) => {
    scenario({ tokens: { any: { channel: '*', scopes: '*' } } }, ({ gw, s, at, flush }) => {
      at(5, () => ['r1', 'r2', ''].forEach((r, i) => s.send(sub(`s${i}`, TIPS, r, 'any'))));
      at(6, () => s.send(sub('a', ACTS, 'r1', 'any')));
      at(10, () => s.send(unsub('u1', TIPS, room)));
      flush();
      expect([...gw.connection(0).held]).toEqual([`${ACTS}\u0000r1`]);
      expect(s.responses().at(-1)).toMatchObject({ nonce: 'u1', data: { topic: TIPS } });
      expect(s.responses().at(-1)?.error).toBeUndefined();
    });
  });

  it('answers an unsubscribe of something not held with success', () => {
    scenario({}, ({ s, at, flush }) => {
      at(5, () => s.send(unsub('u1', TIPS, ROOM)));
      flush();
      expect(s.responses()).toEqual([expect.objectContaining({ nonce: 'u1' })]);
      expect(s.responses()[0]).not.toHaveProperty('error');
    });
  });

  it('records every frame the client sent on the wire', () => {
    scenario({}, ({ gw, s, at, flush }) => {
      at(5, () => s.send(sub('n1', TIPS, ROOM)));
      at(7, () => s.send('junk'));
      flush();
      expect(gw.wire).toEqual([
        { at: 5, conn: 0, text: expect.any(String), command: { type: 'subscribe', nonce: 'n1', topic: TIPS, room: ROOM, token: 'tok', tokenType: 'jwt' }, rateLimited: false },
        { at: 7, conn: 0, text: 'junk', rateLimited: false },
      ]);
    });
  });
});

describe('virtualGateway: defaultRoom (A1)', () => {
  it.each([
    ['global', ''],
    ['tokenChannel', ROOM],
  ] as const)('with %s, a subscribe without room is keyed by %j', (defaultRoom, canonical) => {
    scenario({ defaultRoom }, ({ gw, s, at, flush }) => {
      at(5, () => s.send(sub('n1', TIPS)));
      flush();
      expect(s.responses()[0]?.data).toEqual({ message: expect.any(String), topic: TIPS, room: canonical });
      expect([...gw.connection(0).held]).toEqual([`${TIPS}\u0000${canonical}`]);
    });
  });

  it('can be switched while running', () => {
    scenario({}, ({ gw, s, at, flush }) => {
      at(5, () => s.send(sub('n1', TIPS, '')));
      at(6, () => gw.set({ defaultRoom: 'tokenChannel' }));
      at(7, () => s.send(sub('n2', TIPS, '')));
      flush();
      expect(s.responses().map((r) => r.data.room)).toEqual(['', ROOM]);
    });
  });
});

describe('virtualGateway: authorization latency', () => {
  it('answers subscribes out of order when authorization latency varies', () => {
    scenario({ authLatencyMs: [1, 100], random: seededRandom(7), tokens: { any: { channel: '*', scopes: '*' } } }, ({ gw, s, at, flush }) => {
      const nonces = Array.from({ length: 10 }, (_, i) => `n${i}`);
      at(5, () => nonces.forEach((n, i) => s.send(sub(n, TIPS, `r${i}`, 'any'))));
      flush();
      const answered = s.log.filter((l) => l.frame?.type === 'response');
      expect(answered.map((l) => l.frame?.nonce)).not.toEqual(nonces);
      expect([...answered.map((l) => l.frame?.nonce)].sort()).toEqual([...nonces].sort());
      for (const l of answered) expect(l.at).toBeGreaterThanOrEqual(6);
      for (const l of answered) expect(l.at).toBeLessThanOrEqual(105);
      expect(gw.connection(0).held.size).toBe(10);
    });
  });

  it('delivers nothing for a subscription before its answer, and delivers after it', () => {
    scenario({ authLatencyMs: [20, 20] }, ({ gw, s, at, flush }) => {
      at(5, () => s.send(sub('n1', TIPS, ROOM)));
      at(24, () => expect(gw.publish(TIPS, ROOM, { n: 1 }).delivered).toBe(0));
      at(26, () => expect(gw.publish(TIPS, ROOM, { n: 2 }).delivered).toBe(1));
      flush();
      expect(s.frames().map((f) => f.type)).toEqual(['welcome', 'response', 'message']);
    });
  });

  it('applies an unsubscribe with its own latency, answered in between', () => {
    scenario({ authLatencyMs: [30, 30], unsubscribeLatencyMs: [2, 2] }, ({ gw, s, at, flush }) => {
      at(5, () => s.send(sub('n1', TIPS, ROOM)));
      at(6, () => s.send(unsub('u1', TIPS, ROOM)));
      flush();
      // the unsubscribe is answered at 8, the subscribe at 35: the subscription stays (answers left out of order)
      expect(s.responses().map((r) => r.nonce)).toEqual(['u1', 'n1']);
      expect(gw.connection(0).held.size).toBe(1);
    });
  });
});

describe('virtualGateway: command rate limit (§9)', () => {
  it('refuses synchronously on receipt, before authorization, with no nonce', () => {
    scenario({ authLatencyMs: [10, 10], rateLimit: { burst: 2, intervalMs: 1000 } }, ({ gw, s, at, flush }) => {
      at(5, () => ['a', 'b', 'c'].forEach((n) => s.send(sub(n, TIPS, ROOM))));
      flush();
      const responses = s.log.filter((l) => l.frame?.type === 'response');
      expect(responses.map((l) => [l.at, l.frame?.nonce, l.frame?.error])).toEqual([
        [5, undefined, 'rate_limit_exceeded'],
        [15, 'a', undefined],
        [15, 'b', undefined],
      ]);
      expect(responses[0]?.frame).not.toHaveProperty('nonce');
      expect(gw.rejections).toBe(1);
      expect(gw.wire.map((w) => w.rateLimited)).toEqual([false, false, true]);
    });
  });

  it('refills one command per interval', () => {
    scenario({ rateLimit: { burst: 1, intervalMs: 100 } }, ({ gw, s, at, flush }) => {
      at(5, () => s.send(sub('a', TIPS, ROOM)));
      at(50, () => s.send(sub('b', TIPS, ROOM)));
      at(105, () => s.send(sub('c', TIPS, ROOM)));
      flush();
      expect(gw.wire.map((w) => w.rateLimited)).toEqual([false, true, false]);
    });
  });

  it('rejectNext(n) refuses the next n commands without a nonce', () => {
    scenario({}, ({ gw, s, at, flush }) => {
      at(4, () => gw.rejectNext(2));
      at(5, () => ['a', 'b', 'c'].forEach((n) => s.send(sub(n, TIPS, ROOM))));
      flush();
      expect(s.responses().map((r) => [r.nonce, r.error])).toEqual([
        [undefined, 'rate_limit_exceeded'],
        [undefined, 'rate_limit_exceeded'],
        ['c', undefined],
      ]);
      expect(gw.rejections).toBe(2);
    });
  });
});

describe('virtualGateway: publish and hostile frames', () => {
  it('delivers a message frame with a unique id to every holder, and logs it', () => {
    scenario({}, ({ gw, s, at, flush, scheduler }) => {
      const other = rawSocket(gw, scheduler);
      at(5, () => s.send(sub('n1', TIPS, ROOM)));
      at(10, () => gw.publish(TIPS, ROOM, { a: 1 }));
      at(11, () => gw.publish(TIPS, ROOM, undefined));
      flush();
      const messages = s.frames().filter((f) => f.type === 'message');
      expect(messages[0]).toEqual({ id: expect.any(String), ts: expect.any(String), type: 'message', topic: TIPS, room: ROOM, data: { a: 1 } });
      expect(messages[1]?.data).toBeNull();
      expect(messages[0]?.id).not.toBe(messages[1]?.id);
      expect(other.frames().map((f) => f.type)).toEqual(['welcome']);
      expect(gw.published).toEqual([
        { id: messages[0]?.id, topic: TIPS, room: ROOM, at: 10, deliveredTo: [0] },
        { id: messages[1]?.id, topic: TIPS, room: ROOM, at: 11, deliveredTo: [0] },
      ]);
    });
  });

  it('sends hostile frames exactly as they are', () => {
    scenario({}, ({ gw, s, at, flush }) => {
      const hostile = gw.hostileFrames({ topic: TIPS, room: ROOM });
      at(5, () => hostile.forEach((h) => gw.sendRaw(0, h.text)));
      flush();
      const raws = s.log.filter((l) => l.kind === 'frame').slice(1).map((l) => l.raw);
      expect(raws).toEqual(hostile.map((h) => h.text));
      expect(hostile.map((h) => h.name)).toEqual(expect.arrayContaining(['JSON nested 5000 levels deep', 'message with data null', '__proto__ keys']));
    });
  });

  it('gives the same hostile frames for the same seed', () => {
    const scheduler = createTestScheduler();
    const a = virtualGateway({ scheduler, random: seededRandom(3) }).hostileFrames();
    const b = virtualGateway({ scheduler, random: seededRandom(3) }).hostileFrames();
    expect(a.map((f) => f.text)).toEqual(b.map((f) => f.text));
  });
});

describe('virtualGateway: switches', () => {
  it('rejects invalid switch values with a TypeError', () => {
    const gw = virtualGateway({ scheduler: createTestScheduler() });
    expect(() => gw.set({ authLatencyMs: [5, 1] })).toThrow(TypeError);
    expect(() => gw.set({ rateLimit: { burst: 0 } })).toThrow(/rateLimit.burst/);
    expect(() => gw.set({ tokenUpgrade: { status: 500 as 502 } })).toThrow(/tokenUpgrade/);
    expect(gw.set({ rateLimit: { intervalMs: 5 } }).rateLimit).toEqual({ burst: 100, intervalMs: 5 });
    expect(gw.switches.rateLimit.intervalMs).toBe(5);
  });
});
