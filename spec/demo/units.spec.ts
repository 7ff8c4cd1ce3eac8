import { parseDemoArgs } from '../../lib/cli/demo/args';
import { DeliveryLedger, describeReport, isClean, listSeqs } from '../../lib/cli/demo/ledger';

describe('parseDemoArgs', () => {
  it('defaults: run until Ctrl-C, drain after 10 s, an activity every ~700 ms', () => {
    expect(parseDemoArgs([])).toEqual({ kind: 'ok', options: { drainAfter: 10, intervalMs: 700 } });
  });

  it('reads --seconds, --drain-after and --interval', () => {
    expect(parseDemoArgs(['--seconds', '14', '--drain-after', '4', '--interval=250'])).toEqual({
      kind: 'ok',
      options: { seconds: 14, drainAfter: 4, intervalMs: 250 },
    });
  });

  it('rejects bad numbers, unknown flags and positionals', () => {
    expect(parseDemoArgs(['--seconds', '0'])).toEqual({ kind: 'error', message: '--seconds must be a positive number, got "0"' });
    expect(parseDemoArgs(['--drain-after', 'x'])).toMatchObject({ kind: 'error', message: expect.stringMatching(/--drain-after/) });
    expect(parseDemoArgs(['--bogus'])).toMatchObject({ kind: 'error', message: expect.stringMatching(/Unknown option '--bogus'/) });
    expect(parseDemoArgs(['extra'])).toMatchObject({ kind: 'error' });
  });

  it('-h / --help', () => {
    expect(parseDemoArgs(['-h'])).toEqual({ kind: 'help' });
    expect(parseDemoArgs(['--help'])).toEqual({ kind: 'help' });
  });
});

describe('DeliveryLedger', () => {
  const clock = () => {
    let t = 1000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('numbers publishes and reports a complete, duplicate-free delivery', () => {
    const c = clock();
    const ledger = new DeliveryLedger(c.now);
    expect(ledger.published('a')).toBe(1);
    expect(ledger.published('b')).toBe(2);
    expect(ledger.received('a')).toBe(1);
    expect(ledger.received('b')).toBe(2);
    const report = ledger.report(0);
    expect(report).toEqual({ published: 2, received: 2, lost: [], duplicates: [], inFlight: 0, unknown: 0 });
    expect(isClean(report)).toBe(true);
    expect(describeReport(report)).toBe('no event lost: 2 published, 2 received (#1-#2) in sequence, no duplicates');
  });

  it('tells recent (in flight) from lost events by the grace period', () => {
    const c = clock();
    const ledger = new DeliveryLedger(c.now);
    ledger.published('a');
    ledger.published('b');
    c.advance(1000);
    ledger.published('c');
    ledger.received('a');
    const report = ledger.report(500);
    expect(report.lost).toEqual([2]);
    expect(report.inFlight).toBe(1);
    expect(isClean(report)).toBe(false);
    expect(describeReport(report)).toBe('EVENTS LOST OR REPEATED: 3 published, 1 received; 1 lost (#2), 1 still in flight');
    expect(ledger.report(Infinity)).toMatchObject({ lost: [], inFlight: 2 });
  });

  it('reports duplicates and ids it never published', () => {
    const ledger = new DeliveryLedger(() => 0);
    ledger.published('a');
    ledger.received('a');
    ledger.received('a');
    expect(ledger.received('zzz')).toBeUndefined();
    expect(ledger.received(undefined)).toBeUndefined();
    const report = ledger.report(0);
    expect(report).toMatchObject({ duplicates: [1], unknown: 2 });
    expect(describeReport(report)).toMatch(/1 duplicated \(#1\), 2 unexpected/);
  });

  it('lists long runs of sequence numbers briefly', () => {
    expect(listSeqs([1, 2, 3])).toBe('#1, #2, #3');
    expect(listSeqs([1, 2, 3, 4, 5], 2)).toBe('#1, #2, … (5 in all)');
  });
});
