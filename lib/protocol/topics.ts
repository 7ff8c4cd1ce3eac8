import * as t from 'io-ts';
import * as P from './payloads';

/** A topic's entry in {@link TOPICS}: the scope a token needs, and the payload codec. @category Topics */
export interface TopicSpec<C extends t.Mixed = t.Mixed> {
  /** The scope a token needs to subscribe; `null` when any authenticated token may. */
  readonly scope: string | null;
  /** The codec of the `data` of this topic's `message` frames. */
  readonly payload: C;
  /** `true` when the gateway's documentation shows no example payload (the codec accepts anything). */
  readonly undocumentedPayload?: true;
}

const spec = <C extends t.Mixed>(scope: string | null, payload: C): TopicSpec<C> => ({ scope, payload });
const untyped = (scope: string | null): TopicSpec<t.UnknownC> => ({ scope, payload: t.unknown, undocumentedPayload: true });

/**
 * Every topic the gateway documents, with its required scope and payload codec.
 * Topics without a documented payload decode as `unknown`.
 *
 * @category Topics
 */
export const TOPICS = {
  'channel.activities': spec('activities:read', P.ActivityPayload),
  'channel.announcements': untyped('channel:read'),
  'channel.chatstats': untyped(null),
  'channel.tips': spec('tips:read', P.TipPayload),
  'channel.tips.moderation': spec('tips:moderation', P.TipPayload),
  'channel.chat.message': spec('overlays:read', P.ChatMessagePayload),
  'channel.session.update': spec('session:read', P.SessionUpdatePayload),
  'channel.session.reset': spec('session:read', P.SessionResetPayload),
  'channel.chatbot.status': spec('bot:read', P.ChatbotStatusPayload),
  'channel.chatbot.modules.pyramid': spec('bot:read', P.PyramidPayload),
  'channel.chatbot.modules.emotecombo': spec('bot:read', P.EmoteComboPayload),
  'channel.chatbot.modules': untyped('bot:read'),
  'channel.chatbot.commands': untyped('bot:read'),
  'channel.chatbot.timers': untyped('bot:read'),
  'channel.chatbot.counters': spec(null, P.CounterPayload),
  'channel.chatbot.filters': untyped('bot:read'),
  'channel.chatbot.timeout': spec('bot:read', P.ChatbotTimeoutPayload),
  'channel.stream.status': spec('stream-live:read', P.StreamStatusPayload),
  'channel.overlay.action': spec('overlays:read', P.OverlayActionPayload),
  'channel.overlay.broadcast': spec('overlays:broadcast', P.OverlayBroadcastPayload),
  'channel.overlay.update': spec('overlays:read', P.OverlayUpdatePayload),
  'channel.kvstore.update': spec('kvstore:read', P.KvStorePayload),
  'channel.songrequest': spec('overlays:read', P.EventEnvelopePayload),
  'channel.contests': spec(null, P.EventEnvelopePayload),
  'channel.giveaways': spec(null, P.GiveawayPayload),
  'channel.loyalty.redemptions': untyped('store:read'),
  'channel.loyalty.items': untyped('store:read'),
} as const;

/** The name of a documented topic. @category Topics */
export type KnownTopic = keyof typeof TOPICS;

/** Any topic name: a documented one (with editor completion), or any other string. @category Topics */
export type TopicName = KnownTopic | (string & { readonly __topic?: never });

/**
 * The payload type of a topic: the decoded type of its codec for a documented
 * topic, `unknown` for any other name.
 *
 * @example
 * ```ts
 * import type { TopicPayload } from 'astro-rx';
 * type Tip = TopicPayload<'channel.tips'>; // { donation: { amount: number; currency: string; … }; … }
 * ```
 * @category Topics
 */
export type TopicPayload<T extends string> = T extends KnownTopic ? t.TypeOf<(typeof TOPICS)[T]['payload']> : unknown;

/**
 * Whether `name` is a documented topic.
 *
 * @example
 * ```ts
 * import { isKnownTopic } from 'astro-rx/protocol';
 * isKnownTopic('channel.tips'); // true
 * isKnownTopic('channel.polls'); // false: still subscribable, its data is `unknown`
 * ```
 * @category Topics
 */
export function isKnownTopic(name: string): name is KnownTopic {
  return Object.prototype.hasOwnProperty.call(TOPICS, name);
}

/**
 * The documented scope of a topic (`null`: none needed; `undefined`: unknown topic).
 *
 * @example
 * ```ts
 * import { topicScope } from 'astro-rx/protocol';
 * topicScope('channel.activities'); // 'activities:read'
 * topicScope('channel.chatbot.counters'); // null: any valid token of the channel
 * topicScope('channel.polls'); // undefined
 * ```
 * @category Topics
 */
export function topicScope(name: string): string | null | undefined {
  return isKnownTopic(name) ? TOPICS[name].scope : undefined;
}
