/**
 * Transport safety: no clear-text tokens to remote hosts, bounded frames,
 * bounded command queue, bounded de-duplication memory.
 */
import { Subject, Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createAstroClient } from '../../lib/client/createAstroClient';
import type { AstroClient, AstroClientOptions, ClientMetrics, ConnectionState } from '../../lib/client/types';
import { CommandRequest, ConnectionEvent, connect } from '../../lib/connection/connect';
import { IdWindow } from '../../lib/connection/idWindow';
import { AstroError } from '../../lib/errors/astroError';
import { subscribeCommand } from '../../lib/protocol/commands';
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

describe('transport: maxQueuedCommands', () => {
  it('rejects what does not fit with AstroError queue_full on the topic, and the queue never grows past the limit', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, client, metrics } = onFake(scheduler, {}, { maxQueuedCommands: 3, rateLimit: { burst: 1, intervalMs: 100 } });
      const errors = new Map<string, unknown>();
      const depths: number[] = [];
      client.metrics$.subscribe((m) => depths.push(m.queue.depth));
      const subs = new Subscription();
      // welcomed at 1: 'keepalive' takes the only token; at 2, r0…r2 wait (3 = the limit) and the rest do not fit
      at(scheduler, 2, () => {
        for (let i = 0; i < 8; i++) subs.add(client.topic('channel.tips', { room: `r${i}` }).subscribe({ error: (e: unknown) => errors.set(`r${i}`, e) }));
      });
      subs.add(client.topic('channel.activities', { room: 'keepalive' }).subscribe());
      at(scheduler, 2000, () => subs.unsubscribe());
      scheduler.flush();
      expect([...errors.keys()]).toEqual(['r3', 'r4', 'r5', 'r6', 'r7']);
      for (const e of errors.values()) {
        expect(e).toBeInstanceOf(AstroError);
        expect((e as AstroError).code).toBe('queue_full');
        expect((e as AstroError).message).toMatch(/queue is full \(3 commands waiting\)/);
        expect((e as AstroError).message).not.toContain('secret-token-1');
      }
      const sent = gateway.link(0).sent.filter((s) => s.command.type === 'subscribe').map((s) => s.command.data.room);
      expect(sent).toEqual(['keepalive', 'r0', 'r1', 'r2']);
      // waiting commands + the one on the wire
      expect(Math.max(...depths)).toBeLessThanOrEqual(3 + 1);
      expect(metrics().commandsFailed).toBe(5);
    });
  });

  it('on a re-subscribe burst after a reconnect, subscriptions beyond the queue fail with queue_full rather than grow it', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { gateway, client } = onFake(scheduler, {}, { maxQueuedCommands: 3, rateLimit: { burst: 1, intervalMs: 10 } });
      const errors: string[] = [];
      const subs = new Subscription();
      for (let i = 0; i < 6; i++) subs.add(client.topic('channel.tips', { room: `r${i}` }).subscribe({ error: (e: AstroError) => errors.push(`r${i}:${e.code}`) }));
      at(scheduler, 500, () => gateway.link(0).drop());
      at(scheduler, 5000, () => subs.unsubscribe());
      scheduler.flush();
      // the first session fits 1 + 3 of 6, so two already failed; after the drop the four left fit again
      expect(errors).toEqual(['r4:queue_full', 'r5:queue_full']);
      expect(gateway.link(1).sent.filter((s) => s.command.type === 'subscribe').map((s) => s.command.data.room)).toEqual(['r0', 'r1', 'r2', 'r3']);
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
      const commands = new Subject<CommandRequest>();
      const events: ConnectionEvent[] = [];
      let seq = 0;
      const sub = connect({ url: 'ws://127.0.0.1:1', commands, openSocket: gateway.openSocket, scheduler, dedupeWindow: 50, nonce: () => `n${++seq}` }).subscribe((e) => {
        events.push(e);
        if (e.type === 'welcome' && !e.restored) commands.next({ id: 1, command: subscribeCommand({ topic: 'channel.tips', room: 'r1', token: 'secret-token-1' }) });
      });
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
