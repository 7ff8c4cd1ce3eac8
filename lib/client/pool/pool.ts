import { Observable, SchedulerLike, defer, from, merge } from 'rxjs';
import type { ConnectionEvent, Intent } from '../../connection/events';
import type { MessageFrame } from '../../protocol/frames';
import type { TopicName } from '../../protocol/topics';
import type { SafeLogger } from '../../util/logger';
import type { ClientOutputs } from '../outputs';
import { Entry, Registry, sinksOf } from '../registry';
import type { TopicMessage } from '../types';
import { PoolConnections } from './connections';
import { admits, wantedOn } from './move';
import { confirm, holders, moveTo, placeOf, refuse } from './placement';
import { PoolReports } from './reports';

/** What a pool is built from. @internal */
export interface PoolDeps {
  readonly registry: Registry;
  readonly out: ClientOutputs;
  readonly log: SafeLogger;
  readonly scheduler: SchedulerLike;
  /** The number of connections to start with. */
  readonly size: number;
  /** Whether the client has a `connections` option (reports then name connections). */
  readonly pooled: boolean;
  /** One `connect()` with these intents, delivering messages to `onMessage`. */
  readonly connect: (intents: Observable<Intent>, onMessage: (frame: MessageFrame) => void) => Observable<ConnectionEvent>;
}

/** The client's connections, as the rest of the client sees them. @internal */
export interface Pool {
  /** Every connection, open while subscribed; errors when a connection fails for good. */
  readonly run$: Observable<never>;
  readonly size: number;
  /** An entry got its first subscriber: place it and subscribe. */
  want(entry: Entry): void;
  /** An entry lost its last subscriber: unsubscribe wherever it is held. */
  unwant(entry: Entry): void;
  /** Forgets an entry (gone or failed); returns whether it was live. */
  remove(entry: Entry): boolean;
  resize(k: number): void;
  /** The pool stopped (`error` set: it failed). */
  stopped(error?: { code: string; message: string }): void;
  close(): void;
}

/**
 * K connections behind one registry: each entry is held by the connection that
 * rendezvous hashing assigns its key to, its intents go there, and only that
 * connection's copy of an event reaches its subscribers (both copies, reconciled
 * by id, while a move settles). With K = 1 this is exactly one `connect()`.
 *
 * @internal
 */
