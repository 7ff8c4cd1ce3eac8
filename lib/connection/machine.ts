import { createLinks, linksWake, LinksConfig, LinksInput, LinksOutput, LinksState, stepLinks } from './links';
import { nextWake, queueDepth, stepOutbox } from './outbox/outbox';
import { createOutbox } from './outbox/state';
import type { OutboxConfig, OutboxInput, OutboxOutput, OutboxState } from './outbox/state';
import type { ConnectionEvent, Intent } from './events';
import type { LinkEvent } from './link';

/** What the connection machine is told. @internal */
export type ConnectionInput = Intent | LinkEvent | { readonly type: 'tick' } | { readonly type: 'wakeup' } | { readonly type: 'start' };

/** What the shell must do. @internal */
export type Effect =
  | { readonly type: 'open'; readonly n: number; readonly token?: string }
  | { readonly type: 'close'; readonly n: number }
  | { readonly type: 'send'; readonly n: number; readonly command: Extract<OutboxOutput, { type: 'send' }> }
  /** De-duplication by message id, armed: two sockets may deliver the same events from now on. */
  | { readonly type: 'dedupe' }
  | { readonly type: 'event'; readonly event: ConnectionEvent };

/** @internal */
export interface MachineState {
  readonly links: LinksState;
  readonly outbox: OutboxState;
  depth: number;
}

/** @internal */
export interface MachineConfig {
  readonly links: LinksConfig;
  readonly outbox: OutboxConfig;
}

/** @internal */
export function createMachine(config: MachineConfig, now: number): MachineState {
  return { links: createLinks(), outbox: createOutbox(config.outbox, now), depth: 0 };
}

/**
 * The connection: the link machine and the outbox composed, as one
 * `(state, input, now) → { state, outputs }`. Link outputs that concern commands
 * (a session began, a handover is crossing, the socket is gone) become outbox inputs
 * within the same step.
 *
 * @internal
 */
export function stepMachine(s: MachineState, input: ConnectionInput, now: number, config: MachineConfig): { state: MachineState; outputs: Effect[] } {
  const out: Effect[] = [];
  const outbox = (i: OutboxInput) => fromOutbox(s, stepOutbox(s.outbox, i, now, config.outbox).outputs, out);
  const links = (i: LinksInput) => fromLinks(stepLinks(s.links, i, now, config.links), outbox, out);
  // (an `open` link event needs nothing of the machine: the shell keeps its handle)
  switch (input.type) {
    case 'want':
    case 'unwant':
      outbox(input);
      break;
    case 'decode_failure':
      out.push({ type: 'event', event: { type: 'decode_failure', failure: input.failure } });
      break;
    case 'down':
      links({ type: 'down', n: input.n, error: input.error, lastFrameAt: input.lastFrameAt });
      break;
    case 'frame':
      onFrame(input, links, outbox, out);
      break;
    case 'tick':
      links(input);
      outbox(input);
      break;
    case 'wakeup':
    case 'start':
      links(input);
      break;
  }
  // An old socket kept after a refused handover has nothing more to give once the new session holds everything.
  if (settled(s.outbox)) for (const link of s.links.draining.splice(0)) out.push({ type: 'close', n: link.n });
  const depth = queueDepth(s.outbox);
  if (depth !== s.depth) {
    s.depth = depth;
    out.push({ type: 'event', event: { type: 'queue', depth } });
  }
  return { state: s, outputs: out };
}

function onFrame(input: Extract<LinkEvent, { type: 'frame' }>, links: (i: LinksInput) => void, outbox: (i: OutboxInput) => void, out: Effect[]): void {
  const frame = input.frame;
  out.push({ type: 'event', event: { type: 'frame', frame } });
  if (frame.type === 'welcome') return links({ type: 'welcome', n: input.n, clientId: frame.data.client_id });
  if (frame.type === 'reconnect') return links({ type: 'reconnect', n: input.n, token: frame.data.reconnect_token });
  // A decoded answer's data is absent, a string (the message), or an object whose message and room are strings.
  const data = frame.data;
  outbox({ type: 'response', nonce: frame.nonce, error: frame.error, room: typeof data === 'object' ? data.room : undefined, message: typeof data === 'string' ? data : data?.message });
}

function fromLinks(outputs: LinksOutput[], outbox: (i: OutboxInput) => void, out: Effect[]): void {
  for (const o of outputs) {
    switch (o.type) {
      case 'open':
      case 'close':
        out.push(o);
        break;
      case 'crossing':
        out.push({ type: 'dedupe' });
        outbox(o);
        break;
      case 'session':
        out.push({ type: 'event', event: { type: 'welcome', clientId: o.clientId, restored: o.restored, ...(o.gapFrom !== undefined ? { gapFrom: o.gapFrom } : {}) } });
        outbox({ type: 'session', restored: o.restored });
        break;
      case 'down':
        out.push({ type: 'event', event: { type: 'disconnected', cause: o.cause, error: o.error, ...(o.lastFrameAt !== undefined ? { lastFrameAt: o.lastFrameAt } : {}) } });
        outbox({ type: 'down' });
        break;
      default:
        out.push({ type: 'event', event: o });
    }
  }
}

function fromOutbox(s: MachineState, outputs: OutboxOutput[], out: Effect[]): void {
  for (const o of outputs) {
    if (o.type === 'send') {
      // Stryker disable next-line OptionalChaining: equivalent, the outbox lets commands leave only between a session and the next crossing or drop, and all that time the links hold an active socket
      const n = s.links.active?.n;
      // Stryker disable next-line ConditionalExpression: equivalent, as above
      if (n !== undefined) out.push({ type: 'send', n, command: o });
    } else if (o.type !== 'unmatched') {
      out.push({ type: 'event', event: o });
    }
  }
}

/** Whether a session is up and the outbox has nothing waiting or in flight. @internal */
export function settled(o: OutboxState): boolean {
  return o.ready && o.normal.size + o.bulk.size + o.retrying.size + o.byNonce.size === 0;
}

/** When the machine next needs a `tick`. @internal */
export function machineWake(s: MachineState, now: number, config: MachineConfig): number | undefined {
  const a = nextWake(s.outbox, now, config.outbox);
  const b = linksWake(s.links);
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
