import fc from 'fast-check';
import { commands, type Model } from './commands';
import { bucketViolations, closeViolations, deliveryViolations, quiescenceViolations } from './invariants';
import { createWorld } from './world';

/** Options of {@link checkClientModel}. */
export interface ModelCheckOptions {
  readonly runs: number;
  readonly seed?: number;
  readonly maxCommands?: number;
}

/**
 * The model-based property: random user intents interleaved with random gateway
 * behaviour (answers in any order, rate limits, reconnect frames at any point,
 * drops, refused handovers, hostile frames, silence), then quiescence, then
 * close(). After each run: the gateway holds exactly the users' intent, the wire
 * never exceeded the bucket, every settled event arrived exactly once or inside a
 * reported gap, no unhandled error, and nothing left after close().
 */
export function checkClientModel(options: ModelCheckOptions): { readonly failed: boolean; readonly numRuns: number; readonly report: string } {
  const property = fc.property(
    fc.constantFrom('global', 'tokenChannel' as const),
    fc.integer({ min: 1, max: 1_000_000 }),
    fc.commands(commands, { maxCommands: options.maxCommands ?? 40 }),
    (defaultRoom, seed, cmds) => {
      const world = createWorld(defaultRoom, seed);
      try {
        fc.modelRun(() => ({ model: { live: 0 } as Model, real: world }), cmds);
        const violations = [...quiescenceViolations(world), ...deliveryViolations(world), ...bucketViolations(world), ...closeViolations(world)];
        if (violations.length > 0) throw new Error(violations.join('\n'));
      } finally {
        world.restore();
      }
    },
  );
  const details = fc.check(property, { numRuns: options.runs, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
  const report = details.failed ? `${fc.defaultReportMessage(details) ?? ''}\n${String(details.errorInstance)}` : '';
  return { failed: details.failed, numRuns: details.numRuns, report };
}
