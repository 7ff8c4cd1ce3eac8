import type { Subscription } from 'rxjs';
import { clearTimers } from './connection';
import type { EmulatorState } from './state';

/**
 * Graceful handover of every connection (§10): each live, non-draining one gets
 * a `reconnect` frame from the core and is closed (1001) after `oldSocketCloseMs`;
 * fresh upgrades get 502 meanwhile. Resolves once the grace period is over and those
 * sockets are closed.
 * While a drain runs, calling it again returns the same promise.
 *
 * @internal
 */
export function drainAll(state: EmulatorState): Promise<void> {
  if (state.closing) return Promise.resolve();
  if (state.drain) return state.drain.promise;
  const old = [...state.conns.values()].filter((c) => !c.rejected && c.core.live && !c.core.draining);
  let finish = (): void => undefined;
  let grace: Subscription | undefined;
  const promise = new Promise<void>((resolve) => {
    finish = () => {
      grace?.unsubscribe();
      if (state.drain?.promise === promise) state.drain = undefined;
      resolve();
    };
  });
  state.drain = { promise, finish };
  // Fresh upgrades get 502 for the whole grace period, even when every client left early.
  const graceOver = new Promise<void>((resolve) => (grace = state.o.scheduler.schedule(() => resolve(), state.core.switches.oldSocketCloseMs)));
  for (const conn of old) state.core.drain(conn.core);
  void Promise.all([graceOver, ...old.map((c) => c.closed)]).then(finish);
  return promise;
}

/** Terminates every connection, stops every timer and frees the port. Idempotent. @internal */
export function shutdown(state: EmulatorState): Promise<void> {
  if (state.closing) return state.closing;
  for (const stop of [...state.feeds]) stop();
  for (const conn of state.conns.values()) clearTimers(conn);
  state.closing = new Promise<void>((resolve) => {
    state.wss.close(() => {
      state.server.close(() => resolve());
      state.server.closeAllConnections();
    });
  });
  for (const conn of [...state.conns.values()]) state.core.drop(conn.core, 1006);
  for (const socket of state.sockets) socket.terminate();
  state.drain?.finish();
  return state.closing;
}
