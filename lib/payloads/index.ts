/**
 * `astro-rx/payloads`: the io-ts codecs of the topics' payloads, for payload
 * validation. Validation is opt-in and per topic, and an application that does
 * not validate never ships these codecs (nor io-ts's combinators): the client
 * in `astro-rx` knows topic names and scopes only.
 *
 * @example
 * ```ts
 * import { createAstroClient } from 'astro-rx';
 * import { PAYLOAD_CODECS, TipPayload } from 'astro-rx/payloads';
 * // every documented topic
 * const all = createAstroClient({ token, validatePayloads: PAYLOAD_CODECS });
 * // only tips: the bundle holds only TipPayload's codec
 * const tips = createAstroClient({ token, validatePayloads: { 'channel.tips': TipPayload } });
 * ```
 *
 * @packageDocumentation
 * @module astro-rx/payloads
 */

export { PAYLOAD_CODECS } from '../protocol/payloadCodecs';
export type { PayloadCodec, PayloadCodecs } from '../protocol/payloadCodecs';
export {
  ActivityType,
  ActivityProvider,
  ActivityPayload,
  TipApproval,
  TipPayload,
  SessionUpdatePayload,
  SessionResetPayload,
  ChatMessagePayload,
  ChatbotStatusPayload,
  PyramidPayload,
  EmoteComboPayload,
  ChatbotTimeoutPayload,
  CounterPayload,
  StreamStatusPayload,
  OverlayActionType,
  OverlayActionPayload,
  OverlayBroadcastPayload,
  OverlayUpdatePayload,
  KvStorePayload,
  EventEnvelopePayload,
  GiveawayPayload,
} from '../protocol/payloads';
