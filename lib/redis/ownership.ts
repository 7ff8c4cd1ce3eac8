/**
 * Which desired keys this worker serves, as a pure state machine
 * `(state, input, now, config) → { state, outputs }`.
 *
 * Each key goes to its rendezvous owner among the live workers and is held by a
 * lease. A handover is make-before-break: the new owner subscribes, and once
 * subscribed writes a `ready` marker while the old owner still holds the lease;
 * the old owner, seeing the marker of the key's new owner, releases the lease
 * and unsubscribes; the new owner then takes the free lease. A lease that was
 * not released (its holder crashed) expires; whoever takes it over appends a gap
 * marker from the old holder's last renewal to its own subscription.
 */
import type { DesiredKey } from './keys';
import { keyId } from './keys';
import { ownerOf } from './rendezvous';

/** What Redis said about one key's lease. */
export interface LeaseView {
  /** The holder (`workerId/instance`) of the lease, if it is held. */
  readonly holder?: string;
  /** The worker id of a would-be owner that has subscribed and waits for the lease. */
  readonly ready?: string;
}

/** One read of the shared state: the live workers, the desired set, and the leases by key id. */
export interface OwnershipView {
  /** The live workers' lease values (`workerId/instance`), from their heartbeats. */
  readonly holders: readonly string[];
  readonly desired: readonly DesiredKey[];
  readonly leases: ReadonlyMap<string, LeaseView>;
}

type Sub = 'no' | 'pending' | 'yes';

/** This worker's view of one key. */
export interface KeyState {
  readonly key: DesiredKey;
  readonly sub: Sub;
  /** When the subscription was confirmed. */
  readonly since?: number;
  /** After a failed subscription: not before. */
  readonly retryAt?: number;
  /** Whether this worker held the lease at the last view or result. */
  readonly holding: boolean;
}

export interface OwnershipState {
  readonly keys: ReadonlyMap<string, KeyState>;
  /** Set by `stop`: keys are handed over until this time, then released. */
  readonly stopDeadline?: number;
  readonly stopped: boolean;
  /** The live holders at the last view: a lease taken from one of them is no crash. */
  readonly live: ReadonlySet<string>;
}

export type OwnershipInput =
  | { readonly type: 'view'; readonly view: OwnershipView }
  | { readonly type: 'viewFailed' }
  | { readonly type: 'subscribed'; readonly id: string }
  | { readonly type: 'subscribeFailed'; readonly id: string }
  | { readonly type: 'acquired'; readonly id: string; readonly previous?: { readonly holder: string; readonly lastRenew: number } }
  | { readonly type: 'leaseLost'; readonly id: string }
  | { readonly type: 'stop'; readonly deadline: number };

export type LeaseOp = 'acquire' | 'renew' | 'markReady';

export type OwnershipOutput =
  | { readonly type: 'subscribe'; readonly id: string; readonly key: DesiredKey }
  | { readonly type: 'unsubscribe'; readonly id: string; readonly key: DesiredKey }
  | { readonly type: LeaseOp; readonly id: string; readonly key: DesiredKey }
  | { readonly type: 'release'; readonly id: string; readonly key: DesiredKey; readonly handedOver: boolean }
  | { readonly type: 'gap'; readonly key: DesiredKey; readonly from: number; readonly to: number; readonly cause: 'lease_takeover' }
  | { readonly type: 'stopped' };

export interface OwnershipConfig {
  /** This worker's id (what rendezvous hashing ranks). */
  readonly workerId: string;
  /** This incarnation's lease value, `workerId/instance`. */
  readonly holder: string;
  /** How long to wait before subscribing again after a refused subscription. */
  readonly subscribeRetryMs: number;
}

export const initialOwnership = (): OwnershipState => ({ keys: new Map(), stopped: false, live: new Set() });

/** The worker id of a lease value. */
export const workerOf = (holder: string): string => holder.split('/')[0] ?? holder;

type Step = { readonly state: OwnershipState; readonly outputs: readonly OwnershipOutput[] };

/** The transition. */
export function ownership(state: OwnershipState, input: OwnershipInput, now: number, config: OwnershipConfig): Step {
  if (state.stopped) return { state, outputs: [] };
  switch (input.type) {
    case 'view':
      return onView(state, input.view, now, config);
    case 'viewFailed':
      return state.stopDeadline !== undefined && now >= state.stopDeadline ? finish(state) : { state, outputs: [] };
    case 'stop':
      return { state: { ...state, stopDeadline: input.deadline }, outputs: [] };
    default:
      return onResult(state, input, now, config);
  }
}

