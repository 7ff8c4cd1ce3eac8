/**
 * `astro-rx/testing`: an offline emulator of the StreamElements Astro gateway,
 * for tests and demos (Node only: it runs a real `ws` server on loopback).
 *
 * @packageDocumentation
 * @module astro-rx/testing
 */
export {
  startEmulator,
  EMULATOR_CLOSE_CODES,
  WELCOME_MESSAGE,
  RECONNECT_MESSAGE,
  type Emulator,
  type EmulatorOptions,
  type EmulatorFaults,
  type EmulatorStats,
  type ConnectionInfo,
  type SubscriptionInfo,
  type PublishResult,
} from './emulator';
export {
  tokenSigner,
  type TokenSigner,
  type TokenSignerConfig,
  type IssueTokenOptions,
  type EmulatorTokenType,
  type TokenClaims,
  type ReconnectClaims,
  type TokenSubscription,
  type TokenRejection,
  type Verified,
} from './tokens';
export { monotonicUlid, isUlid, ulidTime, type UlidConfig } from './ulid';
export { seededRandom } from './seededRandom';
export { tokenBucket, type TokenBucket, type TokenBucketConfig } from './tokenBucket';
export {
  randomActivity,
  randomSessionUpdate,
  startActivityFeed,
  ACTIVITY_FEED_TOPICS,
  GENERATED_ACTIVITY_TYPES,
  type ActivityFeedOptions,
  type GeneratedActivity,
  type GeneratedActivityType,
  type GeneratedSessionUpdate,
  type RandomActivityOptions,
} from './activity';
