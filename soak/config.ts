/**
 * The soak's environment and its options. Short heartbeats and backoff so that a
 * recovery fits a run; the command bucket and the drain are the real gateway's shape.
 */
import type { TopicName } from '../lib/protocol/topics';
import type { FaultKind } from './kinds';

export const TOPICS = ['channel.activities', 'channel.tips', 'channel.session.update'] as const satisfies readonly TopicName[];
export type SoakTopic = (typeof TOPICS)[number];

export const CONFIG = {
  pingIntervalMs: 1000,
  pongTimeoutMs: 2500,
  heartbeatTimeoutMs: 3000,
  drainGraceMs: 1000,
  bucket: { burst: 100, intervalMs: 100 },
  /** Upgrades accepted per 10 s, per client (the emulator's own 429 beyond). */
  upgradesPerClientPer10s: 6,
  backoff: { initialDelayMs: 100, maxDelayMs: 2000, minUptimeMs: 1000 },
  requestTimeoutMs: 5000,
  maxFrameBytes: 64 * 1024,
  /** Requested rooms that the emulator maps to another canonical room. */
  aliasedRooms: 10,
  /** A lost event may have been published this long before a gap's `from` (frames in flight) or after its `to`. */
  gapEpsilonMs: 250,
  /** An event not delivered this long after it was published counts as lost. */
  settleMs: 10_000,
  publishTickMs: 20,
  pollMs: 100,
  /** Every fault must be recovered from within this long. */
  recoveryBoundMs: 60_000,
  heapGrowthLimit: 0.2,
  /** The heap is sampled (after gc) at this point of the run, or after the warm-up if later, then at the end. */
  heapStartMs: 120_000,
  /** The default of `--loop-p99-limit`. */
  loopP99LimitMs: 50,
  /** No fault in the last part of the run (at most this, at most 30 % of it): every client recovers, the last events arrive. */
  quietTailMs: 15_000,
  /** The race switches between faults (switch faults change them for a window). */
  switches: { authLatencyMs: [0, 0], unsubscribeLatencyMs: [0, 0], snapshot: 'reconnectFrame', tokenUpgrade: 'accept' },
  /** Authorization and unsubscribe latency while a race window is open: answers leave out of order. */
  raceLatencyMs: [0, 400],
} as const;

export interface SoakOptions {
  readonly seconds: number;
  readonly seed: number;
  readonly clients: number;
  /** Rooms (one (topic, room) each, topics in turn); every client subscribes to all of them. */
  readonly rooms: number;
  readonly publishPerSecond: number;
  /** Mean time between two injected faults. */
  readonly faultIntervalMs: number;
  /** The chance that a fault hits a client still recovering from an earlier one. */
  readonly overlapProbability: number;
  readonly verbose: boolean;
  /** Only these faults (default: all). */
  readonly kinds?: readonly FaultKind[];
  /** Where heap snapshots go when the heap check fails. */
  readonly heapDir: string;
  /** The event-loop delay p99 a run may reach (ms). */
  readonly loopP99LimitMs: number;
  /** Snapshot the heap at the start sample too, for a diff when the check fails (stalls the run for seconds). */
  readonly heapSnapshots: boolean;
}

export const DEFAULT_OPTIONS: Omit<SoakOptions, 'seed'> = {
  seconds: 60,
  clients: 20,
  rooms: 200,
  publishPerSecond: 100,
  faultIntervalMs: 250,
  overlapProbability: 0.25,
  verbose: false,
  heapDir: 'reports/soak',
  heapSnapshots: false,
  loopP99LimitMs: CONFIG.loopP99LimitMs,
};

/** `topic ␀ canonical room`. */
export const subKey = (topic: string, room: string): string => `${topic}\u0000${room}`;
