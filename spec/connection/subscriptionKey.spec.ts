import { SlotMap, aliasKey, canonicalRoom } from '../../lib/connection/subscriptionKey';

describe('SlotMap', () => {
  it('indexes values by topic and room and counts them', () => {
    const m = new SlotMap<number>();
    m.set('t', 'a', 1);
    m.set('t', 'b', 2);
    m.set('u', 'a', 3);
    m.set('t', 'a', 4);
    expect(m.size).toBe(3);
    expect([m.get('t', 'a'), m.get('t', 'b'), m.get('u', 'a'), m.get('u', 'b'), m.get('v', 'a')]).toEqual([4, 2, 3, undefined, undefined]);
    expect([...m.values()].sort()).toEqual([2, 3, 4]);
    expect([...m.ofTopic('t').entries()]).toEqual([
      ['a', 4],
      ['b', 2],
    ]);
  });

  it('deletes a held slot once, and nothing for a room or topic it does not hold', () => {
    const m = new SlotMap<number>();
    m.set('t', 'a', 1);
    m.set('t', 'b', 2);
    expect(m.delete('t', 'zz')).toBe(false);
    expect(m.delete('nope', 'a')).toBe(false);
    expect(m.size).toBe(2);
    expect(m.delete('t', 'a')).toBe(true);
    expect(m.delete('t', 'a')).toBe(false);
    expect(m.size).toBe(1);
    expect(m.get('t', 'b')).toBe(2);
    expect([...m.ofTopic('t').keys()]).toEqual(['b']);
  });

  it('forgets a topic once its last room is deleted', () => {
    const m = new SlotMap<number>();
    m.set('t', 'a', 1);
    expect(m.delete('t', 'a')).toBe(true);
    expect(m.size).toBe(0);
    expect(m.ofTopic('t').size).toBe(0);
    expect([...m.values()]).toEqual([]);
    m.set('t', 'b', 2);
    expect(m.size).toBe(1);
    expect([...m.ofTopic('t').keys()]).toEqual(['b']);
  });

  it('gives an empty map for a topic it never held', () => {
    expect(new SlotMap<number>().ofTopic('none').size).toBe(0);
  });
});

describe('canonicalRoom', () => {
  const aliases = new Map([[aliasKey('t', 'r', 1), 'canon']]);
  it.each([
    ['the alias for the same topic, room and token', 't', 'r', 1, 'canon'],
    ['the room itself for another token', 't', 'r', 2, 'r'],
    ['the room itself for another topic', 'u', 'r', 1, 'r'],
    ['the room itself for another room', 't', 's', 1, 's'],
  ])('gives %s', (_what, topic, room, tokenRef, expected) => {
    expect(canonicalRoom(aliases, topic, room, tokenRef)).toBe(expected);
  });

  it('gives the room itself when no alias is known', () => {
    expect(canonicalRoom(new Map(), 't', 'r', 1)).toBe('r');
  });

  it('keys aliases so that no two (topic, room, token) collide', () => {
    const keys = [aliasKey('a', 'b', 1), aliasKey('a', 'b', 2), aliasKey('ab', '', 1), aliasKey('a', 'b1', 1), aliasKey('', 'ab', 1)];
    expect(new Set(keys).size).toBe(keys.length);
    expect(aliasKey('a', 'b', 1)).toBe(aliasKey('a', 'b', 1));
  });
});
