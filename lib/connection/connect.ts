import { EMPTY, Observable, SchedulerLike, Subject, Subscription, asyncScheduler, map, merge, observeOn, queueScheduler } from 'rxjs';
import { encodeCommand, subscribeCommand, unsubscribeCommand } from '../protocol/commands';
import { DEFAULT_MAX_FRAME_BYTES } from '../protocol/decode';
import type { MessageFrame } from '../protocol/frames';
import { defaultPayloadCodecs } from '../protocol/defaultPayloadCodecs';
import type { PayloadCodecs } from '../protocol/payloadCodecs';
import type { TokenType } from '../protocol/tokenType';
import { openSocket as openWebSocket } from '../transport/openSocket';
import { defaultWebSocketCtor } from '../transport/defaultWebSocket';
import type { OpenSocket, SocketHandle, WebSocketCtor } from '../transport/types';
import { Logger, safeLogger } from '../util/logger';
import { reconnectUrl } from '../util/url';
import { redact } from '../errors/redact';
import { runMachine } from '../operators/runMachine';
import { Dedupe } from './dedupe';
import type { ConnectionEvent, Intent } from './events';
import { openLink } from './link';
import { ConnectionInput, Effect, MachineConfig, createMachine, machineWake, stepMachine } from './machine';
import { resolveConnectionConfig } from './config';

export type { ConnectionEvent, Intent } from './events';
export type { DisconnectCause } from './disconnectCause';

/** Options of {@link connect}. @category Connection */
export interface ConnectionConfig {
  /** The gateway URL (already checked). */
  readonly url: string;
  /** What the user wants; the connection keeps the gateway in line with it, across sessions. */
  readonly intents: Observable<Intent>;
  /** The token of a `tokenRef` (looked up when a subscribe leaves; never kept in state). */
  readonly tokenOf: (tokenRef: number) => { readonly token: string; readonly tokenType: TokenType } | undefined;
  /** The WebSocket implementation. @defaultValue `ws` in Node, else `globalThis.WebSocket` */
  readonly WebSocketCtor?: WebSocketCtor;
  /** Replaces the transport entirely (tests use a gateway on virtual time). */
  readonly openSocket?: OpenSocket;
  /** The gateway's command bucket, less `reserve` tokens. @defaultValue `{ burst: 100, intervalMs: 100, reserve: 2 }` */
  readonly rateLimit?: { readonly burst?: number; readonly intervalMs?: number; readonly reserve?: number };
  /** How long to send nothing after a `rate_limit_exceeded`. @defaultValue 1000 */
  readonly rateLimitPauseMs?: number;
  /** Reconnection backoff. @defaultValue `{ initialDelayMs: 1000, maxDelayMs: 30000, factor: 2, jitter: true, minUptimeMs: 5000 }` */
  readonly backoff?: import('../policies/backoffDelay').BackoffConfig & { readonly minUptimeMs?: number };
  /**
   * The least delay after a failure whose cause the transport cannot see (browsers: a 429 looks like close 1006).
   * @defaultValue 2000 where the transport cannot see HTTP statuses (browsers, a WebSocketCtor other than `ws`), else 0
   */
  readonly reconnectFloorMs?: number;
  /** @defaultValue 10000 */
  readonly requestTimeoutMs?: number;
  /** How often a subscribe failing with a retryable code (or no answer) is tried again before it fails. @defaultValue 5 */
  readonly subscribeRetries?: number;
  /** Where pings are visible (Node): no ping and no frame for this long means the link is dead. `0` disables. @defaultValue 75000 */
  readonly heartbeatTimeoutMs?: number;
  /** @defaultValue 1 MiB */
  readonly maxFrameBytes?: number;
  /**
   * Check message payloads against these codecs, by topic (`PAYLOAD_CODECS` from `astro-rx/payloads`,
   * or a few of them). `true`: every documented topic's codec, in Node builds only (a browser build
   * has no codecs of its own and refuses `true`). @defaultValue false
   */
  readonly validatePayloads?: boolean | PayloadCodecs;
  /** How many message ids to remember around a handover for de-duplication. @defaultValue 10000 */
  readonly dedupeWindow?: number;
  /** Emits when the network is probably back (browser `online`): reconnect at once. */
  readonly wakeups?: Observable<unknown>;
  /** Makes the nonce of each command sent. @defaultValue a UUID v4 */
  readonly nonce?: () => string;
  readonly scheduler?: SchedulerLike;
  /** Where the connection writes what it does (tokens redacted). Silent by default. */
  readonly logger?: Logger;
  /** Receives every (de-duplicated) `message` frame: the hot path, outside the event stream. */
  readonly onMessage?: (frame: MessageFrame) => void;
}

/**
 * The Astro connection as a **cold** Observable: each subscription opens its own
 * socket, waits for `welcome`, and keeps the gateway's subscriptions equal to the
 * latest {@link Intent}s, through the command bucket, across token handovers
 * (make-before-break), refused handovers and drops (backoff, then subscribing
 * again). Unsubscribing closes every socket.
 *
 * The state lives in two pure machines (links and outbox) run by `scan` on the
 * injected scheduler; socket events and timer ticks flow back into them through
 * one feedback Subject. All time goes through `scheduler`.
 *
 * ```text
 * socket:  --o-W----m--R---------x
 * token:                o-W---m--      (R: reconnect, W: welcome)
 * events:  --c-w----------h-w-----     (c: connecting, w: welcome, h: handover)
 * ```
 * @category Connection
 */
