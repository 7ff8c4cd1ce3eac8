import { checkClientModel } from './clientModel';

const runs = Number(process.env.ASTRO_MODEL_RUNS ?? 500);
const seed = process.env.ASTRO_MODEL_SEED === undefined ? undefined : Number(process.env.ASTRO_MODEL_SEED);

describe('the client against a gateway that races (model-based)', () => {
  it(`keeps the gateway equal to the users' intent, the bucket, exactly-once-or-gap, and leaves nothing after close (${runs} runs)`, () => {
    const details = checkClientModel({ runs, ...(seed !== undefined ? { seed } : {}) });
    if (details.failed) throw new Error(details.report);
    expect(details.numRuns).toBe(runs);
  }, 600_000);
});
