import type { GatewaySwitches, GatewaySwitchesInput, LatencyRange } from './types';

/** The switches of a gateway that behaves as PROTOCOL.md documents, with no added latency. @category Testing */
export const DEFAULT_SWITCHES: GatewaySwitches = {
  defaultRoom: 'global',
  authLatencyMs: [0, 0],
  unsubscribeLatencyMs: [0, 0],
  snapshot: 'reconnectFrame',
  oldSocketCloseMs: 5000,
  tokenUpgrade: 'accept',
  rateLimit: { burst: 100, intervalMs: 100 },
  reconnectTokenTtlMs: 30_000,
  welcomeDelayMs: 1,
};

/**
 * `base` with `input` applied, validated. Throws a `TypeError` naming the
 * switch and the value when one is out of range.
 *
 * @category Testing
 */
export function mergeSwitches(base: GatewaySwitches, input: GatewaySwitchesInput = {}): GatewaySwitches {
  const next: GatewaySwitches = {
    ...base,
    ...definedOnly(input),
    rateLimit: { ...base.rateLimit, ...definedOnly(input.rateLimit ?? {}) },
  };
  oneOf(next.defaultRoom, ['global', 'tokenChannel'], 'defaultRoom');
  oneOf(next.snapshot, ['reconnectFrame', 'tokenUse'], 'snapshot');
  range(next.authLatencyMs, 'authLatencyMs');
  range(next.unsubscribeLatencyMs, 'unsubscribeLatencyMs');
  nonNegative(next.oldSocketCloseMs, 'oldSocketCloseMs');
  nonNegative(next.welcomeDelayMs, 'welcomeDelayMs');
  nonNegative(next.reconnectTokenTtlMs, 'reconnectTokenTtlMs');
  if (!(next.rateLimit.burst >= 1)) fail('rateLimit.burst', next.rateLimit.burst, 'at least 1');
  if (!(next.rateLimit.intervalMs > 0)) fail('rateLimit.intervalMs', next.rateLimit.intervalMs, 'a positive number');
  const up = next.tokenUpgrade;
  if (up !== 'accept' && (typeof up !== 'object' || (up.status !== 429 && up.status !== 502))) {
    fail('tokenUpgrade', up, "'accept' or { status: 429 | 502 }");
  }
  return next;
}

/** A whole number drawn uniformly from `[min, max]` (fractional bounds are rounded). @category Testing */
export function draw([min, max]: LatencyRange, random: () => number): number {
  const lo = Math.round(min);
  const hi = Math.round(max);
  return hi <= lo ? lo : lo + Math.min(hi - lo, Math.floor(random() * (hi - lo + 1)));
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function range(value: LatencyRange, name: string): void {
  const ok = Array.isArray(value) && value.length === 2 && value[0] >= 0 && value[1] >= value[0] && Number.isFinite(value[1]);
  if (!ok) fail(name, value, '[min, max] with 0 ≤ min ≤ max');
}

function nonNegative(value: number, name: string): void {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) fail(name, value, 'a finite number ≥ 0');
}

function oneOf(value: string, allowed: readonly string[], name: string): void {
  if (!allowed.includes(value)) fail(name, value, allowed.map((a) => `'${a}'`).join(' or '));
}

function fail(name: string, value: unknown, expected: string): never {
  throw new TypeError(`gateway switch ${name} must be ${expected}, got ${JSON.stringify(value)}`);
}
