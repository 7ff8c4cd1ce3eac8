/**
 * The worker's reads of the shared state, every `periodMs` on the injected
 * scheduler (a read still running skips the tick), as ownership machine inputs.
 */
import { catchError, exhaustMap, from, map, of, timer, type Observable, type SchedulerLike } from 'rxjs';
import type { BridgeAdapter } from './adapter';
import type { OwnershipInput } from './ownership';

export interface ViewsConfig {
  readonly periodMs: number;
  /** Whether the worker is leaving (it then deregisters instead of renewing its heartbeat). */
  readonly leaving: () => boolean;
  /** Told whether each read succeeded. */
  readonly onRead: (ok: boolean) => void;
}

export function views(adapter: BridgeAdapter, config: ViewsConfig, scheduler: SchedulerLike): Observable<OwnershipInput> {
  return timer(0, config.periodMs, scheduler).pipe(
    exhaustMap(() =>
      from(adapter.readView(scheduler.now(), config.leaving())).pipe(
        map((view): OwnershipInput => {
          config.onRead(true);
          return { type: 'view', view };
        }),
        catchError(() => {
          config.onRead(false);
          return of<OwnershipInput>({ type: 'viewFailed' });
        }),
      ),
    ),
  );
}