function onResult(state: OwnershipState, input: Exclude<OwnershipInput, { type: 'view' | 'viewFailed' | 'stop' }>, now: number, config: OwnershipConfig): Step {
  const ks = state.keys.get(input.id);
  if (!ks) return { state, outputs: [] };
  const put = (next: KeyState, outputs: OwnershipOutput[] = []): Step => ({ state: { ...state, keys: new Map(state.keys).set(input.id, next) }, outputs });
  switch (input.type) {
    case 'subscribed':
      return ks.sub === 'pending' ? put({ ...ks, sub: 'yes', since: now }) : { state, outputs: [] };
    case 'subscribeFailed':
      return put({ key: ks.key, sub: 'no', retryAt: now + config.subscribeRetryMs, holding: ks.holding });
    case 'leaseLost':
      return put({ ...ks, holding: false });
    case 'acquired': {
      const p = input.previous;
      // from a live worker (slow to renew, not crashed) it is no gap: that worker was still subscribed
      const takeover = p !== undefined && p.holder !== config.holder && !state.live.has(p.holder);
      const gap: OwnershipOutput[] = takeover ? [{ type: 'gap', key: ks.key, from: p.lastRenew, to: Math.max(p.lastRenew, ks.since ?? now), cause: 'lease_takeover' }] : [];
      return put({ ...ks, holding: true }, gap);
    }
  }
}

function onView(state: OwnershipState, view: OwnershipView, now: number, config: OwnershipConfig): Step {
  const stopping = state.stopDeadline !== undefined;
  if (stopping && now >= (state.stopDeadline ?? 0)) return finish(state);
  const all = [...new Set(view.holders.map(workerOf))];
  const workers = stopping ? all.filter((w) => w !== config.workerId) : all;
  const keys = new Map<string, KeyState>();
  const outputs: OwnershipOutput[] = [];
  const seen = new Set<string>();
  for (const key of view.desired) {
    const id = keyId(key);
    if (seen.has(id)) continue;
    seen.add(id);
    const ks = state.keys.get(id) ?? { key, sub: 'no' as const, holding: false };
    const next = decideKey(ks, id, ownerOf(id, workers), view.leases.get(id) ?? {}, now, config, outputs);
    if (next.sub !== 'no' || next.holding || next.retryAt !== undefined) keys.set(id, next);
  }
  for (const [id, ks] of state.keys) {
    if (seen.has(id)) continue;
    // no longer desired: nobody needs a gap for it
    if (ks.holding || view.leases.get(id)?.holder === config.holder) outputs.push({ type: 'release', id, key: ks.key, handedOver: true });
    if (ks.sub !== 'no') outputs.push({ type: 'unsubscribe', id, key: ks.key });
  }
  const next: OwnershipState = { ...state, keys, live: new Set(view.holders) };
  if (stopping && [...keys.values()].every((k) => !k.holding && k.sub === 'no')) {
    const done = finish(next);
    return { state: done.state, outputs: [...outputs, ...done.outputs] };
  }
  return { state: next, outputs };
}

/** One desired key at a view; pushes its outputs. */
function decideKey(ks: KeyState, id: string, owner: string | undefined, lease: LeaseView, now: number, config: OwnershipConfig, out: OwnershipOutput[]): KeyState {
  const holding = lease.holder === config.holder;
  const key = ks.key;
  const canSubscribe = ks.sub === 'no' && (ks.retryAt === undefined || now >= ks.retryAt);
  const subscribe = (): KeyState => {
    out.push({ type: 'subscribe', id, key });
    return { key, sub: 'pending', holding };
  };
  if (owner === config.workerId) {
    if (holding) out.push({ type: 'renew', id, key });
    if (canSubscribe) return subscribe();
    if (ks.sub === 'yes' && !holding) out.push({ type: lease.holder === undefined ? 'acquire' : 'markReady', id, key });
    return { ...ks, holding };
  }
  if (holding) {
    if (owner !== undefined && lease.ready === owner) {
      out.push({ type: 'release', id, key, handedOver: true });
      if (ks.sub !== 'no') out.push({ type: 'unsubscribe', id, key });
      return { key, sub: 'no', holding: false };
    }
    // keep serving until the new owner is ready (or, with no other worker, for good)
    out.push({ type: 'renew', id, key });
    return canSubscribe ? subscribe() : { ...ks, holding };
  }
  if (ks.sub !== 'no') out.push({ type: 'unsubscribe', id, key });
  return { key, sub: 'no', holding: false, ...(ks.retryAt !== undefined && now < ks.retryAt ? { retryAt: ks.retryAt } : {}) };
}

/** The stop deadline passed (or nothing is left to hand over): release what is held, unsubscribe everything. */
function finish(state: OwnershipState): Step {
  const outputs: OwnershipOutput[] = [];
  for (const [id, ks] of state.keys) {
    // not handed over: the held record stays, so whoever takes the key later appends a gap
    if (ks.holding) outputs.push({ type: 'release', id, key: ks.key, handedOver: false });
    if (ks.sub !== 'no') outputs.push({ type: 'unsubscribe', id, key: ks.key });
  }
  outputs.push({ type: 'stopped' });
  return { state: { keys: new Map(), stopped: true, live: new Set() }, outputs };
}
