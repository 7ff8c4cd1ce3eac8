/**
 * Runs a fault plan on the wall clock: each fault at its offset, switch windows
 * closed and extra subscriptions removed when their time is up, and every fault
 * recorded for the recovery tracker — with whether it is a graceful handover
 * that nothing else disturbed (then no event published during it may be lost).
 */
import type { Health } from './health';
import { inject, type InjectContext } from './inject';
import { DISRUPTIVE, REFUSING, type FaultKind } from './kinds';
import type { PlannedFault } from './plan';

/** Handover faults that lose nothing when undisturbed. */
const HANDOVERS: ReadonlySet<FaultKind> = new Set<FaultKind>(['drain', 'handover_one']);
/** Faults that change a switch (every handover meanwhile is disturbed). */
const SWITCHING: ReadonlySet<FaultKind> = new Set<FaultKind>(['out_of_order', 'snapshot_token_use', 'early_close', 'token_refused']);
/** Faults whose recovery takes a while (a reconnection or a handover): another fault meanwhile overlaps. */
const LASTING: ReadonlySet<FaultKind> = new Set<FaultKind>([...DISRUPTIVE, ...HANDOVERS, ...SWITCHING]);
/** A refusal or rejection queued by a fault may be taken by any upgrade this long after it. */
const REFUSAL_REACH_MS = 15_000;

export interface ScheduleHooks {
  readonly counts: Record<FaultKind, number>;
  readonly log: (line: string) => void;
  readonly onOverlap: () => void;
}

/** Injects every fault of `plan`; resolves with how many were injected once the last one is. */
export async function runFaults(ctx: InjectContext, plan: readonly PlannedFault[], health: Health, hooks: ScheduleHooks): Promise<number> {
  const start = Date.now();
  let lastRefusingAt = -Infinity;
  const housekeeping = setInterval(() => tidy(ctx, Date.now()), 100);
  try {
    for (const fault of plan) {
      const wait = start + fault.at - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const now = Date.now();
      tidy(ctx, now);
      const hit = (t: number): boolean => fault.target === 'all' || fault.target === t;
      const disturbs = REFUSING.has(fault.kind) || SWITCHING.has(fault.kind);
      for (const r of health.open) if (disturbs || r.targets.some(hit)) r.graceful = false;
      const busy = health.open.some((r) => LASTING.has(r.kind) && r.targets.some(hit));
      const graceful = HANDOVERS.has(fault.kind) && !health.open.some((r) => r.targets.some(hit)) && !ctx.switches.anyOpen() && now - lastRefusingAt > REFUSAL_REACH_MS;
      if (REFUSING.has(fault.kind)) lastRefusingAt = now;
      if (busy) hooks.onOverlap();
      const targets = inject(ctx, fault, now);
      health.add({ kind: fault.kind, at: now, targets, graceful });
      hooks.counts[fault.kind]++;
      hooks.log(`fault ${fault.kind} on ${fault.target === 'all' ? 'all' : `client ${fault.target}`} n=${fault.n}${busy ? ' [overlapping]' : ''}`);
    }
  } finally {
    clearInterval(housekeeping);
  }
  // the quiet tail: switches back to normal, extra subscriptions gone
  ctx.switches.reset();
  tidy(ctx, Infinity);
  return plan.length;
}

/** Closes ended switch windows and removes the extra subscriptions whose time is up. */
function tidy(ctx: InjectContext, now: number): void {
  ctx.switches.tick(now);
  for (let i = ctx.extras.length - 1; i >= 0; i--) {
    const e = ctx.extras[i];
    if (!e || e.until > now) continue;
    ctx.fleet.removeExtras(e.client, e.keys);
    ctx.extras.splice(i, 1);
  }
}
