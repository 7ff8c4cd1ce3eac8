import { Observable, SchedulerLike } from 'rxjs';
import { AstroError } from '../../lib/errors/astroError';
import type { ClientCommand } from '../../lib/protocol/commands';
import type { OpenSocket, SocketEvent } from '../../lib/transport/types';

/** One fake socket, on virtual time. */
export interface FakeLink {
  readonly n: number;
  readonly url: string;
  readonly sent: Array<{ at: number; command: ClientCommand & { nonce?: string } }>;
  /** Subscriptions the fake server holds for this link: `topic␀room`. */
  readonly subscriptions: Set<string>;
  closed: boolean;
  closedByClient: boolean;
  push(frame: object | string): void;
  ping(): void;
  /** The server closes the socket (an unexpected close for the client). */
  drop(code?: number): void;
}

export interface FakeGatewayOptions {
  /** What a new socket does: welcome after `welcomeDelay` frames (default), stay silent, or refuse the upgrade. */
  onOpen?: (n: number, url: string) => 'welcome' | 'silent' | { refuse: number; retryAfterMs?: number } | 'close';
  /**
   * Time until the response to a command (default 1). A function races on demand: it is asked per
   * command, so answers can leave out of order, as the real gateway's asynchronous authorization does
   * (the effect on the subscription set happens when the answer leaves).
   */
  responseDelay?: number | ((command: ClientCommand & { nonce?: string }) => number);
  /** requested room → canonical room. */
  aliases?: Record<string, string>;
  /** Topics answered with err_unauthorized. */
  unauthorized?: string[];
  /** Answer each subscribe with this error code instead of success (consumed in order). */
  failures?: Array<string | undefined>;
  /** Whether the socket sees pings (Node) or not (browser). */
  observesPings?: boolean;
}

/**
 * A gateway on virtual time: answers subscribes like the real one (nonce echo,
 * canonical rooms), restores subscriptions on a reconnect_token socket, and lets
 * a test push frames, pings and drops.
 */
export function fakeGateway(scheduler: SchedulerLike, options: FakeGatewayOptions = {}) {
  const links: FakeLink[] = [];
  const handovers = new Map<string, Set<string>>();
  let tokenSeq = 0;
  let frameSeq = 0;
  const failures = [...(options.failures ?? [])];

  const openSocket: OpenSocket = (url) =>
    new Observable<SocketEvent>((subscriber) => {
      const n = links.length;
      const token = new URL(url).searchParams.get('reconnect_token');
      const link: FakeLink = {
        n,
        url,
        sent: [],
        subscriptions: new Set(),
        closed: false,
        closedByClient: false,
        push: (frame) => {
          if (!link.closed) subscriber.next({ type: 'frame', data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
        },
        ping: () => {
          if (!link.closed) subscriber.next({ type: 'ping' });
        },
        drop: (code = 1006) => {
          if (link.closed) return;
          link.closed = true;
          subscriber.error(new AstroError('transport', `socket closed (code ${code})`, { closeCode: code }));
        },
      };
      links.push(link);
      const behaviour = options.onOpen?.(n, url) ?? 'welcome';
      const at = (delay: number, work: () => void) => scheduler.schedule(work, delay);
      if (typeof behaviour === 'object') {
        at(1, () => {
          link.closed = true;
          subscriber.error(
            new AstroError('upgrade_refused', `refused with HTTP ${behaviour.refuse}`, {
              status: behaviour.refuse,
              ...(behaviour.retryAfterMs !== undefined ? { retryAfterMs: behaviour.retryAfterMs } : {}),
            }),
          );
        });
        return;
      }
      const handle = {
        observesPings: options.observesPings ?? true,
        send: (text: string) => {
          if (link.closed) return false;
          const command = JSON.parse(text) as ClientCommand & { nonce?: string };
          link.sent.push({ at: scheduler.now(), command });
          const delay = typeof options.responseDelay === 'function' ? options.responseDelay(command) : (options.responseDelay ?? 1);
          at(delay, () => respond(link, command));
          return true;
        },
      };
      subscriber.next({ type: 'open', socket: handle });
      if (token !== null) {
        const restored = handovers.get(token);
        handovers.delete(token);
        if (!restored || behaviour === 'close') {
          at(1, () => link.drop(4001));
          return () => close(link);
        }
        restored.forEach((s) => link.subscriptions.add(s));
      }
      if (behaviour === 'welcome') at(1, () => link.push({ id: `W${n}`, type: 'welcome', data: { client_id: `client-${n}` } }));
      if (behaviour === 'close') at(1, () => link.drop(1011));
      return () => close(link);
    });

  const close = (link: FakeLink) => {
    if (!link.closed) {
      link.closed = true;
      link.closedByClient = true;
    }
  };

  const respond = (link: FakeLink, command: ClientCommand & { nonce?: string }) => {
    const nonce = command.nonce;
    const room = command.data.room ?? '';
    const canonical = options.aliases?.[room] ?? room;
    if (command.type === 'subscribe') {
      const failure = failures.shift();
      if (failure === 'rate_limit_exceeded') {
        return link.push({ type: 'response', error: failure, data: { message: 'slow down' } });
      }
      if (failure !== undefined || options.unauthorized?.includes(command.data.topic)) {
        return link.push({ type: 'response', nonce, error: failure ?? 'err_unauthorized', data: { message: 'no' } });
      }
      link.subscriptions.add(`${command.data.topic}\u0000${canonical}`);
      return link.push({ type: 'response', nonce, data: { message: 'successfully subscribed to topic', topic: command.data.topic, room: canonical } });
    }
    // PROTOCOL §5.2: an unsubscribe with no room or room "" drops the topic in every room
    const everyRoom = command.data.room === undefined || command.data.room === '';
    for (const key of [...link.subscriptions]) {
      if (key.startsWith(`${command.data.topic}\u0000`) && (everyRoom || key === `${command.data.topic}\u0000${canonical}`)) link.subscriptions.delete(key);
    }
    link.push({ type: 'response', nonce, data: { message: 'successfully unsubscribed from topic' } });
  };

  return {
    openSocket,
    links,
    link(n: number): FakeLink {
      const l = links[n];
      if (!l) throw new Error(`no link ${n} (have ${links.length})`);
      return l;
    },
    /** The currently open links. */
    live: () => links.filter((l) => !l.closed),
    /** Publishes to every live link holding (topic, room). */
    publish(topic: string, room: string, data: unknown, id = `M${++frameSeq}`) {
      for (const l of links) if (!l.closed && l.subscriptions.has(`${topic}\u0000${room}`)) l.push({ id, type: 'message', topic, room, data });
      return id;
    },
    /** Sends `reconnect` on a link; the token restores its subscriptions on a new socket. */
    drain(link: FakeLink, valid = true) {
      const token = `tok${++tokenSeq}/+=`;
      if (valid) handovers.set(token, new Set(link.subscriptions));
      link.push({ type: 'reconnect', data: { message: 'The server is shutting down.', reconnect_token: token } });
      return token;
    },
  };
}

export type FakeGateway = ReturnType<typeof fakeGateway>;
