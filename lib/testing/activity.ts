/**
 * Realistic, random `channel.activities` and `channel.session.update` payloads,
 * shaped like the documented examples (the feed that publishes them: activityFeed.ts).
 */

/** A `channel.activities` payload as the emulator generates it. @category Testing */
export interface GeneratedActivity {
  readonly type: string;
  readonly provider: 'twitch' | 'youtube' | 'kick';
  readonly channel: string;
  readonly data: {
    readonly username: string;
    readonly displayName: string;
    readonly providerId: string;
    readonly avatar: string;
    readonly amount?: number;
    readonly currency?: string;
    readonly message?: string;
    readonly tier?: string;
    readonly gifted?: boolean;
  };
  readonly _id: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly activityId: string;
  readonly sessionEventsCount: number;
}

/** A `channel.session.update` payload: `{ key, data }`. @category Testing */
export interface GeneratedSessionUpdate {
  readonly key: string;
  readonly data: Record<string, unknown>;
}

/** Options of {@link randomActivity}. @category Testing */
export interface RandomActivityOptions {
  /** The channel id the activity belongs to. @defaultValue a random 24-hex-digit id */
  readonly channel?: string;
  /** The value of `sessionEventsCount`. @defaultValue a random count */
  readonly sessionEventsCount?: number;
  /** Force the activity type (one of {@link GENERATED_ACTIVITY_TYPES}). @defaultValue weighted random */
  readonly type?: GeneratedActivityType;
  /** The creation time, in milliseconds since the epoch. @defaultValue `Date.now()` */
  readonly now?: number;
}

type Provider = GeneratedActivity['provider'];

interface TypeSpec {
  readonly weight: number;
  readonly providers: readonly Provider[];
  readonly extra: (random: () => number, provider: Provider) => Partial<GeneratedActivity['data']>;
}

const MESSAGES = [
  'love the stream!', 'GG', 'first time here, this is great', 'hype hype hype', 'keep it up!',
  'for the snacks', 'PogChamp', 'greetings from Lisbon', '', 'that clutch was insane',
];
const ADJECTIVES = ['happy', 'sneaky', 'cosmic', 'lazy', 'brave', 'pixel', 'turbo', 'mellow', 'salty', 'quantum'];
const NOUNS = ['otter', 'falcon', 'noodle', 'wizard', 'panda', 'gamer', 'toaster', 'ninja', 'cactus', 'llama'];
const CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD'];
const TWITCH_TIERS = ['1000', '1000', '1000', '2000', '3000', 'prime'];

const TYPES = {
  follow: { weight: 30, providers: ['twitch', 'kick'], extra: () => ({}) },
  subscriber: {
    weight: 15,
    providers: ['twitch', 'youtube', 'kick'],
    extra: (r, provider) => ({
      amount: 1 + Math.floor(r() * 36),
      ...(provider === 'twitch' ? { tier: pick(r, TWITCH_TIERS) } : {}),
      message: pick(r, MESSAGES),
      ...(r() < 0.2 ? { gifted: true } : {}),
    }),
  },
  tip: {
    weight: 12,
    providers: ['twitch', 'youtube', 'kick'],
    extra: (r) => ({ amount: money(r, 1, 100), currency: pick(r, CURRENCIES), message: pick(r, MESSAGES) }),
  },
  cheer: {
    weight: 10,
    providers: ['twitch'],
    extra: (r) => ({ amount: pick(r, [1, 50, 100, 100, 500, 1000, 5000]), message: `Cheer100 ${pick(r, MESSAGES)}`.trim() }),
  },
  raid: { weight: 5, providers: ['twitch', 'kick'], extra: (r) => ({ amount: 2 + Math.floor(r() * 500) }) },
  host: { weight: 3, providers: ['twitch'], extra: (r) => ({ amount: 1 + Math.floor(r() * 200) }) },
  superchat: {
    weight: 6,
    providers: ['youtube'],
    extra: (r) => ({ amount: money(r, 2, 500), currency: pick(r, CURRENCIES), message: pick(r, MESSAGES) }),
  },
  sponsor: { weight: 5, providers: ['youtube'], extra: (r) => ({ amount: 1 + Math.floor(r() * 24), message: pick(r, MESSAGES) }) },
  communityGiftPurchase: {
    weight: 4,
    providers: ['twitch', 'kick'],
    extra: (r, provider) => ({
      amount: pick(r, [1, 5, 5, 10, 20, 50]),
      ...(provider === 'twitch' ? { tier: pick(r, ['1000', '1000', '2000', '3000']) } : {}),
    }),
  },
} as const satisfies Record<string, TypeSpec>;

/** An activity type the generator can produce. @category Testing */
export type GeneratedActivityType = keyof typeof TYPES;

/** Every activity type the generator produces. @category Testing */
export const GENERATED_ACTIVITY_TYPES = Object.keys(TYPES) as readonly GeneratedActivityType[];

const TOTAL_WEIGHT = GENERATED_ACTIVITY_TYPES.reduce((n, t) => n + TYPES[t].weight, 0);

