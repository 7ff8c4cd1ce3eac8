/**
 * astro-rx: a reactive RxJS client for the StreamElements Astro WebSocket gateway.
 *
 * @packageDocumentation
 * @module astro-rx
 */
export * from './protocol';
export * from './errors/astroError';
export * from './operators/decodeFrames';
export * from './operators/rateLimit';
export * from './operators/commandQueue';
export * from './operators/correlate';
export * from './operators/request';
export * from './operators/retryBackoff';
export * from './policies/backoffDelay';
export * from './policies/nonce';
export * from './connection/connect';
export * from './transport/types';
export { openSocket } from './transport/openSocket';
export * from './client/types';
export { createAstroClient, DEFAULT_URL } from './client/createAstroClient';
export type { Logger } from './util/logger';
