import { Observable, SchedulerLike, Subject, Subscription, asyncScheduler, catchError, defer, merge, throwError } from 'rxjs';
import * as E from 'fp-ts/Either';
import { AstroError } from '../errors/astroError';
import { redact } from '../errors/redact';
import { ClientCommand, encodeCommand, withNonce } from '../protocol/commands';
import { DEFAULT_MAX_FRAME_BYTES, decodeFrame } from '../protocol/decode';
import type { DecodeFailure } from '../protocol/decodeFailure';
import type { MessageFrame, ResponseFrame, ServerFrame } from '../protocol/frames';
import { CommandPriority, QueueInput, QueueOutput, QueuedCommand, commandQueue } from '../operators/commandQueue';
import { CorrelateInput, CorrelateOutput, correlate } from '../operators/correlate';
import { RetryInfo, retryBackoff } from '../operators/retryBackoff';
import type { BackoffConfig } from '../policies/backoffDelay';
import { defaultNonce } from '../policies/nonce';
import { openSocket as openWebSocket } from '../transport/openSocket';
import { defaultWebSocketCtor } from '../transport/defaultWebSocket';
import type { OpenSocket, SocketEvent, SocketHandle, WebSocketCtor } from '../transport/types';
import { SafeLogger, safeLogger } from '../util/logger';
import { reconnectUrl } from '../util/url';
import { IdWindow } from './idWindow';

/** A command for the connection to send, with an id to match its result. @category Connection */
export interface CommandRequest {
  readonly id: number;
  /** The command without a nonce: the connection adds a fresh one per send. */
  readonly command: ClientCommand;
  readonly priority?: CommandPriority;
  /**
   * What the command acts on, as the caller sees it (e.g. topic and canonical room).
   * A command the gateway rate-limited is sent again only if no newer command with
   * the same key was given since: a stale unsubscribe must not undo a newer subscribe.
   */
  readonly key?: string;
}

/** Why a session ended or a link was replaced. @category Connection */
export type DisconnectCause = 'closed' | 'error' | 'refused' | 'heartbeat' | 'handover_failed' | 'wakeup';

/**
 * What a connection reports. Frames are the gateway's; the rest describes the
 * connection's own life, for the client's state and metrics.
 *
 * @category Connection
 */
export type ConnectionEvent =
  /** A socket is being opened (`attempt` 0 for the first, then counting retries). */
  | { readonly type: 'connecting'; readonly attempt: number }
  /**
   * The gateway welcomed a socket. `restored`: it came from a token handover and
   * the gateway restored every subscription. Otherwise the session is fresh: every
   * subscription must be sent again, and `gapFrom` (when set) is the time of the last
   * frame of the previous session: events published since then may be lost.
   */
  | { readonly type: 'welcome'; readonly clientId: string; readonly restored: boolean; readonly gapFrom?: number }
  /** A decoded frame (messages are de-duplicated across a handover). */
  | { readonly type: 'frame'; readonly frame: ServerFrame }
  /** The outcome of a {@link CommandRequest}. */
  | { readonly type: 'result'; readonly id: number; readonly response: ResponseFrame }
  | { readonly type: 'result'; readonly id: number; readonly error: AstroError }
  /** The queue dropped a request because another one made it pointless. */
  | { readonly type: 'cancelled'; readonly id: number; readonly reason: 'superseded' | 'duplicate' | 'cleared'; readonly duplicateOf?: number }
  | { readonly type: 'handover'; readonly phase: 'started' | 'completed' | 'failed' }
  /** The link was lost; the connection will retry after `retryInMs`. */
  | { readonly type: 'disconnected'; readonly cause: DisconnectCause; readonly error: AstroError; readonly lastFrameAt?: number }
  | { readonly type: 'reconnecting'; readonly attempt: number; readonly retryInMs: number }
  | { readonly type: 'decode_failure'; readonly failure: DecodeFailure }
  | { readonly type: 'rate_limited' }
  | { readonly type: 'duplicate_dropped'; readonly id: string }
  | { readonly type: 'sent'; readonly id: number; readonly queuedMs: number };

