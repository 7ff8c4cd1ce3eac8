/**
 * A transport for in-process sections (routing, idle): no network, no timers.
 * It emits `open`, then a `welcome` in a microtask, answers every command with
 * success in a microtask, and `push` hands the client a frame synchronously,
 * the way spec/helpers/fakeGateway.ts does.
 */
import { Observable } from 'rxjs';
import type { OpenSocket, SocketEvent } from '../lib/transport/types';

export interface Fake {
  readonly openSocket: OpenSocket;
  push(data: string): void;
  responses: number;
}

/** A transport that welcomes at once and answers every subscribe with success (in a microtask). */
export function fakeTransport(): Fake {
  const fake: Fake = {
    responses: 0,
    push: () => {
      throw new Error('not open');
    },
    openSocket: () =>
      new Observable<SocketEvent>((subscriber) => {
        const handle = {
          observesPings: false,
          send(text: string) {
            const command = JSON.parse(text) as { type: string; nonce: string; data: { topic: string; room?: string } };
            queueMicrotask(() => {
              fake.responses++;
              subscriber.next({
                type: 'frame',
                data: JSON.stringify({ type: 'response', nonce: command.nonce, data: { message: 'ok', topic: command.data.topic, room: command.data.room } }),
              });
            });
            return true;
          },
        };
        fake.push = (data) => subscriber.next({ type: 'frame', data });
        subscriber.next({ type: 'open', socket: handle });
        queueMicrotask(() => subscriber.next({ type: 'frame', data: JSON.stringify({ type: 'welcome', data: { client_id: 'bench' } }) }));
      }),
  };
  return fake;
}
