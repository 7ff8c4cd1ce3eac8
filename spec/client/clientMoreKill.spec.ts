import { createGaps, done, stepGaps } from '../../lib/client/gaps';
import { Subscriber } from 'rxjs';
import type { ConnectionEvent } from '../../lib/connection/events';
import { Registry, addSink, type Sink } from '../../lib/client/registry';
import type { TopicMessage } from '../../lib/client/types';
import type { TopicName } from '../../lib/protocol/topics';

const welcome = (gapFrom?: number): ConnectionEvent => ({ type: 'welcome', clientId: 'c', restored: false, ...(gapFrom !== undefined ? { gapFrom } : {}) });

describe('stepGaps: a fresh session while a window is open', () => {
  it.each([
    { title: 'without a gap start keeps the window start 10', first: 10, second: undefined, from: 10 },
    { title: 'with a later gap start keeps the window start 10', first: 10, second: 30, from: 10 },
    { title: 'with an earlier gap start moves the window start to 4', first: 10, second: 4, from: 4 },
    { title: 'with a gap start 7 gives a startless window its start', first: undefined, second: 7, from: 7 },
  ])('$title', ({ first, second, from }) => {
    const s = createGaps();
    expect(stepGaps(s, welcome(first), 20, () => ['e1'])).toEqual([]);
    expect(stepGaps(s, welcome(second), 40, () => ['e1'])).toEqual([]);
    expect(s.open?.from).toBe(from);
    expect(done(s, ['e1'], 50)).toEqual([{ from, to: 50, cause: 'error' }]);
  });

  it('without any gap start closes reporting nothing', () => {
    const s = createGaps();
    stepGaps(s, welcome(), 20, () => ['e1']);
    stepGaps(s, welcome(), 40, () => ['e1']);
    expect(s.open).toEqual({ cause: 'error', waiting: new Set(['e1']) });
    expect(done(s, ['e1'], 50)).toEqual([]);
    expect(s.open).toBeUndefined();
  });
});

describe('Registry: a canonical room confirmed again', () => {
  const message = (room: string) => ({ id: 'M', type: 'message', topic: 'channel.tips', room, data: {} }) as unknown as TopicMessage<TopicName>;
  const sink = (seen: string[], name: string): Sink =>
    new Subscriber<TopicMessage<TopicName>>({ next: (m: TopicMessage<TopicName>) => void seen.push(`${name}:${m.room}`), error: () => undefined, complete: () => undefined }) as unknown as Sink;

  it.each([
    { title: 'the first alias keeps its place', again: 'a', order: ['A:c', 'B:c'] },
    { title: 'the second alias keeps its place', again: 'b', order: ['A:c', 'B:c'] },
  ])('$title', ({ again, order }) => {
    const registry = new Registry(() => undefined);
    const seen: string[] = [];
    const entries: Record<string, ReturnType<Registry['acquire']>> = {};
    for (const [room, name] of [['a', 'A'], ['b', 'B']] as const) {
      const entry = registry.acquire('channel.tips', room, 'tok-1', 'jwt');
      addSink(entry, sink(seen, name));
      registry.canonical(entry, 'c');
      entries[room] = entry;
    }
    registry.canonical(entries[again] as ReturnType<Registry['acquire']>, 'c');
    registry.route('channel.tips', 'c', message('c'));
    expect(seen).toEqual(order);
  });
});

describe('Registry: one (topic, room) held under two tokens', () => {
  const message = (room: string) => ({ id: 'M', type: 'message', topic: 'channel.tips', room, data: {} }) as unknown as TopicMessage<TopicName>;
  const sink = (seen: string[], name: string): Sink =>
    new Subscriber<TopicMessage<TopicName>>({ next: (m: TopicMessage<TopicName>) => void seen.push(`${name}:${m.room}`), error: () => undefined, complete: () => undefined }) as unknown as Sink;

  it.each([
    { title: 'without a gate both entries get the message', gate: undefined, seen: ['A:r', 'B:r'] },
    { title: 'with a gate only the admitted entry gets it', gate: 'tok-2', seen: ['B:r'] },
  ])('$title', ({ gate, seen: expected }) => {
    const registry = new Registry(() => undefined);
    const seen: string[] = [];
    const a = registry.acquire('channel.tips', 'r', 'tok-1', 'jwt');
    const b = registry.acquire('channel.tips', 'r', 'tok-2', 'jwt');
    expect(a).not.toBe(b);
    addSink(a, sink(seen, 'A'));
    addSink(b, sink(seen, 'B'));
    const admitted = gate === undefined ? undefined : (e: typeof a) => registry.tokenOf(e.tokenRef)?.token === gate;
    registry.route('channel.tips', 'r', message('r'), admitted);
    expect(seen).toEqual(expected);
  });
});
