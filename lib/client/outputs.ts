import { BehaviorSubject, Observable, Subject, defer, map, startWith } from 'rxjs';
import { AstroError } from '../errors/astroError';
import { describeDecodeFailure, scrubDecodeFailure, type DecodeFailure } from '../protocol/decodeFailure';
import type { ServerFrame } from '../protocol/frames';
import { normalizeTokenType, type TokenType } from '../protocol/tokenType';
import { topicScope } from '../protocol/topicScopes';
import type { SafeLogger } from '../util/logger';
import { createMetrics, snapshotMetrics } from './metrics';
import type { ClientMetrics, ConnectionMetrics, ConnectionState, Gap } from './types';

/**
 * What a client reports, apart from its topics: `state$`, `gaps$`, `metrics$`,
 * `warnings$` and `frames$`, with the counters behind `metrics$`. Each stream
 * completes on `close()`.
 *
 * @internal
 */
export class ClientOutputs {
  readonly state = new BehaviorSubject<ConnectionState>({ status: 'idle' });
  readonly gaps = new Subject<Gap>();
  readonly warnings = new Subject<AstroError>();
  readonly frames = new Subject<ServerFrame>();
  /** The connection failed for good (after the topics got the error): `frames$` subscribers end with it. */
  readonly failures = new Subject<AstroError>();
  readonly metrics = createMetrics();
  private readonly metricsChanged = new Subject<void>();
  /** Per-connection counters, for a pool. */
  connectionMetrics: (() => readonly ConnectionMetrics[]) | undefined;
  closed = false;

  constructor(private readonly log: SafeLogger) {}

  /** The counters now, then at every change. */
  readonly metrics$: Observable<ClientMetrics> = defer(() =>
    this.metricsChanged.pipe(
      startWith(undefined),
      map(() => (this.connectionMetrics ? { ...snapshotMetrics(this.metrics), connections: this.connectionMetrics() } : snapshotMetrics(this.metrics))),
    ),
  );

  publishMetrics(activeSubscriptions: number): void {
    this.metrics.activeSubscriptions = activeSubscriptions;
    // Stryker disable next-line ConditionalExpression: next() on a Subject nobody observes does nothing (metrics$ starts from the counters, not from a missed tick); this also hides `false`, which metrics specs kill
    if (this.metricsChanged.observed) this.metricsChanged.next();
  }

  /** Reports windows of possible loss that closed; returns whether there were any. */
  emitGaps(closed: readonly Gap[]): boolean {
    for (const gap of closed) {
      this.metrics.gaps++;
      this.log.log('info', `events between ${gap.from} and ${gap.to} may be missing (${gap.cause})`);
      this.gaps.next(gap);
    }
    return closed.length > 0;
  }

  setState(next: ConnectionState): void {
    if (!this.closed && next !== this.state.value) this.state.next(next);
  }

  /** A frame that could not be decoded: a warning, scrubbed of tokens. */
  decodeFailure(failure: DecodeFailure): void {
    const scrubbed = scrubDecodeFailure(failure, this.log.scrub);
    const message = this.log.scrub(describeDecodeFailure(scrubbed));
    this.log.log('warn', message);
    this.warn(new AstroError('decode', message, { failure: scrubbed }));
  }

  warn(error: AstroError): void {
    // Stryker disable next-line ConditionalExpression: next() on a Subject nobody observes (or completed) does nothing; the check only spares the call; this also hides `false`, which warnings specs kill
    if (this.warnings.observed) this.warnings.next(error);
  }

  /** The error a topic ends with when the gateway refuses it: the scope it needs, and no token. */
  topicFailure(topic: string, room: string, error: AstroError): AstroError {
    const scope = topicScope(topic);
    const hint = error.code === 'err_unauthorized' && scope ? ` (the topic needs scope ${scope})` : '';
    // The gateway's text may quote what it was sent: never let a token through.
    const message = this.log.scrub(`${error.message}${hint}`);
    this.log.log('warn', `subscription to ${topic} in room ${JSON.stringify(room)} failed: ${message}`, { code: error.code });
    const { serverMessage, ...details } = error.details;
    return new AstroError(error.code, message, { ...details, ...(serverMessage !== undefined ? { serverMessage: this.log.scrub(serverMessage) } : {}), topic, room });
  }

  close(): void {
    this.state.next({ status: 'closed' });
    this.closed = true;
    for (const s of [this.state, this.gaps, this.warnings, this.frames, this.failures, this.metricsChanged] as Subject<unknown>[]) s.complete();
  }
}

/** A token type option, checked (`oauth` is read as `oauth2`). @internal */
export function resolveTokenType(value: string | undefined): TokenType {
  if (value === undefined) return 'jwt';
  const t = normalizeTokenType(value);
  if (!t) throw new AstroError('invalid_argument', `tokenType must be 'jwt', 'oauth2' or 'apikey', got ${JSON.stringify(value)}`);
  return t;
}
