import { countEvent, createMetrics, snapshotMetrics } from '../../lib/client/metrics';
import { AstroError } from '../../lib/errors/astroError';
import type { ConnectionEvent } from '../../lib/connection/events';

const err = new AstroError('transport', 'x');

describe('countEvent', () => {
  it.each([
    { title: 'welcome', e: { type: 'welcome', clientId: 'c', restored: false }, changed: true, diff: { connects: 1 } },
    { title: 'welcome restored', e: { type: 'welcome', clientId: 'c', restored: true }, changed: true, diff: { connects: 1, 'reconnects.handover': 1 } },
    { title: 'disconnected heartbeat', e: { type: 'disconnected', cause: 'heartbeat', error: err }, changed: true, diff: { 'reconnects.heartbeat': 1 } },
    { title: 'disconnected wakeup', e: { type: 'disconnected', cause: 'wakeup', error: err }, changed: true, diff: { 'reconnects.wakeup': 1 } },
    { title: 'handover started', e: { type: 'handover', phase: 'started' }, changed: false, diff: {} },
    { title: 'handover completed', e: { type: 'handover', phase: 'completed' }, changed: false, diff: {} },
    { title: 'handover failed', e: { type: 'handover', phase: 'failed' }, changed: true, diff: { 'reconnects.handover_failed': 1 } },
    { title: 'failed', e: { type: 'failed', refs: [], error: err }, changed: true, diff: { commandsFailed: 1 } },
    { title: 'rate_limited', e: { type: 'rate_limited' }, changed: true, diff: { rateLimited: 1 } },
    { title: 'decode_failure', e: { type: 'decode_failure', failure: {} }, changed: true, diff: { decodeFailures: 1 } },
    { title: 'duplicate_dropped', e: { type: 'duplicate_dropped', id: 'M' }, changed: false, diff: { duplicatesDropped: 1 } },
    { title: 'sent', e: { type: 'sent', queuedMs: 30 }, changed: false, diff: { commandsSent: 1, 'queue.maxWaitMs': 30 } },
    { title: 'sent without waiting', e: { type: 'sent', queuedMs: 0 }, changed: false, diff: { commandsSent: 1 } },
    { title: 'answered', e: { type: 'answered', latencyMs: 12 }, changed: false, diff: { 'commandLatencyMs.last': 12, 'commandLatencyMs.max': 12 } },
    { title: 'queue', e: { type: 'queue', depth: 4 }, changed: true, diff: { 'queue.depth': 4 } },
    { title: 'subscribed', e: { type: 'subscribed', refs: [], topic: 't', room: 'r' }, changed: false, diff: {} },
  ] as Array<{ title: string; e: ConnectionEvent; changed: boolean; diff: Record<string, number> }>)('$title', ({ e, changed, diff }) => {
    const m = createMetrics();
    const before = flat(snapshotMetrics(m));
    expect(countEvent(m, e)).toBe(changed);
    const after = flat(snapshotMetrics(m));
    const changes = Object.fromEntries(Object.entries(after).filter(([k, v]) => before[k] !== v));
    expect(changes).toEqual(diff);
  });

  it('keeps the maximum of wait and latency, and the last latency', () => {
    const m = createMetrics();
    for (const e of [
      { type: 'sent', queuedMs: 50 },
      { type: 'sent', queuedMs: 20 },
      { type: 'answered', latencyMs: 70 },
      { type: 'answered', latencyMs: 10 },
    ] as ConnectionEvent[])
      countEvent(m, e);
    expect(m.queue.maxWaitMs).toBe(50);
    expect(m.commandLatencyMs).toEqual({ last: 10, max: 70 });
    expect(m.commandsSent).toBe(2);
  });
});

describe('createMetrics and snapshotMetrics', () => {
  it('start at zero', () => {
    expect(createMetrics()).toEqual({
      connects: 0,
      reconnects: { handover: 0, closed: 0, error: 0, refused: 0, heartbeat: 0, handover_failed: 0, wakeup: 0 },
      gaps: 0,
      commandsSent: 0,
      commandsFailed: 0,
      rateLimited: 0,
      commandLatencyMs: { last: 0, max: 0 },
      queue: { depth: 0, maxWaitMs: 0 },
      duplicatesDropped: 0,
      decodeFailures: 0,
      messages: 0,
      activeSubscriptions: 0,
    });
  });

  it('a snapshot does not change with the counters', () => {
    const m = createMetrics();
    const snap = snapshotMetrics(m);
    m.reconnects.error++;
    m.commandLatencyMs.max = 9;
    m.queue.depth = 3;
    m.connects++;
    expect(flat(snap)).toEqual(flat(createMetrics()));
  });
});

function flat(o: object, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v && typeof v === 'object') Object.assign(out, flat(v as object, `${prefix}${k}.`));
    else out[`${prefix}${k}`] = v;
  }
  return out;
}
