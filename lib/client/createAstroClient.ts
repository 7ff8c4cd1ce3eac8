import { Observable, Subject, asyncScheduler, defer, from, ignoreElements, merge, share, takeUntil, tap, timer } from 'rxjs';
import { AstroError } from '../errors/astroError';
import type { MessageFrame } from '../protocol/frames';
import type { TokenType } from '../protocol/tokenType';
import type { TopicName } from '../protocol/topics';
import { connect } from '../connection/connect';
import type { ConnectionEvent, Intent } from '../connection/events';
import { safeLogger } from '../util/logger';
import { checkUrl } from '../util/url';
import { eachEvent } from './eachEvent';
import { Entry, Registry, Sink, addSink, removeSink, sinksOf } from './registry';
import { createGaps, done, stepGaps } from './gaps';
import { countEvent } from './metrics';
import { ClientOutputs, resolveTokenType } from './outputs';
import { reduceState } from './state';
import { connectionOptions } from './connectionOptions';
import { framesStream, holder } from './holder';
import { Lease } from './lease';
import { defaultWakeups } from './wakeups';
import type { AstroClient, AstroClientOptions, ConnectionState, Gap, TopicMessage, TopicOptions } from './types';

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
  if (options.token) log.addSecret(options.token);
  const lazyCloseMs = options.lazyCloseMs ?? 0;
  if (!(lazyCloseMs >= 0)) throw new AstroError('invalid_argument', `lazyCloseMs must be a number >= 0, got ${lazyCloseMs}`);

  const intents = new Subject<Intent>();
  const closing = new Subject<void>();
  const out = new ClientOutputs(log);
  const { state, frames, metrics } = out;
  const gapState = createGaps();
  const registry = new Registry((token, live) => (live ? log.addSecret(token) : log.removeSecret(token)));
  const publishMetrics = () => out.publishMetrics(registry.size);
  const emitGaps = (closed: Gap[]) => {
    if (out.emitGaps(closed)) publishMetrics();
  };
  const setState = (next: ConnectionState) => out.setState(next);

  const removeEntry = (entry: Entry) => {
    if (!registry.remove(entry)) return false;
    emitGaps(done(gapState, [entry], scheduler.now()));
    return true;
  };

  const onEvent = (e: ConnectionEvent) => {
    emitGaps(stepGaps(gapState, e, scheduler.now(), () => registry.values()));
    setState(reduceState(state.value, e, gapState.lastCause));
    if (countEvent(metrics, e)) publishMetrics();
    switch (e.type) {
      case 'frame':
        if (frames.observed) frames.next(e.frame);
        return;
      case 'subscribed':
        for (const ref of e.refs) registry.canonical(ref as Entry, e.room);
        return;
      case 'failed':
        for (const ref of e.refs) {
          const entry = ref as Entry;
          if (removeEntry(entry)) for (const sink of sinksOf(entry)) sink.error(out.topicFailure(entry.topic, entry.room, e.error));
        }
        return publishMetrics();
      case 'decode_failure':
        return out.decodeFailure(e.failure);
      case 'handover':
        return log.log('info', `token handover ${e.phase}`);
      case 'disconnected':
        return log.log('warn', `connection lost (${e.cause}): ${e.error.message}`);
    }
  };

  const onMessage = (frame: MessageFrame) => {
    metrics.messages++;
    registry.route(frame.topic, frame.room, frame as unknown as TopicMessage<TopicName>);
    if (frames.observed) frames.next(frame);
  };

  const wantOf = (entry: Entry): Intent => ({ type: 'want', ref: entry, topic: entry.topic, room: entry.room, tokenRef: entry.tokenRef });
  const connection$ = connect({
    ...connectionOptions(options, url, scheduler, log),
    wakeups: options.wakeups ?? defaultWakeups(),
    // A new connection starts from what is wanted now, then follows the changes.
    intents: defer(() => merge(from([...registry.values()].filter((e) => e.sinks !== undefined).map(wantOf)), intents)),
    tokenOf: (ref) => registry.tokenOf(ref),
    onMessage,
  }).pipe(
    tap({
      next: onEvent,
      error: (err: unknown) => {
        const e = err instanceof AstroError ? err : new AstroError('transport', 'connection failed');
        setState({ status: 'closed', lastError: { code: e.code, message: e.message } });
        for (const entry of [...registry.values()]) if (removeEntry(entry)) for (const sink of sinksOf(entry)) sink.error(e);
      },
      finalize: () => {
        // Nothing waits any more: the queue died with the connection.
        metrics.queue.depth = 0;
        publishMetrics();
        if (!out.closed && state.value.status !== 'closed') setState({ status: 'idle' });
      },
    }),
    takeUntil(closing),
    ignoreElements(),
    share({ resetOnRefCountZero: () => timer(lazyCloseMs, scheduler), resetOnError: true, resetOnComplete: true }),
  );

  // One subscription holds the connection while anything (a topic, frames$) is subscribed.
  const { hold, release: unhold } = holder(connection$);

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
      if (addSink(entry, sink)) intents.next(wantOf(entry));
      publishMetrics();
      hold();
      return new Lease(entry, sink, release);
    });
  const release = (lease: Lease) => {
    if (removeSink(lease.entry, lease.sink) && removeEntry(lease.entry)) {
      intents.next({ type: 'unwant', ref: lease.entry, topic: lease.entry.topic, room: lease.entry.room, tokenRef: lease.entry.tokenRef });
    }
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
    state$: state.asObservable(),
    gaps$: out.gaps.asObservable(),
    metrics$: out.metrics$,
    warnings$: out.warnings.asObservable(),
    close() {
      if (out.closed) return;
      out.close();
      for (const entry of [...registry.values()]) {
        removeEntry(entry);
        for (const sink of sinksOf(entry)) sink.complete();
      }
      closing.next();
      closing.complete();
      intents.complete();
    },
  };
}
