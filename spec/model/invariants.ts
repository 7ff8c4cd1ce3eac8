import { AstroError } from '../../lib/errors/astroError';
import { liveActions } from '../reliability/helpers/scriptedGateway';
import { World, advance, authorize, slotOf } from './world';

/** How long after a disturbance (fault, switch, intent change) everything must have settled. */
export const SETTLE_MS = 15_000;
const BUCKET = { burst: 100, intervalMs: 100 };

/** The gateway subscriptions the users want now: (topic, canonical room) of every live, authorized user. */
export function intended(w: World): Set<string> {
  const set = new Set<string>();
  for (const u of w.users) {
    if (u.until !== undefined) continue;
    const auth = authorize(w.defaultRoom, u.topic, u.room, u.token);
    if (auth.ok) set.add(slotOf(u.topic, auth.canonicalRoom));
  }
  return set;
}

/** Commands on the wire never exceed the gateway's bucket, on any connection, in any window. */
export function bucketViolations(w: World): string[] {
  const byConn = new Map<number, number[]>();
  for (const e of w.gw.wire) byConn.set(e.conn, [...(byConn.get(e.conn) ?? []), e.at]);
  const out: string[] = [];
  for (const [conn, times] of byConn) {
    let tokens = BUCKET.burst;
    let since = times[0] ?? 0;
    for (const t of times) {
      const gained = Math.floor((t - since) / BUCKET.intervalMs);
      if (gained > 0) {
        tokens = Math.min(BUCKET.burst, tokens + gained);
        since = tokens === BUCKET.burst ? t : since + gained * BUCKET.intervalMs;
      }
      if (tokens < 1) {
        out.push(`connection ${conn} sent a command at ${t} with the bucket empty`);
        break;
      }
      tokens--;
    }
  }
  return out;
}

/** Exactly once, or inside a reported gap; and never a duplicate. */
export function deliveryViolations(w: World): string[] {
  const out: string[] = [];
  const inGap = (t: number) => w.gaps.some((g) => g.from <= t && t <= g.to);
  for (const u of w.users) {
    const seen = new Set<string>();
    for (const id of u.received) {
      if (seen.has(id)) out.push(`user #${u.n} (${u.topic}/${u.room}) got ${id} twice`);
      seen.add(id);
    }
    if (u.error !== undefined) continue;
    const auth = authorize(w.defaultRoom, u.topic, u.room, u.token);
    if (!auth.ok) continue;
    const slot = slotOf(u.topic, auth.canonicalRoom);
    for (const p of w.gw.published) {
      if (slotOf(p.topic, p.room) !== slot || p.deliveredTo.length === 0) continue;
      if (u.until !== undefined && p.at >= u.until) continue;
      // only events published when the system had settled for this user
      const calmSince = Math.max(u.since, w.lastFault, w.lastIntent.get(slot) ?? 0);
      if (p.at - calmSince < SETTLE_MS) continue;
      if (!seen.has(p.id) && !inGap(p.at)) out.push(`user #${u.n} (${u.topic}/${JSON.stringify(u.room)}) lost ${p.id} published at ${p.at} (settled since ${calmSince}), outside any gap`);
    }
  }
  return out;
}

/** After a calm period: the gateway holds exactly the intent, the right users failed, probes arrive once. */
export function quiescenceViolations(w: World): string[] {
  const out: string[] = [];
  w.gw.set({ tokenUpgrade: 'accept', authLatencyMs: [0, 40], oldSocketCloseMs: 5000 });
  w.lastFault = w.scheduler.now();
  advance(w, 60_000);
  const current = w.gw.current();
  const want = intended(w);
  const held = new Set(current?.held ?? []);
  const show = (s: Set<string>) => JSON.stringify([...s].map((k) => k.replace('\u0000', '/')).sort());
  const anyone = w.users.some((u) => u.until === undefined);
  const live = w.gw.connections().filter((c) => c.live);
  if (anyone) {
    if (!current) out.push('no welcomed connection after healing');
    else if (show(held) !== show(want)) out.push(`gateway holds ${show(held)}, users want ${show(want)}`);
    if (live.length !== 1) out.push(`${live.length} connections are live after healing`);
    if (w.states.at(-1)?.status !== 'open') out.push(`state is ${w.states.at(-1)?.status} after healing`);
  } else if (live.length > 0) {
    out.push(`${live.length} connections are live with no subscriber`);
  }
  for (const u of w.users) {
    const auth = authorize(w.defaultRoom, u.topic, u.room, u.token);
    if (u.error !== undefined && !(u.error instanceof AstroError && u.error.code === 'err_unauthorized' && !auth.ok)) {
      out.push(`user #${u.n} (${u.topic}/${u.room}/${u.token.slice(0, 5)}) errored: ${String(u.error)}`);
    }
    if (u.until === undefined && !auth.ok) out.push(`user #${u.n} is unauthorized but did not error`);
  }
  // probes: every live user gets one event of its slot, once
  const probes = [...want].map((slot) => {
    const [topic, room] = slot.split('\u0000') as [string, string];
    return { slot, id: w.gw.publish(topic, room, { probe: true }).id };
  });
  advance(w, 100);
  for (const u of w.users) {
    if (u.until !== undefined) continue;
    const auth = authorize(w.defaultRoom, u.topic, u.room, u.token);
    const probe = auth.ok ? probes.find((p) => p.slot === slotOf(u.topic, auth.canonicalRoom)) : undefined;
    if (!probe) continue;
    const n = u.received.filter((id) => id === probe.id).length;
    if (n !== 1) out.push(`user #${u.n} (${u.topic}/${JSON.stringify(u.room)}) got the probe ${n} times`);
  }
  return out;
}

/** After close(): no timer, no socket, no unhandled error. */
export function closeViolations(w: World): string[] {
  const out: string[] = [];
  w.client.close();
  advance(w, 10_000);
  const timers = liveActions(w.scheduler);
  if (timers > 0) out.push(`${timers} timers are still armed after close()`);
  const open = w.gw.connections().filter((c) => c.live);
  if (open.length > 0) out.push(`${open.length} sockets are still open after close()`);
  if (w.unhandled.length > 0) out.push(`unhandled errors: ${w.unhandled.map(String).join('; ')}`);
  return out;
}