export function createPool(d: PoolDeps): Pool {
  const { registry, out, log, scheduler } = d;
  const reports = new PoolReports(out, d.pooled, () => registry.size);
  const wantOf = (entry: Entry): Intent => ({ type: 'want', ref: entry, topic: entry.topic, room: entry.room, tokenRef: entry.tokenRef });
  const unwantOf = (entry: Entry): Intent => ({ type: 'unwant', ref: entry, topic: entry.topic, room: entry.room, tokenRef: entry.tokenRef });
  const held = (index: number) => [...registry.values()].filter((e) => e.sinks !== undefined && wantedOn(e, index));
  const send = (index: number, intent: Intent) => conns.slots[index]?.intents.next(intent);
  let pooled = d.pooled;
  const where = (index: number) => (pooled ? ` on connection ${index}` : '');

  // The hot path: one gate, reading the frame being routed.
  let gateConn = 0;
  let gateId: string | undefined;
  let gateNow = 0;
  const gate = (entry: Entry) => admits(entry, gateConn, gateId, gateNow);
  const onMessage = (index: number, frame: MessageFrame) => {
    reports.message(index);
    const message = frame as unknown as TopicMessage<TopicName>;
    if (!pooled) registry.route(frame.topic, frame.room, message);
    else {
      gateConn = index;
      gateId = frame.id;
      gateNow = scheduler.now();
      registry.route(frame.topic, frame.room, message, gate);
    }
    if (out.frames.observed) out.frames.next(frame);
  };

  const onEvent = (index: number, e: ConnectionEvent) => {
    const now = scheduler.now();
    // A connection's gaps concern the entries it owns; a move's target restoring a subscription is not one.
    const lost = e.type === 'lost' ? e.refs.filter((ref) => (ref as Entry).owner === index) : undefined;
    if (!lost || lost.length > 0) reports.onEvent(index, lost ? { type: 'lost', refs: lost } : e, now, () => held(index).filter((x) => x.owner === index));
    switch (e.type) {
      case 'frame':
        if (out.frames.observed) out.frames.next(e.frame);
        return;
      case 'subscribed':
        for (const ref of e.refs) subscribed(ref as Entry, index, e.room, now);
        return;
      case 'failed':
        for (const ref of e.refs) failed(ref as Entry, index, e);
        return reports.publishMetrics();
      case 'decode_failure':
        return out.decodeFailure(e.failure);
      case 'handover':
        return log.log('info', `token handover ${e.phase}${where(index)}`);
      case 'disconnected':
        return log.log('warn', `connection lost${where(index)} (${e.cause}): ${e.error.message}`);
    }
  };

  const subscribed = (entry: Entry, index: number, room: string, now: number) => {
    if (entry.owner === index) return registry.canonical(entry, room);
    const from = confirm(entry, index, now);
    if (from === undefined) return;
    registry.canonical(entry, room);
    reports.own(from, -1);
    reports.own(index, 1);
    reports.done([entry], now, from);
    send(from, unwantOf(entry));
    retire();
  };

  const failed = (entry: Entry, index: number, e: Extract<ConnectionEvent, { type: 'failed' }>) => {
    if (refuse(entry, index)) {
      return log.log('warn', `moving a subscription to ${entry.topic} to connection ${index} failed (${e.error.code}); it stays on connection ${entry.owner}`);
    }
    if (entry.owner !== index) return;
    for (const other of holders(entry)) if (other !== index) send(other, unwantOf(entry));
    if (!entry.live) return;
    // scrubbed while the entry still holds its token: the removal may make the logger forget it
    const error = out.topicFailure(entry.topic, entry.room, e.error);
    remove(entry);
    for (const sink of sinksOf(entry)) sink.error(error);
  };

  const remove = (entry: Entry) => {
    if (!registry.remove(entry)) return false;
    reports.own(entry.owner, -1);
    reports.done([entry], scheduler.now());
    retire();
    return true;
  };

  // The reports grow and shrink with the connections: one per slot, retiring ones included.
  const retire = () => {
    conns.retire((index) => reports.owned(index) === 0);
    reports.trim(conns.slots.length);
  };

  const conns = new PoolConnections(
    d.size,
    (slot) => d.connect(defer(() => merge(from(held(slot.index).map(wantOf)), slot.intents)), (frame) => onMessage(slot.index, frame)),
    onEvent,
  );
  reports.resize(d.size, false);

  const tokenOf = (entry: Entry) => registry.tokenOf(entry.tokenRef)?.token;
  return {
    run$: defer(() => {
      reports.starting();
      return conns.run$;
    }),
    get size() {
      return conns.size;
    },
    want(entry) {
      entry.owner = placeOf(entry, conns.size, tokenOf(entry));
      reports.own(entry.owner, 1);
      for (const index of holders(entry)) send(index, wantOf(entry));
    },
    unwant(entry) {
      for (const index of holders(entry)) send(index, unwantOf(entry));
    },
    remove,
    resize(k) {
      pooled = true;
      reports.pool();
      conns.resize(k);
      reports.resize(k, conns.running);
      for (const entry of [...registry.values()]) {
        if (entry.sinks === undefined) continue;
        const target = placeOf(entry, k, tokenOf(entry));
        if (!conns.running) {
          reports.own(entry.owner, -1);
          reports.own(target, 1);
          entry.owner = target;
          entry.move = undefined;
          continue;
        }
        for (const c of moveTo(entry, target)) send(c.conn, c.type === 'want' ? wantOf(entry) : unwantOf(entry));
      }
      retire();
    },
    stopped(error) {
      reports.stopAll((s) => (error ? { status: 'closed', lastError: error } : s.status === 'closed' ? s : { status: 'idle' }));
    },
    close: () => conns.close(),
  };
}
