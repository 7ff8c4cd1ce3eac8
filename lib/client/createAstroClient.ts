import { Observable, Subject, asyncScheduler, share, takeUntil, tap, timer } from 'rxjs';
import { AstroError } from '../errors/astroError';
import type { TokenType } from '../protocol/tokenType';
import type { TopicName } from '../protocol/topics';
import { connect } from '../connection/connect';
import { safeLogger } from '../util/logger';
import { checkUrl } from '../util/url';
import { eachEvent } from './eachEvent';
import { Registry, Sink, addSink, removeSink, sinksOf } from './registry';
import { ClientOutputs, resolveTokenType } from './outputs';
import { createPool } from './pool/pool';
import { connectionOptions } from './connectionOptions';
import { framesStream, holder } from './holder';
import { Lease } from './lease';
import { defaultWakeups } from './wakeups';
import type { AstroClient, AstroClientOptions, TopicMessage, TopicOptions } from './types';

/** The public gateway. @category Client */
export const DEFAULT_URL = 'wss://astro.streamelements.com';

/**
 * Creates an Astro client. Nothing happens until something subscribes: the
 * first `topic()` (or `frames$`) subscriber opens the socket, and it closes when
 * the last one leaves (after `lazyCloseMs`).
 *
 * Subscriptions survive everything the gateway does: token handovers are
 * followed make-before-break; after an unexpected disconnect the client
 * reconnects with backoff, subscribes every wanted topic again through the rate
 * limiter, and reports the window in which events may have been missed on `gaps$`.
 *
 * @example RxJS pipeline
 * ```ts
 * import { createAstroClient } from 'astro-rx';
 * import { map } from 'rxjs';
 *
 * const client = createAstroClient({ token: process.env.ASTRO_TOKEN });
 * client
 *   .topic('channel.tips', { room: channelId })
 *   .pipe(map((e) => `${e.data.donation.user.username} tipped ${e.data.donation.amount}`))
 *   .subscribe(console.log);
 * ```
 * @example Node, for await
 * ```ts
 * for await (const event of client.events('channel.tips', { room: channelId })) {
 *   console.log(event.data.donation.amount, event.data.donation.currency);
 * }
 * ```
 * @category Client
 */
export function createAstroClient(options: AstroClientOptions = {}): AstroClient {
  const url = checkUrl(options.url ?? DEFAULT_URL, options.allowInsecure).toString();
  const scheduler = options.scheduler ?? asyncScheduler;
  const log = safeLogger(options.logger);
  const defaultTokenType = resolveTokenType(options.tokenType);
  // Stryker disable next-line ConditionalExpression: addSecret ignores undefined and '' (not a string, or shorter than 4 characters); `-> false` is hidden with it, which clientKill.spec kills
  if (options.token) log.addSecret(options.token);
  const lazyCloseMs = options.lazyCloseMs ?? 0;
  if (!(lazyCloseMs >= 0)) throw new AstroError('invalid_argument', `lazyCloseMs must be a number >= 0, got ${lazyCloseMs}`);

  const connections = options.connections ?? 1;
  checkConnections(connections);
  const closing = new Subject<void>();
  const out = new ClientOutputs(log);
  const registry = new Registry((token, live) => (live ? log.addSecret(token) : log.removeSecret(token)));
  const publishMetrics = () => out.publishMetrics(registry.size);

  const common = { ...connectionOptions(options, url, scheduler, log), wakeups: options.wakeups ?? defaultWakeups() };
  const pool = createPool({
    registry,
    out,
    log,
    scheduler,
    size: connections,
    pooled: options.connections !== undefined,
    connect: (intents, onMessage) => connect({ ...common, intents, tokenOf: (ref) => registry.tokenOf(ref), onMessage }),
  });

  const connection$ = pool.run$.pipe(
    tap({
      error: (err: unknown) => {
        const e = err instanceof AstroError ? err : new AstroError('transport', 'connection failed');
        pool.stopped({ code: e.code, message: e.message });
        for (const entry of [...registry.values()]) if (pool.remove(entry)) for (const sink of sinksOf(entry)) sink.error(e);
        out.failures.next(e);
      },
      // Nothing waits any more: the queues died with the connections.
      finalize: () => pool.stopped(),
    }),
    takeUntil(closing),
    share({
      resetOnRefCountZero: () => timer(lazyCloseMs, scheduler),
      resetOnError: true,
      // Stryker disable next-line BooleanLiteral: connection$ completes only through takeUntil(closing), and a closed client never subscribes again
      resetOnComplete: true,
    }),
  );

  // One subscription holds the connection while anything (a topic, frames$) is subscribed.
  const { hold, release: unhold } = holder(connection$, scheduler);

  const topic = <T extends TopicName>(name: T, opts: TopicOptions = {}): Observable<TopicMessage<T>> =>
    new Observable<TopicMessage<T>>((subscriber) => {
      if (out.closed) return subscriber.error(new AstroError('closed', 'the client is closed', { topic: name }));
      const token = opts.token ?? options.token;
      if (token === undefined || token === '') {
        return subscriber.error(new AstroError('invalid_argument', `no token for ${name}: pass the client's token option or topic(…, { token })`, { topic: name }));
      }
      let tokenType: TokenType;
      try {
        tokenType = opts.tokenType === undefined ? defaultTokenType : resolveTokenType(opts.tokenType);
      } catch (e) {
        return subscriber.error(e);
      }
      const entry = registry.acquire(name, opts.room ?? '', token, tokenType);
      const sink = subscriber as unknown as Sink;
      if (addSink(entry, sink)) pool.want(entry);
      publishMetrics();
      hold();
      return new Lease(entry, sink, release);
    });
  const release = (lease: Lease) => {
    if (removeSink(lease.entry, lease.sink) && pool.remove(lease.entry)) pool.unwant(lease.entry);
    publishMetrics();
    unhold();
  };

  const frames$ = framesStream(out, hold, unhold);

  return {
    topic,
    events: (name, opts) =>
      eachEvent(topic(name, opts), {
        ...(opts?.bufferSize !== undefined ? { bufferSize: opts.bufferSize } : {}),
        ...(opts?.overflow !== undefined ? { overflow: opts.overflow } : {}),
        onDrop: (dropped) => out.warn(new AstroError('buffer_overflow', `events() dropped its oldest event (${dropped} so far): the loop body is slower than ${name}`, { topic: name })),
      }),
    frames$,
    state$: out.state.asObservable(),
    gaps$: out.gaps.asObservable(),
    metrics$: out.metrics$,
    warnings$: out.warnings.asObservable(),
    setConnections(k) {
      checkConnections(k);
      // Stryker disable next-line ConditionalExpression: after close() the pool has stopped and every output has completed, so a resize opens and reports nothing
      if (out.closed) return;
      if (k !== pool.size) pool.resize(k);
    },
    close() {
      // Stryker disable next-line ConditionalExpression: a second close() repeats only idempotent steps (completed subjects, an empty registry, completed intents)
      if (out.closed) return;
      out.close();
      for (const entry of [...registry.values()]) {
        pool.remove(entry);
        for (const sink of sinksOf(entry)) sink.complete();
      }
      closing.next();
      closing.complete();
      pool.close();
    },
  };
}

function checkConnections(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new AstroError('invalid_argument', `connections must be an integer >= 1, got ${String(k)}`);
}
