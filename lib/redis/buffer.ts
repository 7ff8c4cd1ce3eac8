/**
 * The append buffer, as a pure state machine: entries wait here, in order, until
 * Redis has taken them. At most `bound` wait; past it the oldest waiting entry
 * is dropped and its range is remembered, per topic and room, as a gap marker
 * that goes out first at the next write.
 *
 * The queue is updated in place: run it with a state factory ({@link initialBuffer}).
 */
import { gapEntry, type PendingEntry } from './entries';

interface Lost {
  readonly topic: string;
  readonly room: string;
  readonly from: number;
  readonly to: number;
}

export interface BufferState {
  /** Waiting entries, oldest first; the first `inFlight` are being written. Updated in place (it may hold thousands). */
  readonly queue: PendingEntry[];
  readonly inFlight: number;
  /** Dropped ranges not yet written as gap markers, by `topic\0room`. */
  readonly lost: ReadonlyMap<string, Lost>;
  /** Whether the last write succeeded. */
  readonly up: boolean;
  /** Events dropped so far (a batch that failed while in flight may have reached Redis all the same). */
  readonly dropped: number;
}

export type BufferInput =
  | { readonly type: 'enqueue'; readonly entry: PendingEntry }
  | { readonly type: 'written' }
  | { readonly type: 'writeFailed' }
  | { readonly type: 'retry' };

export type BufferOutput = { readonly type: 'write'; readonly entries: readonly PendingEntry[] } | { readonly type: 'dropped'; readonly entry: PendingEntry };

export interface BufferConfig {
  /** The most entries that may wait. */
  readonly bound: number;
  /** The most entries in one write. */
  readonly batch: number;
}

export const initialBuffer = (): BufferState => ({ queue: [], inFlight: 0, lost: new Map(), up: true, dropped: 0 });

type Step = { readonly state: BufferState; readonly outputs: readonly BufferOutput[] };

/** The transition. */
export function buffer(state: BufferState, input: BufferInput, now: number, config: BufferConfig): Step {
  switch (input.type) {
    case 'enqueue':
      return enqueue(state, input.entry, now, config);
    case 'written': {
      state.queue.splice(0, state.inFlight);
      const next = { ...state, inFlight: 0, up: true };
      return flush(next, now, config, []);
    }
    case 'writeFailed':
      return { state: { ...state, inFlight: 0, up: false }, outputs: [] };
    case 'retry':
      return flush(state, now, config, []);
  }
}

function enqueue(state: BufferState, entry: PendingEntry, now: number, config: BufferConfig): Step {
  const queue = state.queue;
  queue.push(entry);
  const outputs: BufferOutput[] = [];
  let lost = state.lost;
  let dropped = state.dropped;
  // drop the oldest entry that is not being written
  while (queue.length - state.inFlight > config.bound && queue.length > state.inFlight) {
    const [old] = queue.splice(state.inFlight, 1);
    if (!old) break;
    lost = remember(lost, old);
    // a dropped gap marker is not lost: its range joins the next one
    if (old.kind === 'message') dropped++;
    outputs.push({ type: 'dropped', entry: old });
  }
  const next: BufferState = { ...state, queue, lost, dropped };
  // while Redis is away, writes wait for the retry timer
  return next.up ? flush(next, now, config, outputs) : { state: next, outputs };
}

function remember(lost: ReadonlyMap<string, Lost>, e: PendingEntry): ReadonlyMap<string, Lost> {
  const topic = e.kind === 'message' ? e.message.topic : e.gap.topic;
  const room = e.kind === 'message' ? e.message.room : e.gap.room;
  const from = e.kind === 'gap' ? e.gap.from : e.at;
  const to = e.kind === 'gap' ? e.gap.to : e.at;
  const k = `${topic}\u0000${room}`;
  const was = lost.get(k);
  return new Map(lost).set(k, was ? { topic, room, from: Math.min(was.from, from), to: Math.max(was.to, to) } : { topic, room, from, to });
}

/** Starts the next write when none is under way: the remembered gaps first, then the oldest entries. */
function flush(state: BufferState, now: number, config: BufferConfig, outputs: BufferOutput[]): Step {
  if (state.inFlight > 0) return { state, outputs };
  const gaps = [...state.lost.values()].map((l) => gapEntry({ type: 'gap', topic: l.topic, room: l.room, from: l.from, to: l.to, cause: 'buffer_overflow' }, now));
  const queue = state.queue;
  if (gaps.length > 0) queue.unshift(...gaps);
  if (queue.length === 0) return { state, outputs };
  const entries = queue.slice(0, config.batch);
  return { state: { ...state, queue, inFlight: entries.length, lost: new Map() }, outputs: [...outputs, { type: 'write', entries }] };
}
