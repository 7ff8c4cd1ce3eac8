import { createGaps, done, stepGaps, type GapState } from '../../lib/client/gaps';
import { AstroError } from '../../lib/errors/astroError';
import type { ConnectionEvent } from '../../lib/connection/events';

const none = () => [];
const err = new AstroError('transport', 'socket closed');

describe('stepGaps: loss reported by a socket still delivering', () => {
  it.each([
    { title: 'no open window: nothing opens', open: undefined, at: 50, from: undefined },
    { title: 'an open window without a start takes the loss instant', open: { cause: 'error' }, at: 50, from: 50 },
    { title: 'an earlier start is kept', open: { from: 20, cause: 'error' }, at: 50, from: 20 },
    { title: 'a later start moves back to the loss', open: { from: 80, cause: 'error' }, at: 50, from: 50 },
  ])('$title', ({ open, at, from }) => {
    const s: GapState = createGaps();
    if (open) s.open = { ...open, waiting: new Set(['e1']) };
    const closed = stepGaps(s, { type: 'loss', at }, 100, none);
    expect(closed).toEqual([]);
    expect(s.open?.from).toBe(from);
    if (!open) expect(s.open).toBeUndefined();
  });

  it('the window then closes from the loss instant when its subscription is back', () => {
    const s = createGaps();
    const wanted = () => ['e1'];
    stepGaps(s, { type: 'disconnected', cause: 'error', error: err } as ConnectionEvent, 10, wanted);
    // a fresh session while the old socket still delivers: no start yet
    expect(stepGaps(s, { type: 'welcome', clientId: 'c', restored: false }, 20, wanted)).toEqual([]);
    expect(s.open?.from).toBeUndefined();
    expect(stepGaps(s, { type: 'loss', at: 30 }, 35, wanted)).toEqual([]);
    expect(stepGaps(s, { type: 'subscribed', refs: ['e1'], topic: 't', room: 'r' }, 40, wanted)).toEqual([{ from: 30, to: 40, cause: 'error' }]);
    expect(done(s, ['e1'], 50)).toEqual([]);
  });
});

type Step = { e: ConnectionEvent; now: number; closed?: unknown[] };
const disconnected = (cause: string): ConnectionEvent => ({ type: 'disconnected', cause, error: err }) as ConnectionEvent;
const welcome = (restored: boolean, gapFrom?: number): ConnectionEvent => ({ type: 'welcome', clientId: 'c', restored, ...(gapFrom !== undefined ? { gapFrom } : {}) });

/** Runs the steps with `wanted` entries, checking each step's closed gaps; returns the state. */
function run(steps: Step[], wanted: unknown[] = ['e1', 'e2']): GapState {
  const s = createGaps();
  steps.forEach(({ e, now, closed }, i) => {
    expect({ i, closed: stepGaps(s, e, now, () => wanted) }).toEqual({ i, closed: closed ?? [] });
  });
  return s;
}

