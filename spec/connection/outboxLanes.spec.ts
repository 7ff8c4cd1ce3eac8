import { Lane } from '../../lib/connection/outbox/lanes';

/** Everything left in the lane, in order. */
function drain<T>(lane: Lane<T>): T[] {
  const items: T[] = [];
  for (let item = lane.shift(); item !== undefined; item = lane.shift()) items.push(item);
  return items;
}

/** The length of the lane's backing array (what compaction keeps bounded). */
const backing = (lane: Lane<unknown>): number => (lane as unknown as { items: unknown[] }).items.length;

describe('outbox lane', () => {
  it.each<[string, (lane: Lane<string>) => void, string[]]>([
    ['push keeps first-in first-out order', (l) => ['a', 'b', 'c'].forEach((x) => l.push(x)), ['a', 'b', 'c']],
    ['push of a queued item keeps its place', (l) => ['a', 'b', 'a'].forEach((x) => l.push(x)), ['a', 'b']],
    ['remove of the first item', (l) => (['a', 'b', 'c'].forEach((x) => l.push(x)), l.remove('a')), ['b', 'c']],
    ['remove of a middle item', (l) => (['a', 'b', 'c'].forEach((x) => l.push(x)), l.remove('b')), ['a', 'c']],
    ['remove of an absent item', (l) => (['a', 'b'].forEach((x) => l.push(x)), l.remove('z')), ['a', 'b']],
    ['removed first item pushed again goes last', (l) => (['a', 'b'].forEach((x) => l.push(x)), l.remove('a'), l.push('a')), ['b', 'a']],
    ['removed middle item pushed again goes last', (l) => (['a', 'b', 'c'].forEach((x) => l.push(x)), l.remove('b'), l.push('b')), ['a', 'c', 'b']],
    ['front of a new item', (l) => (['a', 'b'].forEach((x) => l.push(x)), l.front('z')), ['z', 'a', 'b']],
    ['front of a queued item moves it', (l) => (['a', 'b', 'c'].forEach((x) => l.push(x)), l.front('c')), ['c', 'a', 'b']],
    ['front after a shift reuses the freed place', (l) => (['a', 'b', 'c'].forEach((x) => l.push(x)), l.shift(), l.front('c'), l.front('x')), ['x', 'c', 'b']],
    ['clear empties it', (l) => (['a', 'b'].forEach((x) => l.push(x)), l.clear(), l.push('c')), ['c']],
    ['clear after a shift, then push', (l) => (['a', 'b'].forEach((x) => l.push(x)), l.shift(), l.clear(), l.push('c')), ['c']],
    ['clear, then the same items pushed in another order', (l) => (['a', 'b'].forEach((x) => l.push(x)), l.clear(), l.push('b'), l.push('a')), ['b', 'a']],
    ['emptied by shifts, then pushed again', (l) => (l.push('a'), l.shift(), l.shift(), l.push('b')), ['b']],
    ['front into an empty lane, then removed and pushed again', (l) => (l.front('a'), l.push('c'), l.remove('a'), l.push('a')), ['c', 'a']],
    ['a pushed duplicate leaves no copy behind a removal', (l) => (['a', 'b', 'a'].forEach((x) => l.push(x)), l.remove('a'), l.push('c'), l.push('a')), ['b', 'c', 'a']],
    ['front of a queued item leaves no copy behind a removal', (l) => (['a', 'b', 'c'].forEach((x) => l.push(x)), l.front('c'), l.remove('c'), l.push('d'), l.push('c')), ['a', 'b', 'd', 'c']],
  ])('%s', (_title, act, expected) => {
    const lane = new Lane<string>();
    act(lane);
    expect(lane.size).toBe(expected.length);
    expect(expected.every((x) => lane.has(x))).toBe(true);
    expect(drain(lane)).toEqual(expected);
    expect(lane.size).toBe(0);
    expect(lane.has(expected[0] ?? 'none')).toBe(false);
  });

  it('keeps its order and a bounded backing array under steady traffic that never empties it', () => {
    const lane = new Lane<number>();
    for (let i = 0; i < 5; i++) lane.push(i);
    const out: number[] = [];
    let max = 0;
    for (let i = 5; i < 10_000; i++) {
      lane.push(i);
      out.push(lane.shift() as number);
      max = Math.max(max, backing(lane));
    }
    expect(out).toEqual(Array.from({ length: 9995 }, (_, i) => i));
    expect(drain(lane)).toEqual([9995, 9996, 9997, 9998, 9999]);
    expect(max).toBeLessThan(2100);
  });

  it('compacts without losing items moved to the front or removed', () => {
    const lane = new Lane<number>();
    for (let i = 0; i < 3000; i++) lane.push(i);
    for (let i = 0; i < 1600; i++) lane.shift();
    lane.remove(2000);
    lane.front(2999);
    expect(lane.shift()).toBe(2999);
    expect(lane.size).toBe(1398);
    const rest = drain(lane);
    expect(rest[0]).toBe(1600);
    expect(rest).toHaveLength(1398);
    expect(rest).not.toContain(2000);
    expect(rest[rest.length - 1]).toBe(2998);
  });
});
