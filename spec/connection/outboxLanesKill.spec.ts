import { Lane } from '../../lib/connection/outbox/lanes';

/** Everything left in the lane, in order. */
function drain<T>(lane: Lane<T>): T[] {
  const items: T[] = [];
  for (let item = lane.shift(); item !== undefined; item = lane.shift()) items.push(item);
  return items;
}

/** The length of the lane's backing array (the memory it keeps). */
const backing = (lane: Lane<unknown>): number => (lane as unknown as { items: unknown[] }).items.length;

describe('outbox lane: order after moves to the front', () => {
  it.each<[string, (lane: Lane<string>) => void, string[]]>([
    ['two fronts into an empty lane, the last removed', (l) => (l.front('a'), l.front('b'), l.remove('b')), ['a']],
    ['two fronts into an empty lane, the first removed', (l) => (l.front('a'), l.front('b'), l.remove('a')), ['b']],
    ['three fronts into an empty lane, the middle one removed', (l) => (l.front('a'), l.front('b'), l.front('c'), l.remove('b')), ['c', 'a']],
    ['a front, a push, then the front one moved again', (l) => (l.front('a'), l.push('b'), l.front('c'), l.front('a')), ['a', 'c', 'b']],
    ['a removed first item is skipped by the next shift', (l) => (['a', 'b', 'c'].forEach((x) => l.push(x)), l.remove('a')), ['b', 'c']],
    ['removed first items are all skipped by the next shift', (l) => (['a', 'b', 'c'].forEach((x) => l.push(x)), l.remove('a'), l.remove('b')), ['c']],
  ])('%s', (_title, act, expected) => {
    const lane = new Lane<string>();
    act(lane);
    expect(lane.size).toBe(expected.length);
    expect(drain(lane)).toEqual(expected);
    expect(lane.size).toBe(0);
  });
});

describe('outbox lane: memory', () => {
  it('a new lane keeps exactly the places of what is pushed', () => {
    const lane = new Lane<string>();
    expect(backing(lane)).toBe(0);
    lane.push('a');
    lane.push('b');
    expect(backing(lane)).toBe(2);
  });

  it('a lane emptied by shifts frees its places', () => {
    const lane = new Lane<string>();
    ['a', 'b', 'c'].forEach((x) => lane.push(x));
    lane.remove('b');
    expect(drain(lane)).toEqual(['a', 'c']);
    expect(backing(lane)).toBe(0);
    lane.push('d');
    expect(backing(lane)).toBe(1);
    expect(drain(lane)).toEqual(['d']);
  });

  it('a cleared lane frees its places', () => {
    const lane = new Lane<string>();
    ['a', 'b', 'c'].forEach((x) => lane.push(x));
    lane.shift();
    lane.clear();
    expect(backing(lane)).toBe(0);
    expect(lane.size).toBe(0);
    lane.front('d');
    expect(backing(lane)).toBe(1);
    expect(drain(lane)).toEqual(['d']);
  });
});
