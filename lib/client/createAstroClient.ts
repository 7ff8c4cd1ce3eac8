import {
  BehaviorSubject,
  Observable,
  Subject,
  Subscriber,
  Subscription,
  asyncScheduler,
  defer,
  ignoreElements,
  map,
  share,
  startWith,
  takeUntil,
  tap,
  timer,
} from 'rxjs';
import { eachValueFrom } from 'rxjs-for-await';
import { AstroError } from '../errors/astroError';
import { ClientCommand, subscribeCommand, unsubscribeCommand } from '../protocol/commands';
import { describeDecodeFailure, scrubDecodeFailure } from '../protocol/decodeFailure';
import { ResponseFrame, ServerFrame, MessageFrame, responseRoom } from '../protocol/frames';
import { isRetryableErrorCode } from '../protocol/errorCode';
import { normalizeTokenType, TokenType } from '../protocol/tokenType';
import { topicScope, TopicName } from '../protocol/topics';
import { CommandRequest, ConnectionEvent, connect } from '../connection/connect';
import { backoffDelay } from '../policies/backoffDelay';
import { safeLogger } from '../util/logger';
import { checkUrl } from '../util/url';
import { defaultWakeups } from './wakeups';
import type { AstroClient, AstroClientOptions, ClientMetrics, ConnectionState, Gap, TopicMessage, TopicOptions } from './types';

/** The public gateway. @category Client */
export const DEFAULT_URL = 'wss://astro.streamelements.com';

interface Entry {
  readonly key: string;
  readonly topic: string;
  readonly room: string;
  readonly token: string;
  readonly tokenType: TokenType;
  readonly subject: Subject<TopicMessage<TopicName>>;
  refs: number;
  removed: boolean;
  status: 'idle' | 'queued' | 'active';
  canonical?: string;
  retries: number;
  retryTimer?: Subscription;
}

interface Inflight {
  readonly entry: Entry;
  readonly kind: 'subscribe' | 'unsubscribe';
  readonly enqueuedAt: number;
}

type MutableMetrics = { -readonly [K in keyof ClientMetrics]: ClientMetrics[K] extends object ? { -readonly [P in keyof ClientMetrics[K]]: ClientMetrics[K][P] } : ClientMetrics[K] };

const SEP = '\u0000';
const routeKey = (topic: string, room: string) => topic + SEP + room;

