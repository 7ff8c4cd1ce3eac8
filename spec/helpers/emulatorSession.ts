import { Subscription } from 'rxjs';
import type { AstroClient } from '../../lib/client/types';
import type { Emulator } from '../../lib/testing';

/** What an emulator spec opened; {@link emulatorSession} closes it after each spec. */
export interface EmulatorSession {
  emulator?: Emulator | undefined;
  client?: AstroClient | undefined;
  /** The spec's subscriptions (a fresh one for each spec). */
  subs: Subscription;
}

/**
 * One emulator, one client and their subscriptions per spec, torn down after
 * each: the subscriptions first, then the client, then the emulator.
 */
export function emulatorSession(): EmulatorSession {
  const session: EmulatorSession = { subs: new Subscription() };
  afterEach(async () => {
    session.subs.unsubscribe();
    session.subs = new Subscription();
    session.client?.close();
    session.client = undefined;
    const emulator = session.emulator;
    session.emulator = undefined;
    await emulator?.close();
  });
  return session;
}
