/**
 * Shared helpers of the benchmarks: statistics, a seeded PRNG, realistic
 * `message` frames, and running a section or a client in its own process.
 */
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomActivity } from '../lib/testing/activity';
import { monotonicUlid, ulidTime } from '../lib/testing/ulid';
import { seededRandom } from '../lib/testing/seededRandom';

export const ROOT = path.resolve(__dirname, '..');
export const TOPIC = 'channel.activities';
/** A channel id shaped like StreamElements' (24 hex digits). */
export const ROOM = '5b2e2007760aeb7729487dab';
/** The i-th room of the many-room benchmarks: a 24-hex-digit channel id. */
export const roomId = (i: number) => `60${i.toString(16).padStart(22, '0')}`;
/** The line prefix a child process writes its JSON result after. */
export const RESULT_MARK = '@@bench-result ';

// statistics

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function min(values: readonly number[]): number {
  return values.length === 0 ? NaN : Math.min(...values);
}

export function max(values: readonly number[]): number {
  return values.length === 0 ? NaN : Math.max(...values);
}

/** Rounds to `digits` significant digits (for JSON and tables). */
export function sig(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}

/** Rotates `items` left by `by` (so each round starts with a different variant). */
export function rotate<T>(items: readonly T[], by: number): T[] {
  const k = ((by % items.length) + items.length) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

// randomness

/** A small seeded PRNG, so every run publishes the same frames. */
export { seededRandom };

/**
 * `count` distinct `message` frames of `channel.activities` as the gateway
 * sends them (ULID `id`, `ts`, `room`, a random activity as `data`), as JSON text.
 */
export function messageFrames(count: number, room = ROOM, seed = 42): string[] {
  const random = seededRandom(seed);
  const ulid = monotonicUlid({ random });
  const frames: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = ulid();
    const ts = new Date(ulidTime(id)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const data = randomActivity(random, { channel: room, now: ulidTime(id) });
    frames.push(JSON.stringify({ id, ts, type: 'message', topic: TOPIC, room, data }));
  }
  return frames;
}

// processes

/** Calls `onLine` with each complete line a child writes to `stream`. */
export function onLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      onLine(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
    }
  });
}

export interface RunOptions {
  readonly args?: readonly string[];
  readonly nodeArgs?: readonly string[];
  readonly timeoutMs?: number;
  /** Called with each line the child writes on stdout (other than its result). */
  readonly onLine?: (line: string) => void;
}

/**
 * Runs `file` (TypeScript, through tsx) in its own Node process and resolves
 * with the JSON object it writes after {@link RESULT_MARK}. Its stderr is passed through.
 */
export function runChild<T>(file: string, options: RunOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', path.resolve(ROOT, file), ...(options.args ?? [])], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let result: T | undefined;
    onLines(child.stdout, (line) => {
      if (line.startsWith(RESULT_MARK)) result = JSON.parse(line.slice(RESULT_MARK.length)) as T;
      else options.onLine?.(line);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} ${(options.args ?? []).join(' ')}: no result within ${options.timeoutMs} ms`));
    }, options.timeoutMs ?? 120_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (result !== undefined && code === 0) resolve(result);
      else reject(new Error(`${file} ${(options.args ?? []).join(' ')} exited with ${code}${result === undefined ? ' without a result' : ''}`));
    });
  });
}

/** Writes the result of a child process (see {@link runChild}). */
export function emitResult(result: unknown): void {
  process.stdout.write(`${RESULT_MARK}${JSON.stringify(result)}\n`);
}

export function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves when `check()` is true (polled every `everyMs`), rejects after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs: number, what: string, everyMs = 1): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadavg: os.loadavg().map((v) => sig(v, 2)),
  };
}

export function parseFlags(argv: readonly string[]): { quick: boolean; only?: string[] } {
  const quick = argv.includes('--quick');
  const i = argv.indexOf('--only');
  const only = i >= 0 ? (argv[i + 1] ?? '').split(',').filter(Boolean) : undefined;
  return only ? { quick, only } : { quick };
}
