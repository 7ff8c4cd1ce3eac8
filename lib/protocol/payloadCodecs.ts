import type * as t from 'io-ts';
import * as P from './payloads';

/**
 * What payload validation needs of a codec: `is` (the fast check) and `decode`
 * (to say what is wrong). Every io-ts codec is one.
 *
 * @category Topics
 */
export type PayloadCodec = Pick<t.Decoder<unknown, unknown>, 'decode'> & { readonly is: t.Is<unknown> };

/**
 * The codecs `validatePayloads` checks `message` payloads against, by topic. A
 * topic that is not in the map is not checked. Pass {@link PAYLOAD_CODECS} to
 * check every documented topic, or a map of your own to check a few:
 *
 * ```ts
 * import { TipPayload } from 'astro-rx/payloads';
 * createAstroClient({ token, validatePayloads: { 'channel.tips': TipPayload } });
 * ```
 *
 * @category Topics
 */
export type PayloadCodecs = { readonly [topic: string]: PayloadCodec | undefined };

/**
 * The payload codec of every topic whose payload the gateway documents (the
 * others, whose codec would accept anything, are left out: they always pass).
 *
 * @example
 * ```ts
 * import { createAstroClient } from 'astro-rx';
 * import { PAYLOAD_CODECS } from 'astro-rx/payloads';
 * const client = createAstroClient({ token, validatePayloads: PAYLOAD_CODECS });
 * ```
 * @category Topics
 */
export const PAYLOAD_CODECS = {
  'channel.activities': P.ActivityPayload,
  'channel.tips': P.TipPayload,
  'channel.tips.moderation': P.TipPayload,
  'channel.chat.message': P.ChatMessagePayload,
  'channel.session.update': P.SessionUpdatePayload,
  'channel.session.reset': P.SessionResetPayload,
  'channel.chatbot.status': P.ChatbotStatusPayload,
  'channel.chatbot.modules.pyramid': P.PyramidPayload,
  'channel.chatbot.modules.emotecombo': P.EmoteComboPayload,
  'channel.chatbot.counters': P.CounterPayload,
  'channel.chatbot.timeout': P.ChatbotTimeoutPayload,
  'channel.stream.status': P.StreamStatusPayload,
  'channel.overlay.action': P.OverlayActionPayload,
  'channel.overlay.broadcast': P.OverlayBroadcastPayload,
  'channel.overlay.update': P.OverlayUpdatePayload,
  'channel.kvstore.update': P.KvStorePayload,
  'channel.songrequest': P.EventEnvelopePayload,
  'channel.contests': P.EventEnvelopePayload,
  'channel.giveaways': P.GiveawayPayload,
} as const;
