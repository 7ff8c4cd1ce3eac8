/**
 * Runs a TypeScript entry point as a child process of a spec (`node --import tsx <script> …`: what
 * `npx tsx <script>` runs, without the wrapper process, so that signals reach the script itself),
 * and collects its output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface Child {
  readonly proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** Resolves with the first match of `re` in stdout (or stderr with `stream`), or rejects after `timeoutMs`. */
  waitFor(re: RegExp, timeoutMs: number, stream?: 'stdout' | 'stderr'): Promise<RegExpMatchArray>;
}

const live = new Set<ChildProcess>();

/** The environment of a child: this process's, without any ASTRO_* variable, plus `extra`. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ASTRO_') && k !== 'FORCE_COLOR') env[k] = v;
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Runs `script` with `node --import tsx`, or with plain `node` when it is JavaScript (see spec/helpers/compiledScript.ts). */
export function runTsx(script: string, args: readonly string[], env: NodeJS.ProcessEnv = childEnv()): Child {
  const loader = script.endsWith('.js') ? [] : ['--import', 'tsx'];
  const proc = spawn(process.execPath, [...loader, script, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  const poke = () => waiters.forEach((w) => w());
  proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    poke();
  });
  proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    poke();
  });
  const exited = new Promise<number | string>((resolve) => {
    proc.on('exit', (code, signal) => {
      live.delete(proc);
      poke();
      resolve(code ?? signal ?? 'unknown');
    });
  });
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(re, timeoutMs, stream = 'stdout') {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = (stream === 'stdout' ? out : err).match(re);
          if (m) {
            cleanup();
            resolve(m);
          } else if (proc.exitCode !== null || proc.signalCode !== null) {
            cleanup();
            reject(new Error(`the child exited before printing ${re}\nstdout:\n${out}\nstderr:\n${err}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${re}\nstdout:\n${out}\nstderr:\n${err}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** Rejects if `p` does not settle within `ms`. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
    }),
  ]);
}

/** Kills every child still running (afterEach). */
export async function killChildren(): Promise<void> {
  const procs = [...live];
  await Promise.all(
    procs.map(
      (proc) =>
        new Promise<void>((resolve) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
          const timer = setTimeout(() => proc.kill('SIGKILL'), 2000);
          proc.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          proc.kill('SIGTERM');
        }),
    ),
  );
}

/** JWT-shaped strings (subscribe and reconnect tokens of the emulator look like this). */
export const JWT_LIKE = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/;
