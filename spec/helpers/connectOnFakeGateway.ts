import { Subject } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { ConnectionConfig, ConnectionEvent, Intent, connect } from '../../lib/connection/connect';
import { FakeGatewayOptions, fakeGateway } from './fakeGateway';
import { createTestScheduler } from './testScheduler';

/**
 * One `connect()` to a fake gateway on virtual time, with nonces `n1`, `n2`, …,
 * no jitter and a recognisable token: `script(gateway, intents, scheduler)`
 * schedules what happens, then it runs until `endAt` and returns every event.
 */
export function runConnection(
  over: Partial<ConnectionConfig>,
  gw: FakeGatewayOptions,
  script: (g: ReturnType<typeof fakeGateway>, intents: Subject<Intent>, scheduler: TestScheduler) => void,
  endAt = 500,
) {
  const scheduler = createTestScheduler();
  const events: ConnectionEvent[] = [];
  let gateway!: ReturnType<typeof fakeGateway>;
  scheduler.run(() => {
    gateway = fakeGateway(scheduler, gw);
    const intents = new Subject<Intent>();
    let seq = 0;
    const s = connect({
      url: 'ws://127.0.0.1:1',
      intents,
      tokenOf: () => ({ token: 't0k3n', tokenType: 'jwt' }),
      openSocket: gateway.openSocket,
      scheduler,
      nonce: () => `n${++seq}`,
      backoff: { jitter: false, initialDelayMs: 100 },
      ...over,
    }).subscribe((e) => events.push(e));
    script(gateway, intents, scheduler);
    scheduler.schedule(() => s.unsubscribe(), endAt);
    scheduler.flush();
  });
  return { events, gateway };
}
