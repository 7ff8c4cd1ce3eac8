import type { ConnectionEvent } from '../connection/events';
import type { ConnectionState } from './types';

/**
 * The connection's state as a reducer over connection events (`scan`).
 * Returns the same object when nothing visible changed.
 *
 * @internal
 */
export function reduceState(state: ConnectionState, e: ConnectionEvent, gapCause: string): ConnectionState {
  switch (e.type) {
    case 'connecting':
      if (state.status === 'open') return state;
      return { status: 'connecting', ...(e.attempt > 0 ? { attempt: e.attempt } : {}) };
    case 'welcome':
      return {
        status: 'open',
        clientId: e.clientId,
        ...(e.gapFrom !== undefined && !e.restored ? { gap: { from: e.gapFrom, cause: gapCause } } : {}),
      };
    case 'disconnected':
      return { status: 'reconnecting', lastError: { code: e.error.code, message: e.error.message } };
    case 'reconnecting':
      if (state.status === 'open') return state;
      return { ...state, status: 'reconnecting', attempt: e.attempt, retryInMs: e.retryInMs };
    default:
      return state;
  }
}
