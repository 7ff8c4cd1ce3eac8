import { reduceState } from '../../lib/client/state';
import { AstroError } from '../../lib/errors/astroError';
import type { ConnectionEvent } from '../../lib/connection/events';
import type { ConnectionState } from '../../lib/client/types';

const open: ConnectionState = { status: 'open', clientId: 'c0' };
const idle: ConnectionState = { status: 'idle' };
const reconnecting: ConnectionState = { status: 'reconnecting', lastError: { code: 'transport', message: 'gone' } };

describe('reduceState', () => {
  it.each([
    { title: 'connecting, first attempt', state: idle, e: { type: 'connecting', attempt: 0 }, next: { status: 'connecting' } },
    { title: 'connecting, later attempt', state: reconnecting, e: { type: 'connecting', attempt: 2 }, next: { status: 'connecting', attempt: 2 } },
    { title: 'connecting, attempt 1', state: idle, e: { type: 'connecting', attempt: 1 }, next: { status: 'connecting', attempt: 1 } },
    { title: 'connecting while open (a make-before-break)', state: open, e: { type: 'connecting', attempt: 0 }, next: open },
    { title: 'welcome, fresh', state: idle, e: { type: 'welcome', clientId: 'c1', restored: false }, next: { status: 'open', clientId: 'c1' } },
    {
      title: 'welcome after a loss',
      state: reconnecting,
      e: { type: 'welcome', clientId: 'c2', restored: false, gapFrom: 40 },
      next: { status: 'open', clientId: 'c2', gap: { from: 40, cause: 'heartbeat' } },
    },
    { title: 'welcome restored with a gap start', state: open, e: { type: 'welcome', clientId: 'c3', restored: true, gapFrom: 40 }, next: { status: 'open', clientId: 'c3' } },
    { title: 'welcome restored', state: open, e: { type: 'welcome', clientId: 'c4', restored: true }, next: { status: 'open', clientId: 'c4' } },
    {
      title: 'disconnected',
      state: open,
      e: { type: 'disconnected', cause: 'error', error: new AstroError('transport', 'socket closed (code 1006)') },
      next: { status: 'reconnecting', lastError: { code: 'transport', message: 'socket closed (code 1006)' } },
    },
    {
      title: 'reconnecting keeps the last error',
      state: reconnecting,
      e: { type: 'reconnecting', attempt: 3, retryInMs: 800 },
      next: { status: 'reconnecting', lastError: { code: 'transport', message: 'gone' }, attempt: 3, retryInMs: 800 },
    },
    { title: 'reconnecting while open', state: open, e: { type: 'reconnecting', attempt: 1, retryInMs: 5 }, next: open },
    { title: 'another event', state: open, e: { type: 'rate_limited' }, next: open },
  ] as Array<{ title: string; state: ConnectionState; e: ConnectionEvent; next: ConnectionState }>)('$title', ({ state, e, next }) => {
    const result = reduceState(state, e, 'heartbeat');
    expect(result).toEqual(next);
    if (next === state) expect(result).toBe(state);
  });
});
