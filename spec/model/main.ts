/**
 * `npm run model -- [--runs N] [--seed S] [--commands C]`: the model-based
 * property of spec/model/clientModel.spec.ts, outside jest, for long runs. A
 * failing run prints its seed and path; `--seed` replays it exactly.
 */
import { checkClientModel } from './clientModel';

const arg = (name: string): number | undefined => {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : undefined;
  if (value !== undefined && !Number.isFinite(value)) throw new Error(`--${name} needs a number`);
  return value;
};

const runs = arg('runs') ?? 500;
const seed = arg('seed');
const maxCommands = arg('commands');
const started = process.hrtime.bigint();
const result = checkClientModel({ runs, ...(seed !== undefined ? { seed } : {}), ...(maxCommands !== undefined ? { maxCommands } : {}) });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(`model: ${result.numRuns} runs in ${seconds.toFixed(1)} s, ${result.failed ? 'FAILED' : 'all invariants held'}\n`);
if (result.failed) {
  process.stdout.write(`${result.report}\n`);
  process.exitCode = 1;
}
