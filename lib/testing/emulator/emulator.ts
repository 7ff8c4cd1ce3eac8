import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { createGatewayCore, type GatewayEvent } from '../gateway';
import { splitKey } from '../gateway/subscriptions';
import { tokenSigner } from '../tokens';
import { startActivityFeed } from '../activityFeed';
import { httpApiHandler } from '../httpApi';
import { canonicalizer, signedAuthorizer } from './commands';
import { signedHandovers } from './handover';
import { onUpgrade } from './upgrade';
import { createFaults } from './faults';
import { drainAll, shutdown } from './lifecycle';
import { resolveOptions, type EmulatorOptions, type Resolved } from './options';
import { zeroStats, type EmulatorState } from './state';
import type { Emulator } from './types';

const noop = (): void => undefined;

/**
 * Starts an offline emulator of the Astro gateway on loopback: a real `ws`
 * WebSocket server that follows the documented protocol (welcome, subscribe /
 * unsubscribe with nonce echo, token scopes and rooms, the command rate limit,
 * PING heartbeats, `reconnect` handovers with `reconnect_token`, 429/502 upgrade
 * refusals) and lets tests publish events, inject faults and set the race
 * switches of the gateway core (`authLatencyMs`, `snapshot`, `tokenUpgrade`, …). Node only.
 *
 * @example
 * ```ts
 * import { startEmulator } from 'astro-rx/testing';
 * const emulator = await startEmulator({ authLatencyMs: [0, 50] });
 * const token = emulator.issueToken({ channel: '603abc123', scopes: ['activities:read'] });
 * // … connect a client to emulator.url and subscribe with `token` …
 * emulator.publish('channel.activities', '603abc123', { type: 'follow', provider: 'twitch' });
 * await emulator.close();
 * ```
 * @category Testing
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const state = createState(resolveOptions(options));
  const emulator = createEmulator(state);
  const api = state.o.httpApi ? httpApiHandler(emulator, { maxBodyBytes: state.o.maxPayloadBytes }) : undefined;
  state.server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (api) return api(req, res);
    res.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Upgrade: 'websocket', Connection: 'close' });
    res.end('Upgrade Required: this is a WebSocket endpoint\n');
  });
  state.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => onUpgrade(state, req, socket, head));
  const address = await listen(state);
  return Object.assign(emulator, address);
}

function createState(o: Resolved): EmulatorState {
  const now = (): number => o.scheduler.now();
  const signer = tokenSigner(o.secret, { now });
  const canonical = canonicalizer(o.roomAliases);
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, autoPong: false, maxPayload: o.maxPayloadBytes, perMessageDeflate: false });
  wss.on('error', noop);
  const state: EmulatorState = {
    o,
    signer,
    canonical,
    server: http.createServer(),
    wss,
    conns: new Map(),
    sockets: new Set(),
    feeds: new Set(),
    acceptedUpgrades: [],
    counters: zeroStats(),
    reconnectRejections: 0,
    rejecting: new Set(),
    drain: undefined,
    closing: undefined,
    core: createGatewayCore({
      scheduler: o.scheduler,
      random: o.random,
      authorize: signedAuthorizer(signer, canonical),
      canonicalRoom: canonical,
      switches: o.switches,
      requireTokenType: false,
      handovers: signedHandovers(signer, () => state.reconnectRejections > 0 && state.reconnectRejections-- > 0, now),
      record: false,
      retainClosed: false,
      stampReconnect: true,
      onEvent: (event) => count(state, event),
    }),
  };
  return state;
}

function count(state: EmulatorState, event: GatewayEvent): void {
  const c = state.counters;
  if (event.type === 'rate_limited') c.rateLimited++;
  else if (event.type === 'subscribed') c.subscribes++;
  else if (event.type === 'unsubscribed') c.unsubscribes++;
  else if (event.type === 'welcomed') c.connectionsOpened++;
  else if (event.type === 'published') c.messagesDelivered += event.delivered;
  else if (event.type === 'reconnect_rejected') {
    c.reconnectsRejected++;
    state.rejecting.add(event.conn);
  }
}

function createEmulator(state: EmulatorState): Emulator {
  const { core } = state;
  const live = () => [...state.conns.values()].filter((c) => !c.rejected && c.core.live);
  return {
    url: '',
    httpUrl: '',
    faults: createFaults(state),
    get stats() {
      return { ...state.counters };
    },
    issueToken: (opts) => state.signer.issue(opts),
    publish: (topic, room, data) => {
      if (typeof topic !== 'string' || topic === '') throw new TypeError('publish: topic must be a non-empty string');
      if (typeof room !== 'string') throw new TypeError('publish: room must be a string');
      return core.publish(topic, state.canonical(room), data);
    },
    drain: () => drainAll(state),
    close: () => shutdown(state),
    connections: () =>
      live().map((c) => ({
        clientId: c.clientId,
        subscriptions: [...c.core.held].map(splitKey).map((s) => ({ ...s })),
        restored: c.core.restored,
        commandsReceived: c.commandsReceived,
        draining: c.core.draining,
        silenced: c.silenced,
      })),
    subscriptionCount: (topic, room) => {
      const canonical = room === undefined ? undefined : state.canonical(room);
      let n = 0;
      for (const c of live()) {
        if (c.core.draining) continue;
        for (const s of [...c.core.held].map(splitKey)) if ((topic === undefined || s.topic === topic) && (canonical === undefined || s.room === canonical)) n++;
      }
      return n;
    },
    startActivity: (opts) => {
      if (state.closing) throw new Error('startActivity: the emulator is closed');
      const stopFeed = startActivityFeed((topic, room, data) => core.publish(topic, state.canonical(room), data), opts, state.o.random, state.o.scheduler);
      const stop = (): void => {
        stopFeed();
        state.feeds.delete(stop);
      };
      state.feeds.add(stop);
      return stop;
    },
  };
}

function listen(state: EmulatorState): Promise<{ url: string; httpUrl: string }> {
  const { server, o } = state;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      server.on('error', noop);
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : o.port;
      const host = o.host.includes(':') ? `[${o.host}]` : o.host;
      resolve({ url: `ws://${host}:${port}`, httpUrl: `http://${host}:${port}` });
    });
  });
}
