import { IdWindow } from '../../lib/connection/idWindow';

describe('IdWindow', () => {
  it('remembers ids up to its capacity and forgets the oldest first', () => {
    const w = new IdWindow(3);
    ['a', 'b', 'c'].forEach((id) => w.add(id));
    expect(['a', 'b', 'c'].map((id) => w.has(id))).toEqual([true, true, true]);
    w.add('d');
    expect(w.has('a')).toBe(false);
    expect(w.has('d')).toBe(true);
    expect(w.size).toBe(3);
    w.add('e');
    w.add('f');
    expect(['b', 'c', 'd', 'e', 'f'].map((id) => w.has(id))).toEqual([false, false, true, true, true]);
  });

  it('stays bounded under many ids', () => {
    const w = new IdWindow(100);
    for (let i = 0; i < 10_000; i++) w.add(`id${i}`);
    expect(w.size).toBe(100);
    expect(w.has('id9999')).toBe(true);
    expect(w.has('id9899')).toBe(false);
  });

  it('ignores an id it already holds', () => {
    const w = new IdWindow(2);
    w.add('a');
    w.add('a');
    w.add('b');
    expect(w.has('a')).toBe(true);
  });

  it('clears', () => {
    const w = new IdWindow(2);
    w.add('a');
    w.clear();
    expect(w.size).toBe(0);
    expect(w.has('a')).toBe(false);
  });

  it('rejects a capacity below 1', () => {
    expect(() => new IdWindow(0)).toThrow(TypeError);
  });
});
