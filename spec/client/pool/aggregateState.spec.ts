import { aggregateState, sameState } from '../../../lib/client/pool/aggregateState';
import type { ConnectionState } from '../../../lib/client/types';

const open = (clientId: string, gap?: ConnectionState['gap']): ConnectionState => ({ status: 'open', clientId, ...(gap ? { gap } : {}) });

describe('aggregateState', () => {
  it('passes one connection through unchanged without a connections option', () => {
    const s: ConnectionState = { status: 'reconnecting', attempt: 2, retryInMs: 400 };
    expect(aggregateState([s], false)).toBe(s);
  });

  it.each([
    [['open', 'connecting', 'open'], 'connecting'],
    [['open', 'reconnecting', 'connecting'], 'connecting'],
    [['reconnecting', 'open'], 'reconnecting'],
    [['open', 'idle'], 'idle'],
    [['closed', 'open'], 'closed'],
  ] as const)('reads %j as %s: the least advanced', (statuses, expected) => {
    const states = statuses.map((status, i): ConnectionState => (status === 'open' ? open(`c${i}`) : { status }));
    const s = aggregateState(states, true);
    expect(s.status).toBe(expected);
    expect(s.connections).toEqual(states);
  });

  it('is open only when every connection is, with the first clientId and the earliest gap', () => {
    const s = aggregateState([open('a', { from: 50, cause: 'error' }), open('b', { from: 20, cause: 'heartbeat' }), open('c')], true);
    expect(s).toEqual({ status: 'open', clientId: 'a', gap: { from: 20, cause: 'heartbeat' }, connections: [open('a', { from: 50, cause: 'error' }), open('b', { from: 20, cause: 'heartbeat' }), open('c')] });
  });

  it('keeps the details of the least advanced connection', () => {
    const s = aggregateState([open('a'), { status: 'reconnecting', attempt: 3, retryInMs: 800, lastError: { code: 'transport', message: 'x' } }], true);
    expect(s).toMatchObject({ status: 'reconnecting', attempt: 3, retryInMs: 800, lastError: { code: 'transport', message: 'x' } });
  });

  it('sees equal content as the same state, and a changed connection as a change', () => {
    const a = aggregateState([open('a'), { status: 'connecting' }], true);
    expect(sameState(a, aggregateState([open('a'), { status: 'connecting' }], true))).toBe(true);
    expect(sameState(a, aggregateState([open('a'), open('b')], true))).toBe(false);
  });
});
