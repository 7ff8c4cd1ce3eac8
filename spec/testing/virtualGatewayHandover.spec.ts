import { virtualGateway, type VirtualGateway, type VirtualGatewayOptions } from '../../lib/testing';
import { createTestScheduler } from '../helpers/testScheduler';
import { rawSocket, reconnectUrl, sub, type RawVirtualSocket } from '../helpers/virtualGatewayClient';

const ROOM = 'c1';
const TIPS = 'channel.tips';
const ACTS = 'channel.activities';
const key = (topic: string) => `${topic}\u0000${ROOM}`;

interface Handover {
  gw: VirtualGateway;
  old: RawVirtualSocket;
  at: (ms: number, fn: () => void) => void;
  /** Opens a socket with `token` (none: a fresh one) at `ms`; the socket is available once that time has passed. */
  reconnect: (ms: number, token: () => string | undefined) => { readonly socket: RawVirtualSocket | undefined };
  flush: () => void;
}

function handover(options: Partial<VirtualGatewayOptions>, body: (t: Handover) => void): void {
  const scheduler = createTestScheduler();
  scheduler.run(({ flush }) => {
    const gw = virtualGateway({ scheduler, tokens: { tok: { channel: ROOM, scopes: '*' } }, ...options });
    const old = rawSocket(gw, scheduler);
    const at = (ms: number, fn: () => void) => void scheduler.schedule(fn, ms - scheduler.now());
    const reconnect: Handover['reconnect'] = (ms, token) => {
      const box: { socket: RawVirtualSocket | undefined } = { socket: undefined };
      at(ms, () => {
        const t = token();
        box.socket = rawSocket(gw, scheduler, t === undefined ? undefined : reconnectUrl(t));
      });
      return box;
    };
    body({ gw, old, at, reconnect, flush });
  });
}

