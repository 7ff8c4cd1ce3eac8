import { AstroError } from '../errors/astroError';
import { resolvedBackoffDelay } from '../policies/backoffDelay';
import type { LinkInfo, LinksConfig, LinksInput, LinksOutput, LinksState } from './linksState';
import { DisconnectCause, disconnectCause } from './disconnectCause';

export { createLinks } from './linksState';
export type { LinkInfo, LinksConfig, LinksInput, LinksOutput, LinksState } from './linksState';

/**
 * The link machine's transition: make-before-break token handovers, fallbacks,
 * and reconnection with backoff, as `(state, input, now) → outputs` (state
 * updated in place).
 *
 * @internal
 */
export function stepLinks(s: LinksState, input: LinksInput, now: number, config: LinksConfig): LinksOutput[] {
  const out: LinksOutput[] = [];
  switch (input.type) {
    case 'start':
      s.active = open(s, 'fresh', out);
      break;
    case 'welcome':
      welcome(s, input.n, input.clientId, now, out);
      break;
    case 'reconnect':
      if (input.n !== s.active?.n || s.pending || s.retryAt !== undefined) break;
      s.handingOver = true;
      s.restoring = s.active.welcomedAt !== undefined;
      out.push({ type: 'crossing' }, { type: 'handover', phase: 'started' });
      s.pending = open(s, 'token', out, input.token);
      break;
    case 'down':
      down(s, input.n, input.error, input.lastFrameAt ?? now, now, config, out);
      break;
    case 'wakeup':
      wakeup(s, now, out);
      break;
    case 'tick':
      if ((s.retryAt ?? Infinity) <= now) {
        s.retryAt = undefined;
        const link = open(s, 'fresh', out);
        if (s.active) s.pending = link;
        else s.active = link;
      }
      break;
  }
  return out;
}

function open(s: LinksState, role: LinkInfo['role'], out: LinksOutput[], token?: string): LinkInfo {
  const link: LinkInfo = { n: s.nextN++, role };
  if (role === 'fresh') out.push({ type: 'connecting', attempt: s.attempt });
  out.push({ type: 'open', n: link.n, ...(token !== undefined ? { token } : {}) });
  return link;
}

function welcome(s: LinksState, n: number, clientId: string, now: number, out: LinksOutput[]): void {
  const link = n === s.active?.n ? s.active : n === s.pending?.n ? s.pending : undefined;
  if (!link || link.welcomedAt !== undefined) return;
  link.welcomedAt = now;
  const restored = link.role === 'token' && s.restoring;
  if (link === s.pending) {
    const previous = s.active;
    if (previous && link.role === 'token') out.push({ type: 'close', n: previous.n });
    // A fresh socket replacing a refused handover: the old one keeps delivering until the gateway closes it.
    if (previous && link.role === 'fresh') s.draining.push(previous);
    s.active = link;
    s.pending = undefined;
  }
  if (link.role === 'token') out.push({ type: 'handover', phase: 'completed' });
  s.handingOver = false;
  s.restoring = false;
  const gapFrom = s.hadSession ? s.lossFrom : undefined;
  s.lossFrom = undefined;
  s.hadSession = true;
  out.push({ type: 'session', n, restored, clientId, ...(gapFrom !== undefined ? { gapFrom } : {}) });
}

function down(s: LinksState, n: number, error: AstroError, lastFrameAt: number, now: number, config: LinksConfig, out: LinksOutput[]): void {
  const drained = s.draining.findIndex((l) => l.n === n);
  if (drained >= 0) {
    s.draining.splice(drained, 1);
    if (s.active?.welcomedAt !== undefined) out.push({ type: 'loss', at: lastFrameAt });
    else s.lossFrom ??= lastFrameAt;
    return;
  }
  if (n === s.pending?.n) {
    s.pending = undefined;
    if (s.handingOver) {
      s.handingOver = false;
      out.push({ type: 'handover', phase: 'failed' });
    }
    return schedule(s, error, now, config, out, s.active ? undefined : 'handover_failed');
  }
  if (n !== s.active?.n) return;
  const active = s.active;
  s.active = undefined;
  // (Before the first session the gap is never reported; after it, a gap is open until the next welcome.)
  s.lossFrom ??= lastFrameAt;
  if (s.pending || s.retryAt !== undefined) {
    // The old socket of a handover closed before the new one was welcomed: the new one carries on.
    if (!s.handingOver) out.push({ type: 'down', cause: disconnectCause(error), error, lastFrameAt });
    if (s.pending && s.pending.role === 'fresh') {
      s.active = s.pending;
      s.pending = undefined;
    }
    return;
  }
  // Stryker disable next-line ConditionalExpression: equivalent, without a welcome the uptime is NaN and NaN >= minUptimeMs is false too (the test narrows the type)
  if (active.welcomedAt !== undefined && now - active.welcomedAt >= config.minUptimeMs) s.attempt = 0;
  out.push({ type: 'down', cause: disconnectCause(error), error, lastFrameAt });
  schedule(s, error, now, config, out);
}

function schedule(s: LinksState, error: AstroError, now: number, config: LinksConfig, out: LinksOutput[], cause?: DisconnectCause): void {
  if (cause) out.push({ type: 'down', cause, error });
  const floor = Math.max(error.details.retryAfterMs ?? 0, error.details.status === undefined ? config.blindFloorMs : 0);
  const delay = resolvedBackoffDelay(Math.min(s.attempt, 30), config.backoff, floor);
  s.attempt++;
  s.retryAt = now + delay;
  out.push({ type: 'reconnecting', attempt: s.attempt, retryInMs: delay });
}

function wakeup(s: LinksState, now: number, out: LinksOutput[]): void {
  if (s.retryAt !== undefined) {
    s.retryAt = now;
    return;
  }
  const active = s.active;
  if (!active || active.welcomedAt === undefined || s.pending) return;
  // The network came back: the socket may be dead without knowing it. Start over at once.
  s.active = undefined;
  s.lossFrom ??= now;
  out.push({ type: 'close', n: active.n });
  out.push({ type: 'down', cause: 'wakeup', error: new AstroError('transport', 'reconnecting after the network came back') });
  s.retryAt = now;
  out.push({ type: 'reconnecting', attempt: s.attempt, retryInMs: 0 });
}

/** When the machine next needs a `tick`. @internal */
export function linksWake(s: LinksState): number | undefined {
  return s.retryAt;
}
