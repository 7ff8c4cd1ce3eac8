import { keyHash, ownerOf, score } from '../../../lib/client/pool/rendezvous';

// Placement is a contract between processes and releases (bridge workers, several clients of one
// backend): the same key must score the same everywhere. These values pin today's scores.

describe('rendezvous placement is stable across releases', () => {
  const key = keyHash('channel.tips', 'room1', 'tok');

  it('hashes a key to the same number', () => {
    expect(key).toBe(542044136);
  });

  it.each([
    [0, 3144930883, 1328072952],
    [1, 1775659272, 1297823919],
    [2, 750844535, 3629002902],
    [3, 623348275, 1242433855],
  ])('scores connection %i the same (key 0: %i, the key: %i)', (index, zero, scored) => {
    expect(score(0, index)).toBe(zero);
    expect(score(key, index)).toBe(scored);
  });

  it.each([
    [1, 0],
    [2, 0],
    [3, 2],
    [4, 2],
    [5, 2],
    [8, 6],
  ])('places the key among %i connections on connection %i', (k, owner) => {
    expect(ownerOf(key, k)).toBe(owner);
  });
});
