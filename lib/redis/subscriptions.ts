/**
 * The gateway side of a worker (an effect edge): one `client.topic()`
 * subscription per desired key it serves, with the token resolved through
 * `tokenFor(ref)`. A key counts as subscribed at the gateway's success response
 * for its topic and room, or at its first event.
 */
import { defer, filter, from, switchMap, type Subscription } from 'rxjs';
import type { AstroClient, TopicMessage } from '../client/types';
import type { TopicName } from '../protocol/topics';
import { AstroError } from '../errors/astroError';
import type { DesiredKey } from './keys';

/** Resolves a token reference to a token (env, a file, a secrets manager). @category Redis */
export type TokenFor = (ref: string) => string | undefined | Promise<string | undefined>;

export interface KeySubscriptions {
  subscribe(id: string, key: DesiredKey): void;
  unsubscribe(id: string): void;
  /** The keys subscribed now (pending or confirmed). */
  keys(): DesiredKey[];
  close(): void;
}

export interface KeySubscriptionsHooks {
  readonly onMessage: (message: TopicMessage<string>) => void;
  readonly onConfirmed: (id: string) => void;
  readonly onFailed: (id: string, error: unknown) => void;
}

export function keySubscriptions(client: AstroClient, tokenFor: TokenFor, hooks: KeySubscriptionsHooks): KeySubscriptions {
  const live = new Map<string, { key: DesiredKey; sub: Subscription; confirmed: boolean }>();
  const confirm = (id: string) => {
    const entry = live.get(id);
    if (!entry || entry.confirmed) return;
    entry.confirmed = true;
    hooks.onConfirmed(id);
  };
  const responses = client.frames$
    .pipe(filter((f) => f.type === 'response' && f.error === undefined && typeof f.data === 'object' && f.data !== null))
    .subscribe((f) => {
      const data = (f as { data: { topic?: string; room?: string } }).data;
      for (const [id, entry] of live) if (entry.key.topic === data.topic && entry.key.room === data.room) confirm(id);
    });
  return {
    subscribe(id, key) {
      if (live.has(id)) return;
      const token$ = defer(() => from(Promise.resolve().then(() => tokenFor(key.ref))));
      const entry = { key, sub: undefined as unknown as Subscription, confirmed: false };
      live.set(id, entry);
      entry.sub = token$
        .pipe(
          switchMap((token) => {
            if (typeof token !== 'string' || token === '') throw new AstroError('invalid_argument', `no token for the reference ${JSON.stringify(key.ref)}`, { topic: key.topic, room: key.room });
            return client.topic(key.topic as TopicName, { room: key.room, token });
          }),
        )
        .subscribe({
          next: (message) => {
            confirm(id);
            hooks.onMessage(message as TopicMessage<string>);
          },
          error: (e: unknown) => {
            if (live.get(id) === entry) live.delete(id);
            hooks.onFailed(id, e);
          },
        });
    },
    unsubscribe(id) {
      live.get(id)?.sub.unsubscribe();
      live.delete(id);
    },
    keys: () => [...live.values()].map((e) => e.key),
    close() {
      for (const entry of live.values()) entry.sub.unsubscribe();
      live.clear();
      responses.unsubscribe();
    },
  };
}
