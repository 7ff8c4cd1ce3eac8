import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { createAstroClient } from '../../lib/client/createAstroClient';
import type { AstroError } from '../../lib/errors/astroError';
import type { OpenSocket, SocketEvent } from '../../lib/transport/types';
import { createTestScheduler } from '../helpers/testScheduler';
import { race, ROOM } from './helpers';

// Memory bounded by what is live — issue #11, behaviour 13.

const TIPS = 'channel.tips';
const ROTATIONS = 100_000;
const FINAL = 'final-secret-token-0042';

/** A token the size of a dashboard JWT (≈ 390 characters), different for each `i`. */
const jwtLike = (i: number) =>
  `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${Buffer.from(JSON.stringify({ sub: 'user', i, pad: 'x'.repeat(200) })).toString('base64url')}.${'S'.repeat(43)}`;

/** `global.gc`, exposed at run time when jest was started without `--expose-gc`. */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * A gateway that only answers, one scheduler turn later: every subscribe succeeds, except
 * channel.activities, refused with a message that quotes the token. It keeps nothing per
 * command, so the heap measures the client. (The virtual gateway keeps every answer's
 * scheduled action until its connection closes: about 1 KB per command.)
 */
function answeringGateway(scheduler: SchedulerLike): OpenSocket {
  let id = 0;
  const stamp = () => ({ id: `01HANSWER${String(++id).padStart(17, '0')}`, ts: '2026-03-20T00:00:00Z' });
  return () =>
    new Observable<SocketEvent>((subscriber) => {
      const answer = (text: string) => {
        const c = JSON.parse(text) as { type: string; nonce: string; data: { topic: string; room?: string; token?: string } };
        const refused = c.type === 'subscribe' && c.data.topic === 'channel.activities';
        const frame = refused
          ? { ...stamp(), type: 'response', nonce: c.nonce, error: 'err_unauthorized', data: { message: `token ${c.data.token} lacks activities:read` } }
          : { ...stamp(), type: 'response', nonce: c.nonce, data: { message: 'ok', topic: c.data.topic, room: c.data.room } };
        scheduler.schedule(() => subscriber.next({ type: 'frame', data: JSON.stringify(frame) }));
      };
      const open = scheduler.schedule(() => {
        subscriber.next({ type: 'open', socket: { send: (text) => (answer(text), true), observesPings: false } });
        subscriber.next({ type: 'frame', data: JSON.stringify({ ...stamp(), type: 'welcome', data: { message: 'hi', client_id: 'c' } }) });
      }, 1);
      return () => open.unsubscribe();
    });
}

describe('races: rotating 100 000 tokens', () => {
  it('keeps heap growth under 30 MB and still redacts the live token', () => {
    const gc = collector();
    const scheduler = createTestScheduler();
    const lines: string[] = [];
    let logged = 0;
    const logger = {
      debug: () => void logged++,
      info: () => void logged++,
      warn: (message: string) => void lines.push(message),
    };
    let growthMb = Infinity;
    let refusal: AstroError | undefined;
    scheduler.run(() => {
      const client = createAstroClient({
        url: 'ws://127.0.0.1:1',
        token: 'tok',
        scheduler,
        openSocket: answeringGateway(scheduler),
        heartbeatTimeoutMs: 0,
        logger,
        rateLimit: { burst: 10_000, intervalMs: 1, reserve: 0 },
      });
      client.topic('channel.stream.status', { room: ROOM }).subscribe();
      let heapBefore = 0;
      // one rotation every 2 ms: subscribe with token i, leave 1 ms later (after the answer)
      const rotate = (i: number) => {
        if (i === 5000) {
          gc();
          heapBefore = process.memoryUsage().heapUsed;
        }
        if (i === ROTATIONS) {
          gc();
          growthMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
          return finish();
        }
        const sub: Subscription = client.topic(TIPS, { room: ROOM, token: jwtLike(i) }).subscribe({ error: () => undefined });
        scheduler.schedule(() => {
          sub.unsubscribe();
          scheduler.schedule(() => rotate(i + 1), 1);
        }, 1);
      };
      const finish = () => {
        client.topic(TIPS, { room: ROOM, token: FINAL }).subscribe();
        client.topic('channel.activities', { room: ROOM, token: FINAL }).subscribe({ error: (e: AstroError) => (refusal = e) });
        scheduler.schedule(() => client.close(), 100);
      };
      scheduler.schedule(() => rotate(0), 10);
      scheduler.flush();
    });
    expect(logged).toBeGreaterThan(0);
    expect(refusal?.code).toBe('err_unauthorized');
    expect(lines.filter((l) => l.includes('lacks activities:read'))).toHaveLength(1);
    expect([refusal?.message, ...lines].filter((l) => l?.includes(FINAL))).toEqual([]);
    expect(growthMb).toBeLessThan(30);
  }, 120_000);
});

describe('races: events() falling behind', () => {
  // 1 500 events arrive in one virtual tick: the loop body gets to run only after all of them.
  const flood = async (overflow?: 'error' | 'dropOldest') => {
    const scheduler = createTestScheduler();
    const seen: number[] = [];
    let failure: unknown;
    let loop: Promise<void> = Promise.resolve();
    let warnings: AstroError[] = [];
    scheduler.run(() => {
      const r = race(scheduler);
      warnings = r.warnings;
      loop = (async () => {
        try {
          for await (const e of r.client.events(TIPS, { room: ROOM, ...(overflow ? { overflow } : {}) })) {
            seen.push((e.data as unknown as { n: number }).n);
            await new Promise((done) => setImmediate(done));
          }
        } catch (e) {
          failure = e;
        }
      })();
      r.at(100, () => {
        for (let n = 0; n < 1500; n++) r.gw.publish(TIPS, ROOM, { n });
      });
      r.at(200, () => r.client.close());
      scheduler.flush();
    });
    await loop;
    return { seen, failure: failure as AstroError | undefined, warnings };
  };

  it("ends the loop with buffer_overflow by default (bufferSize 1000, overflow 'error')", async () => {
    const { failure, seen } = await flood();
    expect(failure?.code).toBe('buffer_overflow');
    expect(seen.length).toBeLessThanOrEqual(1001);
  });

  it("reports buffer_overflow on warnings$ and goes on with overflow 'dropOldest'", async () => {
    const { failure, seen, warnings } = await flood('dropOldest');
    expect(failure).toBeUndefined();
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.every((w) => w.code === 'buffer_overflow')).toBe(true);
    // the newest 1 000 are kept, through the last one
    expect(seen.slice(-1000)).toEqual(Array.from({ length: 1000 }, (_, i) => 500 + i));
  });
});
