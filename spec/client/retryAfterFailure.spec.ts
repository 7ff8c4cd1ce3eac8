import { Observable, retry, type Subscriber } from 'rxjs';
import { AstroError } from '../../lib/errors/astroError';
import { createTestScheduler } from '../helpers/testScheduler';
import { clientOnFakeGateway } from '../helpers/clientOnFakeGateway';

/** Wakeups that each connection subscribes anew; a spec fails a chosen one. */
function controlledWakeups() {
  const subscribers: Array<Subscriber<unknown>> = [];
  return { subscribers, wakeups: new Observable<unknown>((s) => void subscribers.push(s)) };
}

/** Wakeups whose first `failures` subscriptions fail at once, while subscribing. */
function failingAtOnce(failures: number) {
  let subscribed = 0;
  return new Observable<unknown>((s) => {
    if (++subscribed <= failures) s.error(new AstroError('timeout', `attempt ${subscribed} failed`));
  });
}

describe('a topic that resubscribes after the connection failed for good', () => {
  it('retry() opens a new socket and goes on receiving', () => {
    const scheduler = createTestScheduler();
    const { subscribers, wakeups } = controlledWakeups();
    const { client, gateway } = clientOnFakeGateway(scheduler, {}, { wakeups });
    const seen: string[] = [];
    client
      .topic('channel.tips', { room: 'r1' })
      .pipe(retry(1))
      .subscribe({ next: (m) => seen.push(`next:${m.id}`), error: (e: AstroError) => seen.push(`error:${e.code}`) });
    scheduler.flush();
    expect(gateway.links).toHaveLength(1);
    subscribers[0]?.error(new AstroError('timeout', 'gone'));
    scheduler.flush();
    expect(gateway.links).toHaveLength(2);
    expect(gateway.link(1).sent.map((s) => `${s.command.type}/${s.command.data.room}`)).toEqual(['subscribe/r1']);
    gateway.publish('channel.tips', 'r1', {}, 'M1');
    expect(seen).toEqual(['next:M1']);
    client.close();
  });

  it('a connection that fails while subscribing is tried once per retry, then the error arrives', () => {
    const scheduler = createTestScheduler();
    const { client } = clientOnFakeGateway(scheduler, {}, { wakeups: failingAtOnce(10) });
    const seen: string[] = [];
    client
      .topic('channel.tips', { room: 'r1' })
      .pipe(retry(3))
      .subscribe({ next: () => seen.push('next'), error: (e: AstroError) => seen.push(`error:${e.message}`) });
    scheduler.flush();
    expect(seen).toEqual(['error:attempt 4 failed']);
  });

  it('comes back on the first attempt that holds', () => {
    const scheduler = createTestScheduler();
    const { client, gateway } = clientOnFakeGateway(scheduler, {}, { wakeups: failingAtOnce(2) });
    const seen: string[] = [];
    client
      .topic('channel.tips', { room: 'r1' })
      .pipe(retry(5))
      .subscribe({ next: (m) => seen.push(`next:${m.id}`), error: (e: AstroError) => seen.push(`error:${e.message}`) });
    scheduler.flush();
    gateway.publish('channel.tips', 'r1', {}, 'M1');
    expect(seen).toEqual(['next:M1']);
    expect(gateway.links).toHaveLength(1);
    client.close();
  });
});

describe('frames$ when the connection fails for good', () => {
  it('errors like a topic, and does not hold the dead connection open', () => {
    const scheduler = createTestScheduler();
    const { subscribers, wakeups } = controlledWakeups();
    const { client, gateway } = clientOnFakeGateway(scheduler, {}, { wakeups });
    const seen: string[] = [];
    client.frames$.subscribe({ error: (e: AstroError) => seen.push(`frames:error:${e.code}`) });
    client.topic('channel.tips', { room: 'r1' }).subscribe({ error: (e: AstroError) => seen.push(`topic:error:${e.code}`) });
    scheduler.flush();
    subscribers[0]?.error(new AstroError('timeout', 'gone'));
    scheduler.flush();
    expect(seen.sort()).toEqual(['frames:error:timeout', 'topic:error:timeout']);
    expect(gateway.links).toHaveLength(1);
    expect(subscribers).toHaveLength(1);
  });

  it('frames$ with retry() reopens the connection on its own', () => {
    const scheduler = createTestScheduler();
    const { subscribers, wakeups } = controlledWakeups();
    const { client, gateway } = clientOnFakeGateway(scheduler, {}, { wakeups });
    const types: string[] = [];
    client.frames$.pipe(retry(1)).subscribe({ next: (f) => types.push(f.type), error: () => types.push('error') });
    scheduler.flush();
    subscribers[0]?.error(new AstroError('timeout', 'gone'));
    scheduler.flush();
    expect(gateway.links).toHaveLength(2);
    expect(types).not.toContain('error');
    client.close();
  });
});
