import { readFileSync } from 'node:fs';
import { Subscription, pairwise, startWith } from 'rxjs';
import { createAstroClient } from '../client/createAstroClient';
import type { AstroClient, ConnectionState } from '../client/types';
import { AstroError } from '../errors/astroError';
import { redact } from '../errors/redact';
import { topicScope } from '../protocol/topics';
import { EXIT, resolveToken, type TailOptions } from './args';
import { clock, duration, formatEvent, formatNdjson, useColor } from './format';
import { Progress, renderBar, type TtyStream } from './progress';

/** Where `astro-rx tail` reads and writes (process streams in production, buffers in tests). */
export interface TailIo {
  readonly stdout: TtyStream;
  readonly stderr: TtyStream;
  readonly env: Record<string, string | undefined>;
  /** @defaultValue `fs.readFileSync(path, 'utf8')` */
  readonly readFile?: (path: string) => string;
  /** @defaultValue `Date.now` */
  readonly now?: () => number;
}

/**
 * The message of a refused subscription (never contains the token). `tokenTypeSetting`
 * names where the token type was set, e.g. `--token-type (jwt)`.
 */
export function describeSubscribeFailure(error: unknown, topic: string, room: string, tokenTypeSetting: string): string {
  const where = `${topic} in room ${JSON.stringify(room)}`;
  if (!(error instanceof AstroError)) return `subscription to ${where} failed: ${error instanceof Error ? error.message : String(error)}`;
  const server = error.details.serverMessage ? ` (gateway: ${error.details.serverMessage})` : '';
  if (error.code === 'err_unauthorized') {
    const scope = topicScope(topic);
    const need =
      scope === undefined
        ? `${topic} is not a documented topic, so its scope is unknown`
        : scope === null
          ? `${topic} needs no particular scope`
          : `${topic} needs the scope ${scope}`;
    return (
      `not authorized to subscribe to ${where} (err_unauthorized)${server}.\n` +
      `  ${need}. Check that the token has it, that it belongs to channel ${JSON.stringify(room)}, ` +
      `that it has not expired, and that ${tokenTypeSetting} matches the kind of token.`
    );
  }
  if (error.code === 'err_bad_request') return `the gateway rejected the subscription to ${where} (err_bad_request)${server}; is the topic name right?`;
  return `subscription to ${where} failed (${error.code}): ${error.message}`;
}

/**
 * `astro-rx tail`: subscribes to every topic × room and prints the events
 * until `signal` aborts, `--count` events arrived, `--seconds` passed, or a
 * subscription fails for good. Resolves with the exit code.
 */
