import { parseArgs } from 'node:util';
import { argsErrorMessage } from '../args';

/** Options of the demo (`npm start -- [flags]`). */
export interface DemoOptions {
  /** End by itself after this many seconds (otherwise: Ctrl-C). */
  readonly seconds?: number;
  /** When the emulator drains (a graceful gateway handover), in seconds after the start. */
  readonly drainAfter: number;
  /** The mean delay between two generated activities, in ms. */
  readonly intervalMs: number;
}

export type DemoArgs = { readonly kind: 'ok'; readonly options: DemoOptions } | { readonly kind: 'help' } | { readonly kind: 'error'; readonly message: string };

export const DEMO_USAGE = `Usage: npm start -- [options]      (or: npx tsx lib/cli/demo/main.ts [options])

The astro-rx demo: an offline Astro gateway emulator, a client subscribed to a
channel's activities and session updates, live events, and a graceful gateway
handover (drain) that the client follows without losing an event.

Options:
  --seconds N       end by itself after N seconds (default: run until Ctrl-C)
  --drain-after S   drain the gateway S seconds after the start (default 10)
  --interval MS     the mean delay between two activities (default 700)
  -h, --help        show this help

With ASTRO_TOKEN set (and optionally ASTRO_ROOM, ASTRO_TOKEN_TYPE, ASTRO_URL)
the demo connects to the real gateway instead and starts no emulator.
`;

function positive(name: string, raw: string | undefined, fallback: number | undefined): number | string | undefined {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) return `--${name} must be a positive number, got ${JSON.stringify(raw.slice(0, 20))}`;
  return n;
}

export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  let values: { [k: string]: string | boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        seconds: { type: 'string' },
        'drain-after': { type: 'string' },
        interval: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    return { kind: 'error', message: argsErrorMessage(e) };
  }
  if (values['help']) return { kind: 'help' };
  const seconds = positive('seconds', values['seconds'] as string | undefined, undefined);
  if (typeof seconds === 'string') return { kind: 'error', message: seconds };
  const drainAfter = positive('drain-after', values['drain-after'] as string | undefined, 10);
  if (typeof drainAfter === 'string' || drainAfter === undefined) return { kind: 'error', message: String(drainAfter) };
  const intervalMs = positive('interval', values['interval'] as string | undefined, 700);
  if (typeof intervalMs === 'string' || intervalMs === undefined) return { kind: 'error', message: String(intervalMs) };
  return { kind: 'ok', options: { ...(seconds !== undefined ? { seconds } : {}), drainAfter, intervalMs } };
}
