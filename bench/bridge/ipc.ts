/**
 * The control channel of the bridge benchmarks' child processes (Node IPC):
 * the parent marks the start of a measure (the child answers `marked`) and
 * asks for a report (the child answers with its CPU time since the mark).
 */
import { type ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import { ROOT } from '../common';

export type ToChild = { readonly cmd: 'mark'; readonly expect?: number } | { readonly cmd: 'report' };

/** CPU time (user + system) of this process since `since`, in µs. */
export function cpuSince(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return d.user + d.system;
}

export function send(message: unknown): void {
  process.send?.(message);
}

/** Exits when the parent goes away (a killed section leaves no orphan). */
export function exitWithParent(onExit: () => void = () => undefined): void {
  process.on('disconnect', () => {
    onExit();
    setTimeout(() => process.exit(0), 200).unref();
  });
}

export interface BenchChild<M> {
  readonly proc: ChildProcess;
  /** Sends `message` and resolves with the first message `accept` takes (rejects after `timeoutMs`). */
  ask<R extends M>(message: ToChild, accept: (m: M) => m is R, timeoutMs: number): Promise<R>;
  /** How many messages were received so far (a position for {@link next}). */
  received(): number;
  /** Resolves with the first message from position `since` on (received or to come) that `accept` takes. */
  next<R extends M>(accept: (m: M) => m is R, timeoutMs: number, what: string, since?: number): Promise<R>;
  /** The latest message received that `accept` takes. */
  latest<R extends M>(accept: (m: M) => m is R): R | undefined;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `file` (TypeScript, through tsx) with an IPC channel and `env` added to this process's environment. */
export function forkChild<M>(file: string, args: readonly string[], env: Record<string, string>): BenchChild<M> {
  const proc = fork(path.resolve(ROOT, file), [...args], { cwd: ROOT, execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const received: M[] = [];
  const waiters = new Set<() => void>();
  proc.on('message', (m: M) => {
    received.push(m);
    waiters.forEach((w) => w());
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => (waiters.forEach((w) => w()), resolve())));
  const next = <R extends M>(accept: (m: M) => m is R, timeoutMs: number, what: string, from = 0) =>
    new Promise<R>((resolve, reject) => {
      let at = from;
      const check = () => {
        for (; at < received.length; at++) {
          const m = received[at] as M;
          if (accept(m)) return done(() => resolve(m));
        }
        if (proc.exitCode !== null || proc.signalCode !== null) done(() => reject(new Error(`${file} exited before ${what}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`${file}: no ${what} within ${timeoutMs} ms`))), timeoutMs);
      const done = (then: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        then();
      };
      waiters.add(check);
      check();
    });
  return {
    proc,
    received: () => received.length,
    next: (accept, timeoutMs, what, since = 0) => next(accept, timeoutMs, what, since),
    ask(message, accept, timeoutMs) {
      const from = received.length;
      proc.send(message);
      return next(accept, timeoutMs, `an answer to ${message.cmd}`, from);
    },
    latest<R extends M>(accept: (m: M) => m is R) {
      for (let i = received.length - 1; i >= 0; i--) if (accept(received[i] as M)) return received[i] as R;
      return undefined;
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}
