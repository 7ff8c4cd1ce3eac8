/**
 * astro-rx: a reactive RxJS client for the StreamElements Astro WebSocket gateway.
 *
 * @packageDocumentation
 */
export * from './protocol';
export * from './errors/astroError';
export * from './operators/decodeFrames';