export function runTail(options: TailOptions, io: TailIo, signal: AbortSignal): Promise<number> {
  const now = io.now ?? Date.now;
  const progress = new Progress(io.stderr, now);
  const secrets: string[] = [];
  const status = (text: string) => progress.around(() => io.stderr.write(`${redact(`astro-rx tail: ${text}`, secrets)}\n`));

  const source = resolveToken(options.tokenFile, io.env, io.readFile ?? ((p) => readFileSync(p, 'utf8')));
  if (source.kind === 'error') {
    status(source.message);
    return Promise.resolve(source.exitCode);
  }
  secrets.push(source.token);

  let client: AstroClient;
  try {
    client = createAstroClient({ url: options.url, token: source.token, tokenType: options.tokenType });
  } catch (e) {
    status(e instanceof Error ? e.message : String(e));
    return Promise.resolve(e instanceof AstroError && (e.code === 'invalid_argument' || e.code === 'insecure_url') ? EXIT.usage : EXIT.failure);
  }

  const color = useColor(io.stdout, io.env);
  const showRoom = options.rooms.length > 1;
  const total = options.topics.length * options.rooms.length;
  const started = now();
  const host = safeHost(options.url);

  return new Promise<number>((resolve) => {
    const subs = new Subscription();
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let events = 0;
    let confirmed = 0;
    let allConfirmed = false;
    let queued = 0;
    let rateLimited = 0;
    let handovers = 0;
    let everOpen = false;

    const finish = (code: number) => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      progress.stop();
      subs.unsubscribe();
      client.close();
      resolve(code);
    };
    const onAbort = () => finish(EXIT.ok);
    if (signal.aborted) return finish(EXIT.ok);
    signal.addEventListener('abort', onAbort);
    if (options.seconds !== undefined) timer = setTimeout(() => finish(EXIT.ok), options.seconds * 1000);

    const drawProgress = (force = false) => {
      if (allConfirmed) return;
      const extra = [queued > 0 ? `${queued} queued` : '', rateLimited > 0 ? `rate limited ${rateLimited}x` : ''].filter(Boolean).join(', ');
      progress.update(`subscribing ${renderBar(confirmed, total)}${extra ? `  (${extra})` : ''}`, force);
    };
    const onConfirmed = () => {
      if (allConfirmed) return;
      confirmed = Math.min(total, confirmed + 1);
      drawProgress(confirmed === total);
      if (confirmed < total) return;
      allConfirmed = true;
      progress.stop();
      const shape = `${options.topics.length} topic${options.topics.length === 1 ? '' : 's'} x ${options.rooms.length} room${options.rooms.length === 1 ? '' : 's'}`;
      status(`subscribed to ${total} topic stream${total === 1 ? '' : 's'} (${shape}) on ${host} in ${duration(now() - started)}; waiting for events`);
    };

    // Subscribe confirmations: `response` frames without an error.
    subs.add(
      client.frames$.subscribe({
        next: (frame) => {
          if (frame.type === 'response' && frame.error === undefined) onConfirmed();
        },
        error: () => undefined,
      }),
    );
    subs.add(
      client.metrics$.subscribe((m) => {
        const changed = m.queue.depth !== queued || m.rateLimited !== rateLimited;
        queued = m.queue.depth;
        rateLimited = m.rateLimited;
        if (changed) drawProgress();
        if (m.reconnects.handover > handovers) {
          handovers = m.reconnects.handover;
          status('the gateway handed the connection over (reconnect token); subscriptions kept, no gap');
        }
      }),
    );
    subs.add(
      client.state$.pipe(startWith<ConnectionState | undefined>(undefined), pairwise()).subscribe(([prev, state]) => {
        if (!state || done) return;
        if (state.status === 'open') {
          if (everOpen && prev?.status === 'reconnecting') status('reconnected; subscribing again');
          everOpen = true;
        } else if (state.status === 'reconnecting' && state.retryInMs !== undefined) {
          // after a fresh welcome every subscription is sent again: count them anew
          confirmed = 0;
          allConfirmed = false;
          const why = state.lastError ? `${state.lastError.code}: ${state.lastError.message}` : 'connection lost';
          status(`${everOpen ? 'connection lost' : 'cannot connect'} (${why}); retrying in ${duration(state.retryInMs)} (attempt ${state.attempt ?? 1})`);
        } else if (state.status === 'closed' && state.lastError) {
          status(`connection failed (${state.lastError.code}): ${state.lastError.message}`);
          finish(EXIT.failure);
        }
      }),
    );
    subs.add(
      client.gaps$.subscribe((gap) => {
        status(`events between ${clock(new Date(gap.from).toISOString())} and ${clock(new Date(gap.to).toISOString())} may be missing (${gap.cause})`);
      }),
    );

    const write = (line: string) => {
      if (io.stdout.isTTY) progress.around(() => io.stdout.write(`${line}\n`));
      else io.stdout.write(`${line}\n`);
    };

    drawProgress(true);
    for (const topic of options.topics) {
      for (const room of options.rooms) {
        subs.add(
          client.topic(topic, { room }).subscribe({
            next: (event) => {
              if (done) return;
              write(options.json ? formatNdjson(event) : formatEvent(event, { color, showRoom }));
              events++;
              if (options.count !== undefined && events >= options.count) finish(EXIT.ok);
            },
            error: (e: unknown) => {
              if (done) return;
              status(describeSubscribeFailure(e, topic, room, `--token-type (${options.tokenType})`));
              finish(e instanceof AstroError && e.code === 'err_unauthorized' ? EXIT.unauthorized : EXIT.failure);
            },
          }),
        );
      }
    }
  });
}

function safeHost(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'the gateway';
  }
}
