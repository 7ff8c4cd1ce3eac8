/**
 * `npm run soak -- [--seconds 60] [--seed N] [--clients 3] [--rooms 200] [--rate 100] [--overlap 0.25] [--kinds drop_all,silence] [--verbose]`
 *
 * Runs the chaos soak on loopback and prints ONE summary line on stdout (the
 * seed and any failure details go to stderr). Exit code 0 when every check
 * passed, 1 when one failed, 2 when the run did not finish in time, 3 when the
 * process did not exit by itself after closing everything (a leaked handle).
 */
import { DEFAULT_OPTIONS, FAULT_KINDS, runSoak, type FaultKind, type SoakOptions } from './soak';

function parseArgs(argv: readonly string[]): SoakOptions {
  const options: { -readonly [K in keyof SoakOptions]: SoakOptions[K] } = { ...DEFAULT_OPTIONS, seed: Math.floor(Math.random() * 2 ** 31) };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${arg} needs a number`);
      return v;
    };
    switch (arg) {
      case '--seconds':
        options.seconds = value();
        break;
      case '--seed':
        options.seed = Math.floor(value());
        break;
      case '--clients':
        options.clients = Math.max(1, Math.floor(value()));
        break;
      case '--rooms':
        options.rooms = Math.max(1, Math.floor(value()));
        break;
      case '--rate':
        options.publishPerSecond = value();
        break;
      case '--overlap':
        options.overlapProbability = value();
        break;
      case '--kinds': {
        const kinds = (argv[++i] ?? '').split(',').filter(Boolean);
        const unknown = kinds.filter((k) => !(FAULT_KINDS as readonly string[]).includes(k));
        if (kinds.length === 0 || unknown.length > 0) throw new Error(`--kinds takes a comma-separated list of ${FAULT_KINDS.join(', ')}`);
        options.kinds = kinds as FaultKind[];
        break;
      }
      case '--verbose':
        options.verbose = true;
        break;
      default:
        throw new Error(`unknown argument ${arg} (use --seconds N --seed N --clients N --rooms N --rate N --overlap P --kinds a,b --verbose)`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  process.stderr.write(`soak: seed=${options.seed} seconds=${options.seconds} clients=${options.clients} rooms=${options.rooms} (repeat with --seed ${options.seed})\n`);
  // A run that cannot finish is a failure too: warm-up, the run, the last recovery bound and closing.
  const watchdog = setTimeout(() => {
    process.stdout.write(`SOAK result=FAIL seed=${options.seed} reason=timeout\n`);
    process.exit(2);
  }, (options.seconds + 90) * 1000);
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
