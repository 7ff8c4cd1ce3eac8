/**
 * Argument parsing of the Redis commands (`bridge`, `rooms`, `consume`): pure
 * functions from argv to options or a usage error. Tokens are never accepted
 * on the command line; a bridge reads them from `ASTRO_TOKEN_<REF>` or a file
 * named after the reference in `--token-dir`.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_URL } from '../client/createAstroClient';
import { argsErrorMessage, EXIT, findTokenFlag, TOKEN_ON_ARGV_MESSAGE, type Parsed } from './args';

const usageError = (message: string): Parsed<never> => ({ kind: 'error', message, exitCode: EXIT.usage });
type Values = { [k: string]: string | boolean | undefined };

/** A token reference: letters, digits, `_`, `.`, `-` (it names an env variable and a file). */
export const REF_RE = /^[A-Za-z0-9_][\w.-]{0,63}$/;

/** The environment variable of a token reference: `ASTRO_TOKEN_<REF>` (upper case, other characters as `_`). */
export const tokenEnvName = (ref: string): string => `ASTRO_TOKEN_${ref.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;

function parse(argv: readonly string[], options: Record<string, { type: 'string' | 'boolean'; short?: string }>, positionals = false): { values: Values; positionals: string[] } | Parsed<never> {
  if (findTokenFlag(argv)) return usageError(TOKEN_ON_ARGV_MESSAGE);
  try {
    const r = parseArgs({ args: [...argv], allowPositionals: positionals, strict: true, options: { ...options, help: { type: 'boolean', short: 'h' } } });
    return { values: r.values as Values, positionals: r.positionals };
  } catch (e) {
    return usageError(argsErrorMessage(e));
  }
}

function redisUrl(values: Values, env: Record<string, string | undefined>): string | Parsed<never> {
  const url = (values['redis'] as string | undefined) ?? env['ASTRO_REDIS_URL'];
  if (!url) return usageError('--redis URL is required (or ASTRO_REDIS_URL), e.g. --redis redis://127.0.0.1:6379');
  if (!/^rediss?:\/\//.test(url)) return usageError('--redis must be a redis:// or rediss:// URL');
  return url;
}

function positiveInt(name: string, value: string | boolean | undefined): number | undefined | Parsed<never> {
  if (value === undefined || typeof value === 'boolean') return undefined;
  const n = Number(value);
  return /^\d+$/.test(value) && n > 0 ? n : usageError(`--${name} must be a positive integer, got ${JSON.stringify(value.slice(0, 20))}`);
}

const isError = (v: unknown): v is Parsed<never> => typeof v === 'object' && v !== null && 'kind' in v;

export interface BridgeCommandOptions {
  readonly redis: string;
  readonly url: string;
  readonly workerId?: string;
  readonly tokenDir?: string;
  readonly prefix: string;
  readonly leaseMs?: number;
  readonly bufferSize?: number;
}

/** Parses `astro-rx bridge --redis URL [--worker-id ID] [--token-dir DIR] [--url U] [--prefix P] [--lease-ms N] [--buffer-size N]`. */
export function parseBridgeArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): Parsed<BridgeCommandOptions> {
  const r = parse(argv, { redis: { type: 'string' }, 'worker-id': { type: 'string' }, 'token-dir': { type: 'string' }, url: { type: 'string' }, prefix: { type: 'string' }, 'lease-ms': { type: 'string' }, 'buffer-size': { type: 'string' } });
  if (isError(r)) return r;
  const { values } = r;
  if (values['help']) return { kind: 'help' };
  const redis = redisUrl(values, env);
  if (isError(redis)) return redis;
  const leaseMs = positiveInt('lease-ms', values['lease-ms']);
  if (isError(leaseMs)) return leaseMs;
  const bufferSize = positiveInt('buffer-size', values['buffer-size']);
  if (isError(bufferSize)) return bufferSize;
  const workerId = values['worker-id'] as string | undefined;
  if (workerId !== undefined && !/^[\w.:-]{1,100}$/.test(workerId)) return usageError('--worker-id must be 1 to 100 letters, digits, _ . : or -');
  const tokenDir = values['token-dir'] as string | undefined;
  return {
    kind: 'ok',
    options: {
      redis,
      url: (values['url'] as string | undefined) ?? (env['ASTRO_URL'] || DEFAULT_URL),
      prefix: (values['prefix'] as string | undefined) ?? 'astro',
      ...(workerId !== undefined ? { workerId } : {}),
      ...(tokenDir !== undefined ? { tokenDir } : {}),
      ...(leaseMs !== undefined ? { leaseMs } : {}),
      ...(bufferSize !== undefined ? { bufferSize } : {}),
    },
  };
}

export interface RoomsCommandOptions {
  readonly action: 'add' | 'remove' | 'list';
  readonly redis: string;
  readonly prefix: string;
  readonly topic?: string;
  readonly room?: string;
  readonly ref?: string;
}

/** Parses `astro-rx rooms add|remove|list --redis URL [--topic T --room R --token-ref REF] [--prefix P]`. */
export function parseRoomsArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): Parsed<RoomsCommandOptions> {
  const r = parse(argv, { redis: { type: 'string' }, topic: { type: 'string' }, room: { type: 'string' }, 'token-ref': { type: 'string' }, prefix: { type: 'string' } }, true);
  if (isError(r)) return r;
  const { values, positionals } = r;
  if (values['help']) return { kind: 'help' };
  const [action, extra] = positionals;
  if (action !== 'add' && action !== 'remove' && action !== 'list') return usageError('name an action: add, remove or list');
  if (extra !== undefined) return usageError(`unexpected argument ${JSON.stringify(extra.slice(0, 40))}`);
  const redis = redisUrl(values, env);
  if (isError(redis)) return redis;
  const prefix = (values['prefix'] as string | undefined) ?? 'astro';
  if (action === 'list') return { kind: 'ok', options: { action, redis, prefix } };
  const topic = values['topic'] as string | undefined;
  const room = values['room'] as string | undefined;
  const ref = values['token-ref'] as string | undefined;
  if (!topic || room === undefined || !ref) return usageError(`rooms ${action} needs --topic T --room R --token-ref REF`);
  if (!REF_RE.test(ref)) return usageError('--token-ref must be letters, digits, _ . or - (it names ASTRO_TOKEN_<REF> and a file in --token-dir); it is a reference, not a token');
  return { kind: 'ok', options: { action, redis, prefix, topic, room, ref } };
}

export interface ConsumeCommandOptions {
  readonly redis: string;
  readonly prefix: string;
  readonly topic: string;
  readonly group: string;
  readonly consumer: string;
  readonly count?: number;
}

/** Parses `astro-rx consume --redis URL --topic T --group G [--consumer C] [--count N] [--prefix P]`. */
export function parseConsumeArgs(argv: readonly string[], env: Record<string, string | undefined> = {}, defaultConsumer = 'consumer'): Parsed<ConsumeCommandOptions> {
  const r = parse(argv, { redis: { type: 'string' }, topic: { type: 'string' }, group: { type: 'string' }, consumer: { type: 'string' }, count: { type: 'string', short: 'n' }, prefix: { type: 'string' } });
  if (isError(r)) return r;
  const { values } = r;
  if (values['help']) return { kind: 'help' };
  const redis = redisUrl(values, env);
  if (isError(redis)) return redis;
  const topic = values['topic'] as string | undefined;
  const group = values['group'] as string | undefined;
  if (!topic || !group) return usageError('consume needs --topic T --group G');
  const count = positiveInt('count', values['count']);
  if (isError(count)) return count;
  return {
    kind: 'ok',
    options: { redis, prefix: (values['prefix'] as string | undefined) ?? 'astro', topic, group, consumer: (values['consumer'] as string | undefined) ?? defaultConsumer, ...(count !== undefined ? { count } : {}) },
  };
}