/** Options of {@link connect}. @category Connection */
export interface ConnectionConfig {
  /** The gateway URL (already checked). */
  readonly url: string;
  /** The commands to send. Subscribed once per session; send only while a session is welcomed. */
  readonly commands: Observable<CommandRequest>;
  /** The WebSocket implementation. @defaultValue `ws` in Node, else `globalThis.WebSocket` */
  readonly WebSocketCtor?: WebSocketCtor;
  /** Replaces the transport entirely (tests use a fake socket on virtual time). */
  readonly openSocket?: OpenSocket;
  /**
   * The gateway's command bucket. The client keeps `reserve` tokens of the burst
   * unused, so that the two buckets' clocks disagreeing by a millisecond never
   * costs a rejection. @defaultValue `{ burst: 100, intervalMs: 100, reserve: 2 }`
   */
  readonly rateLimit?: { readonly burst?: number; readonly intervalMs?: number; readonly reserve?: number };
  /** How long to send nothing after a `rate_limit_exceeded`. @defaultValue 1000 */
  readonly rateLimitPauseMs?: number;
  /** Reconnection backoff. @defaultValue `{ initialDelayMs: 1000, maxDelayMs: 30000, factor: 2, jitter: true, minUptimeMs: 5000 }` */
  readonly backoff?: BackoffConfig & { readonly minUptimeMs?: number };
  /** @defaultValue 10000 */
  readonly requestTimeoutMs?: number;
  /**
   * With a transport that sees pings (Node): no ping and no frame for this long
   * means the link is dead. `0` disables. @defaultValue 75000
   */
  readonly heartbeatTimeoutMs?: number;
  /** @defaultValue 1 MiB */
  readonly maxFrameBytes?: number;
  /** Check message payloads against their topic's codec. @defaultValue false */
  readonly validatePayloads?: boolean;
  /** How many message ids to remember around a handover for de-duplication. @defaultValue 10000 */
  readonly dedupeWindow?: number;
  /** @defaultValue 10000 */
  readonly maxQueuedCommands?: number;
  /** Emits when the network is probably back (browser `online`, page restored): reconnect at once. */
  readonly wakeups?: Observable<unknown>;
  /** Makes the nonce of each command sent. @defaultValue {@link defaultNonce} (a UUID v4) */
  readonly nonce?: () => string;
  readonly scheduler?: SchedulerLike;
  readonly logger?: SafeLogger;
  /**
   * Receives every (de-duplicated) `message` frame instead of the event stream:
   * the hot path, without the operators the events pass through.
   */
  readonly onMessage?: (frame: MessageFrame) => void;
}

interface Link {
  readonly n: number;
  readonly role: 'fresh' | 'token';
  handle?: SocketHandle;
  sub?: Subscription;
  welcomed: boolean;
  lastActivity: number;
  heartbeat?: Subscription;
  welcomeTimer?: Subscription;
  dead: boolean;
}

/**
 * The Astro connection as a **cold** Observable: each subscription opens its
 * own socket, waits for `welcome`, sends the commands it is given through the
 * rate-limited queue, and closes the socket with code 1000 on unsubscribe.
 *
 * Without any help from the caller it:
 * - follows a `reconnect` frame make-before-break: opens the new socket with the
 *   `reconnect_token` while the old one still delivers, switches at the new
 *   `welcome`, closes the old one, drops duplicate messages of the overlap, and
 *   sends no subscribe (the gateway restores them). If the token is refused, it
 *   opens a fresh socket at once (a `welcome` with `restored: false`);
 * - retries an unexpected close, error or refused upgrade with backoff (honouring
 *   `Retry-After`), announcing a fresh `welcome` the caller answers by sending its
 *   subscriptions again;
 * - calls a link dead after `heartbeatTimeoutMs` without ping or frame (where pings are visible).
 *
 * Time goes through `scheduler` only, so all of this runs on virtual time in tests.
 *
 * ```text
 * socket:   --o-W----m--R-------------x
 * token:                o-W---m--       (R: reconnect, W: welcome)
 * events:   --c-W----f--h-----W-h-f--   (c: connecting, h: handover)
 * ```
 *
 * @example
 * ```ts
 * import { connect, subscribeCommand } from 'astro-rx';
 * import { Subject } from 'rxjs';
 * const commands = new Subject<CommandRequest>();
 * connect({ url: 'wss://astro.streamelements.com', commands }).subscribe((e) => {
 *   if (e.type === 'welcome' && !e.restored) commands.next({ id: 1, command: subscribeCommand({ topic: 'channel.activities', room, token }) });
 *   if (e.type === 'frame' && e.frame.type === 'message') console.log(e.frame.data);
 * });
 * ```
 * @category Connection
 */
