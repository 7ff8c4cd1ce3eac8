import { keyHash, ownerOf } from '../../../lib/client/pool/rendezvous';
import type { WireEntry } from '../../../lib/testing/gateway/types';
import { createTestScheduler } from '../../helpers/testScheduler';
import { race, type Race } from '../../races/helpers';

// Changing the number of connections at runtime: only the keys whose owner changes move, make-before-break.

const TIPS = 'channel.tips';
const ROOMS = Array.from({ length: 24 }, (_, i) => `room${i}`);
const ownerAmong = (k: number, room: string) => ownerOf(keyHash(TIPS, room, 'tok'), k);
const SLOW = { authLatencyMs: [5, 40] as const, unsubscribeLatencyMs: [5, 40] as const };

/** Publishes to every room every `everyMs` from `from` to `to`. */
function publishThroughout(r: Race, from: number, to: number, everyMs: number): void {
  for (let t = from; t < to; t += everyMs) r.at(t, () => ROOMS.forEach((room) => r.gw.publish(TIPS, room, { t })));
}

/** Each room's events exactly: every published id once, in order. */
function expectExactDelivery(r: Race, listeners: Map<string, { ids(): string[] }>): void {
  for (const [room, l] of listeners) expect(l.ids()).toEqual(r.gw.published.filter((p) => p.room === room).map((p) => p.id));
}

const commandsAfter = (r: Race, t: number): WireEntry[] => r.gw.wire.filter((w) => w.command && w.at >= t);
/** When the gateway answered the command with this nonce on this connection. */
const answeredAt = (r: Race, conn: number, nonce: string | undefined) =>
  r.gw.outgoing.find((o) => o.conn === conn && typeof o.data === 'string' && o.data.includes('"type":"response"') && o.data.includes(`"nonce":"${nonce}"`))?.at;

describe('setConnections', () => {
  it('from 2 to 3 moves only the keys the new connection wins, subscribing there before unsubscribing the old', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler, SLOW, { connections: 2 });
      const listeners = new Map(ROOMS.map((room) => [room, r.listen(TIPS, { room })]));
      publishThroughout(r, 50, 1500, 5);
      r.at(500, () => r.client.setConnections(3));
      r.at(2000, () => r.client.close());
      scheduler.flush();

      const moved = ROOMS.filter((room) => ownerAmong(2, room) !== ownerAmong(3, room));
      expect(moved.every((room) => ownerAmong(3, room) === 2)).toBe(true);
      expect(moved.length).toBeGreaterThan(3);
      const after = commandsAfter(r, 500);
      const subs = after.filter((w) => w.command?.type === 'subscribe');
      const unsubs = after.filter((w) => w.command?.type === 'unsubscribe');
      // subscribes only on the new connection, unsubscribes only on the old owners, for exactly the moved keys
      expect(subs.every((w) => w.conn === 2)).toBe(true);
      expect(subs.map((w) => w.command?.room).sort()).toEqual([...moved].sort());
      expect(unsubs.map((w) => `${w.conn}:${w.command?.room}`).sort()).toEqual(moved.map((room) => `${ownerAmong(2, room)}:${room}`).sort());
      // make before break: each old unsubscribe leaves after the new connection's subscribe was answered
      for (const u of unsubs) {
        const s = subs.find((w) => w.command?.room === u.command?.room) as WireEntry;
        expect(u.at).toBeGreaterThanOrEqual(answeredAt(r, 2, s.command?.nonce) as number);
      }
      expectExactDelivery(r, listeners);
      expect(r.gaps).toEqual([]);
    });
  });

  it('from 3 to 2 moves the third connection keys back to their owners, then closes it', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler, SLOW, { connections: 3 });
      const listeners = new Map(ROOMS.map((room) => [room, r.listen(TIPS, { room })]));
      publishThroughout(r, 50, 1500, 5);
      r.at(500, () => r.client.setConnections(2));
      let liveAt1000: number[] = [];
      r.at(1000, () => (liveAt1000 = r.gw.connections().filter((c) => c.live).map((c) => c.index)));
      r.at(2000, () => r.client.close());
      scheduler.flush();

      const moved = ROOMS.filter((room) => ownerAmong(3, room) === 2);
      const after = commandsAfter(r, 500);
      expect(after.filter((w) => w.command?.type === 'subscribe').map((w) => `${w.conn}:${w.command?.room}`).sort()).toEqual(
        moved.map((room) => `${ownerAmong(2, room)}:${room}`).sort(),
      );
      // the emptied connection was closed by the client rather than told to unsubscribe one by one
      expect(r.gw.connection(2).closedByClient).toBe(true);
      expect(liveAt1000).toEqual([0, 1]);
      expectExactDelivery(r, listeners);
      expect(r.gaps).toEqual([]);
    });
  });

  it('loses and duplicates nothing through changes in quick succession (moves re-aimed while pending)', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler, SLOW, { connections: 1 });
      const listeners = new Map(ROOMS.map((room) => [room, r.listen(TIPS, { room })]));
      publishThroughout(r, 50, 3000, 5);
      r.at(300, () => r.client.setConnections(4));
      r.at(310, () => r.client.setConnections(2));
      r.at(900, () => r.client.setConnections(5));
      r.at(1600, () => r.client.setConnections(1));
      let held: string[][] = [];
      r.at(3500, () => (held = r.gw.connections().filter((c) => c.live).map((c) => [...c.held].sort())));
      r.at(4000, () => r.client.close());
      scheduler.flush();
      expectExactDelivery(r, listeners);
      expect(r.gaps).toEqual([]);
      // one connection left, holding every room once
      expect(held).toEqual([ROOMS.map((room) => `${TIPS}\u0000${room}`).sort()]);
    });
  });

  it('with no subscriber yet, places later subscriptions by the new count without any move', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler, {}, { connections: 1 });
      r.client.setConnections(3);
      ROOMS.forEach((room) => r.listen(TIPS, { room }));
      r.at(1000, () => r.client.close());
      scheduler.flush();
      expect(r.gw.wire.filter((w) => w.command?.type === 'unsubscribe')).toEqual([]);
      for (const w of r.gw.wire.filter((x) => x.command)) expect(w.conn).toBe(ownerAmong(3, w.command?.room as string));
    });
  });
});
