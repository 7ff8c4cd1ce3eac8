import * as t from 'io-ts';
import { PAYLOAD_CODECS } from './payloadCodecs';
import { TOPIC_SCOPES, isKnownTopic, topicScope } from './topicScopes';
import type { KnownTopic } from './topicScopes';

export { TOPIC_SCOPES, isKnownTopic, topicScope };
export type { KnownTopic };

/** A topic's entry in {@link TOPICS}: the scope a token needs, and the payload codec. @category Topics */
export interface TopicSpec<C extends t.Mixed = t.Mixed> {
  /** The scope a token needs to subscribe; `null` when any authenticated token may. */
  readonly scope: string | null;
  /** The codec of the `data` of this topic's `message` frames. */
  readonly payload: C;
  /** `true` when the gateway's documentation shows no example payload (the codec accepts anything). */
  readonly undocumentedPayload?: true;
}

type SpecOf<K extends KnownTopic> = K extends keyof typeof PAYLOAD_CODECS ? TopicSpec<(typeof PAYLOAD_CODECS)[K]> : TopicSpec<t.UnknownC>;

function buildTopics(): { readonly [K in KnownTopic]: SpecOf<K> } {
  const codecs: Partial<Record<string, t.Mixed>> = PAYLOAD_CODECS;
  const entries = Object.entries(TOPIC_SCOPES).map(([name, scope]) => {
    const payload = codecs[name];
    return [name, payload ? { scope, payload } : { scope, payload: t.unknown, undocumentedPayload: true }];
  });
  return Object.fromEntries(entries) as { readonly [K in KnownTopic]: SpecOf<K> };
}

/**
 * Every topic the gateway documents, with its required scope and payload codec.
 * Topics without a documented payload decode as `unknown`. (The client needs
 * only the scopes; the codecs alone are `PAYLOAD_CODECS` in `astro-rx/payloads`.)
 *
 * @category Topics
 */
export const TOPICS = buildTopics();

/** Any topic name: a documented one (with editor completion), or any other string. @category Topics */
export type TopicName = KnownTopic | (string & { readonly __topic?: never });

/**
 * The payload type of a topic: the decoded type of its codec for a documented
 * topic, `unknown` for any other name. A type only: it costs nothing in a bundle.
 *
 * @example
 * ```ts
 * import type { TopicPayload } from 'astro-rx';
 * type Tip = TopicPayload<'channel.tips'>; // { donation: { amount: number; currency: string; … }; … }
 * ```
 * @category Topics
 */
export type TopicPayload<T extends string> = T extends keyof typeof PAYLOAD_CODECS ? t.TypeOf<(typeof PAYLOAD_CODECS)[T]> : unknown;
