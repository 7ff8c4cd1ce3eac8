/**
 * Transport safety: no clear-text tokens to remote hosts, bounded frames,
 * bounded command queue, bounded de-duplication memory.
 */
import { Subject, Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createAstroClient } from '../../lib/client/createAstroClient';
import type { AstroClient, AstroClientOptions, ClientMetrics, ConnectionState } from '../../lib/client/types';
import { ConnectionEvent, Intent, connect } from '../../lib/connection/connect';
import { IdWindow } from '../../lib/connection/idWindow';
import { AstroError } from '../../lib/errors/astroError';
import { startEmulator, type Emulator } from '../../lib/testing';
import { FakeGatewayOptions, fakeGateway } from '../helpers/fakeGateway';
import { createTestScheduler } from '../helpers/testScheduler';
import { clientOnFakeGateway } from '../helpers/clientOnFakeGateway';
import { waitUntil } from '../testing/rawClient';

const at = (scheduler: TestScheduler, ms: number, work: () => void) => scheduler.schedule(work, ms);

function onFake(scheduler: TestScheduler, gw: FakeGatewayOptions = {}, opts: AstroClientOptions = {}) {
  const { gateway, client } = clientOnFakeGateway(scheduler, gw, opts);
  let metrics: ClientMetrics | undefined;
  client.metrics$.subscribe((m) => (metrics = m));
  const warnings: AstroError[] = [];
  client.warnings$.subscribe((w) => warnings.push(w));
  return { gateway, client, warnings, metrics: () => metrics as ClientMetrics };
}

