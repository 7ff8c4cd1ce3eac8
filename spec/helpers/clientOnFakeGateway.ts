import type { TestScheduler } from 'rxjs/testing';
import { createAstroClient } from '../../lib/client/createAstroClient';
import type { AstroClientOptions } from '../../lib/client/types';
import { FakeGatewayOptions, fakeGateway } from './fakeGateway';

/**
 * A client on a fake gateway, both on the TestScheduler's virtual time, with
 * deterministic nonces (`n1`, `n2`, …), no jitter, and a recognisable token.
 */
export function clientOnFakeGateway(scheduler: TestScheduler, gw: FakeGatewayOptions = {}, opts: AstroClientOptions = {}) {
  const gateway = fakeGateway(scheduler, gw);
  let seq = 0;
  const client = createAstroClient({
    url: 'ws://127.0.0.1:1',
    token: 'secret-token-1',
    scheduler,
    random: () => 1,
    nonce: () => `n${++seq}`,
    backoff: { jitter: false },
    openSocket: gateway.openSocket,
    ...opts,
  });
  return { gateway, client };
}
