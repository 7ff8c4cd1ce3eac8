import { SubscribeCommand, UnsubscribeCommand } from '../../lib/protocol/commands';

// What the command codecs accept: the documented fields with their types, and nothing less.
const subscribe = { type: 'subscribe', nonce: 'n1', data: { topic: 'channel.tips', room: 'r', token: 't', token_type: 'jwt' } };
const unsubscribe = { type: 'unsubscribe', nonce: 'n1', data: { topic: 'channel.tips', room: 'r' } };

describe('SubscribeCommand', () => {
  it('accepts a full command and one without its optional fields', () => {
    expect(SubscribeCommand.is(subscribe)).toBe(true);
    expect(SubscribeCommand.is({ type: 'subscribe', data: { topic: 'channel.tips', token: 't' } })).toBe(true);
  });

  it.each([
    ['no data', { type: 'subscribe', nonce: 'n1' }],
    ['another type', { ...subscribe, type: 'unsubscribe' }],
    ['a numeric topic', { ...subscribe, data: { ...subscribe.data, topic: 5 } }],
    ['no token', { ...subscribe, data: { topic: 'channel.tips' } }],
    ['a numeric room', { ...subscribe, data: { ...subscribe.data, room: 5 } }],
    ['an unknown token_type', { ...subscribe, data: { ...subscribe.data, token_type: 'password' } }],
    ['a numeric nonce', { ...subscribe, nonce: 1 }],
  ])('refuses %s', (_name, value) => {
    expect(SubscribeCommand.is(value)).toBe(false);
  });
});

describe('UnsubscribeCommand', () => {
  it('accepts a full command and one without its optional fields', () => {
    expect(UnsubscribeCommand.is(unsubscribe)).toBe(true);
    expect(UnsubscribeCommand.is({ type: 'unsubscribe', data: { topic: 'channel.tips' } })).toBe(true);
  });

  it.each([
    ['no data', { type: 'unsubscribe' }],
    ['another type', { ...unsubscribe, type: 'subscribe' }],
    ['a numeric topic', { ...unsubscribe, data: { topic: 5 } }],
    ['a numeric room', { ...unsubscribe, data: { topic: 'channel.tips', room: 5 } }],
    ['a numeric nonce', { ...unsubscribe, nonce: 1 }],
  ])('refuses %s', (_name, value) => {
    expect(UnsubscribeCommand.is(value)).toBe(false);
  });
});
