/**
 * The gateway emulator in its own process, controlled over Node IPC by
 * bench/emulator/remote.ts. A separate process, as the real gateway is: when
 * the client spends 20 ms in a synchronous loop sending a burst of commands,
 * the emulator still receives them as they are written, not all at once
 * afterwards.
 *
 * It also hosts the event publisher of the handover benchmark, so that the
 * publishing cadence does not depend on the client's event loop.
 */
import { startEmulator, type Emulator, type EmulatorOptions } from '../../lib/testing';

interface Request {
  readonly id: number;
  readonly method: string;
  readonly args: unknown[];
}

export interface Published {
  readonly seq: number;
  readonly room: string;
  readonly delivered: number;
  readonly at: number;
}

let emulator: Emulator | undefined;
let publisher: { timer: ReturnType<typeof setInterval>; published: Published[] } | undefined;

const methods: Record<string, (...args: never[]) => unknown> = {
  async start(options: EmulatorOptions) {
    emulator = await startEmulator(options);
    return { url: emulator.url };
  },
  issueToken(opts: Parameters<Emulator['issueToken']>[0]) {
    return need().issueToken(opts);
  },
  stats() {
    return need().stats;
  },
  subscriptionCount() {
    return need().subscriptionCount();
  },
  /** Resolves when the drain is over (old connections closed). */
  async drain() {
    await need().drain();
    return Date.now();
  },
  dropAll() {
    need().faults.dropAll();
    return Date.now();
  },
  /** The subscription count of each of `rooms` in `topic`. */
  subscriptionCounts(topic: string, rooms: string[]) {
    const e = need();
    return rooms.map((room) => e.subscriptionCount(topic, room));
  },
  /**
   * Publishes `{ type: 'follow', provider: 'twitch', seq }` to `rooms` in turn:
   * `perTick` events every `intervalMs`, and no more than `count` in all
   * (then it stops by itself). `seq` goes on from `firstSeq`.
   */
  startPublishing(topic: string, rooms: string[], intervalMs: number, perTick = 1, count = Infinity, firstSeq = 0) {
    const e = need();
    const published: Published[] = [];
    let seq = firstSeq;
    const timer = setInterval(() => {
      for (let i = 0; i < perTick && published.length < count; i++) {
        const room = rooms[seq % rooms.length] as string;
        seq++;
        const r = e.publish(topic, room, { type: 'follow', provider: 'twitch', channel: room, data: { username: `user${seq}` }, sessionEventsCount: seq, seq });
        published.push({ seq, room, delivered: r.delivered, at: Date.now() });
      }
      if (published.length >= count) clearInterval(timer);
    }, intervalMs);
    publisher = { timer, published };
    return true;
  },
  /** How many events the publisher has published so far. */
  publishedCount() {
    return publisher?.published.length ?? 0;
  },
  stopPublishing() {
    if (!publisher) return [];
    clearInterval(publisher.timer);
    const { published } = publisher;
    publisher = undefined;
    return published;
  },
  async close() {
    if (publisher) clearInterval(publisher.timer);
    await emulator?.close();
    emulator = undefined;
    return true;
  },
};

function need(): Emulator {
  if (!emulator) throw new Error('the emulator is not started');
  return emulator;
}

process.on('message', (message: Request) => {
  const method = methods[message.method];
  Promise.resolve()
    .then(() => {
      if (!method) throw new Error(`unknown method ${message.method}`);
      return (method as (...args: unknown[]) => unknown)(...message.args);
    })
    .then(
      (result) => process.send?.({ id: message.id, result }),
      (e: unknown) => process.send?.({ id: message.id, error: e instanceof Error ? e.message : String(e) }),
    );
});
process.on('disconnect', () => {
  void emulator?.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
