import { createAstroClient } from '../../../lib/client/createAstroClient';
import type { ConnectionState } from '../../../lib/client/types';
import { AstroError } from '../../../lib/errors/astroError';
import { keyHash, ownerOf } from '../../../lib/client/pool/rendezvous';
import { createTestScheduler } from '../../helpers/testScheduler';
import { race, welcomedAt, type Race } from '../../races/helpers';

// The pool on virtual time: K connections to one racing gateway.

const TIPS = 'channel.tips';
const rooms = (n: number) => Array.from({ length: n }, (_, i) => `room${i}`);
const ownerAmong = (k: number, room: string) => ownerOf(keyHash(TIPS, room, 'tok'), k);
/** What each live gateway connection holds, as sorted room lists by connection index. */
const heldBy = (r: Race) => new Map(r.gw.connections().filter((c) => c.live).map((c) => [c.index, [...c.held].map((h) => h.split('\u0000')[1] as string).sort()]));
const listenAll = (r: Race, names: readonly string[]) => new Map(names.map((room) => [room, r.listen(TIPS, { room })]));

describe('the connection pool', () => {
  it('validates connections: an integer >= 1, as an invalid_argument AstroError', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity]) {
      expect(() => createAstroClient({ token: 't', connections: bad })).toThrow(AstroError);
      try {
        createAstroClient({ token: 't', connections: bad });
      } catch (e) {
        expect((e as AstroError).code).toBe('invalid_argument');
      }
    }
    const client = createAstroClient({ token: 't', connections: 2 });
    expect(() => client.setConnections(0)).toThrow(/connections must be an integer >= 1, got 0/);
    expect(() => client.setConnections(2.5)).toThrow(AstroError);
    client.close();
  });

  it('assigns each subscription to the connection rendezvous hashing names, and only there', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler, {}, { connections: 4 });
      const names = rooms(40);
      listenAll(r, names);
      let held = new Map<number, string[]>();
      r.at(1000, () => (held = heldBy(r)));
      r.at(1001, () => r.client.close());
      scheduler.flush();
      expect([...held.keys()]).toEqual([0, 1, 2, 3]);
      for (let i = 0; i < 4; i++) expect(held.get(i)).toEqual(names.filter((room) => ownerAmong(4, room) === i).sort());
      // every connection got some: the spread is not degenerate
      for (const list of held.values()) expect(list.length).toBeGreaterThan(3);
    });
  });

  it('opens connection i + 1 only after connection i was welcomed', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler, { openDelayMs: 3, welcomeDelayMs: 7 }, { connections: 3 });
      listenAll(r, rooms(6));
      r.at(500, () => r.client.close());
      scheduler.flush();
      const upgrades = r.gw.upgrades.map((u) => u.at);
      expect(upgrades).toHaveLength(3);
      for (let i = 1; i < 3; i++) expect(upgrades[i]).toBeGreaterThanOrEqual(welcomedAt(r.gw, i - 1) as number);
      // the upgrade is decided openDelayMs after the socket is asked for: the next one asked at the welcome
      expect(upgrades).toEqual([3, 3 + 7 + 3, 3 + 7 + 3 + 7 + 3]);
    });
  });

  it("waits for a 429's Retry-After before the connection refused, and the next opens only after it", () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler, {}, { connections: 3 });
      listenAll(r, rooms(6));
      // the second upgrade is refused with Retry-After 3 s
      r.at(1, () => r.gw.refuseUpgrades(1, { status: 429, retryAfterMs: 3000 }));
      r.at(5000, () => r.client.close());
      scheduler.flush();
      const ups = r.gw.upgrades;
      expect(ups.map((u) => u.status)).toEqual([undefined, 429, undefined, undefined]);
      expect((ups[2]?.at as number) - (ups[1]?.at as number)).toBeGreaterThanOrEqual(3000);
      expect(ups[3]?.at as number).toBeGreaterThanOrEqual(welcomedAt(r.gw, 1) as number);
    });
  });

  it('reports open only when every connection is open, else the least advanced, with each state', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler, {}, { connections: 3 });
      const states: ConnectionState[] = [];
      r.client.state$.subscribe((s) => states.push(s));
      listenAll(r, rooms(6));
      let midway: ConnectionState | undefined;
      r.at(3, () => (midway = states[states.length - 1]));
      r.at(100, () => r.gw.drop(1));
      r.at(5000, () => r.client.close());
      scheduler.flush();
      const statuses = states.map((s) => s.status);
      // idle, then connecting until the third is welcomed
      expect(statuses.slice(0, 2)).toEqual(['idle', 'connecting']);
      const firstOpen = states.findIndex((s) => s.status === 'open');
      expect(states[firstOpen]?.connections?.map((c) => c.status)).toEqual(['open', 'open', 'open']);
      expect(midway?.status).toBe('connecting');
      expect(midway?.connections?.map((c) => c.status)).toEqual(['open', 'connecting', 'connecting']);
      // the drop of one: the pool reads reconnecting, with the others still open
      const dropped = states.find((s, i) => i > firstOpen && s.status === 'reconnecting');
      expect(dropped?.connections?.map((c) => c.status)).toEqual(['open', 'reconnecting', 'open']);
      expect(dropped?.lastError?.code).toBe('transport');
      expect(statuses.filter((s, i) => i > firstOpen && s === 'open').length).toBeGreaterThan(0);
      expect(statuses[statuses.length - 1]).toBe('closed');
    });
  });

  it('a drop of one connection: only its keys gap, the other connections send nothing and lose nothing', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler, {}, { connections: 3 });
      const names = rooms(30);
      const listeners = listenAll(r, names);
      let wireBefore = 0;
      r.at(500, () => {
        wireBefore = r.gw.wire.length;
        r.gw.drop(1);
      });
      // events in every room, during and after the drop
      for (let t = 400; t < 3000; t += 50) r.at(t, () => names.forEach((room) => r.gw.publish(TIPS, room, { t })));
      r.at(4000, () => r.client.close());
      scheduler.flush();
      const after = r.gw.wire.slice(wireBefore).filter((w) => w.command);
      // only the replacement of connection 1 (gateway connection 3) sent commands after the drop
      expect(new Set(after.map((w) => w.conn))).toEqual(new Set([3]));
      expect(after.map((w) => w.command?.room).sort()).toEqual(names.filter((room) => ownerAmong(3, room) === 1).sort());
      expect(r.gaps.length).toBeGreaterThan(0);
      expect(r.gaps.every((g) => g.connection === 1 && g.cause === 'error')).toBe(true);
      for (const [room, l] of listeners) {
        const published = r.gw.published.filter((p) => p.room === room);
        const got = new Set(l.ids());
        const missed = published.filter((p) => !got.has(p.id));
        if (ownerAmong(3, room) !== 1) expect(missed).toEqual([]);
        // the dropped connection's rooms miss only events inside its gap
        else for (const p of missed) expect(r.gaps.some((g) => g.from <= p.at && p.at <= g.to)).toBe(true);
        expect(l.ids().length).toBe(got.size);
      }
    });
  });

  it('names the connection of each gap and counts per connection in metrics$', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler, {}, { connections: 2 });
      listenAll(r, rooms(10));
      r.at(300, () => r.gw.drop(0));
      let m = r.metrics();
      r.at(2999, () => (m = r.metrics()));
      r.at(3000, () => r.client.close());
      scheduler.flush();
      expect(m.connections?.map((c) => c.connection)).toEqual([0, 1]);
      const owned = [0, 1].map((i) => rooms(10).filter((room) => ownerAmong(2, room) === i).length);
      expect(m.connections?.map((c) => c.activeSubscriptions)).toEqual(owned);
      expect(m.activeSubscriptions).toBe(10);
      expect(m.connections?.map((c) => c.reconnects.error)).toEqual([1, 0]);
      expect(m.connections?.map((c) => c.connects)).toEqual([2, 1]);
      expect((m.connections?.[0]?.commandsSent ?? 0) + (m.connections?.[1]?.commandsSent ?? 0)).toBe(m.commandsSent);
      expect(m.connections?.[0]?.gaps).toBe(m.gaps);
      expect(r.gaps.map((g) => g.connection)).toEqual([0]);
    });
  });
});
