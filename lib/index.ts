/**
 * astro-rx: a reactive RxJS client for the StreamElements Astro WebSocket gateway.
 *
 * This entry holds what an application needs: the client, its options and
 * streams, the error type, topic names and payload types, and the transport
 * seam. The wire format (codecs, decoders, command builders, every payload
 * codec, retry policies) is in `astro-rx/protocol`; the operators the client is
 * built from are in `astro-rx/operators`; the gateway emulator is in
 * `astro-rx/testing`.
 *
 * @packageDocumentation
 * @module astro-rx
 */

// Every name is exported explicitly (no `export *`), so nothing internal leaks;
// spec/ecosystem/surface.spec.ts keeps the list at 30 names or fewer.

// the client
export { createAstroClient, DEFAULT_URL } from './client/createAstroClient';
export type { AstroClient, AstroClientOptions, TopicOptions, TopicMessage, ConnectionState, ClientMetrics, Gap } from './client/types';
export type { Logger } from './util/logger';
export { eachEvent } from './client/eachEvent';
export type { EachEventOptions, OverflowPolicy } from './client/eachEvent';

// errors
export { AstroError, isAstroError } from './errors/astroError';
export type { AstroErrorCode, AstroErrorDetails, ClientErrorCode } from './errors/astroError';

// topics, tokens and frames
export type { TopicName, TopicPayload } from './protocol/topics';
export type { TokenType } from './protocol/tokenType';
export type { ServerFrame } from './protocol/frames';

// the transport seam
export { openSocket } from './transport/openSocket';
export type { WebSocketCtor, WebSocketLike, OpenSocket, OpenSocketOptions, SocketEvent, SocketHandle } from './transport/types';
