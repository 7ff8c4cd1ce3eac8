import { DestroyRef, Injectable, inject } from '@angular/core';
import { createAstroClient, type TopicMessage, type TopicName, type TopicOptions } from 'astro-rx';
import { type Observable, map, scan, shareReplay, startWith } from 'rxjs';
import { ASTRO_CONFIG } from './astro.config';

/**
 * One Astro client for the app (or for a component subtree, when listed in a
 * component's `providers`), exposing topics as Observables for the `async` pipe.
 *
 * Nothing connects until a template subscribes: the first subscriber of a topic
 * sends `subscribe`, the last to leave sends `unsubscribe`, and the socket
 * closes when no topic is watched. When the injector that created the service
 * is destroyed (the app, or the component that provides it), the client closes.
 */
@Injectable({ providedIn: 'root' })
export class AstroService {
  private readonly config = inject(ASTRO_CONFIG);
  private readonly client = createAstroClient(this.config);

  /** `idle`, `connecting`, `open`, `reconnecting` or `closed`; replays the current one. */
  readonly status$: Observable<string> = this.client.state$.pipe(map((s) => s.status));

  /** The channel's tips, as they arrive. */
  readonly tips$: Observable<TopicMessage<'channel.tips'>> = this.client.topic('channel.tips', { room: this.config.room });

  /** Follows, subs, cheers, raids… of the channel. */
  readonly activities$: Observable<TopicMessage<'channel.activities'>> = this.client.topic('channel.activities', { room: this.config.room });

  /**
   * The ten latest tips, newest first. `shareReplay` with `refCount` lets several
   * templates share one subscription and still unsubscribe when all are gone.
   */
  readonly recentTips$: Observable<readonly TopicMessage<'channel.tips'>[]> = this.tips$.pipe(
    scan((list: readonly TopicMessage<'channel.tips'>[], tip) => [tip, ...list].slice(0, 10), []),
    startWith([] as readonly TopicMessage<'channel.tips'>[]),
    shareReplay({ bufferSize: 1, refCount: true }),
  );

  constructor() {
    inject(DestroyRef).onDestroy(() => this.client.close());
  }

  /** Any other topic of the channel (or of another room, with `options.room`). */
  topic<T extends TopicName>(topic: T, options: TopicOptions = {}): Observable<TopicMessage<T>> {
    return this.client.topic(topic, { room: this.config.room, ...options });
  }
}
