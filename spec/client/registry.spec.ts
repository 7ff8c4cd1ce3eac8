import { Subscriber } from 'rxjs';
import { Registry, addSink, removeSink, sinksOf, deliver, type Entry, type Sink } from '../../lib/client/registry';
import type { TopicMessage } from '../../lib/client/types';
import type { TopicName } from '../../lib/protocol/topics';

const message = (room: string): TopicMessage<TopicName> => ({ id: 'M', type: 'message', topic: 'channel.tips', room, data: {} }) as unknown as TopicMessage<TopicName>;

/** A sink recording the rooms it receives. */
function sink(seen: string[], name: string): Sink {
  return new Subscriber<TopicMessage<TopicName>>({ next: (m: TopicMessage<TopicName>) => void seen.push(`${name}:${m.room}`), error: () => undefined, complete: () => undefined });
}

function registryWithTokens() {
  const events: string[] = [];
  const registry = new Registry((token, live) => events.push(`${live ? '+' : '-'}${token}`));
  return { registry, events };
}

function withSink(registry: Registry, room: string, seen: string[], name: string): Entry {
  const entry = registry.acquire('channel.tips', room, 'tok-1', 'jwt');
  addSink(entry, sink(seen, name));
  return entry;
}

describe('Registry: canonical rooms', () => {
  it('a second canonical room replaces the first: messages of the old alias no longer arrive', () => {
    const { registry } = registryWithTokens();
    const seen: string[] = [];
    const a = withSink(registry, 'a', seen, 'A');
    registry.canonical(a, 'c1');
    registry.route('channel.tips', 'c1', message('c1'));
    registry.canonical(a, 'c2');
    registry.route('channel.tips', 'c1', message('c1'));
    registry.route('channel.tips', 'c2', message('c2'));
    registry.route('channel.tips', 'a', message('a'));
    expect(seen).toEqual(['A:c1', 'A:c2', 'A:a']);
  });

  it('a canonical room equal to the requested one routes once; a later alias adds it', () => {
    const { registry } = registryWithTokens();
    const seen: string[] = [];
    const a = withSink(registry, 'a', seen, 'A');
    const b = withSink(registry, 'b', seen, 'B');
    registry.canonical(b, 'a');
    registry.canonical(a, 'a');
    registry.route('channel.tips', 'a', message('a'));
    registry.canonical(a, 'c');
    registry.route('channel.tips', 'c', message('c'));
    registry.route('channel.tips', 'a', message('a'));
    expect(seen).toEqual(['A:a', 'B:a', 'A:c', 'A:a', 'B:a']);
  });

  it('a removed aliased entry no longer gets its canonical room, and its token goes', () => {
    const { registry, events } = registryWithTokens();
    const seen: string[] = [];
    const a = withSink(registry, 'a', seen, 'A');
    registry.canonical(a, 'c');
    expect(registry.remove(a)).toBe(true);
    expect(registry.remove(a)).toBe(false);
    registry.route('channel.tips', 'c', message('c'));
    registry.canonical(a, 'd');
    registry.route('channel.tips', 'd', message('d'));
    expect(seen).toEqual([]);
    expect(events).toEqual(['+tok-1', '-tok-1']);
    expect(registry.size).toBe(0);
    expect([...registry.values()]).toEqual([]);
  });

  it('a room-less message reaches every room of the topic, named by its canonical room', () => {
    const { registry } = registryWithTokens();
    const seen: string[] = [];
    const a = withSink(registry, 'a', seen, 'A');
    withSink(registry, 'b', seen, 'B');
    registry.canonical(a, 'c');
    registry.route('channel.tips', undefined, message(''));
    expect(seen.sort()).toEqual(['A:c', 'B:b']);
  });

  it('a gate admits only the entries it names', () => {
    const { registry } = registryWithTokens();
    const seen: string[] = [];
    const a = withSink(registry, 'a', seen, 'A');
    const b = withSink(registry, 'b', seen, 'B');
    registry.canonical(b, 'a');
    registry.route('channel.tips', 'a', message('a'), (e) => e === b);
    registry.route('channel.tips', 'a', message('a'), (e) => e === a);
    expect(seen).toEqual(['B:a', 'A:a']);
  });
});

