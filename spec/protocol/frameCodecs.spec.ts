import * as E from 'fp-ts/Either';
import { ReconnectFrame, ResponseFrame } from '../../lib/protocol';
import { decodeFrame } from '../../lib/protocol/decode';

const tagOf = (text: string): string => {
  const result = decodeFrame(text);
  return E.isRight(result) ? 'Right' : result.left._tag;
};

describe('frame codecs check the types of optional fields too', () => {
  it.each([
    ['a welcome with a text message', { type: 'welcome', data: { client_id: 'c', message: 'hi' } }, 'Right'],
    ['a welcome with a numeric message', { type: 'welcome', data: { client_id: 'c', message: 5 } }, 'InvalidFrame'],
    ['a welcome without client_id', { type: 'welcome', data: { message: 'hi' } }, 'InvalidFrame'],
    ['a response whose data is text', { type: 'response', nonce: 'n', data: 'ok' }, 'Right'],
    ['a response whose data names a room', { type: 'response', nonce: 'n', data: { room: 'r', topic: 't', message: 'm' } }, 'Right'],
    ['a response with a numeric room', { type: 'response', nonce: 'n', data: { room: 5 } }, 'InvalidFrame'],
    ['a response with a numeric message', { type: 'response', nonce: 'n', data: { message: 5 } }, 'InvalidFrame'],
    ['a response with a numeric topic', { type: 'response', nonce: 'n', data: { topic: 5 } }, 'InvalidFrame'],
    ['a response with a numeric nonce', { type: 'response', nonce: 5 }, 'InvalidFrame'],
    ['a message with a numeric id', { type: 'message', topic: 'channel.tips', data: {}, id: 5 }, 'InvalidFrame'],
    ['a reconnect with a text message', { type: 'reconnect', data: { reconnect_token: 'r', message: 'bye' } }, 'Right'],
    ['a reconnect with a numeric message', { type: 'reconnect', data: { reconnect_token: 'r', message: 5 } }, 'InvalidFrame'],
  ])('%s: %s', (_name, frame, tag) => {
    expect(tagOf(JSON.stringify(frame))).toBe(tag);
  });
});

describe('the exported frame codecs, used on their own', () => {
  it('ResponseFrame refuses a frame of another type', () => {
    expect(E.isLeft(ResponseFrame.decode({ type: 'message', topic: 'channel.tips', data: {} }))).toBe(true);
    expect(ResponseFrame.is({ type: 'welcome', data: { client_id: 'c' } })).toBe(false);
    expect(ResponseFrame.is({ type: 'response', nonce: 'n' })).toBe(true);
  });

  it('ReconnectFrame checks the type of its optional message', () => {
    expect(ReconnectFrame.is({ type: 'reconnect', data: { reconnect_token: 'r', message: 'bye' } })).toBe(true);
    expect(ReconnectFrame.is({ type: 'reconnect', data: { reconnect_token: 'r', message: 5 } })).toBe(false);
  });
});
