import fc from 'fast-check';
import { ROOMS, TOKENS, TOPICS, World, advance, authorize, slotOf } from './world';

/** What the model tracks: nothing beyond the world's own record (the world is the oracle's input). */
export type Model = { live: number };

type Cmd = fc.Command<Model, World>;

const intentSlot = (w: World, topic: string, room: string, token: string) => {
  const auth = authorize(w.defaultRoom, topic, room, token);
  return auth.ok ? slotOf(topic, auth.canonicalRoom) : undefined;
};

class Subscribe implements Cmd {
  constructor(readonly topic: string, readonly room: string, readonly token: string) {}
  check = () => true;
  run(m: Model, w: World): void {
    const now = w.scheduler.now();
    const user = { n: w.users.length, topic: this.topic, room: this.room, token: this.token, since: now, received: [] as string[] } as World['users'][number];
    const sub = w.client.topic(this.topic as never, { room: this.room, token: this.token }).subscribe({
      next: (e) => user.received.push(e.id ?? '?'),
      error: (e: unknown) => {
        user.error = e;
        user.until ??= w.scheduler.now();
      },
    });
    (user as { sub: unknown }).sub = sub;
    w.users.push(user);
    const slot = intentSlot(w, this.topic, this.room, this.token);
    if (slot) w.lastIntent.set(slot, now);
    m.live++;
  }
  toString = () => `subscribe(${this.topic}, ${JSON.stringify(this.room)}, ${this.token})`;
}

class Unsubscribe implements Cmd {
  constructor(readonly pick: number) {}
  check = (m: Model) => m.live > 0;
  run(m: Model, w: World): void {
    const live = w.users.filter((u) => u.until === undefined);
    const user = live[this.pick % live.length];
    if (!user) return;
    user.until = w.scheduler.now();
    user.sub.unsubscribe();
    const slot = intentSlot(w, user.topic, user.room, user.token);
    if (slot) w.lastIntent.set(slot, w.scheduler.now());
    m.live = live.length - 1;
  }
  toString = () => `unsubscribe(#${this.pick})`;
}

class Advance implements Cmd {
  constructor(readonly ms: number) {}
  check = () => true;
  run(_m: Model, w: World): void {
    advance(w, this.ms);
  }
  toString = () => `advance(${this.ms})`;
}

class Publish implements Cmd {
  constructor(readonly topic: string, readonly room: string) {}
  check = () => true;
  run(_m: Model, w: World): void {
    w.gw.publish(this.topic, this.room, { n: w.gw.published.length });
  }
  toString = () => `publish(${this.topic}, ${JSON.stringify(this.room)})`;
}

class Fault implements Cmd {
  constructor(readonly kind: 'drain' | 'drop' | 'dropClean' | 'reject' | 'hostile', readonly n: number) {}
  check = () => true;
  run(_m: Model, w: World): void {
    const current = w.gw.current();
    w.lastFault = w.scheduler.now();
    if (this.kind === 'reject') return w.gw.rejectNext(this.n);
    if (!current) return;
    if (this.kind === 'drain') w.gw.drain(current);
    else if (this.kind === 'drop') w.gw.drop(current, 1006);
    else if (this.kind === 'dropClean') w.gw.drop(current, 1001);
    else {
      const frames = w.gw.hostileFrames();
      const frame = frames[this.n % frames.length];
      if (frame) w.gw.sendRaw(current, frame.text);
    }
  }
  toString = () => `fault(${this.kind}, ${this.n})`;
}

class Switches implements Cmd {
  constructor(
    readonly snapshot: 'reconnectFrame' | 'tokenUse',
    readonly latency: readonly [number, number],
    readonly oldSocketCloseMs: number,
    readonly tokenUpgrade: 'accept' | { status: 429 | 502; retryAfterMs?: number },
  ) {}
  check = () => true;
  run(_m: Model, w: World): void {
    w.lastFault = w.scheduler.now();
    w.gw.set({ snapshot: this.snapshot, authLatencyMs: this.latency, oldSocketCloseMs: this.oldSocketCloseMs, tokenUpgrade: this.tokenUpgrade });
  }
  toString = () => `switches(${this.snapshot}, [${this.latency.join(',')}], close ${this.oldSocketCloseMs}, ${JSON.stringify(this.tokenUpgrade)})`;
}

const topic = fc.constantFrom(...TOPICS);
const room = fc.constantFrom(...ROOMS);

/** The commands a run interleaves: user intents, time, publications, faults and race switches. */
export const commands = [
  fc.tuple(topic, room, fc.constantFrom(...TOKENS)).map(([t, r, k]) => new Subscribe(t, r, k)),
  fc.nat(50).map((p) => new Unsubscribe(p)),
  fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 50, max: 3000 })).map((ms) => new Advance(ms)),
  fc.tuple(topic, fc.constantFrom('chA', 'chB', '', '*')).map(([t, r]) => new Publish(t, r)),
  fc.tuple(fc.constantFrom('drain', 'drain', 'drop', 'dropClean', 'reject', 'hostile' as const), fc.integer({ min: 1, max: 5 })).map(([k, n]) => new Fault(k, n)),
  fc
    .tuple(
      fc.constantFrom('reconnectFrame', 'tokenUse' as const),
      fc.constantFrom([0, 0] as const, [0, 40] as const, [5, 400] as const, [0, 3000] as const),
      fc.constantFrom(0, 1, 50, 5000),
      fc.constantFrom<'accept' | { status: 429 | 502; retryAfterMs?: number }>('accept', 'accept', { status: 429, retryAfterMs: 2000 }, { status: 502 }),
    )
    .map(([s, l, c, u]) => new Switches(s, l, c, u)),
];
