import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { ServerFrame } from '../protocol/frames';
import type { ClientOutputs } from './outputs';

/**
 * Holds one subscription of `connection$` while anything (a topic, `frames$`)
 * needs the connection: the first `hold()` subscribes, the last `release()`
 * unsubscribes.
 *
 * When the connection fails for good, every topic and `frames$` subscriber gets
 * the error. One that subscribes again from its error handler (`retry()`) holds
 * on: at the scheduler's next turn after the failure, when the errored
 * subscribers have let go, the holder subscribes `connection$` anew if anything
 * still holds. A connection that fails while subscribing is never held.
 *
 * @internal
 */
export function holder(connection$: Observable<never>, scheduler: SchedulerLike): { hold(): void; release(): void } {
  let holders = 0;
  let holding: Subscription | undefined;

  const open = () => {
    const s = connection$.subscribe({ error: failed });
    if (!s.closed) holding = s;
  };
  function failed() {
    holding = undefined;
    scheduler.schedule(() => {
      if (holders > 0 && holding === undefined) open();
    });
  }

  return {
    hold() {
      holders++;
      if (holding === undefined) open();
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
    // the connection failed for good: end like a topic, and stop holding it
    const failure = out.failures.subscribe((e) => subscriber.error(e));
    hold();
    return () => {
      inner.unsubscribe();
      failure.unsubscribe();
      release();
    };
  });
}