/**
 * A random `channel.activities` payload, shaped like the documented `follow`
 * example (`type`, `provider`, `channel`, `data{username, displayName,
 * providerId, avatar}`, `_id`, `createdAt`, `updatedAt`, `activityId`,
 * `sessionEventsCount`), with `amount`/`message`/`currency`/`tier` where the
 * type has them. Deterministic for a given `random` and `options.now`.
 *
 * @example
 * ```ts
 * import { randomActivity } from 'astro-rx/testing';
 * randomActivity(Math.random, { channel: '603abc123', type: 'tip' });
 * // { type: 'tip', provider: 'youtube', channel: '603abc123', data: { username: 'cosmicotter42', amount: 12.5, … }, … }
 * ```
 * @param random A source of numbers in `[0, 1)`.
 * @category Testing
 */
export function randomActivity(random: () => number, options: RandomActivityOptions = {}): GeneratedActivity {
  const type = options.type ?? weightedType(random);
  const spec: TypeSpec = TYPES[type];
  if (!spec) throw new TypeError(`randomActivity: unknown type ${JSON.stringify(type)}`);
  const provider = pick(random, spec.providers);
  const base = `${pick(random, ADJECTIVES)}${pick(random, NOUNS)}`;
  const username = `${base}${Math.floor(random() * 1000)}`;
  const displayName = random() < 0.5 ? username : capitalize(username);
  const providerId = providerIdFor(random, provider);
  const id = hex(random, 24);
  const created = new Date(options.now ?? Date.now()).toISOString();
  return {
    type,
    provider,
    channel: options.channel ?? hex(random, 24),
    data: { username, displayName, providerId, avatar: avatarFor(random, provider, providerId), ...spec.extra(random, provider) },
    _id: id,
    createdAt: created,
    updatedAt: created,
    activityId: id,
    sessionEventsCount: options.sessionEventsCount ?? 1 + Math.floor(random() * 50),
  };
}

/**
 * A random `channel.session.update` payload `{ key, data }` (keys in the style
 * of the documented `latest_follower`). Given an activity, the update is the
 * one that activity causes (`latest_<kind>` with its name and amount).
 *
 * @example
 * ```ts
 * import { randomActivity, randomSessionUpdate } from 'astro-rx/testing';
 * const follow = randomActivity(Math.random, { type: 'follow' });
 * randomSessionUpdate(Math.random, follow); // { key: 'latest_follower', data: { name: follow.data.username } }
 * ```
 * @param random A source of numbers in `[0, 1)`.
 * @param activity The activity the update follows from; a random one when absent.
 * @category Testing
 */
export function randomSessionUpdate(random: () => number, activity?: GeneratedActivity): GeneratedSessionUpdate {
  const a = activity ?? randomActivity(random);
  const name = a.data.username;
  const amount = a.data.amount;
  const message = a.data.message;
  switch (a.type) {
    case 'follow':
      return { key: 'latest_follower', data: { name } };
    case 'subscriber':
      return { key: 'latest_subscriber', data: { name, amount, ...(a.data.tier ? { tier: a.data.tier } : {}), ...(a.data.gifted ? { gifted: true } : {}) } };
    case 'tip':
    case 'superchat':
      return { key: 'latest_tip', data: { name, amount, message } };
    case 'cheer':
      return { key: 'latest_cheer', data: { name, amount, message } };
    case 'sponsor':
      return { key: 'latest_sponsor', data: { name, amount } };
    case 'communityGiftPurchase':
      return { key: 'latest_community_gift', data: { name, amount } };
    default:
      return { key: `latest_${a.type}`, data: { name, ...(amount !== undefined ? { amount } : {}) } };
  }
}

function weightedType(random: () => number): GeneratedActivityType {
  let n = random() * TOTAL_WEIGHT;
  for (const t of GENERATED_ACTIVITY_TYPES) {
    n -= TYPES[t].weight;
    if (n < 0) return t;
  }
  return 'follow';
}

/** One of `values`, uniformly. @internal */
export function pick<T>(random: () => number, values: readonly T[]): T {
  const value = values[Math.min(values.length - 1, Math.floor(random() * values.length))];
  return value as T;
}

function hex(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

function digits(random: () => number, length: number): string {
  let out = String(1 + Math.floor(random() * 9));
  for (let i = 1; i < length; i++) out += String(Math.floor(random() * 10));
  return out;
}

function money(random: () => number, min: number, max: number): number {
  return Math.round((min + random() * (max - min)) * 100) / 100;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function providerIdFor(random: () => number, provider: Provider): string {
  if (provider === 'youtube') {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    let id = 'UC';
    for (let i = 0; i < 22; i++) id += alphabet.charAt(Math.floor(random() * alphabet.length));
    return id;
  }
  return digits(random, provider === 'twitch' ? 8 : 7);
}

function avatarFor(random: () => number, provider: Provider, providerId: string): string {
  switch (provider) {
    case 'twitch':
      return 'https://static-cdn.jtvnw.net/user-default-pictures-uv/13e5fa74-defa-11e9-809c-784f43822e80-profile_image-300x300.png';
    case 'youtube':
      return `https://yt3.ggpht.com/ytc/${hex(random, 32)}=s88-c-k-c0x00ffffff-no-rj`;
    case 'kick':
      return `https://files.kick.com/images/user/${providerId}/profile_image/conversion/${hex(random, 8)}-fullsize.webp`;
  }
}
