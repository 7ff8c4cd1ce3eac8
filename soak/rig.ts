/**
 * Everything a run drives, wired together: the emulator, the clients, the
 * ledger, the recovery tracker, the switch windows, the publisher and the
 * recovery poll.
 */
import { startEmulator } from '../lib/testing';
import { seededRandom } from '../lib/testing/seededRandom';
import { CONFIG, type SoakOptions } from './config';
import { roomKeys, startFleet } from './fleet';
import { createHealth } from './health';
import type { InjectContext } from './inject';
import { createLedger } from './ledger';
import { switchWindows } from './switches';

/** Starts the emulator and the clients of a run (`t0`: the run's start, for logs). */
export async function startRig(o: SoakOptions, t0: number, log: (line: string) => void) {
  const { keys, aliases } = roomKeys(o.rooms);
  const emulator = await startEmulator({
    pingIntervalMs: CONFIG.pingIntervalMs,
    pongTimeoutMs: CONFIG.pongTimeoutMs,
    rateLimit: CONFIG.bucket,
    connectionRateLimit: { max: CONFIG.upgradesPerClientPer10s * o.clients, windowMs: 10_000 },
    drainGraceMs: CONFIG.drainGraceMs,
    roomAliases: aliases,
    random: seededRandom(o.seed ^ 0x5bd1e995),
  });
  const holdMs = CONFIG.settleMs + CONFIG.recoveryBoundMs;
  const ledger = createLedger({ clients: o.clients, settleMs: CONFIG.settleMs, holdMs, gapEpsilonMs: CONFIG.gapEpsilonMs, origin: t0 });
  const fleet = startFleet(emulator, keys, o.clients, o.seed, ledger, log);
  const health = createHealth(fleet.clients, emulator, CONFIG.recoveryBoundMs);
  const ctx: InjectContext = { emulator, fleet, switches: switchWindows(emulator), extras: [] };
  const publishRandom = seededRandom(o.seed ^ 0x9e3779b9);
  const perTick = o.publishPerSecond * (CONFIG.publishTickMs / 1000);
  let owed = 0;
  let gracefulHandovers = 0;
  let publisher: ReturnType<typeof setInterval> | undefined;
  const publish = (): void => {
    for (owed += perTick; owed >= 1; owed--) {
      const k = Math.floor(publishRandom() * keys.length);
      const key = keys[k];
      if (key) emulator.publish(key.topic, key.canonical, { soak: { k, g: ledger.publish(Date.now()) }, n: 'x'.repeat(16) });
    }
  };
  const poll = (now: number): void => {
    for (const f of health.poll(now)) {
      log(`recovered from ${f.kind} on ${f.targets.length === o.clients ? 'all' : f.targets.join(',')} after ${now - f.at} ms`);
      if (!f.graceful) continue;
      gracefulHandovers++;
      for (const c of f.targets) ledger.graceful(c, f.at, now);
    }
    ledger.settle(now);
  };
  const poller = setInterval(() => poll(Date.now()), CONFIG.pollMs);
  return {
    emulator,
    ledger,
    fleet,
    health,
    ctx,
    get gracefulHandovers() {
      return gracefulHandovers;
    },
    startPublishing: (): void => void (publisher ??= setInterval(publish, CONFIG.publishTickMs)),
    stopPublishing: (): void => clearInterval(publisher),
    /** Stops the poll, closes what is still open and settles every event. */
    finish(): void {
      clearInterval(poller);
      poll(Date.now());
      ledger.settle(Infinity);
    },
    async close(): Promise<void> {
      fleet.close();
      await emulator.close();
      ctx.switches.reset();
    },
  };
}

export type Rig = Awaited<ReturnType<typeof startRig>>;
