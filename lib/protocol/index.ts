/**
 * `astro-rx/protocol`: the Astro wire format as values, with no socket and no
 * RxJS: the io-ts codecs of every frame and payload, the total decoder
 * (`decodeFrame`) and its `DecodeFailure`s, the command builders, the topic
 * registry, and the pure policies the client applies (`isRetryable`,
 * `backoffDelay`, the command token bucket, nonces).
 *
 * Use it to decode frames yourself, to check payloads, or to speak the protocol
 * from other code; an application using the client needs only `astro-rx`.
 *
 * @packageDocumentation
 * @module astro-rx/protocol
 */

// enums
export type { OpenEnum, OpenEnumCodec } from './openEnum';
export { TokenType, normalizeTokenType } from './tokenType';
export { ErrorCode, KNOWN_ERROR_CODES, isRetryableErrorCode } from './errorCode';
export type { KnownErrorCode } from './errorCode';

// frames (server → client)
export { WelcomeFrame, ResponseFrame, MessageFrame, ReconnectFrame, ServerFrame, responseRoom, responseMessage } from './frames';
export type { ServerFrameType } from './frames';

// commands (client → server)
export { SubscribeCommand, UnsubscribeCommand, ClientCommand, subscribeCommand, unsubscribeCommand, withNonce, encodeCommand } from './commands';
export type { SubscribeArgs, UnsubscribeArgs } from './commands';

// topics and payloads
export { TOPICS, TOPIC_SCOPES, isKnownTopic, topicScope } from './topics';
export type { TopicSpec, KnownTopic, TopicName, TopicPayload } from './topics';
export { PAYLOAD_CODECS } from './payloadCodecs';
export type { PayloadCodec, PayloadCodecs } from './payloadCodecs';
export {
  ACTIVITY_TYPES,
  ActivityType,
  ACTIVITY_PROVIDERS,
  ActivityProvider,
  ActivityPayload,
  TipApproval,
  TipPayload,
  SessionUpdatePayload,
  sessionUpdateKey,
  SessionResetPayload,
  sessionSnapshot,
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
} from './payloads';

// decoding
export { decodeFrameValue, DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_DEPTH } from './decode';
export { decodeFrame, decodePayload } from './decodeWithCodecs';
export type { RawFrame, DecodeConfig } from './decode';
export {
  MAX_FAILURE_TEXT,
  invalidJson,
  binaryFrame,
  frameTooLarge,
  frameTooDeep,
  invalidFrame,
  unknownFrameType,
  payloadMismatch,
  matchDecodeFailure,
  describeDecodeFailure,
} from './decodeFailure';
export type {
  DecodeFailure,
  InvalidJson,
  BinaryFrame,
  FrameTooLarge,
  FrameTooDeep,
  InvalidFrame,
  UnknownFrameType,
  PayloadMismatch,
} from './decodeFailure';

// policies
export { isRetryable } from '../policies/isRetryable';
export { backoffDelay } from '../policies/backoffDelay';
export type { BackoffConfig } from '../policies/backoffDelay';
export { createBucket, refill, take, nextTokenAt } from '../policies/tokenBucket';
export type { TokenBucket, TokenBucketConfig, TakeResult } from '../policies/tokenBucket';
export { defaultNonce, uuidV4 } from '../policies/nonce';
