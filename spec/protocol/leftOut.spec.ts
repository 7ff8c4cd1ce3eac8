import * as E from 'fp-ts/Either';
import { subscribeCommand, unsubscribeCommand } from '../../lib/protocol/commands';
import { decodeFrame } from '../../lib/protocol/decode';

describe('command builders leave absent optional fields out (no key at all, not undefined)', () => {
  it('subscribe without nonce or room', () => {
    const command = subscribeCommand({ topic: 'channel.tips', token: 't' });
    expect(Object.keys(command)).toEqual(['type', 'data']);
    expect(Object.keys(command.data)).toEqual(['topic', 'token', 'token_type']);
  });

  it('subscribe with both', () => {
    const command = subscribeCommand({ topic: 'channel.tips', room: 'r', token: 't', nonce: 'n' });
    expect(Object.keys(command)).toEqual(['type', 'nonce', 'data']);
    expect(Object.keys(command.data)).toEqual(['topic', 'room', 'token', 'token_type']);
  });

  it('unsubscribe without nonce or room, and with both', () => {
    expect(Object.keys(unsubscribeCommand({ topic: 'channel.tips' }))).toEqual(['type', 'data']);
    expect(Object.keys(unsubscribeCommand({ topic: 'channel.tips' }).data)).toEqual(['topic']);
    const both = unsubscribeCommand({ topic: 'channel.tips', room: 'r', nonce: 'n' });
    expect(Object.keys(both)).toEqual(['type', 'nonce', 'data']);
    expect(both.data).toStrictEqual({ topic: 'channel.tips', room: 'r' });
  });
});

describe("a message whose data is not a JSON object: the report says what came instead", () => {
  it.each([
    ['null', 'null'],
    ['[]', 'an array'],
    ['5', 'a number'],
    ['"text"', 'a string'],
    ['true', 'a boolean'],
  ])('data %s is reported as %s', (data, kind) => {
    const result = decodeFrame(`{"type":"message","topic":"channel.tips","data":${data}}`);
    if (E.isRight(result) || result.left._tag !== 'InvalidFrame') throw new Error('expected an InvalidFrame');
    expect(result.left.report).toContain(`a message's data must be a JSON object, not ${kind}`);
  });
});
