/** The soak's command line, parsed into {@link SoakOptions}. Pure. */
import { DEFAULT_OPTIONS, type SoakOptions } from './config';
import { FAULT_KINDS, type FaultKind } from './kinds';

export const USAGE =
  'npm run soak -- [--minutes M | --seconds S] [--clients 20] [--rooms 200] [--seed N] [--rate 100] [--fault-interval 250] [--overlap 0.25] [--kinds a,b] [--heap-dir reports/soak] [--heap-snapshots] [--loop-p99-limit 50] [--verbose]';

/** Options from `argv`; `randomSeed` when `--seed` is absent. Throws on a bad argument. */
export function parseArgs(argv: readonly string[], randomSeed: number): SoakOptions {
  const o: { -readonly [K in keyof SoakOptions]: SoakOptions[K] } = { ...DEFAULT_OPTIONS, seed: randomSeed };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${arg} needs a non-negative number`);
      return v;
    };
    if (arg === '--minutes') o.seconds = value() * 60;
    else if (arg === '--seconds') o.seconds = value();
    else if (arg === '--seed') o.seed = Math.floor(value()) >>> 0;
    else if (arg === '--clients') o.clients = Math.max(1, Math.floor(value()));
    else if (arg === '--rooms') o.rooms = Math.max(1, Math.floor(value()));
    else if (arg === '--rate') o.publishPerSecond = value();
    else if (arg === '--fault-interval') o.faultIntervalMs = Math.max(10, value());
    else if (arg === '--overlap') o.overlapProbability = Math.min(1, value());
    else if (arg === '--heap-dir') o.heapDir = argv[++i] ?? o.heapDir;
    else if (arg === '--loop-p99-limit') o.loopP99LimitMs = value();
    else if (arg === '--heap-snapshots') o.heapSnapshots = true;
    else if (arg === '--verbose') o.verbose = true;
    else if (arg === '--kinds') o.kinds = kindsOf(argv[++i] ?? '');
    else throw new Error(`unknown argument ${arg}\nusage: ${USAGE}`);
  }
  return o;
}

function kindsOf(list: string): FaultKind[] {
  const kinds = list.split(',').filter(Boolean);
  const unknown = kinds.filter((k) => !(FAULT_KINDS as readonly string[]).includes(k));
  if (kinds.length === 0 || unknown.length > 0) throw new Error(`--kinds takes a comma-separated list of ${FAULT_KINDS.join(', ')}`);
  return kinds as FaultKind[];
}
