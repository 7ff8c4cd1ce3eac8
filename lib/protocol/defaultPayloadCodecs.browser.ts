import type { PayloadCodecs } from './payloadCodecs';

/**
 * Browser build of `defaultPayloadCodecs.ts`: no codecs (the client refuses
 * `validatePayloads: true` here, and says to pass `PAYLOAD_CODECS` from
 * `astro-rx/payloads`). @internal
 */
// Stryker disable next-line BlockStatement: equivalent, an empty body returns undefined as well
export function defaultPayloadCodecs(): PayloadCodecs | undefined {
  return undefined;
}
