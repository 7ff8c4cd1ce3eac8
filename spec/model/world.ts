import { Subscription, VirtualTimeScheduler, config as rxConfig } from 'rxjs';
import { createAstroClient } from '../../lib/client/createAstroClient';
import type { AstroClient, Gap, ConnectionState } from '../../lib/client/types';
import { virtualGateway, type VirtualGateway } from '../../lib/testing/virtualGateway';
import { tableAuthorizer } from '../../lib/testing/gateway/authorize';
import type { DefaultRoom } from '../../lib/testing/gateway/types';
import { seededRandom } from '../../lib/testing/seededRandom';
import { advanceTo } from '../reliability/helpers/scriptedGateway';

/** What a run may subscribe to: a few topics, rooms (one an alias of another), two tokens. */
export const TOPICS = ['channel.activities', 'channel.tips', 'channel.session.update'] as const;
export const ROOMS = ['chA', 'chB', 'alias', ''] as const;
export const TOKENS = ['tok-alpha-1', 'tok-beta-22'] as const;
export const ALIASES = { alias: 'chA' };
const GRANTS = {
  // full scopes, one channel
  'tok-alpha-1': { channel: 'chA', scopes: '*' as const },
  // every channel, but no tips:read
  'tok-beta-22': { channel: '*', scopes: ['activities:read', 'session:read'] },
};

/** One `topic()` subscriber of the run. */
export interface User {
  readonly n: number;
  readonly topic: string;
  readonly room: string;
  readonly token: string;
  readonly since: number;
  until?: number;
  error?: unknown;
  readonly received: string[];
  readonly sub: Subscription;
}

/** The system under test: a client on a gateway that races, on virtual time. */
export interface World {
  readonly scheduler: VirtualTimeScheduler;
  readonly gw: VirtualGateway;
  readonly client: AstroClient;
  readonly users: User[];
  readonly gaps: Gap[];
  readonly states: ConnectionState[];
  readonly unhandled: unknown[];
  readonly defaultRoom: DefaultRoom;
  /** The last time anything disturbed the system (a fault, a switch), and per gateway slot the last intent change. */
  lastFault: number;
  readonly lastIntent: Map<string, number>;
  restore(): void;
}

export const slotOf = (topic: string, room: string) => `${topic}\u0000${room}`;

/** The gateway's answer to a subscribe: the canonical room, or why it refuses. */
export function authorize(defaultRoom: DefaultRoom, topic: string, room: string, token: string) {
  return tableAuthorizer({ tokens: GRANTS, aliases: ALIASES })(token, 'jwt', topic, room, { defaultRoom });
}

export function createWorld(defaultRoom: DefaultRoom, seed: number): World {
  const scheduler = new VirtualTimeScheduler();
  const unhandled: unknown[] = [];
  const previous = rxConfig.onUnhandledError;
  rxConfig.onUnhandledError = (e) => unhandled.push(e);
  const gw = virtualGateway({ scheduler, random: seededRandom(seed), tokens: GRANTS, aliases: ALIASES, defaultRoom, authLatencyMs: [0, 40] });
  let nonce = 0;
  const random = seededRandom(seed + 1);
  const client = createAstroClient({
    url: 'ws://127.0.0.1:1',
    token: TOKENS[0],
    scheduler,
    openSocket: gw.openSocket,
    nonce: () => `n${++nonce}`,
    random,
    heartbeatTimeoutMs: 0,
    backoff: { initialDelayMs: 100, maxDelayMs: 2000 },
  });
  const world: World = {
    scheduler,
    gw,
    client,
    users: [],
    gaps: [],
    states: [],
    unhandled,
    defaultRoom,
    lastFault: 0,
    lastIntent: new Map(),
    restore: () => (rxConfig.onUnhandledError = previous),
  };
  client.gaps$.subscribe((g) => world.gaps.push(g));
  client.state$.subscribe((s) => world.states.push(s));
  return world;
}

export function advance(world: World, ms: number): void {
  advanceTo(world.scheduler, world.scheduler.now() + ms);
}
