import { Observable, filter, fromEvent, merge } from 'rxjs';

/**
 * In a browser: the `online` event, and a page restored from the back/forward
 * cache (`pageshow` with `persisted`). Both mean the socket is probably dead
 * and the network usable: reconnect now rather than after the backoff. Browsers
 * hide WebSocket pings, so this is their substitute for a heartbeat. Elsewhere: `undefined`.
 *
 * @internal
 */
export function defaultWakeups(): Observable<unknown> | undefined {
  const w = (globalThis as { window?: EventTarget & { addEventListener?: unknown } }).window;
  if (!w || typeof w.addEventListener !== 'function') return undefined;
  return merge(
    fromEvent(w, 'online'),
    fromEvent<Event & { persisted?: boolean }>(w, 'pageshow').pipe(filter((e) => e.persisted === true)),
  );
}
