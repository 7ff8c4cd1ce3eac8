import { encodeCommand, subscribeCommand, unsubscribeCommand, withNonce } from '../../lib/protocol/commands';
import { normalizeTokenType } from '../../lib/protocol/tokenType';
import { sessionSnapshot, sessionUpdateKey } from '../../lib/protocol/payloads';
import { isKnownTopic, topicScope } from '../../lib/protocol/topics';

describe('commands', () => {
  it('encodes a subscribe with every field and the default token type', () => {
    expect(JSON.parse(encodeCommand(subscribeCommand({ topic: 'channel.tips', room: 'r1', token: 't', nonce: 'n' })))).toEqual({
      type: 'subscribe',
      nonce: 'n',
      data: { topic: 'channel.tips', room: 'r1', token: 't', token_type: 'jwt' },
    });
  });

  it('leaves absent optional fields out of the JSON', () => {
    expect(encodeCommand(unsubscribeCommand({ topic: 'channel.tips' }))).toBe('{"type":"unsubscribe","data":{"topic":"channel.tips"}}');
    expect(encodeCommand(subscribeCommand({ topic: 'x', token: 't', tokenType: 'apikey' }))).not.toMatch(/room|nonce|null/);
  });

  it('adds a nonce to a copy', () => {
    const c = unsubscribeCommand({ topic: 'a', room: 'r' });
    expect(withNonce(c, 'n9')).toEqual({ ...c, nonce: 'n9' });
    expect(c).not.toHaveProperty('nonce');
  });

  it.each([
    ['jwt', 'jwt'],
    ['OAuth', 'oauth2'],
    ['oauth2', 'oauth2'],
    ['APIKEY', 'apikey'],
    ['bearer', undefined],
  ])('normalises the token type %s', (input, output) => {
    expect(normalizeTokenType(input)).toBe(output);
  });
});

describe('topic helpers', () => {
  it('knows documented topics and their scopes', () => {
    expect(isKnownTopic('channel.activities')).toBe(true);
    expect(isKnownTopic('channel.follow')).toBe(false);
    expect(topicScope('channel.tips.moderation')).toBe('tips:moderation');
    expect(topicScope('channel.giveaways')).toBeNull();
    expect(topicScope('nope')).toBeUndefined();
  });

  it('reads both documented session shapes', () => {
    expect(sessionUpdateKey({ key: 'latest_follower', data: {} })).toBe('latest_follower');
    expect(sessionUpdateKey({ name: 'follower-goal' })).toBe('follower-goal');
    const snapshot = { 'latest-follower': { name: 'Styler' } };
    expect(sessionSnapshot({ session: snapshot })).toBe(snapshot);
    expect(sessionSnapshot(snapshot)).toBe(snapshot);
  });
});
