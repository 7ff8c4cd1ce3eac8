/**
 * Every fault kind the soak injects, with how often it is drawn and what it costs.
 * Together they use every fault and race switch of the emulator.
 */
export const FAULT_KINDS = [
  'drop_all',
  'drop_one',
  'drain',
  'handover_one',
  'bad_reconnect',
  'refuse_429',
  'refuse_502',
  'garbage',
  'hostile',
  'silence',
  'cmd_rate_limit',
  'cmd_deadline',
  'cmd_internal',
  'reject_next',
  'out_of_order',
  'snapshot_token_use',
  'early_close',
  'token_refused',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** How often each fault is drawn (relative). */
export const WEIGHTS: Readonly<Record<FaultKind, number>> = {
  drop_all: 0.15,
  drop_one: 2,
  drain: 0.4,
  handover_one: 5,
  bad_reconnect: 1.5,
  refuse_429: 1,
  refuse_502: 1,
  garbage: 12,
  hostile: 8,
  silence: 1.5,
  cmd_rate_limit: 4,
  cmd_deadline: 4,
  cmd_internal: 4,
  reject_next: 4,
  out_of_order: 1.5,
  snapshot_token_use: 3,
  early_close: 3,
  token_refused: 1.5,
};

/** Faults that hit every client at once. */
export const GLOBAL: ReadonlySet<FaultKind> = new Set<FaultKind>(['drop_all', 'drain']);

/** Faults after which the target reconnects fresh and re-subscribes everything (seconds, paced by the bucket). */
export const DISRUPTIVE: ReadonlySet<FaultKind> = new Set<FaultKind>([
  'drop_all',
  'drop_one',
  'bad_reconnect',
  'refuse_429',
  'refuse_502',
  'silence',
  'out_of_order',
  'token_refused',
]);

/** Faults that queue refusals or rejections another client's handover may take. */
export const REFUSING: ReadonlySet<FaultKind> = new Set<FaultKind>(['bad_reconnect', 'refuse_429', 'refuse_502', 'token_refused']);

/** Faults that add subscriptions to their target for a while. */
export const EXTRAS: ReadonlySet<FaultKind> = new Set<FaultKind>(['cmd_rate_limit', 'cmd_deadline', 'cmd_internal', 'reject_next', 'snapshot_token_use']);

/** The planner's estimate of how long a fault keeps its target busy (ms), for `rooms` subscriptions per client. */
export function busyMs(kind: FaultKind, rooms: number, bucket: { burst: number; intervalMs: number }): number {
  const resubscribe = Math.max(0, rooms - bucket.burst) * bucket.intervalMs + 2000;
  if (kind === 'silence') return resubscribe + 4000;
  if (kind === 'token_refused' || kind === 'refuse_429' || kind === 'bad_reconnect') return resubscribe + 3000;
  if (DISRUPTIVE.has(kind)) return resubscribe + 1000;
  if (EXTRAS.has(kind) || kind === 'handover_one' || kind === 'early_close' || kind === 'drain') return 2500;
  return 300;
}
