import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import { pick, randomActivity, randomSessionUpdate } from './activity';
/**
 * A feed that publishes random activities (activity.ts) and the session updates
 * they cause, on a scheduler's clock.
 */

/** Topics the activity feed can publish. @category Testing */
export const ACTIVITY_FEED_TOPICS = ['channel.activities', 'channel.session.update'] as const;

/** Options of {@link startActivityFeed} (and of `Emulator.startActivity`). @category Testing */
export interface ActivityFeedOptions {
  /** The rooms (channel ids) to publish to; each event goes to one of them at random. */
  readonly rooms: readonly string[];
  /**
   * The mean delay between events; each delay is uniform in `[0.5, 1.5] × intervalMs`.
   * @defaultValue 1000
   */
  readonly intervalMs?: number;
  /**
   * Which of {@link ACTIVITY_FEED_TOPICS} to publish. With both, every activity
   * is followed by the session update it causes.
   * @defaultValue both
   */
  readonly topics?: readonly string[];
}

/**
 * Publishes random activities (and their session updates) through `publish`
 * until the returned function is called.
 *
 * @param publish Where the events go: `(topic, room, data)`.
 * @param random A source of numbers in `[0, 1)`. @defaultValue `Math.random`
 * @param scheduler The clock of the feed's timer and of the activities' creation time. @defaultValue `asyncScheduler`
 * @returns stop: clears the timer (idempotent).
 * @example A live-looking demo channel
 * ```ts
 * import { startEmulator, startActivityFeed } from 'astro-rx/testing';
 * const emulator = await startEmulator();
 * const stop = startActivityFeed((topic, room, data) => emulator.publish(topic, room, data), { rooms: ['demo'], intervalMs: 500 });
 * // … later
 * stop();
 * ```
 * @category Testing
 */
export function startActivityFeed(
  publish: (topic: string, room: string, data: unknown) => void,
  options: ActivityFeedOptions,
  random: () => number = Math.random,
  scheduler: SchedulerLike = asyncScheduler,
): () => void {
  const rooms = options.rooms;
  const intervalMs = options.intervalMs ?? 1000;
  const topics = options.topics ?? ACTIVITY_FEED_TOPICS;
  if (!Array.isArray(rooms) || rooms.length === 0 || rooms.some((r) => typeof r !== 'string')) {
    throw new TypeError('startActivity: rooms must be a non-empty array of strings');
  }
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) {
    throw new TypeError(`startActivity: intervalMs must be a positive number, got ${intervalMs}`);
  }
  const unsupported = topics.filter((t) => !(ACTIVITY_FEED_TOPICS as readonly string[]).includes(t));
  if (topics.length === 0 || unsupported.length > 0) {
    throw new TypeError(`startActivity: topics must be among ${ACTIVITY_FEED_TOPICS.join(', ')}, got ${JSON.stringify(topics)}`);
  }
  const activities = topics.includes('channel.activities');
  const sessions = topics.includes('channel.session.update');
  const counts = new Map<string, number>();
  let timer: Subscription | undefined;
  let stopped = false;

  const tick = (): void => {
    const room = pick(random, rooms);
    const count = (counts.get(room) ?? 0) + 1;
    counts.set(room, count);
    const activity = randomActivity(random, { channel: room, sessionEventsCount: count, now: scheduler.now() });
    if (activities) publish('channel.activities', room, activity);
    if (sessions) publish('channel.session.update', room, randomSessionUpdate(random, activity));
  };
  const schedule = (): void => {
    timer = scheduler.schedule(() => {
      if (stopped) return;
      tick();
      schedule();
    }, intervalMs * (0.5 + random()));
  };
  schedule();
  return () => {
    stopped = true;
    timer?.unsubscribe();
    timer = undefined;
  };
}
