import { Observable, Subscription } from 'rxjs';
import { createAstroClient } from '/work/main/lib/client/createAstroClient';
const gc = (globalThis as any).gc as () => void;
const N = 10000;
function measure(label: string, make: (i: number) => unknown) {
  const keep: unknown[] = [];
  gc(); gc();
  const h0 = process.memoryUsage().heapUsed;
  for (let i = 0; i < N; i++) keep.push(make(i));
  gc(); gc();
  const h1 = process.memoryUsage().heapUsed;
  console.log(label, Math.round((h1 - h0) / N), 'B per item', keep.length);
}
const names = Array.from({ length: N }, (_, i) => `room-${i.toString().padStart(6, '0')}`);
measure('plain observable subscribe', (i) => new Observable<number>(() => () => undefined).subscribe(() => undefined));
const noSocket = () => new Observable<never>(() => undefined);
const client = createAstroClient({ url: 'ws://127.0.0.1:1', token: 'tok-abcdef', openSocket: noSocket as never, heartbeatTimeoutMs: 0 });
measure('topic subscribe (no socket)', (i) => client.topic('channel.activities', { room: names[i] }).subscribe(() => undefined));
