/**
 * The gateway core: the Astro gateway's per-connection logic (PROTOCOL.md)
 * without sockets, on an injected scheduler, with race switches.
 *
 * @module
 */
export { createGatewayCore, type GatewayCore, type GatewayCoreOptions } from './core';
export { tableAuthorizer, type TableAuthorizerConfig, type TokenGrant } from './authorize';
export { parseCommand, type ParsedCommand, type CommandRejection, type ParseCommandConfig } from './commands';
export { DEFAULT_SWITCHES, mergeSwitches, draw } from './switches';
export { subKey, splitKey, applyUnsubscribe } from './subscriptions';
export { hostileFrames, type HostileFrame, type HostileTarget } from './hostileFrames';
export type { SubscribeFault } from './context';
export * from './frames';
export * from './types';
export { handovers, type Handovers, type Redeemed, type RedeemFailure } from './handover';
