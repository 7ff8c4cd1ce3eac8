/**
 * Section 7, CPU while idle (run with `--expose-gc`, in its own process): one
 * client holds 10 000 rooms (quick: 1 000) through the in-process fake
 * transport of section 2, then nothing happens for a while. Measured: the
 * process's CPU (user + system) over that time, as a share of one core, and the
 * timers the process has scheduled, before and after subscribing (a per-room
 * timer would show as thousands of them). The client runs with its defaults
 * (request timeout, rate limit); the fake transport sees no pings, so no
 * heartbeat is armed, as in a browser.
 */
import type { Subscription } from 'rxjs';
import { createAstroClient } from '../astro';
import { tokenSigner } from '../../lib/testing/tokens';
import { TOPIC, emitResult, log, parseFlags, sig, sleep, until } from '../common';
import { fakeTransport } from '../fakeTransport';

const { quick } = parseFlags(process.argv.slice(2));
const ROOMS = quick ? 1_000 : 10_000;
const IDLE_MS = quick ? 2_000 : 10_000;
const TOKEN = tokenSigner('bench-secret').issue({ channel: '*', scopes: ['activities:read'] });

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

async function main(): Promise<void> {
  const timersBefore = timers();
  const fake = fakeTransport();
  // the gateway's real bucket (burst 100, one per 100 ms) would take 990 s to subscribe 10 000 rooms: not what is measured here
  const client = createAstroClient({ url: 'ws://127.0.0.1:1', token: TOKEN, openSocket: fake.openSocket, rateLimit: { burst: 1_000_000, intervalMs: 1 } });
  const subs: Subscription[] = [];
  for (let i = 0; i < ROOMS; i++) subs.push(client.topic(TOPIC, { room: `room-${i}` }).subscribe(() => undefined));
  await until(() => fake.responses >= ROOMS, 600_000, `${ROOMS} subscribe responses`);
  await sleep(500);
  (globalThis as { gc?: () => void }).gc?.();
  const timersHeld = timers();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(IDLE_MS);
  const cpu = process.cpuUsage(c0);
  const ms = performance.now() - t0;
  const share = (cpu.user + cpu.system) / 1000 / ms;
  const timersAfter = timers();
  for (const s of subs) s.unsubscribe();
  client.close();
  log(`idle: ${ROOMS} rooms, ${(share * 100).toFixed(3)} % of a core over ${Math.round(ms)} ms; timers ${timersBefore} → ${timersHeld} → ${timersAfter}`);
  emitResult({
    rooms: ROOMS,
    idleMs: Math.round(ms),
    cpuShareOfCore: sig(share),
    cpuUs: cpu.user + cpu.system,
    timers: { before: timersBefore, held: timersHeld, after: timersAfter },
    targets: {
      cpu: { value: sig(share * 100), target: '< 1 %', met: share < 0.01 },
      timers: { value: timersHeld - timersBefore, target: 'no per-room timer', met: timersHeld - timersBefore < 10 },
    },
  });
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