describe('stepGaps: scenarios', () => {
  it('a fresh session after a loss opens a window that closes when every wanted entry is back', () => {
    const s = run([
      { e: disconnected('heartbeat'), now: 5 },
      { e: welcome(false, 3), now: 10 },
      { e: { type: 'subscribed', refs: ['e1'], topic: 't', room: 'r' }, now: 12 },
      { e: { type: 'failed', refs: ['e2'], error: err }, now: 14, closed: [{ from: 3, to: 14, cause: 'heartbeat' }] },
    ]);
    expect(s.open).toBeUndefined();
  });

  it('with nothing wanted, the window closes at the welcome', () => {
    run([{ e: disconnected('error'), now: 5 }, { e: welcome(false, 2), now: 10, closed: [{ from: 2, to: 10, cause: 'error' }] }], []);
  });

  it('a fresh session without a gap start and nothing wanted reports nothing', () => {
    const s = run([{ e: welcome(false), now: 10 }], []);
    expect(s.open).toBeUndefined();
  });

  it('a restored session reports its gap at once, with the last cause', () => {
    run([{ e: disconnected('closed'), now: 5 }, { e: welcome(true, 4), now: 9, closed: [{ from: 4, to: 9, cause: 'closed' }] }]);
  });

  it('a restored session without a gap start reports nothing', () => {
    const s = run([{ e: welcome(true), now: 9 }]);
    expect(s.open).toBeUndefined();
  });

  it('a restored session while a window is open moves its start back, and reports nothing yet', () => {
    const s = run([
      { e: welcome(false, 20), now: 25 },
      { e: welcome(true, 8), now: 30 },
      { e: welcome(true, 15), now: 31 },
      { e: { type: 'subscribed', refs: ['e1', 'e2'], topic: 't', room: 'r' }, now: 40, closed: [{ from: 8, to: 40, cause: 'error' }] },
    ]);
    expect(s.open).toBeUndefined();
  });

  it('a second fresh session while a window is open keeps its start and cause, waiting for what is wanted now', () => {
    const s = createGaps();
    stepGaps(s, disconnected('heartbeat'), 1, () => []);
    stepGaps(s, welcome(false, 10), 12, () => ['e1']);
    stepGaps(s, disconnected('error'), 13, () => []);
    expect(stepGaps(s, welcome(false, 30), 35, () => ['e2'])).toEqual([]);
    expect(s.open?.from).toBe(10);
    expect(s.open?.cause).toBe('heartbeat');
    expect([...(s.open?.waiting ?? [])]).toEqual(['e2']);
    expect(done(s, ['e1'], 36)).toEqual([]);
    expect(done(s, ['e2'], 37)).toEqual([{ from: 10, to: 37, cause: 'heartbeat' }]);
  });

  it('a later gap start does not move an earlier one; an earlier one does', () => {
    const a = createGaps();
    stepGaps(a, welcome(false, 10), 12, () => ['e1']);
    stepGaps(a, welcome(false, 30), 35, () => ['e1']);
    expect(a.open?.from).toBe(10);
    const b = createGaps();
    stepGaps(b, welcome(false, 30), 32, () => ['e1']);
    stepGaps(b, welcome(false, 10), 35, () => ['e1']);
    expect(b.open?.from).toBe(10);
    const c = createGaps();
    stepGaps(c, welcome(false), 32, () => ['e1']);
    expect(c.open).toBeDefined();
    expect(c.open?.from).toBeUndefined();
    stepGaps(c, welcome(false, 20), 35, () => ['e1']);
    expect(c.open?.from).toBe(20);
  });

  it('a failed handover names the cause of what follows, until a session begins', () => {
    run([
      { e: { type: 'handover', phase: 'started' }, now: 1 },
      { e: { type: 'handover', phase: 'failed' }, now: 2 },
      { e: disconnected('error'), now: 3 },
      { e: welcome(true, 2), now: 5, closed: [{ from: 2, to: 5, cause: 'handover_failed' }] },
      { e: disconnected('closed'), now: 6 },
      { e: welcome(true, 6), now: 8, closed: [{ from: 6, to: 8, cause: 'closed' }] },
    ]);
  });

  it('a failed handover names the cause even without a disconnect', () => {
    run([
      { e: { type: 'handover', phase: 'failed' }, now: 2 },
      { e: welcome(true, 2), now: 5, closed: [{ from: 2, to: 5, cause: 'handover_failed' }] },
    ]);
  });

  it('a completed handover clears a failure', () => {
    run([
      { e: { type: 'handover', phase: 'failed' }, now: 2 },
      { e: { type: 'handover', phase: 'completed' }, now: 3 },
      { e: disconnected('heartbeat'), now: 4 },
      { e: welcome(true, 4), now: 5, closed: [{ from: 4, to: 5, cause: 'heartbeat' }] },
    ]);
  });

  it('subscriptions lost within a session open a resubscribe window from now', () => {
    const s = run([
      { e: { type: 'lost', refs: ['e1', 'e2'] }, now: 50 },
      { e: { type: 'lost', refs: ['e3'] }, now: 55 },
      { e: { type: 'subscribed', refs: ['e1', 'e2'], topic: 't', room: 'r' }, now: 60 },
      { e: { type: 'failed', refs: ['e3'], error: err }, now: 61, closed: [{ from: 50, to: 61, cause: 'resubscribe' }] },
    ]);
    expect(s.open).toBeUndefined();
  });

  it('a loss in an open window without a start starts it at now', () => {
    const s = createGaps();
    stepGaps(s, welcome(false), 10, () => ['e1']);
    stepGaps(s, { type: 'lost', refs: ['e2'] }, 20, () => []);
    expect(s.open?.from).toBe(20);
    expect(s.open?.cause).toBe('error');
    expect(done(s, ['e1'], 21)).toEqual([]);
    expect(done(s, ['e2'], 22)).toEqual([{ from: 20, to: 22, cause: 'error' }]);
  });

  it('a loss in an open window with a start keeps it', () => {
    const s = createGaps();
    stepGaps(s, welcome(false, 5), 10, () => ['e1']);
    stepGaps(s, { type: 'lost', refs: ['e1'] }, 20, () => []);
    expect(s.open?.from).toBe(5);
  });

  it('other events change nothing', () => {
    const s = createGaps();
    stepGaps(s, welcome(false, 5), 10, () => ['e1']);
    const before = { ...s, open: { ...s.open, waiting: [...(s.open?.waiting ?? [])] } };
    for (const e of [{ type: 'rate_limited' }, { type: 'connecting', attempt: 1 }, { type: 'queue', depth: 2 }] as ConnectionEvent[]) {
      expect(stepGaps(s, e, 20, () => ['e9'])).toEqual([]);
    }
    expect({ ...s, open: { ...s.open, waiting: [...(s.open?.waiting ?? [])] } }).toEqual(before);
  });

  it('done without an open window reports nothing', () => {
    expect(done(createGaps(), ['e1'], 5)).toEqual([]);
  });

  it('done leaves the window open while some entry still waits', () => {
    const s = createGaps();
    stepGaps(s, welcome(false, 5), 10, () => ['e1', 'e2']);
    expect(done(s, ['e1', 'e9'], 11)).toEqual([]);
    expect([...(s.open?.waiting ?? [])]).toEqual(['e2']);
  });
});

describe('stepGaps: handovers that do not fail', () => {
  it.each(['started', 'completed'] as const)('a handover %s keeps the last cause', (phase) => {
    run([
      { e: disconnected('heartbeat'), now: 1 },
      { e: { type: 'handover', phase }, now: 2 },
      { e: welcome(true, 1), now: 3, closed: [{ from: 1, to: 3, cause: 'heartbeat' }] },
    ]);
  });
});
