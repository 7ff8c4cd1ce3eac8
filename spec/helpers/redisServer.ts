/**
 * A throwaway `redis-server` for the specs: loopback only, a free port, no
 * persistence, its own temp dir. `stop({ save: true })` shuts it down with a
 * snapshot (SHUTDOWN SAVE) so that `start()` on the same port brings the data
 * back, as a restart of a persistent Redis would. `kill()` ends it for good.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Redis from 'ioredis';

export const REDIS_SERVER = process.env['REDIS_SERVER'] ?? 'redis-server';

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** A client of this server (closed by `kill()`); reconnects by itself across stop/start. */
  client(): Redis;
  stop(options?: { save?: boolean }): Promise<void>;
  start(): Promise<void>;
  kill(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => live.forEach((p) => p.kill('SIGKILL')));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function launch(port: number, dir: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'];
  const proc = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 10_000;
    const probe = () => {
      if (proc.exitCode !== null) return reject(new Error(`redis-server exited with ${proc.exitCode}`));
      const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      c.on('error', () => undefined);
      c.connect()
        .then(() => c.ping())
        .then(
          () => (c.disconnect(), resolve(proc)),
          () => (c.disconnect(), Date.now() > deadline ? reject(new Error('redis-server did not answer within 10 s')) : setTimeout(probe, 50)),
        );
    };
    probe();
  });
}

function exited(proc: ChildProcess, timeoutMs: number): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.once('exit', () => (clearTimeout(t), resolve()));
  });
}

export async function startRedisServer(): Promise<RedisServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'astro-rx-redis-'));
  const port = await freePort();
  let proc: ChildProcess | undefined = await launch(port, dir);
  const clients: Redis[] = [];
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    client() {
      const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 2, retryStrategy: () => 100 });
      c.on('error', () => undefined);
      clients.push(c);
      return c;
    },
    async stop({ save = false } = {}) {
      const p = proc;
      proc = undefined;
      if (!p) return;
      if (save) {
        const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
        c.on('error', () => undefined);
        await c.call('SHUTDOWN', 'SAVE').catch(() => undefined);
        c.disconnect();
      } else {
        p.kill('SIGTERM');
      }
      await exited(p, 5000);
    },
    async start() {
      if (!proc) proc = await launch(port, dir);
    },
    async kill() {
      clients.forEach((c) => c.disconnect());
      const p = proc;
      proc = undefined;
      if (p) {
        p.kill('SIGKILL');
        await exited(p, 5000);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
