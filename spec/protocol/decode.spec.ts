import * as E from 'fp-ts/Either';
import fc from 'fast-check';
import { decodeFrame, decodeFrameValue } from '../../lib/protocol/decode';
import { describeDecodeFailure } from '../../lib/protocol/decodeFailure';

const tagOf = (raw: Parameters<typeof decodeFrame>[0], config?: Parameters<typeof decodeFrame>[1]) => {
  const r = decodeFrame(raw, config);
  return E.isLeft(r) ? r.left._tag : r.right.type;
};

describe('decodeFrame', () => {
  it.each([
    ['not JSON', '{"type":', 'InvalidJson'],
    ['a JSON array', '[1,2]', 'UnknownFrameType'],
    ['JSON null', 'null', 'UnknownFrameType'],
    ['a number', '42', 'UnknownFrameType'],
    ['an unknown type', '{"type":"ping"}', 'UnknownFrameType'],
    ['a welcome without client_id', '{"type":"welcome","data":{}}', 'InvalidFrame'],
    ['a reconnect without token', '{"type":"reconnect","data":{"message":"bye"}}', 'InvalidFrame'],
    ['a message without topic', '{"type":"message","data":{}}', 'InvalidFrame'],
    ['a response with a numeric nonce', '{"type":"response","nonce":5}', 'InvalidFrame'],
  ])('reports %s', (_what, raw, tag) => {
    expect(tagOf(raw)).toBe(tag);
  });

  describe('a message whose data is not an object', () => {
    it.each([
      ['null', 'null'],
      ['a string', '"tip"'],
      ['an empty string', '""'],
      ['a number', '5'],
      ['zero', '0'],
      ['a boolean', 'true'],
      ['false', 'false'],
      ['an array', '[{"amount":5}]'],
      ['an empty array', '[]'],
    ])('is an InvalidFrame when data is %s', (_what, data) => {
      for (const raw of [
        `{"type":"message","topic":"channel.tips","room":"r","data":${data}}`,
        `{"type":"message","topic":"channel.chatstats","data":${data}}`,
        `{"type":"MESSAGE","topic":"channel.tips","data":${data}}`,
        `{"topic":"channel.tips","room":"r","data":${data}}`,
      ]) {
        for (const validatePayloads of [false, true]) {
          const r = decodeFrame(raw, { validatePayloads });
          if (E.isRight(r) || r.left._tag !== 'InvalidFrame') throw new Error(`${raw} decoded as ${E.isRight(r) ? r.right.type : r.left._tag}`);
          expect(r.left.report.join('\n')).toMatch(/data must be a JSON object/);
          expect(describeDecodeFailure(r.left)).toMatch(/data must be a JSON object/);
        }
        expect(E.isLeft(decodeFrameValue(JSON.parse(raw)))).toBe(true);
      }
    });

    it('still reports a message without data', () => {
      const r = decodeFrame('{"type":"message","topic":"t"}');
      if (E.isRight(r) || r.left._tag !== 'InvalidFrame') throw new Error('expected InvalidFrame');
      expect(r.left.report.join('\n')).toMatch(/a message must carry data/);
    });

    it('accepts an empty object', () => {
      expect(tagOf('{"type":"message","topic":"channel.chatstats","data":{}}')).toBe('message');
    });
  });

  it('reports a binary frame without parsing it', () => {
    expect(decodeFrame(new Uint8Array([123, 125]))).toEqual(E.left({ _tag: 'BinaryFrame', byteLength: 2 }));
    expect(tagOf(new ArrayBuffer(8))).toBe('BinaryFrame');
    expect(tagOf([new Uint8Array(3), new Uint8Array(4)])).toBe('BinaryFrame');
  });

  it('reports a frame over maxFrameBytes without parsing it', () => {
    const big = JSON.stringify({ type: 'message', topic: 't', data: { text: 'x'.repeat(2000) } });
    expect(decodeFrame(big, { maxFrameBytes: 1000 })).toEqual(E.left({ _tag: 'FrameTooLarge', byteLength: big.length, limit: 1000 }));
    expect(tagOf(big, { maxFrameBytes: 4096 })).toBe('message');
  });

  it('counts multi-byte characters against maxFrameBytes', () => {
    const text = JSON.stringify({ type: 'message', topic: 't', data: { text: 'é'.repeat(400) } });
    expect(tagOf(text, { maxFrameBytes: text.length + 100 })).toBe('FrameTooLarge');
    expect(tagOf(text, { maxFrameBytes: text.length + 400 })).toBe('message');
  });

  it('reads the type case-insensitively', () => {
    expect(tagOf('{"type":"RESPONSE","nonce":"n"}')).toBe('response');
  });

  it('reads a legacy frame with a topic and no type as a message', () => {
    expect(tagOf('{"topic":"channel.chatbot.status","data":{"mod":true}}')).toBe('message');
  });

  it('keeps unknown fields', () => {
    const r = decodeFrame('{"type":"welcome","data":{"client_id":"c","extra":1},"shard":7}');
    expect(r).toEqual(E.right({ type: 'welcome', data: { client_id: 'c', extra: 1 }, shard: 7 }));
  });

  it('keeps an unknown error code', () => {
    const r = decodeFrame('{"type":"response","nonce":"n","error":"err_new_thing","data":{"message":"m"}}');
    expect(E.isRight(r) && r.right.type === 'response' && r.right.error).toBe('err_new_thing');
  });

  it('gives an io-ts path report for a wrong shape', () => {
    const r = decodeFrame('{"type":"welcome","data":{"client_id":5}}');
    if (E.isRight(r) || r.left._tag !== 'InvalidFrame') throw new Error('expected InvalidFrame');
    expect(r.left.report.join('\n')).toMatch(/client_id/);
    expect(describeDecodeFailure(r.left)).toMatch(/does not match the protocol/);
  });

  describe('is total', () => {
    const never = (raw: Parameters<typeof decodeFrame>[0]) => {
      const r = decodeFrame(raw, { validatePayloads: true });
      expect(E.isLeft(r) || E.isRight(r)).toBe(true);
      if (E.isLeft(r)) expect(typeof describeDecodeFailure(r.left)).toBe('string');
    };

    it('on arbitrary strings', () => {
      fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), never), { numRuns: 2000 });
    });

    it('on arbitrary JSON values', () => {
      fc.assert(fc.property(fc.jsonValue(), (v) => never(JSON.stringify(v) ?? 'null')), { numRuns: 2000 });
    });

    it('on frame-like objects with arbitrary fields', () => {
      const frameLike = fc.record(
        {
          type: fc.oneof(fc.constantFrom('welcome', 'response', 'message', 'reconnect', 'MESSAGE'), fc.jsonValue()),
          topic: fc.oneof(fc.constantFrom('channel.tips', 'channel.activities', 'channel.session.update'), fc.jsonValue()),
          nonce: fc.jsonValue(),
          error: fc.jsonValue(),
          data: fc.jsonValue(),
        },
        { requiredKeys: [] },
      );
      fc.assert(fc.property(frameLike, (v) => never(JSON.stringify(v))), { numRuns: 3000 });
      fc.assert(fc.property(frameLike, (v) => expect(() => decodeFrameValue(v)).not.toThrow()), { numRuns: 500 });
    });

    it('on arbitrary binary', () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => never(bytes)), { numRuns: 500 });
    });
  });
});

describe('decodeFrameValue fast path', () => {
  it('agrees with the MessageFrame codec on message-like values', () => {
    const { MessageFrame } = jest.requireActual<typeof import('../../lib/protocol/frames')>('../../lib/protocol/frames');
    const messageLike = fc.record(
      {
        type: fc.constant('message'),
        topic: fc.oneof(fc.string(), fc.integer()),
        room: fc.oneof(fc.string(), fc.constant(null), fc.integer()),
        id: fc.oneof(fc.string(), fc.boolean()),
        ts: fc.oneof(fc.string(), fc.constant(undefined)),
        data: fc.oneof(fc.jsonValue(), fc.constantFrom(null, '', 0, false, [], {}), fc.dictionary(fc.string(), fc.jsonValue())),
      },
      { requiredKeys: ['type'] },
    );
    fc.assert(
      fc.property(messageLike, (v) => {
        const fast = decodeFrameValue(v);
        const codec = MessageFrame.decode(v);
        expect(E.isRight(fast)).toBe(E.isRight(codec));
        if (E.isRight(fast)) {
          expect(MessageFrame.is(fast.right)).toBe(true);
          const data = (fast.right as { data: unknown }).data;
          expect(typeof data === 'object' && data !== null && !Array.isArray(data)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
