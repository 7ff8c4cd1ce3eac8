import { sessionSnapshot } from '../../lib/protocol/payloads';

describe('sessionSnapshot: data.session only when it is a JSON object', () => {
  it.each([
    ['a string', 'text'],
    ['a number', 3],
    ['null', null],
    ['an array', [{ name: 'x' }]],
    ['absent', undefined],
  ])('a session that is %s: the payload itself', (_kind, session) => {
    const payload = { session, 'latest-follower': { name: 'Styler' } };
    expect(sessionSnapshot(payload)).toBe(payload);
  });

  it('a session that is an object: that object', () => {
    const session = { 'latest-follower': { name: 'Styler' } };
    expect(sessionSnapshot({ session })).toBe(session);
  });
});