describe('Registry: gates', () => {
  it('a gate applies to the single entry of a room too', () => {
    const { registry } = registryWithTokens();
    const seen: string[] = [];
    const a = withSink(registry, 'a', seen, 'A');
    registry.route('channel.tips', 'a', message('a'), () => false);
    registry.route('channel.tips', 'a', message('a'), (e) => e === a);
    expect(seen).toEqual(['A:a']);
  });

  it('a gate applies to a room-less message', () => {
    const { registry } = registryWithTokens();
    const seen: string[] = [];
    const a = withSink(registry, 'a', seen, 'A');
    withSink(registry, 'b', seen, 'B');
    registry.route('channel.tips', undefined, message(''), (e) => e === a);
    expect(seen).toEqual(['A:a']);
  });
});

/** The rooms the registry still keeps, by table (white box: memory must stay bounded by the live entries). */
function roomsKept(registry: Registry): { entries: number; aliased: number } {
  const r = registry as unknown as { entries: { size: number }; aliased: { size: number } };
  return { entries: r.entries.size, aliased: r.aliased.size };
}

describe('Registry: memory', () => {
  it('forgets the rooms and aliases of removed entries', () => {
    const { registry } = registryWithTokens();
    const seen: string[] = [];
    const a = withSink(registry, 'a', seen, 'A');
    const b = withSink(registry, 'b', seen, 'B');
    const b2 = registry.acquire('channel.tips', 'b', 'tok-2', 'jwt');
    registry.canonical(a, 'c');
    registry.canonical(b, 'c');
    expect(roomsKept(registry)).toEqual({ entries: 2, aliased: 1 });
    registry.remove(a);
    expect(roomsKept(registry)).toEqual({ entries: 1, aliased: 1 });
    registry.remove(b);
    expect(roomsKept(registry)).toEqual({ entries: 1, aliased: 0 });
    registry.remove(b2);
    expect(roomsKept(registry)).toEqual({ entries: 0, aliased: 0 });
  });

  it('forgets the alias an entry leaves for another', () => {
    const { registry } = registryWithTokens();
    const a = withSink(registry, 'a', [], 'A');
    registry.canonical(a, 'c1');
    registry.canonical(a, 'c2');
    expect(roomsKept(registry)).toEqual({ entries: 1, aliased: 1 });
    registry.canonical(a, 'a');
    expect(roomsKept(registry)).toEqual({ entries: 1, aliased: 0 });
  });
});

describe('Registry: entries and tokens', () => {
  it('one entry per (topic, room, token); tokens counted by entries', () => {
    const { registry, events } = registryWithTokens();
    const e1 = registry.acquire('channel.tips', 'r', 'tok-1', 'jwt');
    expect(registry.acquire('channel.tips', 'r', 'tok-1', 'jwt')).toBe(e1);
    const e2 = registry.acquire('channel.tips', 'r', 'tok-1', 'oauth2');
    const e3 = registry.acquire('channel.tips', 'r2', 'tok-1', 'jwt');
    expect(e2).not.toBe(e1);
    expect(e3.tokenRef).toBe(e1.tokenRef);
    expect(e2.tokenRef).not.toBe(e1.tokenRef);
    expect(registry.size).toBe(3);
    expect(registry.tokenOf(e2.tokenRef)).toEqual(expect.objectContaining({ token: 'tok-1', tokenType: 'oauth2' }));
    registry.remove(e1);
    expect(events).toEqual(['+tok-1', '+tok-1']);
    registry.remove(e3);
    expect(registry.tokenOf(e1.tokenRef)).toBeUndefined();
    expect(events).toEqual(['+tok-1', '+tok-1', '-tok-1']);
    expect([...registry.values()]).toEqual([e2]);
  });

  it('sinks: the first added and the last removed are reported; deliver reaches each', () => {
    const { registry } = registryWithTokens();
    const seen: string[] = [];
    const entry = registry.acquire('channel.tips', 'r', 'tok-1', 'jwt');
    const s1 = sink(seen, 'one');
    const s2 = sink(seen, 'two');
    expect(addSink(entry, s1)).toBe(true);
    expect(addSink(entry, s2)).toBe(false);
    deliver(entry, message('r'));
    expect(sinksOf(entry)).toEqual([s1, s2]);
    expect(removeSink(entry, s1)).toBe(false);
    deliver(entry, message('r'));
    expect(removeSink(entry, s2)).toBe(true);
    deliver(entry, message('r'));
    expect(seen).toEqual(['one:r', 'two:r', 'two:r']);
  });
});
