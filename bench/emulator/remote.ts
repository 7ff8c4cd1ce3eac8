/** Starts bench/emulator/host.ts in its own process and calls it over IPC. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { EmulatorOptions, EmulatorStats } from '../../lib/testing';
import { ROOT } from '../common';
import type { Published } from './host';

export type { Published } from './host';

export interface RemoteEmulator {
  readonly url: string;
  issueToken(opts: { channel: string; scopes?: string[] }): Promise<string>;
  stats(): Promise<EmulatorStats>;
  subscriptionCount(): Promise<number>;
  subscriptionCounts(topic: string, rooms: string[]): Promise<number[]>;
  /** Resolves (with the emulator's Date.now()) when the drain is over. */
  drain(): Promise<number>;
  dropAll(): Promise<number>;
  /** `perTick` events every `intervalMs`, at most `count` (then it stops), `seq` from `firstSeq`. */
  startPublishing(topic: string, rooms: string[], intervalMs: number, perTick?: number, count?: number, firstSeq?: number): Promise<boolean>;
  publishedCount(): Promise<number>;
  stopPublishing(): Promise<Published[]>;
  close(): Promise<void>;
}

export async function startRemoteEmulator(options: EmulatorOptions): Promise<RemoteEmulator> {
  // The emulator's reconnect token carries every subscription (~66 bytes each, base64url): at 1 000
  // rooms the upgrade URL is ~66 KB, over Node's default 16 KiB header limit (the upgrade would be
  // refused with 431 and the handover fail). The bench raises the limit; see docs/PERFORMANCE.md.
  const child: ChildProcess = spawn(process.execPath, ['--max-http-header-size=1048576', '--import', 'tsx', path.join(ROOT, 'bench/emulator/host.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (m: { id: number; result?: unknown; error?: string }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error !== undefined) p?.reject(new Error(`emulator: ${m.error}`));
    else p?.resolve(m.result);
  });
  child.on('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`the emulator process exited with ${code}`));
    pending.clear();
  });
  const call = <T>(method: string, ...args: unknown[]): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, method, args });
    });
  const { url } = await call<{ url: string }>('start', { port: 0, ...options });
  return {
    url,
    issueToken: (opts) => call('issueToken', opts),
    stats: () => call('stats'),
    subscriptionCount: () => call('subscriptionCount'),
    drain: () => call('drain'),
    dropAll: () => call('dropAll'),
    subscriptionCounts: (topic, rooms) => call('subscriptionCounts', topic, rooms),
    startPublishing: (topic, rooms, intervalMs, perTick = 1, count = Number.MAX_SAFE_INTEGER, firstSeq = 0) => call('startPublishing', topic, rooms, intervalMs, perTick, count, firstSeq),
    publishedCount: () => call('publishedCount'),
    stopPublishing: () => call('stopPublishing'),
    async close() {
      try {
        await call('close');
      } finally {
        child.disconnect();
      }
    },
  };
}
