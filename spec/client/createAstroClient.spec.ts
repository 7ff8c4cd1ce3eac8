import { TestScheduler } from 'rxjs/testing';
import { Subscription } from 'rxjs';
import { AstroError } from '../../lib/errors/astroError';
import { createAstroClient } from '../../lib/client/createAstroClient';
import type { ConnectionState, Gap } from '../../lib/client/types';
import type { FakeLink } from '../helpers/fakeGateway';
import { createTestScheduler } from '../helpers/testScheduler';
import { clientOnFakeGateway } from '../helpers/clientOnFakeGateway';

const setup = clientOnFakeGateway;

type Sent = Pick<FakeLink, 'sent'>;
const commandsOf = (link: Sent, type: 'subscribe' | 'unsubscribe') =>
  link.sent.filter((s) => s.command.type === type).map((s) => `${s.command.data.topic}/${s.command.data.room ?? '*'}`);

const at = (scheduler: TestScheduler, ms: number, work: () => void) => scheduler.schedule(work, ms);

describe('createAstroClient', () => {
  it('rejects ws:// to a remote host without allowInsecure', () => {
    expect(() => createAstroClient({ url: 'ws://example.com', token: 't' })).toThrow(/allowInsecure/);
    expect(() => createAstroClient({ url: 'ws://example.com', token: 't', allowInsecure: true })).not.toThrow();
    expect(() => createAstroClient({ url: 'wss://example.com', token: 't' })).not.toThrow();
  });

  it('rejects an unknown token type naming the option', () => {
    expect(() => createAstroClient({ token: 't', tokenType: 'bearer' as never })).toThrow(/tokenType/);
  });

  it('opens no socket before the first subscriber', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, client } = setup(scheduler);
      const states: string[] = [];
      client.state$.subscribe((s) => states.push(s.status));
      scheduler.flush();
      expect(gateway.links).toHaveLength(0);
      expect(states).toEqual(['idle']);
    });
  });

  it('sends subscribe only after the welcome', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, client } = setup(scheduler);
      const sub = client.topic('channel.tips', { room: 'r1' }).subscribe();
      at(scheduler, 10, () => sub.unsubscribe());
      scheduler.flush();
      const link = gateway.link(0);
      // the welcome arrives at frame 1; the subscribe leaves then, not at frame 0
      expect(link.sent[0]?.at).toBe(1);
      expect(link.sent[0]?.command).toEqual({
        type: 'subscribe',
        nonce: 'n1',
        data: { topic: 'channel.tips', room: 'r1', token: 'secret-token-1', token_type: 'jwt' },
      });
    });
  });

  it('delivers the messages of its topic and room', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ expectObservable }) => {
      const { gateway, client } = setup(scheduler);
      at(scheduler, 5, () => gateway.publish('channel.stream.status', 'r1', { isLive: true }, 'A'));
      at(scheduler, 6, () => gateway.publish('channel.stream.status', 'r2', { isLive: true }, 'X'));
      at(scheduler, 7, () => gateway.publish('channel.stream.status', 'r1', { isLive: false }, 'B'));
      expectObservable(client.topic('channel.stream.status', { room: 'r1' }), '^ 9ms !').toBe('5ms a 1ms b', {
        a: { id: 'A', type: 'message', topic: 'channel.stream.status', room: 'r1', data: { isLive: true } },
        b: { id: 'B', type: 'message', topic: 'channel.stream.status', room: 'r1', data: { isLive: false } },
      });
    });
  });

  it('shares one gateway subscription between subscribers and unsubscribes after the last', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, client } = setup(scheduler, {}, { lazyCloseMs: 100 });
      const a = client.topic('channel.tips', { room: 'r1' }).subscribe();
      const b = client.topic('channel.tips', { room: 'r1' }).subscribe();
      at(scheduler, 10, () => a.unsubscribe());
      at(scheduler, 20, () => {
        expect(commandsOf(gateway.link(0), 'unsubscribe')).toEqual([]);
        b.unsubscribe();
      });
      scheduler.flush();
      expect(gateway.links).toHaveLength(1);
      expect(commandsOf(gateway.link(0), 'subscribe')).toEqual(['channel.tips/r1']);
      expect(commandsOf(gateway.link(0), 'unsubscribe')).toEqual(['channel.tips/r1']);
    });
  });

  it('closes the socket when the last subscriber leaves, after lazyCloseMs', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, client } = setup(scheduler, {}, { lazyCloseMs: 50 });
      const a = client.topic('channel.tips', { room: 'r1' }).subscribe();
      at(scheduler, 10, () => a.unsubscribe());
      at(scheduler, 59, () => expect(gateway.link(0).closed).toBe(false));
      scheduler.flush();
      expect(gateway.link(0).closedByClient).toBe(true);
    });
  });

  it('routes by the canonical room of the subscribe response', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ expectObservable }) => {
      const { gateway, client } = setup(scheduler, { aliases: { mychannel: 'c-123' } });
      at(scheduler, 5, () => gateway.publish('channel.tips', 'c-123', { donation: { amount: 1, currency: 'USD' } }, 'T'));
      expectObservable(client.topic('channel.tips', { room: 'mychannel' }), '^ 9ms !').toBe('5ms t', {
        t: { id: 'T', type: 'message', topic: 'channel.tips', room: 'c-123', data: { donation: { amount: 1, currency: 'USD' } } },
      });
    });
  });

  it('errors only the topic the gateway refuses with err_unauthorized', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ expectObservable }) => {
      const { gateway, client } = setup(scheduler, { unauthorized: ['channel.tips'] });
      at(scheduler, 5, () => gateway.publish('channel.activities', 'r1', { type: 'follow', provider: 'twitch' }, 'F'));
      expectObservable(client.topic('channel.tips', { room: 'r1' })).toBe(
        '2ms #',
        undefined,
        new AstroError('err_unauthorized', 'subscribe channel.tips in room r1 failed with err_unauthorized: no (the topic needs scope tips:read)'),
      );
      expectObservable(client.topic('channel.activities', { room: 'r1' }), '^ 9ms !').toBe('5ms f', {
        f: { id: 'F', type: 'message', topic: 'channel.activities', room: 'r1', data: { type: 'follow', provider: 'twitch' } },
      });
    });
  });

  it('names the missing scope when unauthorized, without the token', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { client } = setup(scheduler, { unauthorized: ['channel.tips'] });
      let error: unknown;
      client.topic('channel.tips', { room: 'r1' }).subscribe({ error: (e: unknown) => (error = e) });
      scheduler.flush();
      expect(error).toBeInstanceOf(AstroError);
      expect((error as AstroError).message).toContain('tips:read');
      expect((error as AstroError).message).not.toContain('secret-token-1');
    });
  });

  it('retries a subscribe answered with err_deadline_exceeded', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, client } = setup(scheduler, { failures: ['err_deadline_exceeded', 'err_internal_error'] });
      const received: string[] = [];
      const sub = client.topic('channel.tips', { room: 'r1' }).subscribe((m) => received.push(m.id ?? ''));
      at(scheduler, 5000, () => gateway.publish('channel.tips', 'r1', { donation: { amount: 1, currency: 'USD' } }, 'T'));
      at(scheduler, 6000, () => sub.unsubscribe());
      scheduler.flush();
      // answered with an error at 2 ms, retried after 1 s, failed again at 1003, retried after 2 s, succeeded
      expect(gateway.link(0).sent.filter((s) => s.command.type === 'subscribe').map((s) => s.at)).toEqual([1, 1002, 3003]);
      expect(received).toEqual(['T']);
    });
  });

  it('follows a reconnect frame make-before-break without re-subscribing or duplicating', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, client } = setup(scheduler);
      const received: string[] = [];
      const states: ConnectionState[] = [];
      const gaps: Gap[] = [];
      client.state$.subscribe((s) => states.push(s));
      client.gaps$.subscribe((g) => gaps.push(g));
      const sub = client.topic('channel.tips', { room: 'r1' }).subscribe((m) => received.push(m.id ?? ''));
      const tip = { donation: { amount: 1, currency: 'USD' } };
      at(scheduler, 10, () => gateway.drain(gateway.link(0)));
      // published while both sockets are up: the old one delivers it, then the new one again
      at(scheduler, 11, () => gateway.publish('channel.tips', 'r1', tip, 'overlap'));
      at(scheduler, 13, () => {
        expect(gateway.link(0).closedByClient).toBe(true);
        gateway.link(1).push({ id: 'overlap', type: 'message', topic: 'channel.tips', room: 'r1', data: tip });
        gateway.publish('channel.tips', 'r1', tip, 'after');
      });
      at(scheduler, 20, () => sub.unsubscribe());
      scheduler.flush();
      expect(gateway.link(1).url).toBe('ws://127.0.0.1:1/?reconnect_token=tok1%2F%2B%3D');
      expect(commandsOf(gateway.link(0), 'subscribe')).toEqual(['channel.tips/r1']);
      expect(commandsOf(gateway.link(1), 'subscribe')).toEqual([]);
      expect(received).toEqual(['overlap', 'after']);
      expect(gaps).toEqual([]);
      expect(states.map((s) => s.status)).toEqual(['idle', 'connecting', 'open', 'open', 'idle']);
    });
  });

  it('falls back to a fresh connection after the backoff when the reconnect token is refused, the old socket delivering meanwhile', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, client } = setup(scheduler);
      const gaps: Gap[] = [];
      const got: string[] = [];
      client.gaps$.subscribe((g) => gaps.push(g));
      const subs = new Subscription();
      subs.add(client.topic('channel.tips', { room: 'r1' }).subscribe((e) => got.push(e.id ?? '?')));
      subs.add(client.topic('channel.tips', { room: 'r2' }).subscribe());
      at(scheduler, 10, () => gateway.drain(gateway.link(0), false));
      // the token is refused at once; the old socket still delivers while the fallback waits
      at(scheduler, 500, () => gateway.publish('channel.tips', 'r1', {}, 'during-backoff'));
      at(scheduler, 3000, () => subs.unsubscribe());
      scheduler.flush();
      expect(gateway.links.map((l) => new URL(l.url).searchParams.has('reconnect_token'))).toEqual([false, true, false]);
      // the backoff (1000 ms, no jitter) counts from the refusal
      expect(gateway.link(2).sent[0]?.at).toBeGreaterThanOrEqual(1012);
      expect(commandsOf(gateway.link(2), 'subscribe')).toEqual(['channel.tips/r1', 'channel.tips/r2']);
      expect(got).toEqual(['during-backoff']);
      // once the fresh session holds everything, the old socket is closed: nothing was lost, so no gap
      expect(gateway.link(0).closedByClient).toBe(true);
      expect(gaps).toEqual([]);
    });
  });

  it('reports a gap from the old socket\'s last frame when it closes before the fallback holds everything', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, client } = setup(scheduler);
      const gaps: Gap[] = [];
      client.gaps$.subscribe((g) => gaps.push(g));
      const subs = new Subscription();
      subs.add(client.topic('channel.tips', { room: 'r1' }).subscribe());
      at(scheduler, 10, () => gateway.drain(gateway.link(0), false));
      at(scheduler, 400, () => gateway.publish('channel.tips', 'r1', {}, 'last'));
      at(scheduler, 600, () => gateway.link(0).drop(1001));
      at(scheduler, 3000, () => subs.unsubscribe());
      scheduler.flush();
      expect(gaps).toHaveLength(1);
      expect(gaps[0]?.from).toBe(400);
      expect(gaps[0]?.to).toBe(gateway.link(2).sent[0] ? (gateway.link(2).sent[0]?.at ?? 0) + 1 : NaN);
      expect(gaps[0]?.cause).toBe('handover_failed');
    });
  });

  it('reconnects with backoff after an unexpected close and re-subscribes every room', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, client } = setup(scheduler, { onOpen: (n) => (n === 1 ? 'close' : 'welcome') });
      const gaps: Gap[] = [];
      const states: ConnectionState[] = [];
      client.gaps$.subscribe((g) => gaps.push(g));
      client.state$.subscribe((s) => states.push(s));
      const subs = new Subscription();
      for (const room of ['a', 'b', 'c']) subs.add(client.topic('channel.activities', { room }).subscribe());
      at(scheduler, 100, () => gateway.link(0).drop());
      at(scheduler, 10_000, () => subs.unsubscribe());
      scheduler.flush();
      // link 1 closes at once (no welcome): the second retry waits 2 s
      expect(gateway.links).toHaveLength(3);
      expect(commandsOf(gateway.link(2), 'subscribe')).toEqual(['channel.activities/a', 'channel.activities/b', 'channel.activities/c']);
      expect(gateway.link(2).sent[0]?.at).toBe(100 + 1000 + 1 + 2000 + 1);
      expect(states.filter((s) => s.status === 'reconnecting').map((s) => s.retryInMs)).toEqual(expect.arrayContaining([1000, 2000]));
      // last frame at 2 ms (the subscribe responses); every room answered again at 3103 ms
      expect(gaps).toEqual([{ from: 2, to: 3103, cause: 'error' }]);
      expect(states.find((s) => s.gap)?.gap).toEqual({ from: 2, cause: 'error' });
    });
  });

  it('waits at least Retry-After after a refused upgrade', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, client } = setup(scheduler, { onOpen: (n) => (n === 0 ? { refuse: 429, retryAfterMs: 2000 } : 'welcome') });
      const sub = client.topic('channel.tips', { room: 'r1' }).subscribe();
      at(scheduler, 5000, () => sub.unsubscribe());
      scheduler.flush();
      expect(gateway.links).toHaveLength(2);
      expect(gateway.link(1).sent[0]?.at).toBe(1 + 2000 + 1);
    });
  });

  it('calls a link without ping or frame for heartbeatTimeoutMs dead and reconnects', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, client } = setup(scheduler, {}, { heartbeatTimeoutMs: 75_000 });
      const sub = client.topic('channel.tips', { room: 'r1' }).subscribe();
      at(scheduler, 30_000, () => gateway.link(0).ping());
      at(scheduler, 200_000, () => sub.unsubscribe());
      scheduler.flush();
      expect(gateway.link(0).closedByClient).toBe(true);
      // last sign of life at 30 s (ping): dead at 105 s, retried after 1 s
      expect(gateway.link(1).sent[0]?.at).toBe(105_000 + 1000 + 1);
    });
  });

  it('never calls a link dead where pings are invisible (browsers)', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, client } = setup(scheduler, { observesPings: false }, { heartbeatTimeoutMs: 75_000 });
      const sub = client.topic('channel.tips', { room: 'r1' }).subscribe();
      at(scheduler, 500_000, () => sub.unsubscribe());
      scheduler.flush();
      expect(gateway.links).toHaveLength(1);
    });
  });

  it('reconnects at once on a wakeup (browser online event)', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ hot }) => {
      const wakeups = hot('100ms w');
      const { gateway, client } = setup(scheduler, { observesPings: false }, { wakeups });
      const sub = client.topic('channel.tips', { room: 'r1' }).subscribe();
      at(scheduler, 5000, () => sub.unsubscribe());
      scheduler.flush();
      expect(gateway.links).toHaveLength(2);
      expect(commandsOf(gateway.link(1), 'subscribe')).toEqual(['channel.tips/r1']);
    });
  });

  it('sends unsubscribes and new subscribes before a bulk re-subscribe', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, client } = setup(scheduler, {}, { rateLimit: { burst: 1, intervalMs: 100 } });
      const subs = new Subscription();
      for (const room of ['a', 'b', 'c']) subs.add(client.topic('channel.activities', { room }).subscribe());
      at(scheduler, 1000, () => gateway.link(0).drop());
      // welcomed again at 2001: 'a' leaves at once, 'b' is due at 2101; the user's new topic at 2050 goes first
      at(scheduler, 2050, () => subs.add(client.topic('channel.tips', { room: 'new' }).subscribe()));
      at(scheduler, 5000, () => subs.unsubscribe());
      scheduler.flush();
      expect(commandsOf(gateway.link(1), 'subscribe')).toEqual(['channel.activities/a', 'channel.tips/new', 'channel.activities/b', 'channel.activities/c']);
      expect(gateway.link(1).sent.slice(0, 4).map((s) => s.at)).toEqual([2001, 2101, 2201, 2301]);
    });
  });

  it('ends holding exactly the last intent when the gateway answers out of order', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      // subscribes authorize slowly, unsubscribes answer at once: answers overtake the commands
      const { gateway, client } = setup(scheduler, { responseDelay: (c) => (c.type === 'subscribe' ? 40 : 1) });
      const first = client.topic('channel.tips', { room: 'r1' }).subscribe();
      at(scheduler, 5, () => first.unsubscribe());
      let last = new Subscription();
      at(scheduler, 6, () => (last = client.topic('channel.tips', { room: 'r1' }).subscribe()));
      at(scheduler, 8, () => client.topic('channel.tips', { room: 'r2' }).subscribe().unsubscribe());
      at(scheduler, 500, () => expect([...gateway.link(0).subscriptions].sort()).toEqual(['channel.tips\u0000r1']));
      at(scheduler, 600, () => last.unsubscribe());
      scheduler.flush();
    });
  });

  it('never sends an unsubscribe for every room when the default room leaves and the gateway named its room', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, client } = setup(scheduler, { aliases: { '': 'chan-1' } });
      const other = client.topic('channel.tips', { room: 'r2' }).subscribe();
      const mine = client.topic('channel.tips').subscribe();
      at(scheduler, 50, () => mine.unsubscribe());
      at(scheduler, 100, () => expect([...gateway.link(0).subscriptions]).toEqual(['channel.tips\u0000r2']));
      at(scheduler, 200, () => other.unsubscribe());
      scheduler.flush();
      const unsubscribes = gateway.link(0).sent.filter((x) => x.command.type === 'unsubscribe').map((x) => x.command.data.room);
      expect(unsubscribes).toEqual(['chan-1', 'r2']);
    });
  });

  it('completes topic streams and state$ on close()', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ expectObservable }) => {
      const { client } = setup(scheduler);
      at(scheduler, 5, () => client.close());
      expectObservable(client.topic('channel.tips', { room: 'r1' })).toBe('5ms |');
      expectObservable(client.state$).toBe('a b 3ms (c|)', {
        a: { status: 'connecting' },
        b: { status: 'open', clientId: 'client-0' },
        c: { status: 'closed' },
      });
    });
  });
});
