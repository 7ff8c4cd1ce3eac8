import type { Subscriber } from 'rxjs';
import type { TokenType } from '../protocol/tokenType';
import type { TopicName } from '../protocol/topics';
import { SlotMap } from '../connection/subscriptionKey';
import { Some, add, all, count, without } from '../util/some';
import type { Move } from './pool/move';
import type { TopicMessage } from './types';

/** A `topic()` subscriber. @internal */
export type Sink = Subscriber<TopicMessage<TopicName>>;

/**
 * One subscription as the client holds it: a requested (topic, room, token) and
 * its subscribers. The entry itself is the identity the connection's intents carry.
 *
 * @internal
 */
export interface Entry {
  readonly topic: string;
  readonly room: string;
  readonly tokenRef: number;
  /** The `topic()` subscribers that share it (one, almost always). */
  sinks: Some<Sink> | undefined;
  /** The room the gateway named, once subscribed. */
  canonical: string | undefined;
  live: boolean;
  /** The connection of the pool whose subscription delivers its events (0 without a pool). */
  owner: number;
  /** A move to another connection of the pool, in progress or settling. */
  move: Move | undefined;
}

interface TokenRecord {
  readonly ref: number;
  readonly token: string;
  readonly tokenType: TokenType;
  entries: number;
}

/**
 * The user's subscriptions, keyed by (topic, room, token), and the tokens they
 * use, both reference counted, so that a backend rotating tokens holds only the
 * live ones. Tokens are known to the rest of the client by a number. It also
 * routes each `message` with one lookup: to the entries that requested its room,
 * and to those whose canonical room it is.
 *
 * @internal
 */
export class Registry {
  private readonly entries = new SlotMap<Some<Entry>>();
  /** Entries whose canonical room differs from the requested one, by canonical room. */
  private readonly aliased = new SlotMap<Some<Entry>>();
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly tokenByRef = new Map<number, TokenRecord>();
  private nextTokenRef = 1;
  private count = 0;

  constructor(private readonly onToken: (token: string, live: boolean) => void) {}

  get size(): number {
    return this.count;
  }

  /** The entry of (topic, room, token), created when missing. */
  acquire(topic: string, room: string, token: string, tokenType: TokenType): Entry {
    const tokenKey = tokenType + '\u0000' + token;
    let record = this.tokens.get(tokenKey);
    const ref = record?.ref;
    const found = all(this.entries.get(topic, room)).find((e) => e.tokenRef === ref);
    if (found) return found;
    if (!record) {
      // Stryker disable next-line UpdateOperator: a token ref is an identity, compared only for equality (never ordered, hashed or tested for truth)
      record = { ref: this.nextTokenRef++, token, tokenType, entries: 0 };
      this.tokens.set(tokenKey, record);
      this.tokenByRef.set(record.ref, record);
      this.onToken(token, true);
    }
    record.entries++;
    const entry: Entry = { topic, room, tokenRef: record.ref, sinks: undefined, canonical: undefined, live: true, owner: 0, move: undefined };
    this.entries.set(topic, room, add(this.entries.get(topic, room), entry));
    this.count++;
    return entry;
  }

  /** The gateway named the canonical room of an entry. */
  canonical(entry: Entry, room: string): void {
    if (!entry.live || entry.canonical === room) return;
    // Stryker disable next-line ConditionalExpression: unroute(entry, undefined) finds no alias list and changes nothing
    if (entry.canonical !== undefined) this.unroute(entry, entry.canonical);
    entry.canonical = room;
    if (room !== entry.room) this.aliased.set(entry.topic, room, add(this.aliased.get(entry.topic, room), entry));
  }

  /** Forgets an entry (and its token when no entry uses it any more). Returns whether it was live. */
  remove(entry: Entry): boolean {
    if (!entry.live) return false;
    entry.live = false;
    this.count--;
    const rest = without(this.entries.get(entry.topic, entry.room), entry);
    if (rest === undefined) this.entries.delete(entry.topic, entry.room);
    else this.entries.set(entry.topic, entry.room, rest);
    // Stryker disable next-line ConditionalExpression: unroute(entry, undefined) finds no alias list and changes nothing
    if (entry.canonical !== undefined) this.unroute(entry, entry.canonical);
    const record = this.tokenByRef.get(entry.tokenRef);
    if (record && --record.entries === 0) {
      this.tokenByRef.delete(record.ref);
      this.tokens.delete(record.tokenType + '\u0000' + record.token);
      this.onToken(record.token, false);
    }
    return true;
  }

  tokenOf(ref: number): { token: string; tokenType: TokenType } | undefined {
    return this.tokenByRef.get(ref);
  }

  *values(): IterableIterator<Entry> {
    for (const some of this.entries.values()) yield* all(some);
  }

  /**
   * Delivers a message to the subscribers of its (topic, room); a frame without a room goes to every
   * room of the topic. With a `gate` (a pool), only the entries it admits get it.
   */
  route(topic: string, room: string | undefined, message: TopicMessage<TopicName>, gate?: (entry: Entry) => boolean): void {
    if (room === undefined) return this.routeTopic(topic, message, gate);
    const direct = this.entries.get(topic, room);
    // Stryker disable next-line ConditionalExpression: get() on an empty alias map is undefined too; the check only spares the lookup (`-> true`, which alias specs kill, is hidden with it)
    const aliased = this.aliased.size === 0 ? undefined : this.aliased.get(topic, room);
    // Stryker disable next-line ConditionalExpression,BlockStatement: a fast path for one entry; the loop below delivers the same entry, through the same gate (`-> true` mutants, which route arrays and are killed, are hidden with it)
    if (direct !== undefined && !Array.isArray(direct) && aliased === undefined) {
      if (gate === undefined || gate(direct as unknown as Entry)) deliver(direct as unknown as Entry, message);
      return;
    }
    for (const entry of [...all<Entry>(direct), ...all<Entry>(aliased)]) if (gate === undefined || gate(entry)) deliver(entry, message);
  }

  private routeTopic(topic: string, message: TopicMessage<TopicName>, gate: ((entry: Entry) => boolean) | undefined): void {
    for (const some of [...this.entries.ofTopic(topic).values()]) {
      for (const entry of all(some)) if (gate === undefined || gate(entry)) deliver(entry, { ...message, room: entry.canonical ?? entry.room });
    }
  }

  /** Takes an entry out of the alias list of `room` (where an entry whose canonical room is its own never is: then nothing changes). */
  private unroute(entry: Entry, room: string): void {
    const rest = without(this.aliased.get(entry.topic, room), entry);
    if (rest === undefined) this.aliased.delete(entry.topic, room);
    else this.aliased.set(entry.topic, room, rest);
  }
}

/** Hands a message to an entry's subscribers. @internal */
export function deliver(entry: Entry, message: TopicMessage<TopicName>): void {
  const sinks = entry.sinks;
  if (sinks === undefined) return;
  if (!Array.isArray(sinks)) return (sinks as Sink).next(message);
  for (const sink of [...(sinks as readonly Sink[])]) sink.next(message);
}

/** Adds a subscriber; returns whether it is the entry's first. @internal */
export function addSink(entry: Entry, sink: Sink): boolean {
  entry.sinks = add(entry.sinks, sink);
  return count(entry.sinks) === 1;
}

/** Removes a subscriber; returns whether it was the entry's last. @internal */
export function removeSink(entry: Entry, sink: Sink): boolean {
  entry.sinks = without(entry.sinks, sink);
  return entry.sinks === undefined;
}

/** Every subscriber of an entry (a copy). @internal */
export function sinksOf(entry: Entry): readonly Sink[] {
  return [...all(entry.sinks)];
}
