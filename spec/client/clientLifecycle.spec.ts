import { createAstroClient, DEFAULT_URL } from '../../lib/client/createAstroClient';
import type { ClientMetrics, ConnectionState } from '../../lib/client/types';
import { createTestScheduler } from '../helpers/testScheduler';
import { clientOnFakeGateway } from '../helpers/clientOnFakeGateway';
import { fakeGateway } from '../helpers/fakeGateway';

describe('createAstroClient: defaults', () => {
  it('needs no options, and opens nothing by itself', () => {
    const client = createAstroClient();
    const states: ConnectionState[] = [];
    client.state$.subscribe((s) => states.push(s));
    client.close();
    expect(states).toEqual([{ status: 'idle' }, { status: 'closed' }]);
  });

  it('uses the public gateway by default', () => {
    const scheduler = createTestScheduler();
    const gateway = fakeGateway(scheduler);
    const client = createAstroClient({ token: 'secret-token-1', scheduler, openSocket: gateway.openSocket });
    const sub = client.topic('channel.tips', { room: 'r' }).subscribe();
    scheduler.flush();
    sub.unsubscribe();
    client.close();
    expect(gateway.links.map((l) => l.url)).toEqual([`${DEFAULT_URL}/`]);
  });
});

describe('createAstroClient: setConnections', () => {
  it.each([0, -1, 1.5, Number.NaN])('rejects %p naming the option', (k) => {
    const scheduler = createTestScheduler();
    const { client } = clientOnFakeGateway(scheduler);
    expect(() => client.setConnections(k)).toThrow(`connections must be an integer >= 1, got ${String(k)}`);
    expect(() => createAstroClient({ token: 't', connections: k })).toThrow(`connections must be an integer >= 1, got ${String(k)}`);
  });

  it('to the current size changes nothing (the client does not become a pool)', () => {
    const scheduler = createTestScheduler();
    const { client } = clientOnFakeGateway(scheduler);
    const metrics: ClientMetrics[] = [];
    client.metrics$.subscribe((m) => metrics.push(m));
    client.setConnections(1);
    const sub = client.topic('channel.tips', { room: 'r' }).subscribe();
    scheduler.flush();
    sub.unsubscribe();
    expect(metrics.every((m) => m.connections === undefined)).toBe(true);
  });

  it('after close changes nothing and opens nothing', () => {
    const scheduler = createTestScheduler();
    const { client, gateway } = clientOnFakeGateway(scheduler);
    const states: ConnectionState[] = [];
    client.state$.subscribe((s) => states.push(s));
    client.close();
    client.setConnections(3);
    scheduler.flush();
    expect(gateway.links).toHaveLength(0);
    expect(states).toEqual([{ status: 'idle' }, { status: 'closed' }]);
  });
});

describe('createAstroClient: close', () => {
  it('completes every topic subscriber once, closes the socket, and a second close does nothing', () => {
    const scheduler = createTestScheduler();
    const { client, gateway } = clientOnFakeGateway(scheduler);
    const seen: string[] = [];
    const states: string[] = [];
    client.state$.subscribe({ next: (s) => states.push(s.status), complete: () => states.push('complete') });
    client.topic('channel.tips', { room: 'r1' }).subscribe({ complete: () => seen.push('a') });
    client.topic('channel.tips', { room: 'r2' }).subscribe({ complete: () => seen.push('b') });
    scheduler.flush();
    client.close();
    client.close();
    scheduler.flush();
    expect(seen).toEqual(['a', 'b']);
    expect(gateway.link(0).closedByClient).toBe(true);
    expect(states[states.length - 2]).toBe('closed');
    expect(states[states.length - 1]).toBe('complete');
    expect(states.filter((s) => s === 'closed')).toHaveLength(1);
  });
});
