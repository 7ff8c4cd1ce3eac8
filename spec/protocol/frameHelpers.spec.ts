import * as E from 'fp-ts/Either';
import { responseMessage, responseRoom, type ResponseFrame } from '../../lib/protocol/frames';
import { ErrorCode } from '../../lib/protocol/errorCode';
import { ActivityType, TipApproval } from '../../lib/protocol/payloads';
import { TOPICS } from '../../lib/protocol/topics';

describe('response helpers', () => {
  it.each<[string, ResponseFrame, string | undefined, string | undefined]>([
    ['an object with a room and a message', { type: 'response', data: { message: 'ok', topic: 't', room: '603abc' } }, '603abc', 'ok'],
    ['an object without a room', { type: 'response', data: { message: 'ok' } }, undefined, 'ok'],
    ['a plain string (historical)', { type: 'response', data: 'subscribed' }, undefined, 'subscribed'],
    ['no data at all', { type: 'response' }, undefined, undefined],
  ])('read %s', (_name, frame, room, message) => {
    expect(responseRoom(frame)).toBe(room);
    expect(responseMessage(frame)).toBe(message);
  });
});

describe('open enums', () => {
  it.each([
    ['ErrorCode', ErrorCode, 'err_unauthorized', 'err_brand_new'],
    ['ActivityType', ActivityType, 'follow', 'newThing'],
    ['TipApproval', TipApproval, 'allowed', 'maybe'],
  ] as const)('%s knows its documented values, decodes any string, and encodes a value as itself', (name, codec, known, unknown) => {
    expect(codec.name).toBe(name);
    expect(codec.isKnown(known)).toBe(true);
    expect(codec.isKnown(unknown)).toBe(false);
    expect(codec.known.has(known as never)).toBe(true);
    expect(codec.decode(unknown)).toEqual(E.right(unknown));
    expect(E.isLeft(codec.decode(42))).toBe(true);
    expect(codec.encode(unknown as never)).toBe(unknown);
    expect(codec.is(unknown)).toBe(true);
    expect(codec.is(null)).toBe(false);
  });
});

describe('TOPICS', () => {
  it('marks a topic the documentation shows no payload for, and accepts anything for it', () => {
    const undocumented = Object.entries(TOPICS).filter(([, spec]) => 'undocumentedPayload' in spec && spec.undocumentedPayload === true);
    const documented = Object.entries(TOPICS).filter(([, spec]) => !('undocumentedPayload' in spec));
    expect(documented.length).toBeGreaterThan(0);
    expect(undocumented.map(([name]) => name)).toContain('channel.chatstats');
    for (const [, spec] of undocumented) expect(spec.payload.name).toBe('unknown');
    for (const [, spec] of documented) expect(spec.payload.name).not.toBe('unknown');
    expect(TOPICS['channel.tips'].scope).toEqual(expect.any(String));
  });
});
