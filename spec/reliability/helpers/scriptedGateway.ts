import { Observable, Subscriber, VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { AstroError } from '../../../lib/errors/astroError';
import type { OpenSocket, SocketEvent } from '../../../lib/transport/types';

/** A command as the scripted gateway received it. */
export interface ReceivedCommand {
  readonly at: number;
  readonly type: string;
  readonly nonce?: string;
  readonly topic?: string;
  readonly room?: string;
}

/** One socket of the scripted gateway. */
export interface ScriptedLink {
  readonly n: number;
  readonly url: string;
  readonly token: string | null;
  /** (topic ␀ canonical room) the gateway holds for this link. A restored link shares its predecessor's set. */
  subs: Set<string>;
  /** Commands received and not answered yet, oldest first. */
  readonly unanswered: ReceivedCommand[];
  readonly received: ReceivedCommand[];
  opened: boolean;
  /** Opened with a token the gateway refuses: it is closed straight away (a welcome may come first; nothing else). */
  doomed: boolean;
  closed: boolean;
  closedByClient: boolean;
  push(frame: object | string | Uint8Array): void;
  ping(): void;
  drop(code?: number): void;
}

export type UpgradePolicy = 'welcome' | 'silent' | 'close' | { readonly refuse: 429 | 502; readonly retryAfterMs?: number };

export interface ScriptedGatewayOptions {
  /** Requested room → canonical room. */
  readonly aliases?: Readonly<Record<string, string>>;
}

export const subKey = (topic: string, room: string): string => `${topic}\u0000${room}`;

/**
 * A gateway on virtual time whose every move can be scripted: what the next
 * upgrades do, whether commands are answered (truthfully) on their own, and any
 * frame on any link. It never lies about its state: a success response is
 * sent only together with the subscription it reports, and a `reconnect_token`
 * it issued restores the live subscriptions of the link it was sent on.
 */
export function scriptedGateway(scheduler: VirtualTimeScheduler, options: ScriptedGatewayOptions = {}) {
  const links: ScriptedLink[] = [];
  const policies: UpgradePolicy[] = [];
  const tokens = new Map<string, ScriptedLink>();
  let tokenSeq = 0;
  let autoAnswer = true;
  /** Things the client did that no gateway accepts. */
  const violations: string[] = [];
  const canonical = (room: string) => options.aliases?.[room] ?? room;

  const at = (delay: number, work: () => void) => scheduler.schedule(work, delay);

  const answer = (link: ScriptedLink, command: ReceivedCommand, outcome: 'ok' | string, nonce: 'echo' | 'omit' = 'echo') => {
    const i = link.unanswered.indexOf(command);
    if (i >= 0) link.unanswered.splice(i, 1);
    const echo = nonce === 'echo' && command.nonce !== undefined ? { nonce: command.nonce } : {};
    if (outcome !== 'ok') {
      link.push({ type: 'response', ...echo, error: outcome, data: { message: 'scripted failure' } });
      return;
    }
    const topic = command.topic ?? '';
    if (command.type === 'subscribe') {
      const room = canonical(command.room ?? '');
      link.subs.add(subKey(topic, room));
      link.push({ type: 'response', ...echo, data: { message: 'successfully subscribed to topic', topic, room } });
    } else {
      const room = command.room === undefined || command.room === '' ? undefined : canonical(command.room);
      for (const key of [...link.subs]) if (key.startsWith(`${topic}\u0000`) && (room === undefined || key === subKey(topic, room))) link.subs.delete(key);
      link.push({ type: 'response', ...echo, data: { message: 'successfully unsubscribed from topic', topic, ...(room !== undefined ? { room } : {}) } });
    }
  };

  const openSocket: OpenSocket = (url) =>
    new Observable<SocketEvent>((subscriber: Subscriber<SocketEvent>) => {
      const token = new URL(url).searchParams.get('reconnect_token');
      const link: ScriptedLink = {
        n: links.length,
        url,
        token,
        subs: new Set(),
        unanswered: [],
        received: [],
        opened: false,
        doomed: false,
        closed: false,
        closedByClient: false,
        push(frame) {
          if (link.closed || !link.opened) return;
          const data = typeof frame === 'string' || frame instanceof Uint8Array ? frame : JSON.stringify(frame);
          subscriber.next({ type: 'frame', data });
        },
        ping() {
          if (!link.closed && link.opened) subscriber.next({ type: 'ping' });
        },
        drop(code = 1006) {
          if (link.closed) return;
          link.closed = true;
          subscriber.error(new AstroError('transport', `socket closed (code ${code})`, { closeCode: code }));
        },
      };
      links.push(link);
      const policy = policies.shift() ?? 'welcome';
      if (typeof policy === 'object') {
        at(1, () => {
          if (link.closed) return;
          link.closed = true;
          subscriber.error(
            new AstroError('upgrade_refused', `the gateway refused the WebSocket upgrade with HTTP ${policy.refuse}`, {
              status: policy.refuse,
              ...(policy.retryAfterMs !== undefined ? { retryAfterMs: policy.retryAfterMs } : {}),
            }),
          );
        });
        return () => close(link);
      }
      link.opened = true;
      subscriber.next({
        type: 'open',
        socket: {
          observesPings: true,
          send(text: string) {
            if (link.closed) return false;
            let value: { type?: unknown; nonce?: unknown; data?: { topic?: unknown; room?: unknown } };
            try {
              value = JSON.parse(text) as typeof value;
            } catch {
              violations.push(`the client sent invalid JSON: ${text}`);
              return true;
            }
            const command: ReceivedCommand = {
              at: scheduler.now(),
              type: String(value.type),
              ...(typeof value.nonce === 'string' ? { nonce: value.nonce } : {}),
              ...(typeof value.data?.topic === 'string' ? { topic: value.data.topic } : {}),
              ...(typeof value.data?.room === 'string' ? { room: value.data.room } : {}),
            };
            link.received.push(command);
            link.unanswered.push(command);
            if (autoAnswer) at(1, () => !link.closed && link.unanswered.includes(command) && answer(link, command, 'ok'));
            return true;
          },
        },
      });
      if (token !== null) {
        const from = tokens.get(token);
        tokens.delete(token);
        if (!from || policy === 'close') {
          link.doomed = true;
          at(1, () => link.drop(4001));
          return () => close(link);
        }
        // the new node restores the old connection's subscriptions (and keeps them in step until the switch)
        link.subs = from.subs;
      }
      if (policy === 'welcome') at(1, () => link.push({ type: 'welcome', data: { client_id: `client-${link.n}`, message: 'hello' } }));
      if (policy === 'close') at(1, () => link.drop(1011));
      return () => close(link);
    });

  const close = (link: ScriptedLink) => {
    if (!link.closed) {
      link.closed = true;
      link.closedByClient = true;
    }
  };

  return {
    openSocket,
    links,
    violations,
    /** Links the client has open (opened, not closed). */
    live: () => links.filter((l) => l.opened && !l.closed),
    /** What the next upgrades do (then: welcome). */
    nextUpgrades: (...p: UpgradePolicy[]) => policies.push(...p),
    clearUpgrades: () => policies.splice(0),
    /** Whether commands are answered with success 1 ms after they arrive. */
    setAutoAnswer: (on: boolean) => (autoAnswer = on),
    answer,
    /** Sends `reconnect`; the token restores `link`'s subscriptions on the socket that presents it. */
    reconnect(link: ScriptedLink, kind: 'valid' | 'invalid' | 'empty' = 'valid'): string | undefined {
      // a connection being refused is closed straight away, not handed over
      if (link.doomed) return undefined;
      const token = kind === 'empty' ? '' : `tok-${++tokenSeq}`;
      if (kind === 'valid') tokens.set(token, link);
      link.push({ type: 'reconnect', data: { message: 'The server is shutting down.', reconnect_token: token } });
      return token;
    },
    publish(link: ScriptedLink, topic: string, room: string | undefined, data: unknown, id?: string) {
      link.push({ ...(id !== undefined ? { id } : {}), type: 'message', topic, ...(room !== undefined ? { room } : {}), data });
    },
  };
}

export type ScriptedGateway = ReturnType<typeof scriptedGateway>;

/** Moves virtual time to `t`, running everything due until then. */
export function advanceTo(scheduler: VirtualTimeScheduler, t: number): void {
  scheduler.maxFrames = t;
  scheduler.flush();
  if (scheduler.frame < t) scheduler.frame = t;
}

/** Timers still armed on a VirtualTimeScheduler (cancelled and superseded actions excluded). */
export function liveActions(scheduler: VirtualTimeScheduler): number {
  return (scheduler.actions as VirtualAction<unknown>[]).filter((a) => !a.closed && (a as unknown as { active: boolean }).active).length;
}
