/**
 * The astro-rx demo (`npm start`): a local gateway emulator, a client
 * subscribed to a channel's activities and session updates, live events, and
 * a graceful gateway handover that the client follows without losing an event.
 *
 * With `ASTRO_TOKEN` in the environment it connects to the real gateway instead.
 * No token is ever printed.
 */
import { Subscription } from 'rxjs';
import { createAstroClient, DEFAULT_URL } from '../../client/createAstroClient';
import type { AstroClient, TopicMessage } from '../../client/types';
import { AstroError } from '../../errors/astroError';
import { redact } from '../../errors/redact';
import { normalizeTokenType } from '../../protocol/tokenType';
import type { TopicName } from '../../protocol/topics';
import { randomActivity, randomSessionUpdate, startEmulator, type Emulator } from '../../testing';
import { clock, duration, formatEvent, paint, useColor } from '../format';
import { describeSubscribeFailure } from '../tail';
import { DEMO_USAGE, parseDemoArgs, type DemoOptions } from './args';
import { DeliveryLedger, describeReport, isClean } from './ledger';

const DEMO_ROOM = 'demo';
const TOPICS = ['channel.activities', 'channel.session.update'] as const;
const DRAIN_GRACE_MS = 2000;
/** A publish older than this and still not received counts as lost. */
const DELIVERY_GRACE_MS = 500;

type Style = Parameters<typeof paint>[1];

/** Writes the demo's lines; every line goes through redaction of the secrets it knows. */
class Printer {
  readonly secrets = new Set<string>();

  constructor(
    private readonly stream: NodeJS.WritableStream,
    readonly color: boolean,
  ) {}

  line(text = ''): void {
    this.stream.write(`${redact(text, this.secrets)}\n`);
  }

  note(kind: string, text: string, style: Style = 'bold'): void {
    this.line(`${paint(clock(undefined), 'dim', this.color)}  ${paint(kind.padEnd(10), style, this.color)} ${''.padEnd(8)} ${text}`);
  }

  event(event: TopicMessage<TopicName>, seq: number | undefined): void {
    const tag = seq === undefined ? '' : `  ${paint(`#${seq}`, 'dim', this.color)}`;
    this.line(`${formatEvent(event, { color: this.color })}${tag}`);
  }
}

/** Resolves when `signal` aborts, after `seconds`, or with the first of `others`, and cleans up after itself. */
function until<T extends string>(signal: AbortSignal, seconds: number | undefined, ...others: Promise<T>[]): Promise<T | 'interrupted' | 'timeout'> {
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    const done = (why: T | 'interrupted' | 'timeout') => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(why);
    };
    const onAbort = () => done('interrupted');
    if (signal.aborted) return done('interrupted');
    signal.addEventListener('abort', onAbort);
    if (seconds !== undefined) timer = setTimeout(() => done('timeout'), seconds * 1000);
    for (const p of others) void p.then(done);
  });
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Prints what the connection does: state changes, subscribe confirmations,
 * reconnect requests, handovers and gaps. Returns the subscription and a
 * promise of the first `want` confirmations.
 */
function watchClient(client: AstroClient, out: Printer, want: number, hooks: { onHandover?: (from: string | undefined, to: string | undefined) => void } = {}) {
  const subs = new Subscription();
  let confirmed = 0;
  let clientId: string | undefined;
  let handovers = 0;
  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));

  subs.add(
    client.state$.subscribe((state) => {
      switch (state.status) {
        case 'connecting':
          out.note('state', state.attempt ? `connecting (attempt ${state.attempt})` : 'connecting', 'dim');
          return;
        case 'open': {
          const previous = clientId;
          clientId = state.clientId;
          // a handover is reported by the metrics below, with both ids
          if (previous === undefined || state.gap) out.note('state', `open (connection ${state.clientId ?? '?'})`, 'green');
          if (state.gap) out.note('gap', `reconnected after a loss (${state.gap.cause}): subscribing again`, 'yellow');
          return;
        }
        case 'reconnecting':
          if (state.retryInMs !== undefined) {
            const why = state.lastError ? `${state.lastError.code}: ${state.lastError.message}` : 'connection lost';
            out.note('state', `reconnecting in ${duration(state.retryInMs)} (${why})`, 'yellow');
          }
          return;
        case 'closed':
          if (state.lastError) out.note('state', `closed (${state.lastError.code}: ${state.lastError.message})`, 'red');
          return;
        default:
          return;
      }
    }),
  );
  let lastHandoverFrom: string | undefined;
  subs.add(
    client.frames$.subscribe({
      next: (frame) => {
        if (frame.type === 'reconnect') {
          out.secrets.add(frame.data.reconnect_token);
          lastHandoverFrom = clientId;
          out.note('gateway', 'sent "reconnect" with a reconnect token (not shown): the client opens a new connection, the old one keeps delivering', 'yellow');
        } else if (frame.type === 'response' && frame.error === undefined && typeof frame.data === 'object' && frame.data.topic) {
          confirmed++;
          out.note('subscribed', `${frame.data.topic} in room ${JSON.stringify(frame.data.room ?? '')}`, 'green');
          if (confirmed === want) resolveReady();
        }
      },
      error: () => undefined,
    }),
  );
  subs.add(
    client.metrics$.subscribe((m) => {
      if (m.reconnects.handover > handovers) {
        handovers = m.reconnects.handover;
        // state$ has announced the new connection id by now
        out.note(
          'handover',
          `the client moved to connection ${clientId ?? '?'} (from ${lastHandoverFrom ?? '?'}); the gateway restored the subscriptions, nothing was re-sent`,
          'green',
        );
        hooks.onHandover?.(lastHandoverFrom, clientId);
      }
    }),
  );
  subs.add(
    client.gaps$.subscribe((gap) => {
      out.note('gap', `events between ${clock(new Date(gap.from).toISOString())} and ${clock(new Date(gap.to).toISOString())} may be missing (${gap.cause})`, 'red');
    }),
  );
  return { subs, ready, handovers: () => handovers };
}

