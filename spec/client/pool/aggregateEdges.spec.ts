import { aggregateState, sameState } from '../../../lib/client/pool/aggregateState';
import type { ConnectionState } from '../../../lib/client/types';

// The edges of the pool's state: no connection yet, ties, nested lists, gaps that tie, what counts as a change.

describe('aggregateState at its edges', () => {
  it.each([false, true])('reads no connection at all as idle (pooled %s)', (pooled) => {
    const s = aggregateState([], pooled);
    expect(s.status).toBe('idle');
    expect(s.lastError).toBeUndefined();
  });

  it('keeps the lowest index among equally advanced connections', () => {
    const a: ConnectionState = { status: 'reconnecting', attempt: 1, retryInMs: 100 };
    const b: ConnectionState = { status: 'reconnecting', attempt: 5, retryInMs: 900 };
    expect(aggregateState([{ status: 'open', clientId: 'x' }, a, b], true)).toEqual({ ...a, connections: [{ status: 'open', clientId: 'x' }, a, b] });
    expect(aggregateState([b, a], true)).toMatchObject({ attempt: 5, retryInMs: 900 });
  });

  it('drops a nested connections list of the least advanced connection, listing the pool instead', () => {
    const inner: ConnectionState = { status: 'connecting', connections: [{ status: 'idle' }] };
    const s = aggregateState([{ status: 'open' }, inner], true);
    expect(s).toEqual({ status: 'connecting', connections: [{ status: 'open' }, inner] });
    // a copy: the caller's array is not the state's
    const states = [inner];
    expect(aggregateState(states, true).connections).not.toBe(states);
  });

  it('is open without a clientId or a gap when the first connection has none', () => {
    const s = aggregateState([{ status: 'open' }, { status: 'open', clientId: 'b' }], true);
    expect(s).toEqual({ status: 'open', connections: [{ status: 'open' }, { status: 'open', clientId: 'b' }] });
    expect(Object.keys(s).sort()).toEqual(['connections', 'status']);
  });

  it('keeps the first of two gaps that begin at the same time', () => {
    const g1 = { from: 10, cause: 'error' };
    const g2 = { from: 10, cause: 'heartbeat' };
    expect(aggregateState([{ status: 'open', gap: g1 }, { status: 'open', gap: g2 }], true).gap).toBe(g1);
    expect(aggregateState([{ status: 'open', gap: g2 }, { status: 'open', gap: g1 }], true).gap).toBe(g2);
    expect(aggregateState([{ status: 'open' }, { status: 'open', gap: g2 }], true).gap).toBe(g2);
  });

  it('passes a lone connection through even when it is open with a gap, without a connections option', () => {
    const s: ConnectionState = { status: 'open', clientId: 'c', gap: { from: 1, cause: 'error' } };
    expect(aggregateState([s, { status: 'closed' }], false)).toBe(s);
  });
});

describe('sameState', () => {
  const conns = (...statuses: ConnectionState['status'][]): ConnectionState[] => statuses.map((status) => ({ status }));

  it.each<[string, ConnectionState, ConnectionState, boolean]>([
    ['identical content with lists', { status: 'connecting', connections: conns('open', 'connecting') }, { status: 'connecting', connections: conns('open', 'connecting') }, true],
    ['a different own field', { status: 'connecting', connections: conns('open') }, { status: 'reconnecting', connections: conns('open') }, false],
    ['an extra own field', { status: 'connecting', connections: conns('open') }, { status: 'connecting', attempt: 1, connections: conns('open') }, false],
    ['an extra own field on the first', { status: 'connecting', attempt: 1, connections: conns('open') }, { status: 'connecting', connections: conns('open') }, false],
    ['a longer list', { status: 'connecting', connections: conns('open') }, { status: 'connecting', connections: conns('open', 'open') }, false],
    ['a shorter list', { status: 'connecting', connections: conns('open', 'open') }, { status: 'connecting', connections: conns('open') }, false],
    ['one connection changed', { status: 'connecting', connections: conns('open', 'idle') }, { status: 'connecting', connections: conns('open', 'connecting') }, false],
    ['one connection with an extra field', { status: 'connecting', connections: conns('open') }, { status: 'connecting', connections: [{ status: 'open', clientId: 'x' }] }, false],
    ['no list on the first', { status: 'idle' }, { status: 'idle', connections: [] }, false],
    ['no list on the second', { status: 'idle', connections: [] }, { status: 'idle' }, false],
    ['no lists, equal content', { status: 'idle' }, { status: 'idle' }, false],
    ['the same status, another clientId', { status: 'open', clientId: 'a', connections: conns('open') }, { status: 'open', clientId: 'b', connections: conns('open') }, false],
  ])('%s: the same state is %s', (_name, a, b, same) => {
    expect(sameState(a, b)).toBe(same);
  });

  it('is the same state for the same object, with or without a list', () => {
    const a: ConnectionState = { status: 'idle' };
    expect(sameState(a, a)).toBe(true);
  });
});
