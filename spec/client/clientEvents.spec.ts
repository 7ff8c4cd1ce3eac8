import { AstroError } from '../../lib/errors/astroError';
import { createTestScheduler } from '../helpers/testScheduler';
import { clientOnFakeGateway } from '../helpers/clientOnFakeGateway';

/**
 * `events()` on a client whose time is virtual: the TestScheduler is flushed by
 * hand (outside `run`), and the async iterator is read through its Promises.
 */
function setup() {
  const scheduler = createTestScheduler();
  const { client, gateway } = clientOnFakeGateway(scheduler);
  const warnings: AstroError[] = [];
  client.warnings$.subscribe((w) => warnings.push(w));
  return { scheduler, client, gateway, warnings };
}

const ids = async (it: AsyncIterator<{ id?: string }>, n: number) => {
  const out: Array<string | undefined> = [];
  for (let i = 0; i < n; i++) out.push((await it.next()).value?.id);
  return out;
};

describe('client.events()', () => {
  it('without options: subscribes the topic with no room, buffers in order, ends on return()', async () => {
    const { scheduler, client, gateway } = setup();
    const it = client.events('channel.tips')[Symbol.asyncIterator]();
    const first = it.next();
    scheduler.flush();
    expect(gateway.link(0).sent.map((s) => s.command.data)).toEqual([expect.objectContaining({ topic: 'channel.tips' })]);
    for (const id of ['M1', 'M2', 'M3']) gateway.publish('channel.tips', '', {}, id);
    expect((await first).value?.id).toBe('M1');
    expect(await ids(it, 2)).toEqual(['M2', 'M3']);
    await expect(it.return?.()).resolves.toEqual({ done: true, value: undefined });
    scheduler.flush();
    expect(gateway.link(0).sent.map((s) => s.command.type)).toEqual(['subscribe', 'unsubscribe']);
  });

  it("bufferSize and overflow 'dropOldest' apply, and each drop is a warning naming the topic", async () => {
    const { scheduler, client, gateway, warnings } = setup();
    const it = client.events('channel.tips', { room: 'r1', bufferSize: 2, overflow: 'dropOldest' })[Symbol.asyncIterator]();
    const first = it.next();
    scheduler.flush();
    for (const id of ['M1', 'M2', 'M3', 'M4', 'M5']) gateway.publish('channel.tips', 'r1', {}, id);
    expect((await first).value?.id).toBe('M1');
    expect(await ids(it, 2)).toEqual(['M4', 'M5']);
    expect(warnings.map((w) => [w.code, w.message, w.details])).toEqual([
      ['buffer_overflow', 'events() dropped its oldest event (1 so far): the loop body is slower than channel.tips', { topic: 'channel.tips' }],
      ['buffer_overflow', 'events() dropped its oldest event (2 so far): the loop body is slower than channel.tips', { topic: 'channel.tips' }],
    ]);
    expect(warnings[0]).toBeInstanceOf(AstroError);
    await it.return?.();
  });

  it("bufferSize alone keeps the default overflow 'error'", async () => {
    const { scheduler, client, gateway, warnings } = setup();
    const it = client.events('channel.tips', { room: 'r1', bufferSize: 1 })[Symbol.asyncIterator]();
    const first = it.next();
    scheduler.flush();
    for (const id of ['M1', 'M2', 'M3']) gateway.publish('channel.tips', 'r1', {}, id);
    expect((await first).value?.id).toBe('M1');
    await expect(it.next()).rejects.toMatchObject({ code: 'buffer_overflow' });
    expect(warnings).toEqual([]);
  });

  it("overflow 'dropOldest' alone keeps the default bufferSize of 1000", async () => {
    const { scheduler, client, gateway, warnings } = setup();
    const it = client.events('channel.tips', { room: 'r1', overflow: 'dropOldest' })[Symbol.asyncIterator]();
    const first = it.next();
    scheduler.flush();
    for (let i = 0; i <= 1001; i++) gateway.publish('channel.tips', 'r1', {}, `M${i}`);
    expect((await first).value?.id).toBe('M0');
    expect(await ids(it, 1)).toEqual(['M2']);
    expect(warnings.map((w) => w.message)).toEqual(['events() dropped its oldest event (1 so far): the loop body is slower than channel.tips']);
    await it.return?.();
  });
});
