import { startEmulator, type Emulator } from '../testing';
import { EXIT, type EmulatorCommandOptions } from './args';
import { paint, useColor } from './format';
import type { TtyStream } from './progress';

export interface EmulatorIo {
  readonly stdout: TtyStream;
  readonly stderr: TtyStream;
  readonly env: Record<string, string | undefined>;
}

/** The channel (room) of the printed test token. */
export const EMULATOR_DEMO_CHANNEL = 'demo';

/** The banner of `astro-rx emulator` (pure, for tests). The token line is deliberate: the user asked for a test token. */
export function emulatorBanner(info: { url: string; httpUrl: string; token: string; activityMs?: number; seconds?: number }, color = false): string {
  const b = (s: string) => paint(s, 'bold', color);
  const d = (s: string) => paint(s, 'dim', color);
  const publish = (data: unknown) =>
    `curl -s -X POST ${info.httpUrl}/publish -H 'content-type: application/json' \\\n       -d '${JSON.stringify({ topic: 'channel.activities', room: EMULATOR_DEMO_CHANNEL, data })}'`;
  return [
    `${b('Astro gateway emulator')} ${d('(offline; loopback only; tokens are valid on this emulator only)')}`,
    '',
    `  WebSocket  ${info.url}`,
    `  HTTP API   ${info.httpUrl}   (POST /publish, POST /token, POST /drain, GET /stats, GET /connections)`,
    '',
    `  Emulator test token for channel "${EMULATOR_DEMO_CHANNEL}", all scopes (*), valid 24 h; not a StreamElements token:`,
    `  export ASTRO_TOKEN=${info.token}`,
    '',
    b('Try it'),
    `  ${d('# in another terminal, with ASTRO_TOKEN exported as above:')}`,
    `  astro-rx tail channel.activities channel.session.update --room ${EMULATOR_DEMO_CHANNEL} --url ${info.url}`,
    '',
    `  ${d('# publish an event:')}`,
    `  ${publish({ type: 'follow', provider: 'twitch', data: { username: 'jtv', displayName: 'jtv' } })}`,
    `  ${publish({ type: 'tip', provider: 'twitch', data: { username: 'Styler', amount: 4.2, currency: 'USD', message: 'love the stream!' } })}`,
    '',
    `  ${d('# a graceful gateway handover, and the counters:')}`,
    `  curl -s -X POST ${info.httpUrl}/drain`,
    `  curl -s ${info.httpUrl}/stats`,
    '',
    ...(info.activityMs !== undefined ? [`Publishing random activities to room "${EMULATOR_DEMO_CHANNEL}" every ~${info.activityMs} ms.`] : []),
    info.seconds !== undefined ? `Stopping after ${info.seconds} s (or Ctrl-C).` : 'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

/** `astro-rx emulator`: runs until `signal` aborts or `--seconds` pass. Resolves with the exit code. */
export async function runEmulatorCommand(options: EmulatorCommandOptions, io: EmulatorIo, signal: AbortSignal): Promise<number> {
  let emulator: Emulator;
  try {
    emulator = await startEmulator({ host: options.host, port: options.port, httpApi: true });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const hint = code === 'EADDRINUSE' ? ` (port ${options.port} is in use; try --port 0 for any free port)` : '';
    io.stderr.write(`astro-rx emulator: cannot start: ${e instanceof Error ? e.message : String(e)}${hint}\n`);
    return EXIT.failure;
  }
  const token = emulator.issueToken({ channel: EMULATOR_DEMO_CHANNEL, scopes: ['*'] });
  const stopActivity =
    options.activityMs !== undefined ? emulator.startActivity({ rooms: [EMULATOR_DEMO_CHANNEL], intervalMs: options.activityMs }) : undefined;
  io.stdout.write(
    emulatorBanner(
      {
        url: emulator.url,
        httpUrl: emulator.httpUrl,
        token,
        ...(options.activityMs !== undefined ? { activityMs: options.activityMs } : {}),
        ...(options.seconds !== undefined ? { seconds: options.seconds } : {}),
      },
      useColor(io.stdout, io.env),
    ),
  );

  await new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = options.seconds !== undefined ? setTimeout(done, options.seconds * 1000) : undefined;
    signal.addEventListener('abort', done, { once: true });
    function done() {
      if (timer !== undefined) clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });

  stopActivity?.();
  const stats = emulator.stats;
  await emulator.close();
  io.stdout.write(`\nemulator stopped: ${stats.connectionsOpened} connection(s), ${stats.subscribes} subscribe(s), ${stats.messagesDelivered} message(s) delivered\n`);
  return EXIT.ok;
}