export function connect(config: ConnectionConfig): Observable<ConnectionEvent> {
  const scheduler = config.scheduler ?? asyncScheduler;
  const log = config.logger ?? safeLogger(undefined);
  const open: OpenSocket = config.openSocket ?? openWebSocket(config.WebSocketCtor ?? defaultWebSocketCtor(), config.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
  const heartbeatTimeoutMs = config.heartbeatTimeoutMs ?? 75_000;
  const rateLimitPauseMs = config.rateLimitPauseMs ?? 1000;
  const welcomeTimeoutMs = config.requestTimeoutMs ?? 10_000;
  const dedupeWindow = config.dedupeWindow ?? 10_000;
  const onMessageSink = config.onMessage;
  const burst = config.rateLimit?.burst ?? 100;
  const reserve = Math.min(config.rateLimit?.reserve ?? 2, burst - 1);
  if (!(reserve >= 0)) throw new TypeError(`rateLimit.reserve must be a number >= 0, got ${config.rateLimit?.reserve}`);
  const bucket = { burst: burst - reserve, ...(config.rateLimit?.intervalMs !== undefined ? { intervalMs: config.rateLimit.intervalMs } : {}) };
  const nonce = config.nonce ?? defaultNonce;
  const decodeConfig = { maxFrameBytes: config.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES, validatePayloads: config.validatePayloads ?? false };
  if (!(heartbeatTimeoutMs >= 0)) throw new TypeError(`heartbeatTimeoutMs must be a number >= 0, got ${heartbeatTimeoutMs}`);

  return defer(() => {
    // Lives as long as this subscription of connect(), across sessions.
    let attempt = 0;
    let hadSession = false;
    // When a session or link was lost: the time of its last sign of life. Events after it may be missing.
    let gapFrom: number | undefined;
    const retries = new Subject<ConnectionEvent>();

    const session = (): Observable<ConnectionEvent> =>
      new Observable<ConnectionEvent>((out) => {
        const subs = new Subscription();
        let queueIn = new Subject<QueueInput>();
        const correlateIn = new Subject<CorrelateInput>();
        const byNonce = new Map<string, QueuedCommand>();
        const enqueuedAt = new Map<number, number>();
        const keyOf = new Map<number, string>();
        const latestByKey = new Map<string, number>();
        const held: QueuedCommand[] = [];
        const dedupe = new IdWindow(dedupeWindow);
        let active: Link | undefined;
        let pending: Link | undefined;
        let linkCount = 0;
        let ended = false;

        const canSend = () => active !== undefined && active.welcomed && pending === undefined;

        const transmit = (entry: QueuedCommand) => {
          if (!canSend() || !active?.handle) {
            held.push(entry);
            return;
          }
          const n = nonce();
          const command = withNonce(entry.command, n);
          if (!active.handle.send(encodeCommand(command))) {
            held.push(entry);
            return;
          }
          byNonce.set(n, entry);
          const queuedSince = enqueuedAt.get(entry.id);
          enqueuedAt.delete(entry.id);
          out.next({ type: 'sent', id: entry.id, queuedMs: queuedSince === undefined ? 0 : scheduler.now() - queuedSince });
          correlateIn.next({ type: 'sent', nonce: n, command });
        };

        const flushHeld = () => {
          while (held.length > 0 && canSend()) transmit(held.shift() as QueuedCommand);
        };

        const onQueue = (o: QueueOutput) => {
          switch (o.type) {
            case 'send':
              return transmit(o.entry);
            case 'cancelled':
              enqueuedAt.delete(o.entry.id);
              forget(o.entry.id);
              return out.next({ type: 'cancelled', id: o.entry.id, reason: o.reason, ...(o.duplicateOf !== undefined ? { duplicateOf: o.duplicateOf } : {}) });
            case 'rejected':
              enqueuedAt.delete(o.entry.id);
              forget(o.entry.id);
              return out.next({ type: 'result', id: o.entry.id, error: o.error });
          }
        };

        const onCorrelated = (o: CorrelateOutput) => {
          if (o.type === 'unmatched') {
            log.log('debug', 'response matches no pending command', { nonce: o.frame.nonce, error: o.frame.error });
            return;
          }
          const entry = byNonce.get(o.nonce);
          byNonce.delete(o.nonce);
          if (!entry) return;
          if (o.type === 'answered') {
            forget(entry.id);
            return out.next({ type: 'result', id: entry.id, response: o.response });
          }
          if (o.error.code === 'rate_limit_exceeded' && isSuperseded(entry.id)) {
            log.log('debug', 'dropping a rate-limited command: a newer one of the same key replaced it');
            out.next({ type: 'rate_limited' });
            forget(entry.id);
            return out.next({ type: 'cancelled', id: entry.id, reason: 'superseded' });
          }
          if (o.error.code === 'rate_limit_exceeded') {
            // The gateway's bucket disagreed with ours: put the command back first in line and pause.
            log.log('warn', `rate limited by the gateway; pausing commands for ${rateLimitPauseMs} ms`);
            out.next({ type: 'rate_limited' });
            queueIn.next({ type: 'pause', ms: rateLimitPauseMs });
            queueIn.next({ type: 'requeue', entry });
            return;
          }
          forget(entry.id);
          out.next({ type: 'result', id: entry.id, error: o.error });
        };

        const isSuperseded = (id: number) => {
          const key = keyOf.get(id);
          return key !== undefined && latestByKey.get(key) !== id;
        };
        const forget = (id: number) => {
          const key = keyOf.get(id);
          keyOf.delete(id);
          if (key !== undefined && latestByKey.get(key) === id) latestByKey.delete(key);
        };

        const closeLink = (link: Link | undefined) => {
          if (!link) return;
          link.dead = true;
          link.heartbeat?.unsubscribe();
          link.welcomeTimer?.unsubscribe();
          link.sub?.unsubscribe();
        };

        let lastAliveAt: number | undefined;
        const lastAlive = () => (active?.welcomed ? active.lastActivity : lastAliveAt);

        const fail = (cause: DisconnectCause, error: AstroError) => {
          if (ended) return;
          ended = true;
          const lastFrameAt = lastAlive();
          if (hadSession && gapFrom === undefined) gapFrom = lastFrameAt;
          out.next({ type: 'disconnected', cause, error, ...(lastFrameAt !== undefined ? { lastFrameAt } : {}) });
          out.error(error);
        };

        const armHeartbeat = (link: Link) => {
          if (heartbeatTimeoutMs === 0 || !link.handle?.observesPings) return;
          const check = (): void => {
            if (link.dead) return;
            const idle = scheduler.now() - link.lastActivity;
            if (idle >= heartbeatTimeoutMs) {
              const err = new AstroError('heartbeat_timeout', `no ping or frame for ${idle} ms: the link is dead`);
              log.log('warn', err.message, { link: link.n });
              closeLink(link);
              onLinkError(link, err);
            } else {
              link.heartbeat = scheduler.schedule(check, heartbeatTimeoutMs - idle);
            }
          };
          link.heartbeat = scheduler.schedule(check, heartbeatTimeoutMs);
        };

        const openLink = (role: Link['role'], url: string): Link => {
          const link: Link = { n: ++linkCount, role, welcomed: false, lastActivity: scheduler.now(), dead: false };
          log.log('debug', `opening ${role === 'token' ? 'a token reconnection' : 'a socket'} to ${redact(url)}`, { link: link.n });
          link.sub = open(url).subscribe({
            next: (ev) => onSocketEvent(link, ev),
            error: (err: unknown) => {
              closeLink(link);
              const error = toAstroError(err);
              // a frame the transport refused to buffer is a decode failure too
              if (error.details.failure) out.next({ type: 'decode_failure', failure: error.details.failure });
              onLinkError(link, error);
            },
            complete: () => {
              closeLink(link);
              onLinkError(link, new AstroError('closed', 'the socket completed'));
            },
          });
          // A socket that never says welcome is as good as dead.
          link.welcomeTimer = scheduler.schedule(() => {
            if (link.dead || link.welcomed) return;
            const err = new AstroError('timeout', `no welcome within ${welcomeTimeoutMs} ms`);
            closeLink(link);
            onLinkError(link, err);
          }, welcomeTimeoutMs);
          return link;
        };

        const onSocketEvent = (link: Link, ev: SocketEvent) => {
          if (link.dead) return;
          link.lastActivity = scheduler.now();
          switch (ev.type) {
            case 'open':
              link.handle = ev.socket;
              armHeartbeat(link);
              return;
            case 'ping':
              return;
            case 'frame': {
              const decoded = decodeFrame(ev.data, decodeConfig);
              if (E.isLeft(decoded)) {
                out.next({ type: 'decode_failure', failure: decoded.left });
                // A payload mismatch keeps its envelope: the message is still delivered.
                if (decoded.left._tag === 'PayloadMismatch') onMessage(link, decoded.left.frame);
                return;
              }
              return onFrame(link, decoded.right);
            }
          }
        };

        // De-duplication is armed from a reconnect frame until `dedupeWindow` messages after the
        // switch: only a handover's overlap can repeat a message, so the hot path pays nothing otherwise.
        let dedupeBudget = 0;
        let handoverFromWelcomed = false;
        const onMessage = (_link: Link, frame: MessageFrame) => {
          if (dedupeBudget > 0 && frame.id !== undefined) {
            if (pending === undefined) dedupeBudget--;
            if (dedupe.has(frame.id)) {
              out.next({ type: 'duplicate_dropped', id: frame.id });
              return;
            }
            dedupe.add(frame.id);
          }
          if (onMessageSink) onMessageSink(frame);
          else out.next({ type: 'frame', frame });
        };

        const onFrame = (link: Link, frame: ServerFrame) => {
          switch (frame.type) {
            case 'message':
              return onMessage(link, frame);
            case 'response':
              out.next({ type: 'frame', frame });
              correlateIn.next({ type: 'response', frame });
              return;
            case 'welcome':
              out.next({ type: 'frame', frame });
              return onWelcome(link, frame.data.client_id);
            case 'reconnect':
              out.next({ type: 'frame', frame });
              if (link !== active || pending !== undefined) {
                log.log('debug', 'ignoring a reconnect frame outside of a settled session', { link: link.n });
                return;
              }
              log.log('info', 'the gateway asked for a token reconnection; opening the new socket first');
              out.next({ type: 'handover', phase: 'started' });
              dedupe.clear();
              dedupeBudget = dedupeWindow;
              handoverFromWelcomed = link.welcomed;
              pending = openLink('token', reconnectUrl(config.url, frame.data.reconnect_token));
              return;
          }
        };

        const onWelcome = (link: Link, clientId: string) => {
          if (link.welcomed) {
            log.log('debug', 'ignoring a second welcome on the same socket', { link: link.n });
            return;
          }
          link.welcomed = true;
          link.welcomeTimer?.unsubscribe();
          if (link === pending) {
            const previous = active;
            if (previous?.welcomed) lastAliveAt = previous.lastActivity;
            active = link;
            pending = undefined;
            closeLink(previous);
            if (link.role === 'token' && handoverFromWelcomed) {
              out.next({ type: 'handover', phase: 'completed' });
              out.next({ type: 'welcome', clientId, restored: true });
              flushHeld();
              return;
            }
            if (link.role === 'token') {
              // The reconnect came before the old socket's welcome: nothing was subscribed there,
              // so nothing was restored: this is a fresh start (commands still held go out now).
              out.next({ type: 'handover', phase: 'completed' });
              freshStart(clientId);
              return;
            }
            // A fresh socket replacing a refused handover: start over.
            if (gapFrom === undefined) gapFrom = lastAliveAt ?? scheduler.now();
            // What was queued or in flight belonged to the old socket: the caller sends everything again,
            // through a new queue whose bucket is full, like the gateway's for the new socket.
            correlateIn.next({ type: 'reset' });
            held.length = 0;
            queueIn.next({ type: 'clear' });
            restartQueue();
            freshStart(clientId);
            return;
          }
          if (link === active) freshStart(clientId);
        };

        const freshStart = (clientId: string) => {
          const from = hadSession ? gapFrom : undefined;
          gapFrom = undefined;
          hadSession = true;
          dedupe.clear();
          dedupeBudget = 0;
          log.log('info', `connected (client ${clientId})`);
          out.next({ type: 'welcome', clientId, restored: false, ...(from !== undefined ? { gapFrom: from } : {}) });
          flushHeld();
        };

        const onLinkError = (link: Link, error: AstroError) => {
          if (ended) return;
          if (link === pending) {
            pending = undefined;
            if (link.role === 'token') {
              log.log('warn', `token reconnection refused (${error.message}); opening a fresh connection`);
              out.next({ type: 'handover', phase: 'failed' });
              // The old socket (if still up) keeps delivering until the fresh one is welcomed.
              if (gapFrom === undefined && !active) gapFrom = lastAliveAt ?? scheduler.now();
              pending = openLink('fresh', config.url);
              return;
            }
            // the fresh fallback failed as well (the failed handover itself was already reported)
            closeLink(active);
            return fail(causeOf(error), error);
          }
          if (link === active) {
            if (pending !== undefined) {
              // the old socket closing during a handover is expected: wait for the new welcome
              log.log('debug', 'the old socket closed during the handover', { link: link.n });
              if (link.welcomed) lastAliveAt = link.lastActivity;
              active = undefined;
              return;
            }
            closeLink(link);
            log.log('warn', `connection lost: ${error.message}`);
            return fail(causeOf(error), error);
          }
        };

        let queueSub = new Subscription();
        const restartQueue = () => {
          queueSub.unsubscribe();
          queueIn.complete();
          queueIn = new Subject<QueueInput>();
          queueSub = queueIn.pipe(commandQueue({ ...bucket, maxQueued: config.maxQueuedCommands ?? 10_000, scheduler })).subscribe(onQueue);
        };
        restartQueue();
        subs.add(() => queueSub.unsubscribe());
        subs.add(correlateIn.pipe(correlate({ requestTimeoutMs: config.requestTimeoutMs ?? 10_000, scheduler })).subscribe(onCorrelated));
        subs.add(
          config.commands.subscribe((req) => {
            enqueuedAt.set(req.id, scheduler.now());
            if (req.key !== undefined) {
              keyOf.set(req.id, req.key);
              latestByKey.set(req.key, req.id);
            }
            queueIn.next({ type: 'enqueue', entry: { id: req.id, command: req.command, ...(req.priority ? { priority: req.priority } : {}) } });
          }),
        );
        if (config.wakeups) {
          subs.add(
            config.wakeups.subscribe(() => {
              if (active && pending === undefined) {
                log.log('info', 'the network came back: reconnecting at once');
                closeLink(active);
                fail('wakeup', new AstroError('transport', 'reconnecting after the network came back'));
              }
            }),
          );
        }

        out.next({ type: 'connecting', attempt });
        active = openLink('fresh', config.url);

        return () => {
          ended = true;
          closeLink(pending);
          closeLink(active);
          subs.unsubscribe();
          queueIn.complete();
          correlateIn.complete();
        };
      });

    const onRetry = (info: RetryInfo) => {
      attempt = info.attempt;
      retries.next({ type: 'reconnecting', attempt: info.attempt, retryInMs: info.delayMs });
    };

    const sessions = defer(session).pipe(
      retryBackoff<ConnectionEvent>({
        ...config.backoff,
        scheduler,
        isHealthy: (e) => e.type === 'welcome',
        onRetry,
        ...(config.wakeups ? { wakeup: config.wakeups } : {}),
      }),
      catchError((err: unknown) => throwError(() => toAstroError(err))),
    );
    return merge(retries, sessions);
  });
}

function causeOf(error: AstroError): DisconnectCause {
  switch (error.code) {
    case 'heartbeat_timeout':
      return 'heartbeat';
    case 'upgrade_refused':
      return 'refused';
    case 'closed':
      return 'closed';
    default:
      return 'error';
  }
}

function toAstroError(err: unknown): AstroError {
  if (err instanceof AstroError) return err;
  return new AstroError('transport', err instanceof Error ? redact(err.message) : 'socket error', { cause: err });
}