describe('transport: ws:// only to loopback unless allowInsecure', () => {
  const remote = ['ws://example.com', 'ws://10.0.0.7:8080/', 'ws://[::2]/', 'ws://127.0.0.1.evil.example/', 'ws://localhost.evil.example/', 'ws://127.0.0.1@evil.example/'];

  it.each(remote)('refuses %s at creation, naming the option, before any socket', (url) => {
    let opened = 0;
    const create = () => createAstroClient({ url: `${url}?token=leak-me-please`, token: 'secret-token-1', openSocket: () => (opened++, new Subject()) });
    expect(create).toThrow(AstroError);
    try {
      create();
    } catch (e) {
      expect((e as AstroError).code).toBe('insecure_url');
      expect((e as AstroError).message).toContain('allowInsecure');
      expect((e as AstroError).message).not.toContain('leak-me-please');
      expect((e as AstroError).message).not.toContain('secret-token-1');
    }
    expect(opened).toBe(0);
  });

  it.each(remote)('allows %s with allowInsecure: true', (url) => {
    expect(() => createAstroClient({ url, token: 't', allowInsecure: true })).not.toThrow();
  });

  it.each(['ws://127.0.0.1:9', 'ws://127.1.2.3/', 'ws://localhost:9', 'ws://LOCALHOST/', 'ws://[::1]:9/', 'wss://example.com/'])('accepts %s without allowInsecure', (url) => {
    expect(() => createAstroClient({ url, token: 't' })).not.toThrow();
  });

  it('rejects other schemes and garbage without echoing a query string', () => {
    expect(() => createAstroClient({ url: 'http://127.0.0.1/?token=leak-me-please', token: 't' })).toThrow(/wss:\/\//);
    let message = '';
    try {
      createAstroClient({ url: 'not a url?token=leak-me-please', token: 't' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/not a valid URL/);
    expect(message).not.toContain('leak-me-please');
  });
});

describe('transport: frames over maxFrameBytes', () => {
  it('are reported as decode failures on warnings$ and metrics, not parsed, not delivered, and the socket stays', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, client, warnings, metrics } = onFake(scheduler, {}, { maxFrameBytes: 1024 });
      const received: string[] = [];
      const sub = client.topic('channel.tips', { room: 'r1' }).subscribe((m) => received.push(m.id ?? ''));
      const big = JSON.stringify({ id: 'BIG', type: 'message', topic: 'channel.tips', room: 'r1', data: { pad: 'x'.repeat(2000) } });
      at(scheduler, 5, () => gateway.link(0).push(big));
      at(scheduler, 6, () => gateway.publish('channel.tips', 'r1', { donation: { amount: 1, currency: 'USD' } }, 'SMALL'));
      at(scheduler, 10, () => sub.unsubscribe());
      scheduler.flush();
      expect(received).toEqual(['SMALL']);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.code).toBe('decode');
      expect(warnings[0]?.details.failure).toEqual({ _tag: 'FrameTooLarge', byteLength: big.length, limit: 1024 });
      expect(warnings[0]?.message).toMatch(/exceeds maxFrameBytes 1024/);
      expect(metrics().decodeFailures).toBe(1);
      expect(gateway.links).toHaveLength(1);
    });
  });

  describe('over a real socket', () => {
    let emulator: Emulator | undefined;
    let client: AstroClient | undefined;
    afterEach(async () => {
      client?.close();
      client = undefined;
      await emulator?.close();
      emulator = undefined;
    });

    it('a frame just over the limit is a decode failure; a huge one is cut by the transport (1009) without being buffered, then the client reconnects', async () => {
      emulator = await startEmulator({ port: 0, pingIntervalMs: 60_000 });
      const e = emulator;
      client = createAstroClient({ url: e.url, token: e.issueToken({ channel: '*' }), maxFrameBytes: 4096, backoff: { initialDelayMs: 10, maxDelayMs: 50 } });
      const c = client;
      const warnings: AstroError[] = [];
      const states: ConnectionState[] = [];
      let metrics: ClientMetrics | undefined;
      c.warnings$.subscribe((w) => warnings.push(w));
      c.state$.subscribe((s) => states.push(s));
      c.metrics$.subscribe((m) => (metrics = m));
      const received: unknown[] = [];
      const sub = c.topic('channel.tips', { room: 'r1' }).subscribe((m) => received.push(m.data));
      await waitUntil(() => e.subscriptionCount('channel.tips', 'r1') === 1);
      const [first] = e.connections();

      // 4096 < 5000 < 4096 + 1 KiB: the transport lets it through, the decoder refuses it
      e.faults.sendRaw(JSON.stringify({ type: 'message', topic: 'channel.tips', room: 'r1', data: 'x'.repeat(5000) }));
      await waitUntil(() => warnings.length === 1);
      expect(warnings[0]?.details.failure).toEqual(expect.objectContaining({ _tag: 'FrameTooLarge', limit: 4096 }));
      expect(metrics?.decodeFailures).toBe(1);
      expect(e.connections().map((x) => x.clientId)).toEqual([first?.clientId]);

      // 8 MiB: ws refuses it from the frame header (WS_ERR_UNSUPPORTED_MESSAGE_LENGTH, close 1009), long before
      // 8 MiB are read. The client must say so: a disconnect that names maxFrameBytes, counted as a decode failure,
      // not an anonymous "socket closed (code 1006)".
      const heapBefore = process.memoryUsage().heapUsed;
      e.faults.sendRaw(JSON.stringify({ type: 'message', topic: 'channel.tips', room: 'r1', data: 'y'.repeat(8 * 1024 * 1024) }));
      await waitUntil(() => states.some((s) => s.status === 'reconnecting'), 5000);
      await waitUntil(() => e.subscriptionCount('channel.tips', 'r1') === 1 && e.connections()[0]?.clientId !== first?.clientId, 5000);
      expect(received).toEqual([]);
      expect(metrics?.reconnects.error).toBe(1);
      expect(states.find((s) => s.status === 'reconnecting')?.lastError?.message).toMatch(/maxFrameBytes/);
      expect(metrics?.decodeFailures).toBe(2);
      // the client side never held the frame (the emulator's own copy of the string is ~8 MiB in latin1 on its heap)
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(40 * 1024 * 1024);
      sub.unsubscribe();
    });
  });
});

