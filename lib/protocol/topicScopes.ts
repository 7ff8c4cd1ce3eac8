/**
 * The topic registry without codecs: every documented topic's name and the
 * scope a token needs. The client needs only this; the payload codecs are in
 * `payloadCodecs.ts` (`astro-rx/payloads`), so a bundle that does not validate
 * payloads never ships them.
 */

/**
 * Every topic the gateway documents, with the scope a token needs to subscribe
 * (`null`: any authenticated token of the channel).
 *
 * @category Topics
 */
export const TOPIC_SCOPES = {
  'channel.activities': 'activities:read',
  'channel.announcements': 'channel:read',
  'channel.chatstats': null,
  'channel.tips': 'tips:read',
  'channel.tips.moderation': 'tips:moderation',
  'channel.chat.message': 'overlays:read',
  'channel.session.update': 'session:read',
  'channel.session.reset': 'session:read',
  'channel.chatbot.status': 'bot:read',
  'channel.chatbot.modules.pyramid': 'bot:read',
  'channel.chatbot.modules.emotecombo': 'bot:read',
  'channel.chatbot.modules': 'bot:read',
  'channel.chatbot.commands': 'bot:read',
  'channel.chatbot.timers': 'bot:read',
  'channel.chatbot.counters': null,
  'channel.chatbot.filters': 'bot:read',
  'channel.chatbot.timeout': 'bot:read',
  'channel.stream.status': 'stream-live:read',
  'channel.overlay.action': 'overlays:read',
  'channel.overlay.broadcast': 'overlays:broadcast',
  'channel.overlay.update': 'overlays:read',
  'channel.kvstore.update': 'kvstore:read',
  'channel.songrequest': 'overlays:read',
  'channel.contests': null,
  'channel.giveaways': null,
  'channel.loyalty.redemptions': 'store:read',
  'channel.loyalty.items': 'store:read',
} as const satisfies Record<string, string | null>;

/** The name of a documented topic. @category Topics */
export type KnownTopic = keyof typeof TOPIC_SCOPES;

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
  return Object.prototype.hasOwnProperty.call(TOPIC_SCOPES, name);
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
  return isKnownTopic(name) ? TOPIC_SCOPES[name] : undefined;
}