/**
 * Creates an Astro client. Nothing happens until something subscribes: the
 * first `topic()` (or `frames$`) subscriber opens the socket, and it closes
 * when the last one leaves (after `lazyCloseMs`).
 *
 * Subscriptions survive everything the gateway does: token handovers are
 * followed without a gap; after an unexpected disconnect the client reconnects
 * with backoff, subscribes every active topic again through the rate limiter,
 * and reports the window in which events may have been missed on `gaps$`.
 *
 * @example RxJS pipeline
 * ```ts
 * import { createAstroClient } from 'astro-rx';
 * import { filter, map } from 'rxjs';
 *
 * const client = createAstroClient({ token: process.env.ASTRO_TOKEN });
 * client
 *   .topic('channel.activities', { room: channelId })
 *   .pipe(
 *     filter((e) => e.data.type === 'tip'),
 *     map((e) => `${e.data.data?.username} tipped ${e.data.data?.amount}`),
 *   )
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
  const random = options.random ?? Math.random;
  const log = safeLogger(options.logger);
  const defaultTokenType = resolveTokenType(options.tokenType, 'tokenType');
  if (options.token) log.addSecret(options.token);
  const lazyCloseMs = options.lazyCloseMs ?? 0;
  const subscribeRetries = options.subscribeRetries ?? 5;
  for (const [name, value] of [['lazyCloseMs', lazyCloseMs], ['subscribeRetries', subscribeRetries]] as const) {
    if (!(value >= 0)) throw new AstroError('invalid_argument', `${name} must be a number >= 0, got ${value}`);
  }

  const wakeups = options.wakeups ?? defaultWakeups();
  const commands = new Subject<CommandRequest>();
  const closing = new Subject<void>();
  const state = new BehaviorSubject<ConnectionState>({ status: 'idle' });
  const gaps = new Subject<Gap>();
  const warnings = new Subject<AstroError>();
  const frames = new Subject<ServerFrame>();
  const metrics: MutableMetrics = {
    connects: 0,
    reconnects: { handover: 0, closed: 0, error: 0, refused: 0, heartbeat: 0, handover_failed: 0, wakeup: 0 },
    gaps: 0,
    commandsSent: 0,
    commandsFailed: 0,
    rateLimited: 0,
    commandLatencyMs: { last: 0, max: 0 },
    queue: { depth: 0, maxWaitMs: 0 },
    duplicatesDropped: 0,
    decodeFailures: 0,
    messages: 0,
    activeSubscriptions: 0,
  };
  const metricsChanged = new Subject<void>();
  const publishMetrics = () => {
    if (metricsChanged.observed) metricsChanged.next();
  };
  // Each subscriber gets the counters as they are now, then on every change.
  const metrics$ = defer(() => metricsChanged.pipe(startWith(undefined), map(() => snapshot(metrics))));

  const registry = new Map<string, Entry>();
  // topic + room → the entries of that gateway subscription (almost always one: an array is lighter than a Set)
  const routes = new Map<string, Entry[]>();
  // tokens are keyed by a small number, so that registry keys do not repeat a whole JWT each
  const tokenIds = new Map<string, number>();
  const byTopic = new Map<string, Set<Entry>>();
  const inflight = new Map<number, Inflight>();
  const followers = new Map<number, number[]>();
  // requested room → canonical room, per topic, as the gateway answered (kept after the entry is gone).
  const canonicalRooms = new Map<string, string>();
  const canonicalOf = (topic: string, room: string) => canonicalRooms.get(routeKey(topic, room)) ?? room;
  let nextId = 1;
  let open = false;
  let sessions = 0;
  let closed = false;
  let gap: { from: number; cause: string; waiting: Set<Entry> } | undefined;
  let lastCause = 'error';

  const setState = (next: ConnectionState) => {
    if (!closed) state.next(next);
  };

  // routing tables

  const addRoute = (entry: Entry, room: string) => {
    const key = routeKey(entry.topic, room);
    const list = routes.get(key);
    if (!list) routes.set(key, [entry]);
    else if (!list.includes(entry)) list.push(entry);
    let topicSet = byTopic.get(entry.topic);
    if (!topicSet) byTopic.set(entry.topic, (topicSet = new Set()));
    topicSet.add(entry);
  };

  const removeRoutes = (entry: Entry) => {
    for (const room of new Set([entry.room, entry.canonical ?? entry.room])) {
      const key = routeKey(entry.topic, room);
      const list = routes.get(key);
      const at = list ? list.indexOf(entry) : -1;
      if (list && at >= 0) list.splice(at, 1);
      if (list?.length === 0) routes.delete(key);
    }
    const topicSet = byTopic.get(entry.topic);
    topicSet?.delete(entry);
    if (topicSet?.size === 0) byTopic.delete(entry.topic);
  };

  // commands

  const send = (command: ClientCommand, entry: Entry, kind: Inflight['kind'], priority: 'normal' | 'bulk' = 'normal') => {
    const id = nextId++;
    inflight.set(id, { entry, kind, enqueuedAt: scheduler.now() });
    metrics.queue.depth = inflight.size;
    // the key names the gateway's subscription, so that a stale command never undoes a newer one
    commands.next({ id, command, priority, key: routeKey(entry.topic, canonicalOf(entry.topic, command.data.room ?? '')) });
    return id;
  };

  const sendSubscribe = (entry: Entry, priority: 'normal' | 'bulk' = 'normal') => {
    entry.status = 'queued';
    send(subscribeCommand({ topic: entry.topic, room: entry.room, token: entry.token, tokenType: entry.tokenType }), entry, 'subscribe', priority);
  };

  const serverRoomHeld = (topic: string, room: string, except: Entry) => {
    for (const e of routes.get(routeKey(topic, room)) ?? []) if (e !== except && (e.canonical ?? e.room) === room && e.status !== 'idle') return true;
    return false;
  };

  const failEntry = (entry: Entry, error: AstroError) => {
    if (entry.removed) return;
    removeEntry(entry);
    gapDone(entry);
    log.log('warn', `subscription to ${entry.topic} in room ${JSON.stringify(entry.room)} failed: ${error.message}`, { code: error.code });
    entry.subject.error(error);
  };

  const removeEntry = (entry: Entry) => {
    entry.removed = true;
    entry.retryTimer?.unsubscribe();
    registry.delete(entry.key);
    removeRoutes(entry);
    metrics.activeSubscriptions = registry.size;
  };

  const acquire = (topic: string, opts: TopicOptions): Entry => {
    const room = opts.room ?? '';
    const token = opts.token ?? options.token;
    if (token === undefined || token === '') {
      throw new AstroError('invalid_argument', `no token for ${topic}: pass the client's token option or topic(…, { token })`, { topic, room });
    }
    log.addSecret(token);
    const tokenType = opts.tokenType === undefined ? defaultTokenType : resolveTokenType(opts.tokenType, 'tokenType');
    let tokenId = tokenIds.get(token);
    if (tokenId === undefined) tokenIds.set(token, (tokenId = tokenIds.size));
    const key = topic + SEP + room + SEP + tokenType + SEP + tokenId;
    let entry = registry.get(key);
    if (!entry) {
      entry = { key, topic, room, token, tokenType, subject: new Subject(), refs: 0, removed: false, status: 'idle', retries: 0 };
      registry.set(key, entry);
      addRoute(entry, room);
      metrics.activeSubscriptions = registry.size;
    }
    entry.refs++;
    if (entry.refs === 1 && open) sendSubscribe(entry);
    return entry;
  };

  const release = (entry: Entry) => {
    if (entry.removed || --entry.refs > 0) return;
    removeEntry(entry);
    gapDone(entry);
    if (open && entry.status !== 'idle') {
      const room = entry.canonical ?? entry.room;
      if (!serverRoomHeld(entry.topic, room, entry)) send(unsubscribeCommand({ topic: entry.topic, room }), entry, 'unsubscribe');
    }
    publishMetrics();
  };

  const gapDone = (entry: Entry) => {
    if (!gap) return;
    gap.waiting.delete(entry);
    if (gap.waiting.size === 0) {
      const done: Gap = { from: gap.from, to: scheduler.now(), cause: gap.cause };
      gap = undefined;
      log.log('info', `every subscription is active again; events between ${done.from} and ${done.to} may be missing`);
      gaps.next(done);
    }
  };

  // connection events

  const onResult = (id: number, outcome: { response: ResponseFrame } | { error: AstroError }) => {
    const item = inflight.get(id);
    inflight.delete(id);
    for (const follower of followers.get(id) ?? []) onResult(follower, outcome);
    followers.delete(id);
    if (!item) return;
    metrics.queue.depth = inflight.size;
    const latency = scheduler.now() - item.enqueuedAt;
    metrics.commandLatencyMs.last = latency;
    metrics.commandLatencyMs.max = Math.max(metrics.commandLatencyMs.max, latency);
    const { entry, kind } = item;
    if ('response' in outcome) {
      if (kind === 'subscribe' && !entry.removed) {
        entry.status = 'active';
        entry.retries = 0;
        const canonical = responseRoom(outcome.response) ?? entry.room;
        if (canonical !== entry.room) {
          log.log('debug', `room ${JSON.stringify(entry.room)} of ${entry.topic} is ${JSON.stringify(canonical)} at the gateway`);
          addRoute(entry, canonical);
        }
        entry.canonical = canonical;
        if (canonical !== entry.room && canonicalRooms.size < 100_000) canonicalRooms.set(routeKey(entry.topic, entry.room), canonical);
        gapDone(entry);
      }
      return publishMetrics();
    }
    const error = outcome.error;
    if (error.code === 'closed') return; // the socket went away; a fresh session subscribes again
    metrics.commandsFailed++;
    if (kind === 'unsubscribe' || entry.removed) {
      log.log('debug', `${kind} of ${entry.topic} failed: ${error.message}`, { code: error.code });
      return publishMetrics();
    }
    entry.status = 'idle';
    const retryable = error.code === 'timeout' || (isRetryableErrorCode(error.code) && error.code !== 'rate_limit_exceeded');
    if (retryable && entry.retries < subscribeRetries) {
      const delay = backoffDelay(entry.retries++, { ...options.backoff, random }, 0);
      log.log('info', `subscribe to ${entry.topic} failed with ${error.code}; retrying in ${Math.round(delay)} ms`);
      entry.retryTimer = timer(delay, scheduler).subscribe(() => {
        if (!entry.removed && open && entry.status === 'idle') sendSubscribe(entry);
      });
      return publishMetrics();
    }
    const scope = topicScope(entry.topic);
    const hint = error.code === 'err_unauthorized' && scope ? ` (the topic needs scope ${scope})` : '';
    failEntry(entry, new AstroError(error.code, `${error.message}${hint}`, { ...error.details, topic: entry.topic, room: entry.room }));
    publishMetrics();
  };

  const route = (frame: MessageFrame) => {
    metrics.messages++;
    if (frame.room !== undefined) {
      const list = routes.get(routeKey(frame.topic, frame.room));
      if (!list) return;
      const message = frame as unknown as TopicMessage<TopicName>;
      if (list.length === 1) (list[0] as Entry).subject.next(message);
      else for (const entry of [...list]) entry.subject.next(message);
      return;
    }
    // No room on the frame (common in the gateway's own examples): every room of the topic gets it.
    const set = byTopic.get(frame.topic);
    if (!set) return;
    for (const entry of set) entry.subject.next({ ...frame, room: entry.canonical ?? entry.room } as unknown as TopicMessage<TopicName>);
  };

  const onEvent = (e: ConnectionEvent) => {
    switch (e.type) {
      case 'frame':
        // messages arrive through onMessageFrame; these are the other frames
        if (frames.observed) frames.next(e.frame);
        return;
      case 'connecting':
        setState({ status: 'connecting', ...(e.attempt > 0 ? { attempt: e.attempt } : {}) });
        return;
      case 'welcome': {
        open = true;
        metrics.connects++;
        if (e.restored) {
          metrics.reconnects.handover++;
          setState({ status: 'open', clientId: e.clientId });
          return publishMetrics();
        }
        inflight.clear();
        followers.clear();
        metrics.queue.depth = 0;
        const entries = [...registry.values()];
        if (e.gapFrom !== undefined || gap) {
          // A gap still open (the previous re-subscribe did not finish) keeps its start.
          const from = Math.min(e.gapFrom ?? Infinity, gap?.from ?? Infinity);
          if (!gap) metrics.gaps++;
          gap = { from, cause: gap?.cause ?? lastCause, waiting: new Set(entries) };
          setState({ status: 'open', clientId: e.clientId, gap: { from, cause: gap.cause } });
        } else {
          setState({ status: 'open', clientId: e.clientId });
        }
        const priority = sessions++ === 0 ? 'normal' : 'bulk';
        for (const entry of entries) {
          entry.retryTimer?.unsubscribe();
          sendSubscribe(entry, priority);
        }
        if (gap && gap.waiting.size === 0) {
          const done: Gap = { from: gap.from, to: scheduler.now(), cause: gap.cause };
          gap = undefined;
          gaps.next(done);
        }
        return publishMetrics();
      }
      case 'disconnected':
        open = false;
        // what was in flight died with the socket; the next session subscribes again
        inflight.clear();
        followers.clear();
        metrics.queue.depth = 0;
        lastCause = e.cause;
        metrics.reconnects[e.cause]++;
        for (const entry of registry.values()) entry.status = 'idle';
        setState({ status: 'reconnecting', lastError: { code: e.error.code, message: e.error.message } });
        return publishMetrics();
      case 'reconnecting':
        setState({ ...state.value, status: 'reconnecting', attempt: e.attempt, retryInMs: e.retryInMs });
        return;
      case 'result':
        return onResult(e.id, 'response' in e ? { response: e.response } : { error: e.error });
      case 'cancelled': {
        if (e.reason === 'duplicate' && e.duplicateOf !== undefined) {
          followers.set(e.duplicateOf, [...(followers.get(e.duplicateOf) ?? []), e.id]);
          return;
        }
        inflight.delete(e.id);
        metrics.queue.depth = inflight.size;
        return publishMetrics();
      }
      case 'handover':
        if (e.phase === 'failed') {
          lastCause = 'handover_failed';
          metrics.reconnects.handover_failed++;
        }
        log.log('info', `token handover ${e.phase}`);
        return publishMetrics();
      case 'decode_failure': {
        metrics.decodeFailures++;
        const failure = scrubDecodeFailure(e.failure, log.scrub);
        const message = log.scrub(describeDecodeFailure(failure));
        log.log('warn', message);
        if (warnings.observed) warnings.next(new AstroError('decode', message, { failure }));
        return publishMetrics();
      }
      case 'rate_limited':
        metrics.rateLimited++;
        return publishMetrics();
      case 'duplicate_dropped':
        metrics.duplicatesDropped++;
        return;
      case 'sent':
        metrics.commandsSent++;
        metrics.queue.maxWaitMs = Math.max(metrics.queue.maxWaitMs, e.queuedMs);
        return;
    }
  };

  const onConnectionEnd = () => {
    open = false;
    inflight.clear();
    followers.clear();
    metrics.queue.depth = 0;
    for (const entry of registry.values()) entry.status = 'idle';
    publishMetrics();
  };

  const onMessageFrame = (frame: MessageFrame) => {
    route(frame);
    if (frames.observed) frames.next(frame);
  };

  const connection$ = connect({
    url,
    commands,
    ...(options.WebSocketCtor ? { WebSocketCtor: options.WebSocketCtor } : {}),
    ...(options.openSocket ? { openSocket: options.openSocket } : {}),
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    backoff: { ...options.backoff, random },
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.heartbeatTimeoutMs !== undefined ? { heartbeatTimeoutMs: options.heartbeatTimeoutMs } : {}),
    ...(options.maxFrameBytes !== undefined ? { maxFrameBytes: options.maxFrameBytes } : {}),
    ...(options.maxQueuedCommands !== undefined ? { maxQueuedCommands: options.maxQueuedCommands } : {}),
    validatePayloads: options.validatePayloads ?? false,
    ...(wakeups ? { wakeups } : {}),
    ...(options.nonce ? { nonce: options.nonce } : {}),
    scheduler,
    logger: log,
    // messages skip the event stream: straight to the router (the hot path)
    onMessage: onMessageFrame,
  }).pipe(
    tap({
      next: onEvent,
      error: (err: unknown) => {
        onConnectionEnd();
        const e = err instanceof AstroError ? err : new AstroError('transport', 'connection failed');
        setState({ status: 'closed', lastError: { code: e.code, message: e.message } });
        failAll(e);
      },
      finalize: () => {
        onConnectionEnd();
        if (!closed && state.value.status !== 'closed') setState({ status: 'idle' });
      },
    }),
    takeUntil(closing),
    // Nothing flows past this point: subscribers only hold the connection open, at no cost per event.
    ignoreElements(),
    share({ resetOnRefCountZero: () => timer(lazyCloseMs, scheduler), resetOnError: true, resetOnComplete: true }),
  );

  // One subscription holds the connection while anything (a topic, frames$) is subscribed.
  let holders = 0;
  let holding: Subscription | undefined;
  const frameSubscribers = new Set<Subscriber<ServerFrame>>();
  const hold = () => {
    if (holders++ === 0) holding = connection$.subscribe({ error: () => undefined });
  };
  const unhold = () => {
    if (--holders === 0) {
      const h = holding;
      holding = undefined;
      h?.unsubscribe();
    }
  };
  const failAll = (error: AstroError) => {
    for (const entry of [...registry.values()]) failEntry(entry, error);
    for (const subscriber of [...frameSubscribers]) subscriber.error(error);
  };

  const topic = <T extends TopicName>(name: T, opts: TopicOptions = {}): Observable<TopicMessage<T>> =>
    new Observable<TopicMessage<T>>((subscriber) => {
      if (closed) {
        subscriber.error(new AstroError('closed', 'the client is closed', { topic: name }));
        return;
      }
      let entry: Entry;
      try {
        entry = acquire(name, opts);
      } catch (e) {
        subscriber.error(e);
        return;
      }
      const inner = (entry.subject as unknown as Observable<TopicMessage<T>>).subscribe(subscriber);
      hold();
      return () => {
        inner.unsubscribe();
        release(entry);
        unhold();
      };
    });

  const frames$ = new Observable<ServerFrame>((subscriber) => {
    if (closed) return subscriber.complete();
    frameSubscribers.add(subscriber);
    const inner = frames.subscribe(subscriber);
    hold();
    return () => {
      frameSubscribers.delete(subscriber);
      inner.unsubscribe();
      unhold();
    };
  });

  return {
    topic,
    events: (name, opts) => eachValueFrom(topic(name, opts)),
    frames$,
    state$: state.asObservable(),
    gaps$: gaps.asObservable(),
    metrics$,
    warnings$: warnings.asObservable(),
    close() {
      if (closed) return;
      state.next({ status: 'closed' });
      closed = true;
      for (const entry of [...registry.values()]) {
        removeEntry(entry);
        entry.subject.complete();
      }
      closing.next();
      closing.complete();
      commands.complete();
      for (const s of [state, gaps, warnings, frames, metricsChanged] as Subject<unknown>[]) s.complete();
    },
  };
}

function resolveTokenType(value: string | undefined, name: string): TokenType {
  if (value === undefined) return 'jwt';
  const t = normalizeTokenType(value);
  if (!t) throw new AstroError('invalid_argument', `${name} must be 'jwt', 'oauth2' or 'apikey', got ${JSON.stringify(value)}`);
  return t;
}

function snapshot(m: MutableMetrics): ClientMetrics {
  return { ...m, reconnects: { ...m.reconnects }, commandLatencyMs: { ...m.commandLatencyMs }, queue: { ...m.queue } };
}