async function runWithEmulator(options: DemoOptions, out: Printer, signal: AbortSignal): Promise<number> {
  const started = Date.now();
  let emulator: Emulator;
  try {
    emulator = await startEmulator({ host: '127.0.0.1', port: 0, drainGraceMs: DRAIN_GRACE_MS });
  } catch (e) {
    out.line(`demo: cannot start the gateway emulator: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const token = emulator.issueToken({ channel: DEMO_ROOM, scopes: ['activities:read', 'session:read'] });
  out.secrets.add(token);
  const client = createAstroClient({ url: emulator.url, token });
  const ledger = new DeliveryLedger();

  const b = (s: string) => paint(s, 'bold', out.color);
  out.line(`${b('astro-rx demo')}: live channel events through a local Astro gateway emulator (offline)`);
  out.line(`  gateway   ${emulator.url}  (emulator; a graceful drain after ${options.drainAfter} s)`);
  out.line(`  room      ${DEMO_ROOM}`);
  out.line(`  topics    ${TOPICS.join(', ')}`);
  out.line(`  token     issued by the emulator for channel "${DEMO_ROOM}", scopes activities:read session:read (not shown)`);
  out.line(options.seconds !== undefined ? `Ends after ${options.seconds} s (or Ctrl-C).` : 'Press Ctrl-C to quit.');
  out.line();

  let fail: (why: 'failed') => void = () => undefined;
  const failed = new Promise<'failed'>((resolve) => (fail = resolve));
  let exitCode = 0;

  const watcher = watchClient(client, out, TOPICS.length);
  const subs = watcher.subs;
  for (const topic of TOPICS) {
    subs.add(
      client.topic(topic, { room: DEMO_ROOM }).subscribe({
        next: (event) => out.event(event, ledger.received(event.id)),
        error: (e: unknown) => {
          out.note('error', describeSubscribeFailure(e, topic, DEMO_ROOM, 'the token type (jwt)'), 'red');
          exitCode = 1;
          fail('failed');
        },
      }),
    );
  }

  // The event source: the emulator's generator of realistic activities, published by the demo
  // itself so that every event's id gets a sequence number to check the delivery against.
  let feed: ReturnType<typeof setTimeout> | undefined;
  let feeding = false;
  let sessionEvents = 0;
  const publish = (topic: string, data: unknown) => ledger.published(emulator.publish(topic, DEMO_ROOM, data).id);
  const tick = () => {
    const activity = randomActivity(Math.random, { channel: DEMO_ROOM, sessionEventsCount: ++sessionEvents });
    publish('channel.activities', activity);
    publish('channel.session.update', randomSessionUpdate(Math.random, activity));
  };
  const schedule = () => {
    feed = setTimeout(() => {
      if (!feeding) return;
      tick();
      schedule();
    }, options.intervalMs * (0.5 + Math.random()));
  };
  const stopFeed = () => {
    feeding = false;
    if (feed !== undefined) clearTimeout(feed);
  };

  let drainTimer: ReturnType<typeof setTimeout> | undefined;
  const ready = await until(signal, 10, watcher.ready.then(() => 'ready' as const), failed);
  if (ready === 'ready') {
    out.note('demo', `publishing an activity and its session update every ~${options.intervalMs} ms`, 'dim');
    feeding = true;
    schedule();
    const drainIn = Math.max(0, options.drainAfter * 1000 - (Date.now() - started));
    drainTimer = setTimeout(() => {
      const handoversBefore = watcher.handovers();
      out.note('gateway', `draining: the gateway node shuts down gracefully (old connections close after ${duration(DRAIN_GRACE_MS)})`, 'yellow');
      const drainStarted = Date.now();
      emulator.drain().then(
        () => {
          if (!feeding) return;
          const report = ledger.report(DELIVERY_GRACE_MS);
          const handedOver = watcher.handovers() > handoversBefore;
          const what = handedOver
            ? `handover complete in ${duration(Date.now() - drainStarted)}, the old connection is closed`
            : 'the drain is over, but the client did not follow the handover token';
          out.note('check', `${what}; ${describeReport(report)}`, handedOver && isClean(report) ? 'green' : 'red');
          if (!handedOver || !isClean(report)) exitCode = 1;
        },
        () => undefined,
      );
    }, drainIn);
  } else if (ready !== 'interrupted') {
    if (ready === 'timeout') out.note('error', 'the subscriptions were not confirmed within 10 s', 'red');
    exitCode = 1;
  }

  const why = ready === 'ready' ? await until(signal, options.seconds === undefined ? undefined : Math.max(0, options.seconds - (Date.now() - started) / 1000), failed) : ready;

  // Shut down: stop publishing, let the last events arrive, then check everything.
  if (drainTimer !== undefined) clearTimeout(drainTimer);
  const wasFeeding = feeding;
  stopFeed();
  if (wasFeeding) {
    for (let waited = 0; ledger.report(Infinity).inFlight > 0 && waited < 1000; waited += 50) await sleep(50);
    const report = ledger.report(0);
    out.line();
    out.note(
      'summary',
      `${describeReport(report)}; ${plural(watcher.handovers(), 'handover')} followed; ${duration(Date.now() - started)} in all`,
      isClean(report) ? 'green' : 'red',
    );
    if (!isClean(report)) exitCode = 1;
  }
  subs.unsubscribe();
  client.close();
  await Promise.race([emulator.close(), sleep(3000)]);
  return why === 'interrupted' ? 0 : exitCode;
}

async function runOnGateway(options: DemoOptions, out: Printer, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<number> {
  const token = (env['ASTRO_TOKEN'] ?? '').trim();
  out.secrets.add(token);
  const room = env['ASTRO_ROOM'] ?? '';
  const rawType = env['ASTRO_TOKEN_TYPE'] ?? 'jwt';
  const tokenType = normalizeTokenType(rawType);
  if (!tokenType) {
    out.line(`demo: ASTRO_TOKEN_TYPE must be jwt, oauth2 (or oauth) or apikey, got ${JSON.stringify(rawType.slice(0, 20))}`);
    return 64;
  }
  const url = env['ASTRO_URL'] || DEFAULT_URL;
  let client: AstroClient;
  try {
    client = createAstroClient({ url, token, tokenType });
  } catch (e) {
    out.line(`demo: ${e instanceof Error ? e.message : String(e)}`);
    return e instanceof AstroError && (e.code === 'invalid_argument' || e.code === 'insecure_url') ? 64 : 1;
  }
  let host = url;
  try {
    const u = new URL(url);
    host = `${u.protocol}//${u.host}`;
  } catch {
    // createAstroClient checked it
  }
  out.line(`${paint('astro-rx demo', 'bold', out.color)}: live channel events from the Astro gateway`);
  out.line(`  gateway   ${host}`);
  out.line(`  room      ${room === '' ? '"" (the global room: set ASTRO_ROOM to your channel id)' : room}`);
  out.line(`  topics    ${TOPICS.join(', ')}`);
  out.line(`  token     from ASTRO_TOKEN, type ${tokenType} (not shown)`);
  out.line(options.seconds !== undefined ? `Ends after ${options.seconds} s (or Ctrl-C).` : 'Press Ctrl-C to quit.');
  out.line();

  let failures = 0;
  let unauthorized = false;
  let fail: (why: 'failed') => void = () => undefined;
  const failed = new Promise<'failed'>((resolve) => (fail = resolve));
  const watcher = watchClient(client, out, TOPICS.length);
  const subs = watcher.subs;
  for (const topic of TOPICS) {
    subs.add(
      client.topic(topic, { room }).subscribe({
        next: (event) => out.event(event, undefined),
        error: (e: unknown) => {
          out.note('error', describeSubscribeFailure(e, topic, room, `ASTRO_TOKEN_TYPE (${tokenType})`), 'red');
          if (e instanceof AstroError && e.code === 'err_unauthorized') unauthorized = true;
          if (++failures === TOPICS.length) fail('failed');
        },
      }),
    );
  }
  const why = await until(signal, options.seconds, failed);
  subs.unsubscribe();
  client.close();
  if (why === 'interrupted') return 0;
  if (failures > 0) return unauthorized ? 2 : 1;
  return 0;
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<number> {
  const parsed = parseDemoArgs(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(DEMO_USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`demo: ${parsed.message}\n\n${DEMO_USAGE}`);
    return 64;
  }
  const out = new Printer(process.stdout, useColor(process.stdout, env));
  if (env['ASTRO_TOKEN']?.trim()) return runOnGateway(parsed.options, out, env, signal);
  return runWithEmulator(parsed.options, out, signal);
}

if (require.main === module) {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(sig === 'SIGINT' ? 130 : 143); // a second Ctrl-C: no more waiting
    process.stdout.write('\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const exit = (code: number) => process.stdout.write('', () => process.exit(code));
  main(process.argv.slice(2), process.env, controller.signal).then(exit, (e: unknown) => {
    const token = process.env['ASTRO_TOKEN'];
    process.stderr.write(`${redact(`demo: ${e instanceof Error ? e.message : String(e)}`, token ? [token] : [])}\n`);
    exit(1);
  });
}
