/**
 * `astro-rx/testing`: an offline emulator of the StreamElements Astro gateway,
 * for tests and demos (Node only: it runs a real `ws` server on loopback), and
 * the socket-free gateway core behind it, with race switches, reachable on
 * virtual time through {@link virtualGateway}.
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
  GENERATED_ACTIVITY_TYPES,
  type GeneratedActivity,
  type GeneratedActivityType,
  type GeneratedSessionUpdate,
  type RandomActivityOptions,
} from './activity';
export { startActivityFeed, ACTIVITY_FEED_TOPICS, type ActivityFeedOptions } from './activityFeed';
export { virtualGateway, type VirtualGateway, type VirtualGatewayOptions } from './virtualGateway';
export {
  createGatewayCore,
  tableAuthorizer,
  hostileFrames,
  parseCommand,
  mergeSwitches,
  subKey,
  DEFAULT_SWITCHES,
  type GatewayCore,
  type GatewayCoreOptions,
  type TableAuthorizerConfig,
  type TokenGrant,
  type HostileFrame,
  type HostileTarget,
  type ParsedCommand,
  type CommandRejection,
  type ParseCommandConfig,
  type SubscribeFault,
  type Authorize,
  type AuthResult,
  type ConnRef,
  type DefaultRoom,
  type GatewayCommand,
  type GatewayConnection,
  type GatewayLink,
  type GatewaySwitches,
  type GatewaySwitchesInput,
  type LatencyRange,
  type OutgoingEntry,
  type PublishOutcome,
  type PublishedEntry,
  type RoomAliases,
  type SnapshotTiming,
  type TokenUpgrade,
  type UpgradeEntry,
  type UpgradeRefusal,
  type WireEntry,
  type GatewayEvent,
  handovers,
  type Handovers,
  type Redeemed,
  type RedeemFailure,
} from './gateway';
