import { Observable, Subject, type Subscriber } from 'rxjs';
import { createAstroClient } from '../../lib/client/createAstroClient';
import { AstroError } from '../../lib/errors/astroError';
import type { ConnectionState } from '../../lib/client/types';
import { createTestScheduler } from '../helpers/testScheduler';
import { clientOnFakeGateway } from '../helpers/clientOnFakeGateway';

/** Everything a topic subscriber sees, as text. */
function recorder() {
  const seen: string[] = [];
  const errors: unknown[] = [];
  return {
    seen,
    errors,
    observer: (name: string) => ({
      next: (m: { id?: string }) => seen.push(`${name}:next:${m.id}`),
      error: (e: unknown) => {
        errors.push(e);
        seen.push(`${name}:error:${(e as AstroError).code}:${(e as AstroError).message}`);
      },
      complete: () => seen.push(`${name}:complete`),
    }),
  };
}

describe('createAstroClient: argument checks', () => {
  it.each([
    { lazyCloseMs: -1, shown: '-1' },
    { lazyCloseMs: Number.NaN, shown: 'NaN' },
  ])('rejects lazyCloseMs $shown naming the option and the value', ({ lazyCloseMs, shown }) => {
    let thrown: unknown;
    try {
      createAstroClient({ token: 't', lazyCloseMs });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(AstroError);
    expect((thrown as AstroError).code).toBe('invalid_argument');
    expect((thrown as AstroError).message).toBe(`lazyCloseMs must be a number >= 0, got ${shown}`);
  });

  it('accepts lazyCloseMs 0', () => {
    expect(() => createAstroClient({ token: 't', lazyCloseMs: 0 })).not.toThrow();
  });
});

describe('createAstroClient: a topic that cannot start', () => {
  it.each([
    { title: 'no token at all', client: undefined, topic: undefined },
    { title: 'an empty client token', client: '', topic: undefined },
    { title: 'an empty topic token', client: undefined, topic: '' },
  ])('errors with invalid_argument naming the topic: $title', ({ client: token, topic: topicToken }) => {
    const scheduler = createTestScheduler();
    const { client, gateway } = clientOnFakeGateway(scheduler, {}, { token });
    const { seen, errors, observer } = recorder();
    client.topic('channel.tips', { room: 'r1', ...(topicToken !== undefined ? { token: topicToken } : {}) }).subscribe(observer('a'));
    scheduler.flush();
    expect(seen).toEqual([`a:error:invalid_argument:no token for channel.tips: pass the client's token option or topic(…, { token })`]);
    expect((errors[0] as AstroError).details).toEqual({ topic: 'channel.tips' });
    expect(gateway.links).toHaveLength(0);
  });

  it("a topic's own token is enough when the client has none", () => {
    const scheduler = createTestScheduler();
    const { client, gateway } = clientOnFakeGateway(scheduler, {}, { token: undefined });
    const { seen, observer } = recorder();
    const sub = client.topic('channel.tips', { room: 'r1', token: 'topic-token-1' }).subscribe(observer('a'));
    scheduler.flush();
    expect(seen).toEqual([]);
    expect(gateway.link(0).sent.map((s) => s.command.type)).toEqual(['subscribe']);
    sub.unsubscribe();
  });

  it('errors with the token type check when the topic names an unknown one', () => {
    const scheduler = createTestScheduler();
    const { client, gateway } = clientOnFakeGateway(scheduler);
    const { seen, observer } = recorder();
    client.topic('channel.tips', { room: 'r1', tokenType: 'bearer' as never }).subscribe(observer('a'));
    scheduler.flush();
    expect(seen).toEqual([`a:error:invalid_argument:tokenType must be 'jwt', 'oauth2' or 'apikey', got "bearer"`]);
    expect(gateway.links).toHaveLength(0);
  });

  it('errors with closed after close(), opening nothing', () => {
    const scheduler = createTestScheduler();
    const { client, gateway } = clientOnFakeGateway(scheduler);
    client.close();
    const { seen, errors, observer } = recorder();
    client.topic('channel.tips', { room: 'r1' }).subscribe(observer('a'));
    scheduler.flush();
    expect(seen).toEqual(['a:error:closed:the client is closed']);
    expect((errors[0] as AstroError).details).toEqual({ topic: 'channel.tips' });
    expect(gateway.links).toHaveLength(0);
  });
});

describe('createAstroClient: the connection fails for good', () => {
  it.each([
    { title: 'an AstroError is passed on as it is', error: new AstroError('timeout', 'the wakeups broke'), code: 'timeout', message: 'the wakeups broke' },
    { title: 'anything else becomes transport', error: new Error('boom'), code: 'transport', message: 'connection failed' },
  ])('every topic subscriber gets the error and state$ says closed: $title', ({ error, code, message }) => {
    const scheduler = createTestScheduler();
    const wakeups = new Subject<unknown>();
    const { client } = clientOnFakeGateway(scheduler, {}, { wakeups });
    const { seen, errors, observer } = recorder();
    const states: ConnectionState[] = [];
    client.state$.subscribe((s) => states.push(s));
    client.topic('channel.tips', { room: 'r1' }).subscribe(observer('a'));
    client.topic('channel.tips', { room: 'r2' }).subscribe(observer('b'));
    client.topic('channel.tips', { room: 'r2' }).subscribe(observer('c'));
    scheduler.flush();
    expect(seen).toEqual([]);
    wakeups.error(error);
    expect(seen).toEqual([`a:error:${code}:${message}`, `b:error:${code}:${message}`, `c:error:${code}:${message}`]);
    if (error instanceof AstroError) expect(errors[0]).toBe(error);
    expect(states[states.length - 1]).toEqual({ status: 'closed', lastError: { code, message } });
  });

  it('a topic subscribed after the failure starts afresh on a new socket', () => {
    const scheduler = createTestScheduler();
    // each connection subscribes anew: only the first one's wakeups fail
    const subscribers: Array<Subscriber<unknown>> = [];
    const wakeups = new Observable<unknown>((subscriber) => void subscribers.push(subscriber));
    const { client, gateway } = clientOnFakeGateway(scheduler, {}, { wakeups, lazyCloseMs: 5 });
    const { seen, observer } = recorder();
    const active: number[] = [];
    client.metrics$.subscribe((m) => active.push(m.activeSubscriptions));
    client.topic('channel.tips', { room: 'r1' }).subscribe(observer('a'));
    scheduler.flush();
    subscribers[0]?.error(new AstroError('timeout', 'gone'));
    const again = client.topic('channel.tips', { room: 'r1' }).subscribe(observer('b'));
    scheduler.flush();
    gateway.publish('channel.tips', 'r1', {}, 'M1');
    expect(seen).toEqual(['a:error:timeout:gone', 'b:next:M1']);
    expect(gateway.links).toHaveLength(2);
    expect(gateway.link(1).sent.map((s) => `${s.command.type}/${s.command.data.room}`)).toEqual(['subscribe/r1']);
    expect(active[active.length - 1]).toBe(1);
    again.unsubscribe();
  });

  it('a window of possible loss that the failure settles is reported before the topics end', () => {
    const scheduler = createTestScheduler();
    const wakeups = new Subject<unknown>();
    const { client, gateway } = clientOnFakeGateway(scheduler, { responseDelay: (c) => (c.type === 'subscribe' && c.nonce !== 'n1' ? 500 : 1) }, { wakeups, backoff: { jitter: false, initialDelayMs: 5 } });
    const order: string[] = [];
    client.gaps$.subscribe((g) => order.push(`gap ${g.from}-${g.to} ${g.cause}`));
    client.topic('channel.tips', { room: 'r1' }).subscribe({ error: (e: AstroError) => order.push(`error ${e.code}`) });
    scheduler.schedule(() => gateway.link(0).drop(), 10);
    scheduler.schedule(() => wakeups.error(new AstroError('timeout', 'gone')), 300);
    scheduler.flush();
    expect(gateway.links.length).toBeGreaterThan(1);
    expect(order).toEqual([expect.stringMatching(/^gap \d+-300 /), 'error timeout']);
  });
});
