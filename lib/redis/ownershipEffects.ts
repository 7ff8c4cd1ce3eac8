/**
 * Carries out what the ownership machine decides (an effect edge): subscribe
 * and unsubscribe on the worker's client, gap markers into the appender, lease
 * operations against Redis, whose results go back into the machine.
 */
import type { BridgeAdapter } from './adapter';
import type { BridgeCounters } from './bridgeStatus';
import type { DesiredKey } from './keys';
import type { OwnershipInput, OwnershipOutput } from './ownership';
import type { KeySubscriptions } from './subscriptions';

export interface OwnershipEffectsDeps {
  readonly subs: KeySubscriptions;
  readonly adapter: BridgeAdapter;
  readonly counters: BridgeCounters;
  readonly now: () => number;
  /** Lease results, back into the machine. */
  readonly feedback: (input: OwnershipInput) => void;
  readonly gap: (key: DesiredKey, from: number, to: number, cause: string) => void;
  readonly stopped: () => void;
}

export interface OwnershipEffects {
  run(out: OwnershipOutput): void;
  /** Resolves once every lease operation started so far has settled. */
  settled(): Promise<void>;
}

export function ownershipEffects(d: OwnershipEffectsDeps): OwnershipEffects {
  const pending = new Set<Promise<unknown>>();
  const lease = (out: Extract<OwnershipOutput, { type: 'acquire' | 'renew' | 'markReady' | 'release' }>) => {
    if (out.type === 'release' && out.handedOver) d.counters.handovers++;
    const p = d.adapter.lease(out.type, out.key, d.now(), out.type === 'release' ? out.handedOver : undefined).then(
      (r) => r && d.feedback(r),
      () => undefined,
    );
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  return {
    run(out) {
      switch (out.type) {
        case 'subscribe':
          return d.subs.subscribe(out.id, out.key);
        case 'unsubscribe':
          return d.subs.unsubscribe(out.id);
        case 'gap':
          d.counters.takeovers++;
          return d.gap(out.key, out.from, out.to, out.cause);
        case 'stopped':
          return d.stopped();
        default:
          return lease(out);
      }
    },
    settled: () => Promise.allSettled([...pending]).then(() => undefined),
  };
}
