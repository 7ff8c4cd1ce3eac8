/**
 * The fault schedule, pure and seed-driven: the same seed and options give the
 * same faults, at the same offsets, on the same clients, with the same details.
 * The planner keeps a model of which clients are still recovering (its own
 * estimate, not an observation), aims most faults at idle ones, and with
 * `overlapProbability` at one still recovering — as in real outages.
 */
import { seededRandom } from '../lib/testing/seededRandom';
import { DISRUPTIVE, FAULT_KINDS, GLOBAL, WEIGHTS, busyMs, type FaultKind } from './kinds';
import { int, pick, weighted } from './prng';

/** One fault to inject. */
export interface PlannedFault {
  /** Offset from the start of the fault phase (ms). */
  readonly at: number;
  readonly kind: FaultKind;
  /** The client aimed at; `'all'` for every client. */
  readonly target: number | 'all';
  /** The count of the fault (frames, refusals, rejections, extra subscriptions), ≥ 1. */
  readonly n: number;
  /** How long a switch stays changed, or extra subscriptions stay wanted (ms). */
  readonly windowMs: number;
  /** The seed of the fault's own details (which frames, which status). */
  readonly salt: number;
  /** Aimed at a client the model thinks is still recovering. */
  readonly overlapping: boolean;
}

export interface PlanOptions {
  readonly seed: number;
  /** Length of the fault phase (ms). */
  readonly durationMs: number;
  readonly clients: number;
  readonly rooms: number;
  readonly faultIntervalMs: number;
  readonly overlapProbability: number;
  readonly kinds?: readonly FaultKind[];
  readonly bucket: { readonly burst: number; readonly intervalMs: number };
}

/** The faults of one run, in time order. Every allowed kind comes once first (seeded order), then weighted draws. */
export function planFaults(o: PlanOptions): PlannedFault[] {
  const random = seededRandom(o.seed);
  const allowed = FAULT_KINDS.filter((k) => !o.kinds || o.kinds.includes(k));
  const firstRound = shuffle(random, allowed);
  const busyUntil: number[] = Array.from({ length: o.clients }, () => 0);
  const plan: PlannedFault[] = [];
  let at = 0;
  for (;;) {
    at += Math.min(5 * o.faultIntervalMs, Math.max(10, Math.round(-Math.log(1 - random()) * o.faultIntervalMs)));
    if (at >= o.durationMs) return plan;
    const idle = busyUntil.map((t, i) => (t <= at ? i : -1)).filter((i) => i >= 0);
    const overlap = random() < o.overlapProbability;
    const kind = firstRound.shift() ?? draw(random, allowed, idle.length, o.clients, overlap);
    const all = GLOBAL.has(kind) || ((kind === 'refuse_429' || kind === 'refuse_502' || kind === 'garbage') && random() < 0.2);
    const aimed = idle.length > 0 && !(overlap && DISRUPTIVE.has(kind)) ? pick(random, idle) : int(random, 0, o.clients - 1);
    const target = all ? 'all' : aimed;
    const cost = busyMs(kind, o.rooms, o.bucket);
    for (const i of all ? busyUntil.keys() : [aimed]) busyUntil[i] = Math.max(busyUntil[i] ?? 0, at + cost);
    plan.push({
      at,
      kind,
      target,
      n: int(random, 1, kind === 'garbage' || kind === 'hostile' ? 6 : 3),
      windowMs: int(random, 1000, 4000),
      salt: Math.floor(random() * 2 ** 32),
      overlapping: all ? idle.length < o.clients : !idle.includes(aimed),
    });
  }
}

/** A weighted kind; global and disruptive ones only when the model has room for them (or the draw overlaps). */
function draw(random: () => number, allowed: readonly FaultKind[], idle: number, clients: number, overlap: boolean): FaultKind {
  const fits = (k: FaultKind): boolean => {
    if (GLOBAL.has(k) && DISRUPTIVE.has(k)) return overlap ? idle >= clients / 2 : idle === clients;
    if (GLOBAL.has(k)) return idle >= clients / 2;
    return !DISRUPTIVE.has(k) || idle > 0 || overlap;
  };
  const candidates = allowed.filter(fits);
  const pool = candidates.length > 0 ? candidates : allowed;
  return weighted(random, Object.fromEntries(pool.map((k) => [k, WEIGHTS[k]])) as Record<FaultKind, number>);
}

function shuffle<T>(random: () => number, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
