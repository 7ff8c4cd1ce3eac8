import { PAYLOAD_CODECS, PayloadCodecs } from './payloadCodecs';

/**
 * The codecs `validatePayloads: true` means: every documented topic's, in Node
 * builds. Browser builds replace this module with `defaultPayloadCodecs.browser.ts`,
 * which has none, so that a browser bundle never ships the codecs unless the
 * application imports them from `astro-rx/payloads`.
 *
 * @internal
 */
export function defaultPayloadCodecs(): PayloadCodecs | undefined {
  return PAYLOAD_CODECS;
}
