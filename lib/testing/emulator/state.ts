import type { Subscription } from 'rxjs';
import type * as http from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import type { GatewayConnection, GatewayCore } from '../gateway';
import type { TokenSigner } from '../tokens';
import type { Resolved } from './options';
import type { EmulatorStats } from './types';

/** One live WebSocket of the emulator, beside its connection in the gateway core. @internal */
export interface EmuConn {
  readonly clientId: string;
  readonly socket: WebSocket;
  readonly core: GatewayConnection;
  /** Resolves when the socket has closed. */
  readonly closed: Promise<void>;
  commandsReceived: number;
  silenced: boolean;
  /** Its reconnect token was refused: it is being closed with 4001, not listed. */
  rejected: boolean;
  pingTimer?: Subscription;
  pongTimer?: Subscription;
}

/** A drain of every connection (emulator-wide), while it runs. @internal */
export interface DrainRun {
  readonly promise: Promise<void>;
  finish(): void;
}

/** What the emulator's parts share. @internal */
export interface EmulatorState {
  readonly o: Resolved;
  readonly core: GatewayCore;
  readonly signer: TokenSigner;
  readonly canonical: (room: string) => string;
  readonly server: http.Server;
  readonly wss: WebSocketServer;
  /** Live connections by core index. */
  readonly conns: Map<number, EmuConn>;
  /** Every accepted socket, registered or being closed at once (rejected reconnects). */
  readonly sockets: Set<WebSocket>;
  readonly feeds: Set<() => void>;
  readonly acceptedUpgrades: number[];
  readonly counters: { -readonly [K in keyof EmulatorStats]: EmulatorStats[K] };
  reconnectRejections: number;
  /** Core indices whose reconnect token was just refused (read once by `attachSocket`). */
  readonly rejecting: Set<number>;
  drain: DrainRun | undefined;
  closing: Promise<void> | undefined;
}

/** The live connection with `clientId`, if any. @internal */
export function byClientId(state: EmulatorState, clientId: string): EmuConn | undefined {
  for (const conn of state.conns.values()) if (conn.clientId === clientId) return conn;
  return undefined;
}

/** One connection (by client id), or every live one. @internal */
export function targets(state: EmulatorState, clientId: string | undefined): EmuConn[] {
  if (clientId === undefined) return [...state.conns.values()];
  const conn = byClientId(state, clientId);
  return conn ? [conn] : [];
}

/** A zeroed {@link EmulatorStats}. @internal */
export function zeroStats(): EmulatorState['counters'] {
  return {
    connectionsOpened: 0,
    commandsReceived: 0,
    subscribes: 0,
    unsubscribes: 0,
    rateLimited: 0,
    upgradesRefused429: 0,
    upgradesRefused502: 0,
    reconnectsAccepted: 0,
    reconnectsRejected: 0,
    messagesDelivered: 0,
    pingsSent: 0,
    terminatedNoPong: 0,
  };
}