export function connect(config: ConnectionConfig): Observable<ConnectionEvent> {
  const scheduler = config.scheduler ?? asyncScheduler;
  const log = safeLogger(config.logger);
  const machine: MachineConfig = resolveConnectionConfig(config);
  const open: OpenSocket = config.openSocket ?? openWebSocket(config.WebSocketCtor ?? defaultWebSocketCtor(), config.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
  const decode = { maxFrameBytes: config.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES, validatePayloads: payloadCodecs(config.validatePayloads) ?? false };

  return new Observable<ConnectionEvent>((subscriber) => {
    // The feedback loop: socket events, timer ticks and wakeups go back into the machine.
    const feedback = new Subject<ConnectionInput>();
    const sockets = new Map<number, { sub: Subscription; handle?: SocketHandle }>();
    const dedupe = new Dedupe(config.dedupeWindow ?? 10_000);
    const onMessage = (frame: MessageFrame) => {
      // Stryker disable next-line StringLiteral: equivalent, a message without a room needs a stream key of its own, and any constant is one
      const room = frame.room ?? '';
      if (frame.id !== undefined && dedupe.seen(frame.id, frame.topic, room)) return subscriber.next({ type: 'duplicate_dropped', id: frame.id });
      if (config.onMessage) config.onMessage(frame);
      else subscriber.next({ type: 'frame', frame });
    };
    const link = { openSocket: open, scheduler, decode, welcomeTimeoutMs: machine.outbox.requestTimeoutMs, heartbeatTimeoutMs: config.heartbeatTimeoutMs ?? 75_000, onMessage };
    let timer: Subscription | undefined;
    let timerAt: number | undefined;

    const perform = (effect: Effect) => {
      switch (effect.type) {
        case 'open': {
          const url = effect.token === undefined ? config.url : reconnectUrl(config.url, effect.token);
          log.log('debug', `opening ${effect.token === undefined ? 'a socket' : 'a token reconnection'} to ${redact(url)}`, { link: effect.n });
          const entry: { sub: Subscription; handle?: SocketHandle } = { sub: new Subscription() };
          sockets.set(effect.n, entry);
          entry.sub.add(
            openLink(effect.n, url, link).subscribe((ev) => {
              if (ev.type === 'open') entry.handle = ev.handle;
              if (ev.type === 'down') forget(effect.n);
              feedback.next(ev);
            }),
          );
          return;
        }
        case 'close':
          sockets.get(effect.n)?.sub.unsubscribe();
          return forget(effect.n);
        case 'send':
          return send(effect.n, effect.command);
        case 'dedupe':
          return dedupe.arm();
        case 'event':
          if (effect.event.type === 'welcome') dedupe.settle(sockets.size > 1);
          return subscriber.next(effect.event);
      }
    };

    /** A socket is gone: once one socket is left, no other delivers the same events any more. */
    const forget = (n: number) => {
      sockets.delete(n);
      dedupe.settle(sockets.size > 1);
    };

    const send = (n: number, c: Extract<Effect, { type: 'send' }>['command']) => {
      const command = commandOf(c);
      if (command === undefined) return log.log('warn', `no token for a subscribe to ${c.topic}; skipped`);
      if (!sockets.get(n)?.handle?.send(encodeCommand(command))) log.log('debug', 'a command found its socket closed; it will be sent again', { link: n });
    };

    /** The wire command of an outgoing one; a subscribe's token is looked up only now (never kept in state). */
    const commandOf = (c: Extract<Effect, { type: 'send' }>['command']) => {
      if (c.kind === 'unsubscribe') return unsubscribeCommand({ topic: c.topic, room: c.room, nonce: c.nonce });
      // Stryker disable next-line ConditionalExpression: equivalent, the outbox sends a subscribe with its want's tokenRef only (pump.ts `decide`); the test narrows the type
      const token = c.tokenRef === undefined ? undefined : config.tokenOf(c.tokenRef);
      return token && subscribeCommand({ topic: c.topic, room: c.room, token: token.token, tokenType: token.tokenType, nonce: c.nonce });
    };

    const rearm = (wake: number | undefined) => {
      if (wake === timerAt) return;
      timer?.unsubscribe();
      timerAt = wake;
      if (wake === undefined) return;
      timer = scheduler.schedule(() => {
        timerAt = undefined;
        feedback.next({ type: 'tick' });
      }, Math.max(0, wake - scheduler.now()));
    };

    const inputs = merge(feedback, config.intents, config.wakeups?.pipe(map((): ConnectionInput => ({ type: 'wakeup' }))) ?? EMPTY);
    const run = inputs
      .pipe(
        observeOn(queueScheduler),
        runMachine(stepMachine, createMachine(machine, scheduler.now()), machine, scheduler, (state) => rearm(machineWake(state, scheduler.now(), machine))),
      )
      .subscribe({ next: perform, error: (e: unknown) => subscriber.error(e) });
    feedback.next({ type: 'start' });

    return () => {
      run.unsubscribe();
      timer?.unsubscribe();
      for (const s of sockets.values()) s.sub.unsubscribe();
      sockets.clear();
      feedback.complete();
    };
  });
}

/** The codecs `validatePayloads` names, resolved once (`true` needs the build's own, which browser builds lack). */
function payloadCodecs(option: boolean | PayloadCodecs | undefined): PayloadCodecs | undefined {
  if (option !== true) return option || undefined;
  const codecs = defaultPayloadCodecs();
  if (!codecs) {
    throw new TypeError("connect: validatePayloads: true needs codecs this browser build leaves out; pass validatePayloads: PAYLOAD_CODECS (from 'astro-rx/payloads') or the codecs of the topics to check");
  }
  return codecs;
}
