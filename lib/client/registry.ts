import { Subject } from 'rxjs';
import type { TokenType } from '../protocol/tokenType';
import type { TopicName } from '../protocol/topics';
import { slotKey, subscriptionKey } from '../connection/subscriptionKey';
import type { TopicMessage } from './types';

/** One subscription as the client holds it: a requested (topic, room, token) and its subscribers. @internal */
export interface Entry {
  readonly id: number;
  readonly key: string;
  readonly topic: string;
  readonly room: string;
  readonly tokenRef: number;
  readonly subject: Subject<TopicMessage<TopicName>>;
  /** How many `topic()` subscribers share it. */
  refs: number;
  /** The room the gateway named, once subscribed. */
  canonical?: string;
}

interface TokenRecord {
  readonly ref: number;
  readonly token: string;
  readonly tokenType: TokenType;
  entries: number;
}

/**
 * The user's subscriptions: entries keyed by (topic, room, token), reference
 * counted, and the tokens they use, reference counted too, so that a backend
 * rotating tokens holds only the live ones. Tokens are known to the rest of the
 * client by a number (`tokenRef`).
 *
 * @internal
 */
export class Registry {
  private readonly entries = new Map<string, Entry>();
  private readonly byId = new Map<number, Entry>();
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly tokenByRef = new Map<number, TokenRecord>();
  private nextId = 1;
  private nextTokenRef = 1;

  constructor(private readonly onToken: (token: string, live: boolean) => void) {}

  get size(): number {
    return this.entries.size;
  }

  /** The entry of (topic, room, token), created when missing; `created` tells which. */
  acquire(topic: string, room: string, token: string, tokenType: TokenType): { entry: Entry; created: boolean } {
    const tokenKey = tokenType + '\u0000' + token;
    let record = this.tokens.get(tokenKey);
    const key = record ? subscriptionKey(topic, room, record.ref) : undefined;
    const found = key === undefined ? undefined : this.entries.get(key);
    if (found) return { entry: found, created: false };
    if (!record) {
      record = { ref: this.nextTokenRef++, token, tokenType, entries: 0 };
      this.tokens.set(tokenKey, record);
      this.tokenByRef.set(record.ref, record);
      this.onToken(token, true);
    }
    record.entries++;
    const entry: Entry = { id: this.nextId++, key: subscriptionKey(topic, room, record.ref), topic, room, tokenRef: record.ref, subject: new Subject(), refs: 0 };
    this.entries.set(entry.key, entry);
    this.byId.set(entry.id, entry);
    return { entry, created: true };
  }

  /** Forgets an entry (and its token when no entry uses it any more). Returns whether it was there. */
  remove(entry: Entry): boolean {
    if (this.byId.get(entry.id) !== entry) return false;
    this.entries.delete(entry.key);
    this.byId.delete(entry.id);
    const record = this.tokenByRef.get(entry.tokenRef);
    if (record && --record.entries === 0) {
      this.tokenByRef.delete(record.ref);
      this.tokens.delete(record.tokenType + '\u0000' + record.token);
      this.onToken(record.token, false);
    }
    return true;
  }

  get(id: number): Entry | undefined {
    return this.byId.get(id);
  }

  tokenOf(ref: number): { token: string; tokenType: TokenType } | undefined {
    return this.tokenByRef.get(ref);
  }

  /** How many distinct tokens are live. */
  get tokenCount(): number {
    return this.tokens.size;
  }

  values(): IterableIterator<Entry> {
    return this.byId.values();
  }
}

/**
 * Routes each `message` to the entries of its (topic, room) with one `Map`
 * lookup. An entry is routed under its requested room at once (messages may
 * precede the subscribe answer) and under its canonical room once known.
 *
 * @internal
 */
export class Router {
  private readonly routes = new Map<string, Entry | Entry[]>();
  private readonly byTopic = new Map<string, Set<Entry>>();

  add(entry: Entry, room: string): void {
    const key = slotKey(entry.topic, room);
    const current = this.routes.get(key);
    if (current === undefined) this.routes.set(key, entry);
    else if (Array.isArray(current)) {
      if (!current.includes(entry)) current.push(entry);
    } else if (current !== entry) this.routes.set(key, [current, entry]);
    let set = this.byTopic.get(entry.topic);
    if (!set) this.byTopic.set(entry.topic, (set = new Set()));
    set.add(entry);
  }

  remove(entry: Entry): void {
    for (const room of entry.canonical === undefined ? [entry.room] : [entry.room, entry.canonical]) {
      const key = slotKey(entry.topic, room);
      const current = this.routes.get(key);
      if (current === entry) this.routes.delete(key);
      else if (Array.isArray(current)) {
        const rest = current.filter((e) => e !== entry);
        if (rest.length === 0) this.routes.delete(key);
        else this.routes.set(key, rest.length === 1 ? (rest[0] as Entry) : rest);
      }
    }
    const set = this.byTopic.get(entry.topic);
    set?.delete(entry);
    if (set?.size === 0) this.byTopic.delete(entry.topic);
  }

  /** Delivers a message; returns how many entries got it. */
  route(topic: string, room: string | undefined, message: TopicMessage<TopicName>): number {
    if (room !== undefined) {
      const target = this.routes.get(slotKey(topic, room));
      if (target === undefined) return 0;
      if (!Array.isArray(target)) {
        target.subject.next(message);
        return 1;
      }
      for (const entry of [...target]) entry.subject.next(message);
      return target.length;
    }
    // No room on the frame (common in the gateway's own examples): every room of the topic gets it.
    const set = this.byTopic.get(topic);
    if (!set) return 0;
    for (const entry of [...set]) entry.subject.next({ ...message, room: entry.canonical ?? entry.room });
    return set.size;
  }
}