describe('virtualGateway: reconnect handover (§10)', () => {
  it('sends a reconnect frame shaped like the fixture, and the token restores the subscriptions', () => {
    handover({}, ({ gw, old, at, reconnect, flush }) => {
      let token: string | undefined;
      at(5, () => old.send(sub('n1', TIPS, ROOM)));
      at(10, () => (token = gw.drain(0)));
      at(11, () => expect(gw.current()).toBeUndefined());
      const next = reconnect(20, () => token);
      at(30, () => gw.publish(TIPS, ROOM, { x: 1 }));
      flush();
      expect(old.frames().find((f) => f.type === 'reconnect')).toEqual({ type: 'reconnect', data: { message: 'The server is shutting down.', reconnect_token: token } });
      expect(next.socket?.log.map((l) => [l.at, l.kind])).toEqual([[21, 'open'], [22, 'frame'], [30, 'frame']]);
      expect(gw.connection(1)).toMatchObject({ restored: true, welcomed: true });
      expect([...gw.connection(1).held]).toEqual([key(TIPS)]);
      const ids = [old, next.socket].map((s) => s?.frames().find((f) => f.type === 'message')?.id);
      expect(ids[0]).toBe(ids[1]);
    });
  });

  it('makes the new connection current only once it is welcomed', () => {
    handover({}, ({ gw, at, reconnect, flush }) => {
      let token: string | undefined;
      at(5, () => (token = gw.drain(0)));
      reconnect(10, () => token);
      at(11, () => expect(gw.current()).toBeUndefined());
      at(13, () => expect(gw.current()?.index).toBe(1));
      flush();
    });
  });

  it('closes the old socket with 1001 after oldSocketCloseMs', () => {
    handover({ oldSocketCloseMs: 300 }, ({ gw, old, at, flush }) => {
      at(10, () => gw.drain(0));
      flush();
      expect(old.log.at(-1)).toMatchObject({ at: 310, kind: 'error', error: { code: 'transport', details: { closeCode: 1001 } } });
    });
  });

  it('still answers and applies commands on the old socket after the reconnect frame', () => {
    handover({}, ({ gw, old, at, flush }) => {
      at(10, () => gw.drain(0));
      at(11, () => old.send(sub('late', ACTS, ROOM)));
      flush();
      expect(old.responses().map((r) => [r.nonce, r.error])).toEqual([['late', undefined]]);
    });
  });

  describe.each([
    ['reconnectFrame', [key(TIPS)]],
    ['tokenUse', [key(TIPS), key(ACTS)]],
  ] as const)('snapshot: %s', (snapshot, restored) => {
    it(`restores ${restored.length} subscription(s) when one is acknowledged on the old socket after the reconnect frame`, () => {
      handover({ snapshot, authLatencyMs: [10, 10] }, ({ gw, old, at, reconnect, flush }) => {
        let token: string | undefined;
        at(5, () => old.send(sub('a', TIPS, ROOM))); // acknowledged at 15
        at(20, () => (token = gw.drain(0)));
        at(21, () => old.send(sub('b', ACTS, ROOM))); // acknowledged at 31, on the old socket
        reconnect(40, () => token);
        flush();
        expect(old.responses().map((r) => r.nonce)).toEqual(['a', 'b']);
        expect([...gw.connection(1).held]).toEqual(restored);
      });
    });
  });

  it('with tokenUse, takes the snapshot when the old socket closes if that comes first', () => {
    handover({ snapshot: 'tokenUse', oldSocketCloseMs: 30 }, ({ gw, old, at, reconnect, flush }) => {
      let token: string | undefined;
      at(5, () => old.send(sub('a', TIPS, ROOM)));
      at(10, () => (token = gw.drain(0)));
      at(20, () => old.send(sub('b', ACTS, ROOM)));
      reconnect(100, () => token); // the old socket closed at 40
      flush();
      expect(old.error?.details.closeCode).toBe(1001);
      expect([...gw.connection(1).held].sort()).toEqual([key(ACTS), key(TIPS)]);
    });
  });

  it('can close the old socket before the new one is welcomed (early close)', () => {
    handover({ oldSocketCloseMs: 0 }, ({ gw, old, at, reconnect, flush }) => {
      let token: string | undefined;
      at(5, () => old.send(sub('a', TIPS, ROOM)));
      at(10, () => (token = gw.drain(0)));
      const next = reconnect(10, () => token);
      flush();
      const closedAt = old.log.find((l) => l.kind === 'error')?.at ?? Infinity;
      const welcomedAt = next.socket?.log.find((l) => l.frame?.type === 'welcome')?.at ?? -Infinity;
      expect(closedAt).toBe(10);
      expect(welcomedAt).toBe(12);
      expect([...gw.connection(1).held]).toEqual([key(TIPS)]);
    });
  });

  it.each([
    ['a used token', (t: string | undefined) => t],
    ['an unknown token', () => 'eyJforged'],
  ])('closes a socket with %s at once (4001), without welcome', (_name, second) => {
    handover({}, ({ gw, at, reconnect, flush }) => {
      let token: string | undefined;
      at(5, () => (token = gw.drain(0)));
      reconnect(10, () => token);
      const bad = reconnect(20, () => second(token));
      flush();
      expect(bad.socket?.log.map((l) => [l.at, l.kind])).toEqual([[21, 'open'], [21, 'error']]);
      expect(bad.socket?.error).toMatchObject({ code: 'transport', details: { closeCode: 4001 } });
    });
  });

  it('refuses an expired token', () => {
    handover({ reconnectTokenTtlMs: 50 }, ({ gw, at, reconnect, flush }) => {
      let token: string | undefined;
      at(5, () => (token = gw.drain(0)));
      const late = reconnect(60, () => token);
      flush();
      expect(late.socket?.error?.details.closeCode).toBe(4001);
    });
  });
});

describe('virtualGateway: tokenUpgrade', () => {
  it.each([
    [{ status: 429 as const }, { status: 429, retryAfterMs: 2000 }],
    [{ status: 429 as const, retryAfterMs: 7000 }, { status: 429, retryAfterMs: 7000 }],
    [{ status: 502 as const }, { status: 502 }],
  ])('refuses a token upgrade with %j', (tokenUpgrade, details) => {
    handover({ tokenUpgrade }, ({ gw, at, reconnect, flush }) => {
      let token: string | undefined;
      at(5, () => (token = gw.drain(0)));
      const next = reconnect(10, () => token);
      flush();
      expect(next.socket?.error).toMatchObject({ code: 'upgrade_refused', details });
      expect(next.socket?.opened).toBe(false);
    });
  });

  it('does not use up the token when refusing, and does not refuse fresh upgrades', () => {
    handover({ tokenUpgrade: { status: 502 } }, ({ gw, old, at, reconnect, flush }) => {
      let token: string | undefined;
      at(5, () => old.send(sub('a', TIPS, ROOM)));
      at(10, () => (token = gw.drain(0)));
      const refused = reconnect(20, () => token);
      const fresh = reconnect(25, () => undefined);
      at(30, () => gw.set({ tokenUpgrade: 'accept' }));
      const retried = reconnect(40, () => token);
      flush();
      expect(refused.socket?.error?.details.status).toBe(502);
      expect(retried.socket?.error).toBeUndefined();
      expect(gw.connection(2)).toMatchObject({ restored: true, held: new Set([key(TIPS)]) });
      expect(fresh.socket?.frames().map((f) => f.type)).toEqual(['welcome']);
    });
  });
});
