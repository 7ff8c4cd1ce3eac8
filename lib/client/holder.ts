import type { Observable, Subscription } from 'rxjs';

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
