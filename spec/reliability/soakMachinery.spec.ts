/**
 * The soak's own machinery is pure and seed-driven: the fault plan, the
 * delivery ledger, the command line and the verdict. (The soak itself runs in
 * spec/reliability/soak.spec.ts.)
 */
import { parseArgs } from '../../soak/args';
import { FAULT_KINDS } from '../../soak/kinds';
import { createLedger } from '../../soak/ledger';
import { planFaults, type PlanOptions } from '../../soak/plan';

const TEN_MINUTES: PlanOptions = {
  seed: 42,
  durationMs: 572_000,
  clients: 20,
  rooms: 200,
  faultIntervalMs: 250,
  overlapProbability: 0.25,
  bucket: { burst: 100, intervalMs: 100 },
};

describe('the fault plan', () => {
  it('is the same for the same seed, and another for another seed', () => {
    const minute = { ...TEN_MINUTES, durationMs: 60_000 };
    expect(planFaults(minute)).toEqual(planFaults({ ...minute }));
    expect(planFaults({ ...minute, seed: 43 })).not.toEqual(planFaults(minute));
  });

  it('holds over 2 000 faults in 10 minutes, of every kind, some of them overlapping, in time order', () => {
    const plan = planFaults(TEN_MINUTES);
    const kinds = new Set(plan.map((f) => f.kind));
    expect(plan.length).toBeGreaterThanOrEqual(2000);
    expect(FAULT_KINDS.filter((k) => !kinds.has(k))).toEqual([]);
    expect(plan.filter((f) => f.overlapping).length).toBeGreaterThan(100);
    expect(plan.every((f, i) => i === 0 || (plan[i - 1]?.at ?? 0) <= f.at)).toBe(true);
    expect(plan.every((f) => f.at < TEN_MINUTES.durationMs && f.n >= 1 && (f.target === 'all' || (f.target >= 0 && f.target < 20)))).toBe(true);
  });

  it('starts with every allowed kind once, and keeps to --kinds', () => {
    const plan = planFaults({ ...TEN_MINUTES, durationMs: 8000, kinds: ['silence', 'garbage'] });
    expect(new Set(plan.slice(0, 2).map((f) => f.kind))).toEqual(new Set(['silence', 'garbage']));
    expect(plan.every((f) => f.kind === 'silence' || f.kind === 'garbage')).toBe(true);
  });
});

describe('the delivery ledger', () => {
  const config = { clients: 2, settleMs: 1000, holdMs: 5000, gapEpsilonMs: 10, origin: 0 };

  it('counts deliveries, duplicates and receipts after an event settled', () => {
    const ledger = createLedger(config);
    const a = ledger.publish(100);
    const b = ledger.publish(200);
    ledger.receive(0, a);
    ledger.receive(1, a);
    ledger.receive(0, b);
    ledger.receive(0, b);
    ledger.receive(1, b);
    ledger.settle(10_000);
    ledger.receive(1, a);
    expect(ledger.figures).toMatchObject({ published: 2, expected: 4, delivered: 4, duplicated: 1, late: 1, lost: 0 });
    expect(ledger.examples).toEqual(['duplicated: client 0, event 1 published at +200 ms']);
  });

  it('explains a loss by a gap of that client only, within the epsilon, once the hold is over', () => {
    const ledger = createLedger(config);
    const events = [1000, 1995, 3000].map((at) => ledger.publish(at));
    events.forEach((g) => ledger.receive(1, g));
    ledger.gap(0, { from: 2005, to: 2500, cause: 'error' });
    ledger.settle(4500);
    expect(ledger.figures).toMatchObject({ lost: 3, lostOutsideGaps: 0 });
    ledger.settle(Infinity);
    expect(ledger.figures).toMatchObject({ delivered: 3, lost: 3, lostOutsideGaps: 2 });
    expect(ledger.examples[0]).toContain('client 0, event published at +1000 ms');
  });

  it('counts losses during an undisturbed handover apart', () => {
    const ledger = createLedger(config);
    ledger.publish(1000);
    ledger.gap(0, { from: 900, to: 1100, cause: 'error' });
    ledger.graceful(0, 950, 1200);
    ledger.receive(1, 0);
    ledger.settle(Infinity);
    expect(ledger.figures).toMatchObject({ lost: 1, lostOutsideGaps: 0, lostGraceful: 1 });
  });
});

describe('the soak command line', () => {
  it('reads minutes, scale and seed', () => {
    expect(parseArgs(['--minutes', '10', '--clients', '20', '--rooms', '200', '--seed', '7'], 1)).toMatchObject({ seconds: 600, clients: 20, rooms: 200, seed: 7 });
    expect(parseArgs([], 99).seed).toBe(99);
  });

  it('rejects an unknown argument or fault kind', () => {
    expect(() => parseArgs(['--bogus'], 1)).toThrow(/unknown argument --bogus/);
    expect(() => parseArgs(['--kinds', 'drop_one,nope'], 1)).toThrow(/--kinds/);
  });
});
