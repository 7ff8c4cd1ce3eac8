/**
 * Payload validation is opt-in and per topic: the codecs come from
 * `astro-rx/payloads`, and the client's decoder holds none of its own in a
 * browser build.
 */
import { decodeFrame as clientDecodeFrame } from '../../lib/protocol/decode';
import { decodeFrame } from '../../lib/protocol/decodeWithCodecs';
import { defaultPayloadCodecs as browserCodecs } from '../../lib/protocol/defaultPayloadCodecs.browser';
import { PAYLOAD_CODECS, TipPayload } from '../../lib/payloads';
import { TOPICS } from '../../lib/protocol/topics';
import { TOPIC_SCOPES } from '../../lib/protocol/topicScopes';
import { connect } from '../../lib/connection/connect';
import { NEVER } from 'rxjs';

const badTip = JSON.stringify({ type: 'message', topic: 'channel.tips', room: 'r', data: { donation: {} } });
const badCounter = JSON.stringify({ type: 'message', topic: 'channel.chatbot.counters', room: 'r', data: { counter: 1 } });
const tag = (r: { _tag: string }) => r._tag;

describe('payload codecs', () => {
  it('a map of codecs checks the topics it names, and only those', () => {
    const codecs = { 'channel.tips': TipPayload };
    expect(tag(clientDecodeFrame(badTip, { validatePayloads: codecs }))).toBe('Left');
    expect(tag(clientDecodeFrame(badCounter, { validatePayloads: codecs }))).toBe('Right');
    expect(tag(clientDecodeFrame(badCounter, { validatePayloads: PAYLOAD_CODECS }))).toBe('Left');
    expect(tag(clientDecodeFrame(badTip, { validatePayloads: false }))).toBe('Right');
  });

  it('true means every documented codec, in astro-rx/protocol and in the Node build of the client', () => {
    expect(tag(decodeFrame(badTip, { validatePayloads: true }))).toBe('Left');
    expect(tag(clientDecodeFrame(badTip, { validatePayloads: true }))).toBe('Left');
  });

  it('the browser build has no codecs of its own, and connect refuses true there', () => {
    expect(browserCodecs()).toBeUndefined();
    jest.isolateModules(() => {
      jest.doMock('../../lib/protocol/defaultPayloadCodecs', () => jest.requireActual('../../lib/protocol/defaultPayloadCodecs.browser'));
      const { connect: browserConnect } = jest.requireActual<typeof import('../../lib/connection/connect')>('../../lib/connection/connect');
      const config = { url: 'wss://example.com', intents: NEVER, tokenOf: () => undefined, openSocket: () => NEVER };
      expect(() => browserConnect({ ...config, validatePayloads: true })).toThrow(/astro-rx\/payloads/);
      expect(() => browserConnect({ ...config, validatePayloads: PAYLOAD_CODECS })).not.toThrow();
      jest.dontMock('../../lib/protocol/defaultPayloadCodecs');
    });
    const config = { url: 'wss://example.com', intents: NEVER, tokenOf: () => undefined, openSocket: () => NEVER };
    expect(() => connect({ ...config, validatePayloads: true })).not.toThrow();
  });

  it('TOPICS is the scopes with the codecs', () => {
    expect(Object.keys(TOPICS)).toEqual(Object.keys(TOPIC_SCOPES));
    for (const [name, spec] of Object.entries(TOPICS)) {
      expect(spec.scope).toBe(TOPIC_SCOPES[name as keyof typeof TOPIC_SCOPES]);
      const codec = (PAYLOAD_CODECS as Record<string, unknown>)[name];
      if (codec) expect(spec.payload).toBe(codec);
      else expect(spec).toMatchObject({ undocumentedPayload: true });
    }
  });
});
