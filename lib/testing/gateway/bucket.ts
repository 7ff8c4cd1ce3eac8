/** A token bucket that reads its limits at each use, so they can change while it runs. @category Testing */
export interface LiveBucket {
  /** Spends one token; `false` (nothing spent) when empty. */
  take(): boolean;
}

/**
 * Creates a {@link LiveBucket}: it starts full, refills one token every
 * `limits().intervalMs` up to `limits().burst`, on the injected clock.
 *
 * @category Testing
 */
export function liveBucket(limits: () => { readonly burst: number; readonly intervalMs: number }, now: () => number): LiveBucket {
  let tokens = limits().burst;
  let last = now();
  return {
    take() {
      const { burst, intervalMs } = limits();
      const at = now();
      tokens = Math.min(burst, tokens + Math.max(0, at - last) / intervalMs);
      last = at;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
