/**
 * The emulator's race switches as windows: a switch fault changes a group of
 * switches for a while; overlapping windows of one group extend each other, and
 * the group returns to the default when the last one ends.
 */
import type { Emulator, GatewaySwitchesInput } from '../lib/testing';
import { CONFIG } from './config';

export type SwitchGroup = 'latency' | 'snapshot' | 'earlyClose' | 'tokenUpgrade';

const DEFAULTS: Readonly<Record<SwitchGroup, GatewaySwitchesInput>> = {
  latency: { authLatencyMs: CONFIG.switches.authLatencyMs, unsubscribeLatencyMs: CONFIG.switches.unsubscribeLatencyMs },
  snapshot: { snapshot: CONFIG.switches.snapshot },
  earlyClose: { oldSocketCloseMs: CONFIG.drainGraceMs },
  tokenUpgrade: { tokenUpgrade: CONFIG.switches.tokenUpgrade },
};

/** Opens and closes switch windows on `emulator`. */
export function switchWindows(emulator: Emulator) {
  const until = new Map<SwitchGroup, number>();
  let opened = 0;
  return {
    /** Sets `values` until `at + windowMs` (or later, when a window of the group is open longer). */
    open(group: SwitchGroup, values: GatewaySwitchesInput, at: number, windowMs: number): void {
      emulator.faults.set(values);
      until.set(group, Math.max(until.get(group) ?? 0, at + windowMs));
      opened++;
    },
    /** Closes the windows that ended by `now`. */
    tick(now: number): void {
      for (const [group, end] of until) {
        if (end > now) continue;
        emulator.faults.set(DEFAULTS[group]);
        until.delete(group);
      }
    },
    /** Whether a switch is not at its default now. */
    anyOpen(): boolean {
      return until.size > 0;
    },
    get opened() {
      return opened;
    },
    reset(): void {
      for (const group of until.keys()) emulator.faults.set(DEFAULTS[group]);
      until.clear();
    },
  };
}

export type SwitchWindows = ReturnType<typeof switchWindows>;