describe('transport: the queue is bounded by what is wanted', () => {
  it('holds at most one command per subscription, however often the user flips it, and sends only the last intent', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, client } = onFake(scheduler, {}, { rateLimit: { burst: 1, intervalMs: 100 } });
      const depths: number[] = [];
      client.metrics$.subscribe((m) => depths.push(m.queue.depth));
      const keep = client.topic('channel.activities', { room: 'keepalive' }).subscribe();
      // welcomed at 1: 'keepalive' takes the only token; then 8 rooms flip 50 times each while they wait
      at(scheduler, 2, () => {
        for (let flip = 0; flip < 50; flip++) {
          const subs = new Subscription();
          for (let i = 0; i < 8; i++) subs.add(client.topic('channel.tips', { room: `r${i}` }).subscribe());
          if (flip < 49) subs.unsubscribe();
          else keep.add(subs);
        }
      });
      at(scheduler, 5000, () => keep.unsubscribe());
      scheduler.flush();
      // never more than one waiting entry per subscription (9 of them, when all leave at 5000)
      expect(Math.max(...depths)).toBeLessThanOrEqual(9);
      const sent = gateway.link(0).sent.map((s) => `${s.at}:${s.command.type}:${s.command.data.room}`);
      const rooms = Array.from({ length: 8 }, (_, i) => `r${i}`);
      // while the flips happen nothing leaves; then only the last intent of each room does
      expect(sent.slice(0, 9)).toEqual(['1:subscribe:keepalive', ...rooms.map((r, i) => `${101 + 100 * i}:subscribe:${r}`)]);
      expect(sent.slice(9).every((s) => s.includes(':unsubscribe:'))).toBe(true);
    });
  });
});

describe('transport: de-duplication memory is bounded', () => {
  it('IdWindow keeps at most its capacity, forgetting the oldest ids', () => {
    const w = new IdWindow(1000);
    for (let i = 0; i < 100_000; i++) w.add(`id-${i}`);
    expect(w.size).toBe(1000);
    expect(w.has('id-0')).toBe(false);
    expect(w.has('id-98999')).toBe(false);
    expect(w.has('id-99000')).toBe(true);
    expect(w.has('id-99999')).toBe(true);
    w.add('id-99999');
    expect(w.size).toBe(1000);
    expect(() => new IdWindow(0)).toThrow(/dedupeWindow/);
  });

  it('a connection remembers at most dedupeWindow ids around a handover, and none outside one', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const gateway = fakeGateway(scheduler);
      const intents = new Subject<Intent>();
      const events: ConnectionEvent[] = [];
      let seq = 0;
      const tokenOf = () => ({ token: 'secret-token-1', tokenType: 'jwt' as const });
      const sub = connect({ url: 'ws://127.0.0.1:1', intents, tokenOf, openSocket: gateway.openSocket, scheduler, dedupeWindow: 50, nonce: () => `n${++seq}` }).subscribe((e) => events.push(e));
      intents.next({ type: 'want', ref: 1, topic: 'channel.tips', room: 'r1', tokenRef: 1 });
      const push = (link: number, id: string) => gateway.link(link).push({ id, type: 'message', topic: 'channel.tips', room: 'r1', data: {} });
      // outside a handover nothing is remembered: a repeated id is delivered again
      at(scheduler, 5, () => {
        push(0, 'A');
        push(0, 'A');
      });
      // a handover: 200 distinct ids on the old socket during the overlap, then the new socket repeats some
      at(scheduler, 10, () => {
        gateway.drain(gateway.link(0));
        for (let i = 0; i < 200; i++) push(0, `h${i}`);
      });
      at(scheduler, 12, () => {
        push(1, 'h199'); // recent: dropped
        push(1, 'h0'); // older than the window of 50: forgotten, delivered again
      });
      at(scheduler, 20, () => sub.unsubscribe());
      scheduler.flush();
      const delivered = events.filter((e): e is Extract<ConnectionEvent, { type: 'frame' }> => e.type === 'frame' && e.frame.type === 'message').map((e) => e.frame.id);
      expect(delivered.filter((id) => id === 'A')).toHaveLength(2);
      expect(delivered.filter((id) => id === 'h199')).toHaveLength(1);
      expect(delivered.filter((id) => id === 'h0')).toHaveLength(2);
      expect(events.filter((e) => e.type === 'duplicate_dropped').map((e) => (e as { id: string }).id)).toEqual(['h199']);
    });
  });
});
