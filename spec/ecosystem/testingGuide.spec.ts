/**
 * The examples of docs/testing.md, run as written (docs.spec.ts checks that the
 * guide's code blocks marked `tested in spec/ecosystem/testingGuide.spec.ts`
 * appear here verbatim, imports aside). Users import from 'astro-rx' and
 * 'astro-rx/testing'; this spec imports the same things from lib/.
 */
import { Observable, bufferTime, firstValueFrom, map, type SchedulerLike } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createAstroClient, type AstroClient, type OpenSocket, type SocketEvent } from '../../lib';
import { startEmulator, type Emulator } from '../../lib/testing';

// --- the code under test (the user's)

/** Your code: one line per tip. */
const tipAlerts = (client: AstroClient, room: string) =>
  client.topic('channel.tips', { room }).pipe(map((t) => `${t.data.donation.user?.username} tipped ${t.data.donation.amount} ${t.data.donation.currency}`));

/** Your code: the tip total of each minute. */
const tipsPerMinute = (client: AstroClient, room: string, scheduler?: SchedulerLike) =>
  client.topic('channel.tips', { room }).pipe(
    bufferTime(60_000, scheduler),
    map((tips) => tips.reduce((sum, t) => sum + t.data.donation.amount, 0)),
  );

describe('docs/testing.md', () => {
  describe('with the emulator', () => {
    // --- guide: emulator
    let emulator: Emulator;
    beforeAll(async () => {
      emulator = await startEmulator({ port: 0 });
    });
    afterAll(() => emulator.close());

    /** Polls until `check()` holds (the subscription is registered on the emulator, …). */
    const until = async (check: () => boolean, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 10));
      }
    };

    it('shows tips, also after the connection dropped', async () => {
      const client = createAstroClient({
        url: emulator.url,
        token: emulator.issueToken({ channel: 'c1', scopes: ['tips:read'] }),
        backoff: { initialDelayMs: 10 }, // reconnect fast in tests
      });
      const alerts: string[] = [];
      tipAlerts(client, 'c1').subscribe((line) => alerts.push(line));
      const subscribed = () => emulator.subscriptionCount('channel.tips', 'c1') === 1;

      await until(subscribed);
      emulator.publish('channel.tips', 'c1', { donation: { amount: 5, currency: 'USD', user: { username: 'ann' } } });
      await until(() => alerts.length === 1);

      // an abrupt loss: the client reconnects, subscribes again, and reports the gap once it has
      const resubscribed = firstValueFrom(client.gaps$);
      emulator.faults.dropAll();
      await resubscribed;
      emulator.publish('channel.tips', 'c1', { donation: { amount: 7, currency: 'EUR', user: { username: 'bob' } } });
      await until(() => alerts.length === 2);

      expect(alerts).toEqual(['ann tipped 5 USD', 'bob tipped 7 EUR']);
      client.close();
    });
    // --- end
  });

  describe('on virtual time', () => {
    // --- guide: marbles
    /** A gateway on virtual time: welcomes, accepts every subscribe, and lets the test publish. */
    function fakeGateway(scheduler: SchedulerLike) {
      const sockets = new Set<(frame: object) => void>();
      const openSocket: OpenSocket = () =>
        new Observable<SocketEvent>((socket) => {
          const push = (frame: object) => socket.next({ type: 'frame', data: JSON.stringify(frame) });
          sockets.add(push);
          socket.next({
            type: 'open',
            socket: {
              observesPings: false,
              send(text) {
                const { nonce, data } = JSON.parse(text);
                scheduler.schedule(() => push({ type: 'response', nonce, data: { message: 'ok', topic: data.topic, room: data.room } }), 1);
                return true;
              },
            },
          });
          scheduler.schedule(() => push({ type: 'welcome', data: { client_id: 'test' } }), 1);
          return () => sockets.delete(push);
        });
      let id = 0;
      const publish = (topic: string, room: string, data: unknown) =>
        sockets.forEach((push) => push({ type: 'message', id: `m${++id}`, topic, room, data }));
      return { openSocket, publish };
    }

    it('sums the tips of each minute', () => {
      const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
      scheduler.run(({ expectObservable }) => {
        const gateway = fakeGateway(scheduler);
        const client = createAstroClient({ url: 'ws://127.0.0.1:1', token: 'test', scheduler, openSocket: gateway.openSocket });
        const tip = (amount: number) => ({ donation: { amount, currency: 'USD' } });

        scheduler.schedule(() => gateway.publish('channel.tips', 'c1', tip(5)), 10_000);
        scheduler.schedule(() => gateway.publish('channel.tips', 'c1', tip(2.5)), 50_000);
        scheduler.schedule(() => gateway.publish('channel.tips', 'c1', tip(10)), 70_000);

        // two minutes in a few milliseconds of real time
        expectObservable(tipsPerMinute(client, 'c1', scheduler), '^ 150s !').toBe('1m a 59999ms b', { a: 7.5, b: 10 });
      });
    });
    // --- end
  });
});
