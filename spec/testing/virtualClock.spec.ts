/**
 * The emulator on an injected clock: real loopback sockets, but every timer of
 * the emulator (PING cadence, pong deadline, drain grace, bucket refill) runs on
 * a virtual clock that the test advances by hand. Nothing here waits on the wall
 * clock for a timed behaviour; the only waits are for socket I/O to arrive.
 */
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { EMULATOR_CLOSE_CODES, startEmulator, type Emulator, type EmulatorOptions } from '../../lib/testing';
import { closeAllClients, connect, refusedUpgrade, subscribe, type Frame, type RawClient } from './rawClient';

/** A virtual clock that only moves when told to. */
function manualClock() {
  const scheduler = new VirtualTimeScheduler(VirtualAction, 0);
  const runUntil = (frame: number): void => {
    scheduler.maxFrames = frame;
    scheduler.flush();
    scheduler.frame = frame;
  };
  return {
    scheduler,
    /** Runs what is due now (the core's zero-delay answers). */
    runDue: () => runUntil(scheduler.frame),
    /** Moves the clock `ms` forward, running every timer due on the way. */
    advance: (ms: number) => runUntil(scheduler.frame + ms),
  };
}
type Clock = ReturnType<typeof manualClock>;

const emulators: Emulator[] = [];
afterEach(async () => {
  closeAllClients();
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

async function start(clock: Clock, options: EmulatorOptions): Promise<Emulator> {
  const e = await startEmulator({ ...options, scheduler: clock.scheduler });
  emulators.push(e);
  return e;
}

/** Awaits `io` (socket I/O), running what falls due at the current virtual time meanwhile. */
async function settle<T>(clock: Clock, io: Promise<T>): Promise<T> {
  let done = false;
  const watched = io.finally(() => (done = true));
  while (!done) {
    clock.runDue();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return watched;
}

async function welcomed(clock: Clock, e: Emulator, options: { autoPong?: boolean } = {}): Promise<RawClient> {
  const client = await connect(e.url, options);
  await settle(clock, client.next((f) => f.type === 'welcome'));
  return client;
}

describe('the emulator on a virtual clock', () => {
  it('pings every pingIntervalMs of virtual time, and terminates a connection without pong after pongTimeoutMs', async () => {
    const clock = manualClock();
    const e = await start(clock, { pingIntervalMs: 30_000, pongTimeoutMs: 70_000 });
    const client = await welcomed(clock, e, { autoPong: false });
    let pings = 0;
    client.ws.on('ping', () => pings++);

    clock.advance(29_999);
    expect(e.stats.pingsSent).toBe(0);
    clock.advance(1);
    expect(e.stats.pingsSent).toBe(1);
    await settle(clock, until(() => pings === 1));
    clock.advance(30_000);
    expect(e.stats.pingsSent).toBe(2);

    clock.advance(9_999); // 69 999 ms after the connection opened
    expect(e.stats.terminatedNoPong).toBe(0);
    expect(e.connections()).toHaveLength(1);
    clock.advance(1);
    expect(e.stats.terminatedNoPong).toBe(1);
    expect((await client.closed).code).toBe(1006);
    await settle(clock, until(() => pings === 2));
  });

  it('restarts the pong deadline at each PONG', async () => {
    const clock = manualClock();
    const e = await start(clock, { pingIntervalMs: 30_000, pongTimeoutMs: 40_000 });
    const client = await welcomed(clock, e);
    let pongs = 0;
    for (let round = 1; round <= 5; round++) {
      const pinged = new Promise<void>((resolve) => client.ws.once('ping', () => resolve()));
      clock.advance(30_000);
      await settle(clock, pinged);
      // the client answered that PING at once; a round trip of our own makes sure the emulator has read the PONG
      await settle(clock, pingRoundTrip(client));
      pongs++;
    }
    clock.advance(39_999); // 39 999 ms after the last PONG (and 9 999 after the last PING)
    expect({ pongs, terminated: e.stats.terminatedNoPong, open: e.connections().length }).toEqual({ pongs: 5, terminated: 0, open: 1 });
  });

  it('closes a drained connection with 1001 exactly drainGraceMs after the reconnect frame, and refuses fresh upgrades meanwhile', async () => {
    const clock = manualClock();
    const e = await start(clock, { pingIntervalMs: Infinity, drainGraceMs: 5000 });
    const client = await welcomed(clock, e);
    let drained = false;
    const done = e.drain().then(() => (drained = true));
    await settle(clock, client.next((f) => f.type === 'reconnect'));

    clock.advance(4_999);
    expect((await refusedUpgrade(e.url)).status).toBe(502);
    expect({ open: client.ws.readyState, draining: e.connections().map((c) => c.draining) }).toEqual({ open: client.ws.OPEN, draining: [true] });
    clock.advance(1);
    const closed = await settle(clock, client.closed);
    await settle(clock, done);
    expect({ closed: closed.code, drained }).toEqual({ closed: EMULATOR_CLOSE_CODES.goingAway, drained: true });
  });

  it('refills the command bucket one token per intervalMs of virtual time', async () => {
    const clock = manualClock();
    const e = await start(clock, { pingIntervalMs: Infinity, rateLimit: { burst: 2, intervalMs: 1000 } });
    const client = await welcomed(clock, e);
    const token = e.issueToken({ channel: 'r' });
    const command = async (n: number): Promise<Frame> => {
      const answer = client.next((f) => f.type === 'response' && (f.nonce === `n${n}` || f.nonce === undefined));
      client.send(subscribe(`n${n}`, 'channel.tips', 'r', token, 'jwt'));
      return settle(clock, answer);
    };
    const errors: (string | null)[] = [];
    for (const n of [1, 2, 3]) errors.push((await command(n)).error ?? null);
    clock.advance(999);
    errors.push((await command(4)).error ?? null);
    clock.advance(1);
    errors.push((await command(5)).error ?? null);
    errors.push((await command(6)).error ?? null);
    expect(errors).toEqual([null, null, 'rate_limit_exceeded', 'rate_limit_exceeded', null, 'rate_limit_exceeded']);
  });
});

/** Resolves once `check()` holds, looking after each turn of the event loop (I/O, not time). */
function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const look = (): void => (check() ? resolve() : void setImmediate(look));
    look();
  });
}

/** The client pings the emulator and waits for its PONG: every frame sent before it has been read. */
function pingRoundTrip(client: RawClient): Promise<void> {
  return new Promise((resolve) => {
    client.ws.once('pong', () => resolve());
    client.ws.ping();
  });
}
