/**
 * `npm run soak -- --minutes 10 [--clients 20] [--rooms 200] [--seed S]` (see `USAGE` in args.ts).
 *
 * Runs the chaos soak on loopback and prints ONE result line on stdout (the seed
 * at once, and any failure details, go to stderr). Exit code 0 when every check
 * passed, 1 when one failed, 2 when the run did not finish in time, 3 when the
 * process did not exit by itself after closing everything (a leaked handle).
 */
import { randomInt } from 'node:crypto';
import { parseArgs } from './args';
import { runSoak } from './run';

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2), randomInt(2 ** 31));
  process.stderr.write(
    `soak: seed=${options.seed} seconds=${options.seconds} clients=${options.clients} rooms=${options.rooms} (replay with --seed ${options.seed})\n`,
  );
  // A run that cannot finish is a failure too: warm-up, the run, the last recovery bound and closing.
  const watchdog = setTimeout(() => {
    process.stdout.write(`SOAK result=FAIL seed=${options.seed} reason=timeout\n`);
    process.exit(2);
  }, (options.seconds + 180) * 1000);
  watchdog.unref();

  const result = await runSoak(options);
  for (const line of result.details) process.stderr.write(`soak: ${line}\n`);
  process.stdout.write(`${result.summary}\n`);
  process.exitCode = result.ok ? 0 : 1;

  // Everything is closed: the process must now exit by itself.
  const leak = setTimeout(() => {
    const resources = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
    process.stderr.write(`soak: the process did not exit by itself after closing everything; open: ${resources.join(', ')}\n`);
    process.exit(3);
  }, 10_000);
  leak.unref();
}

main().catch((e: unknown) => {
  process.stderr.write(`soak: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.stdout.write('SOAK result=FAIL reason=crash\n');
  process.exit(1);
});
