import { Observable, type Subscription } from 'rxjs';
import type { ServerFrame } from '../protocol/frames';
import type { ClientOutputs } from './outputs';

/**
 * Holds one subscription of `connection$` while anything (a topic, `frames$`)
 * needs the connection: the first `hold()` subscribes, the last `release()`
 * unsubscribes.
 *
 * @internal
 */
export function holder(connection$: Observable<never>): { hold(): void; release(): void } {
  let holders = 0;
  let holding: Subscription | undefined;
  return {
    hold() {
      if (holders++ === 0) holding = connection$.subscribe({ error: () => undefined });
    },
    release() {
      if (--holders > 0) return;
      const h = holding;
      holding = undefined;
      h?.unsubscribe();
    },
  };
}

/** `frames$`: every decoded frame; subscribing holds the connection, like a topic. @internal */
export function framesStream(out: ClientOutputs, hold: () => void, release: () => void): Observable<ServerFrame> {
  return new Observable<ServerFrame>((subscriber) => {
    if (out.closed) return subscriber.complete();
    const inner = out.frames.subscribe(subscriber);
    hold();
    return () => {
      inner.unsubscribe();
      release();
    };
  });
}
