/** Process-wide probes of a run: unhandled errors and event-loop delay. */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export function startProbes() {
  const samples: string[] = [];
  let unhandled = 0;
  const onUnhandled = (e: unknown): void => {
    unhandled++;
    if (samples.length < 5) samples.push(`unhandled: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  };
  process.on('uncaughtException', onUnhandled);
  process.on('unhandledRejection', onUnhandled);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  return {
    samples,
    get unhandled() {
      return unhandled;
    },
    /** Stops sampling the loop (around a deliberate pause such as a heap snapshot). */
    pause: () => loop.disable(),
    resume: () => loop.enable(),
    loopP99Ms: () => loop.percentile(99) / 1e6,
    loopMaxMs: () => loop.max / 1e6,
    stop(): void {
      loop.disable();
      process.off('uncaughtException', onUnhandled);
      process.off('unhandledRejection', onUnhandled);
    },
  };
}

export type Probes = ReturnType<typeof startProbes>;
