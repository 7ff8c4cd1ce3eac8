/**
 * Applies one planned fault to the emulator. Details (which frames, which
 * status) come from the fault's own seed; what a fault finds (which clients are
 * connected) is whatever the run has reached at that moment.
 */
import type { Emulator } from '../lib/testing';
import { seededRandom } from '../lib/testing/seededRandom';
import { CONFIG } from './config';
import type { Fleet, SoakClient } from './fleet';
import { garbageFrames, hostile, oversize } from './frames';
import type { PlannedFault } from './plan';
import { pick } from './prng';
import type { SwitchWindows } from './switches';

export interface InjectContext {
  readonly emulator: Emulator;
  readonly fleet: Fleet;
  readonly switches: SwitchWindows;
  /** Extra subscriptions to remove at `until`. */
  readonly extras: Array<{ readonly until: number; readonly client: SoakClient; readonly keys: readonly string[] }>;
}

const GARBAGE = garbageFrames(CONFIG.maxFrameBytes);
// Built once (two of them are over 1 MiB): each fault picks among them with its own seed.
const HOSTILE = hostile(seededRandom(0x4057));
const BOGUS_RECONNECT = JSON.stringify({ type: 'reconnect', data: { message: 'The server is shutting down.', reconnect_token: 'eyJhbGciOiJIUzI1NiIs.bogus.token' } });
const RACE = { authLatencyMs: CONFIG.raceLatencyMs, unsubscribeLatencyMs: CONFIG.raceLatencyMs } as const;

/** Injects `fault` at wall time `now`; returns the clients it hit. */
export function inject(ctx: InjectContext, fault: PlannedFault, now: number): number[] {
  const { emulator, fleet } = ctx;
  const random = seededRandom(fault.salt);
  const targets = fault.target === 'all' ? fleet.clients : fleet.clients.filter((c) => c.index === fault.target);
  const conns = new Map(emulator.connections().map((x) => [x.clientId, x]));
  const ids = targets.map((c) => c.clientId).filter((id): id is string => id !== undefined && conns.has(id));
  // Frames and handovers only reach healthy sockets: a frame on a silenced link would be a sign of life no dead
  // link gives, and a handover queued there would leave its refusal for another client.
  const healthy = ids.filter((id) => !conns.get(id)?.silenced && !conns.get(id)?.draining);
  const retire = (): void => targets.forEach((c) => c.clientId !== undefined && c.retired.add(c.clientId));
  const drop = (): void => {
    retire();
    if (fault.target === 'all') emulator.faults.dropAll();
    else ids.forEach((id) => emulator.faults.drop(id));
  };
  const handover = (): number => healthy.filter((id) => emulator.faults.handover(id) !== undefined).length;
  const extras = (): void => {
    for (const c of targets) ctx.extras.push({ until: now + fault.windowMs, client: c, keys: fleet.addExtras(c, fault.n) });
  };
  switch (fault.kind) {
    case 'drop_all':
    case 'drop_one':
      drop();
      break;
    case 'drain':
      void emulator.drain();
      break;
    case 'handover_one':
      handover();
      break;
    case 'bad_reconnect':
      badReconnect(ctx, random, healthy, retire, handover);
      break;
    case 'refuse_429':
    case 'refuse_502':
      emulator.faults.refuseUpgrades(fault.kind === 'refuse_429' ? 429 : 502, fault.n);
      drop();
      break;
    case 'garbage':
      for (let i = 0; i < fault.n; i++) sendAll(emulator, healthy, pick(random, GARBAGE));
      break;
    case 'hostile':
      hostileFault(emulator, random, fault.n, healthy, retire);
      break;
    case 'silence':
      retire();
      ids.forEach((id) => emulator.faults.silence(true, id));
      break;
    case 'cmd_rate_limit':
    case 'cmd_deadline':
    case 'cmd_internal':
      emulator.faults.failNextCommands(COMMAND_FAULTS[fault.kind], fault.n);
      extras();
      break;
    case 'reject_next':
      emulator.faults.rejectNext(fault.n);
      extras();
      break;
    default:
      raceFault(ctx, fault, now, random, { drop, handover, extras });
  }
  return targets.map((c) => c.index);
}

const COMMAND_FAULTS = { cmd_rate_limit: 'rate_limit_exceeded', cmd_deadline: 'err_deadline_exceeded', cmd_internal: 'err_internal_error' } as const;

/** The race switches: out-of-order answers, late snapshots, early old-socket close, a refused token upgrade. */
function raceFault(ctx: InjectContext, fault: PlannedFault, now: number, random: () => number, act: { drop(): void; handover(): number; extras(): void }): void {
  const { switches } = ctx;
  if (fault.kind === 'out_of_order') {
    // a re-subscribe burst whose answers leave out of order (authorization latency varies per command)
    switches.open('latency', RACE, now, fault.windowMs);
    act.drop();
  } else if (fault.kind === 'snapshot_token_use') {
    // subscribes still in authorization when the reconnect frame leaves: part of the handover all the same
    switches.open('snapshot', { snapshot: 'tokenUse' }, now, fault.windowMs);
    switches.open('latency', RACE, now, fault.windowMs);
    act.extras();
    act.handover();
  } else if (fault.kind === 'early_close') {
    // the old socket closes with the reconnect frame, before the new one is welcomed
    switches.open('earlyClose', { oldSocketCloseMs: 0 }, now, fault.windowMs);
    act.handover();
  } else if (fault.kind === 'token_refused') {
    switches.open('tokenUpgrade', { tokenUpgrade: { status: random() < 0.5 ? 429 : 502 } }, now, fault.windowMs);
    act.handover();
  }
}

function badReconnect(ctx: InjectContext, random: () => number, ids: readonly string[], retire: () => void, handover: () => number): void {
  retire();
  if (random() < 0.5) {
    // a handover whose token the emulator refuses (closed with 4001): the client falls back to a fresh socket
    ctx.emulator.faults.rejectNextReconnects(handover());
  } else {
    // a reconnect frame with a token nobody issued, outside any drain
    sendAll(ctx.emulator, ids, BOGUS_RECONNECT);
  }
}

function hostileFault(emulator: Emulator, random: () => number, n: number, ids: readonly string[], retire: () => void): void {
  for (let i = 0; i < n; i++) {
    const frame = pick(random, HOSTILE).text;
    // one over the client's hard frame limit closes its socket: the client must reconnect
    if (oversize(frame, CONFIG.maxFrameBytes)) retire();
    sendAll(emulator, ids, frame);
  }
}

function sendAll(emulator: Emulator, ids: readonly string[], frame: string | Buffer): void {
  for (const id of ids) emulator.faults.sendRaw(frame, id);
}
