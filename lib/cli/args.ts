/**
 * Argument parsing of the `astro-rx` command: pure functions from argv (and
 * the environment, where a default comes from it) to options or a usage error.
 */
import { parseArgs } from 'node:util';
import { normalizeTokenType, type TokenType } from '../protocol/tokenType';
import { DEFAULT_URL } from '../client/createAstroClient';

/** Exit codes of the command (BSD sysexits for usage errors). */
export const EXIT = {
  ok: 0,
  /** A fatal error: the connection or a subscription failed. */
  failure: 1,
  /** The gateway refused a subscription with `err_unauthorized`. */
  unauthorized: 2,
  /** Bad arguments (EX_USAGE). */
  usage: 64,
} as const;

export type Parsed<T> =
  | { readonly kind: 'ok'; readonly options: T }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string; readonly exitCode: number };

const usageError = (message: string): Parsed<never> => ({ kind: 'error', message, exitCode: EXIT.usage });

/** The subcommand and its arguments. */
export type Command =
  | { readonly name: 'tail' | 'emulator' | 'bridge' | 'rooms' | 'consume'; readonly argv: readonly string[] }
  | { readonly name: 'help' }
  | { readonly name: 'version' }
  | { readonly name: 'unknown'; readonly given: string | undefined };

/** Splits `astro-rx <command> …`. No command at all is `unknown` (usage on stderr). */
export function parseCommand(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  switch (first) {
    case 'tail':
    case 'emulator':
    case 'bridge':
    case 'rooms':
    case 'consume':
      return { name: first, argv: rest };
    case 'help':
      // `astro-rx help tail` is `astro-rx tail --help`
      if (rest[0] === 'tail' || rest[0] === 'emulator' || rest[0] === 'bridge' || rest[0] === 'rooms' || rest[0] === 'consume') return { name: rest[0], argv: ['--help'] };
      return { name: 'help' };
    case '--help':
    case '-h':
      return { name: 'help' };
    case '--version':
    case '-V':
      return { name: 'version' };
    default:
      return { name: 'unknown', given: first };
  }
}

/** Options of `astro-rx tail`. */
export interface TailOptions {
  readonly topics: readonly string[];
  /** Every room to subscribe each topic in (`''`: the gateway's global room). */
  readonly rooms: readonly string[];
  readonly tokenType: TokenType;
  readonly url: string;
  readonly json: boolean;
  readonly tokenFile?: string;
  /** Exit 0 after this many seconds. */
  readonly seconds?: number;
  /** Exit 0 after this many events. */
  readonly count?: number;
}

/** Whether argv tries to pass a token on the command line (`--token X`, `--token=X`), before any `--`. */
export function findTokenFlag(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg === '--token' || arg.startsWith('--token=')) return true;
  }
  return false;
}

export const TOKEN_ON_ARGV_MESSAGE =
  'refusing --token: a token on the command line is visible to every user of this machine (ps, /proc) and is kept in your shell history.\n' +
  'Pass it through the environment (ASTRO_TOKEN=… astro-rx tail …, or export it) or from a file readable only by you (--token-file F).';

/** Whether a positional argument looks like a credential rather than a topic (a JWT, an emulator oauth2_/apikey_ token). */
export function looksLikeToken(arg: string): boolean {
  return /^eyJ[\w-]{4,}\.[\w-]*\.[\w-]*$/.test(arg) || /^(?:oauth2|apikey)_[\w.-]{16,}$/.test(arg);
}

/** A topic name: lower-case dotted words (the gateway's own names look like `channel.activities`). */
const TOPIC_RE = /^[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9_-]+)*$/i;

function positiveNumber(name: string, value: string | undefined, integer: boolean): number | string | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    return `--${name} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(value.slice(0, 20))}`;
  }
  return n;
}

/** The first sentence of a parseArgs error (its message names the option, never a value). */
export function argsErrorMessage(e: unknown): string {
  const raw = (e as { message?: unknown } | null)?.message;
  const message = typeof raw === 'string' ? raw : String(e);
  const i = message.indexOf('. ');
  return i === -1 ? message : message.slice(0, i + 1);
}

/**
 * Parses `astro-rx tail <topic…> [--room R …] [--token-type T] [--url U] [--json]
 * [--token-file F] [--seconds N] [--count N]`. Defaults: rooms from `ASTRO_ROOM`
 * or the global room `''`; the URL from `ASTRO_URL` or the public gateway; the
 * token type from `ASTRO_TOKEN_TYPE` or `jwt`. The token itself is resolved
 * later ({@link resolveToken}); `--token` is refused.
 */
export function parseTailArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): Parsed<TailOptions> {
  if (findTokenFlag(argv)) return usageError(TOKEN_ON_ARGV_MESSAGE);
  let values: { [k: string]: string | boolean | string[] | undefined };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        room: { type: 'string', short: 'r', multiple: true },
        'token-type': { type: 'string' },
        'token-file': { type: 'string' },
        url: { type: 'string' },
        json: { type: 'boolean' },
        seconds: { type: 'string' },
        count: { type: 'string', short: 'n' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    return usageError(argsErrorMessage(e));
  }
  if (values['help']) return { kind: 'help' };
  if (positionals.length === 0) return usageError('name at least one topic, e.g. astro-rx tail channel.activities --room <channel id>');
  for (const topic of positionals) {
    if (looksLikeToken(topic)) return usageError(`an argument looks like a token; ${TOKEN_ON_ARGV_MESSAGE.replace(/^refusing --token: /, '')}`);
    if (!TOPIC_RE.test(topic)) return usageError(`not a topic name: ${JSON.stringify(topic.slice(0, 60))} (topics look like channel.activities)`);
  }
  const rawType = (values['token-type'] as string | undefined) ?? env['ASTRO_TOKEN_TYPE'] ?? 'jwt';
  const tokenType = normalizeTokenType(rawType);
  if (!tokenType) return usageError(`--token-type must be jwt, oauth2 (or oauth) or apikey, got ${JSON.stringify(rawType.slice(0, 20))}`);
  const seconds = positiveNumber('seconds', values['seconds'] as string | undefined, false);
  if (typeof seconds === 'string') return usageError(seconds);
  const count = positiveNumber('count', values['count'] as string | undefined, true);
  if (typeof count === 'string') return usageError(count);
  const roomFlags = (values['room'] as string[] | undefined) ?? [];
  const rooms = roomFlags.length > 0 ? [...new Set(roomFlags)] : [env['ASTRO_ROOM'] ?? ''];
  const url = (values['url'] as string | undefined) ?? (env['ASTRO_URL'] || DEFAULT_URL);
  const tokenFile = values['token-file'] as string | undefined;
  return {
    kind: 'ok',
    options: {
      topics: [...new Set(positionals)],
      rooms,
      tokenType,
      url,
      json: values['json'] === true,
      ...(tokenFile !== undefined ? { tokenFile } : {}),
      ...(seconds !== undefined ? { seconds } : {}),
      ...(count !== undefined ? { count } : {}),
    },
  };
}

/** Options of `astro-rx emulator`. */
export interface EmulatorCommandOptions {
  readonly port: number;
  readonly host: string;
  readonly seconds?: number;
  /** Publish random activities to room `demo`, one every `activityMs` on average. */
  readonly activityMs?: number;
}

/** Parses `astro-rx emulator [--port P] [--host H] [--seconds N] [--activity MS]`. */
export function parseEmulatorArgs(argv: readonly string[]): Parsed<EmulatorCommandOptions> {
  let values: { [k: string]: string | boolean | undefined };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        seconds: { type: 'string' },
        activity: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    return usageError(argsErrorMessage(e));
  }
  if (values['help']) return { kind: 'help' };
  if (positionals.length > 0) return usageError(`unexpected argument ${JSON.stringify(positionals[0]?.slice(0, 40))}`);
  const rawPort = (values['port'] as string | undefined) ?? '0';
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65535) return usageError(`--port must be an integer from 0 to 65535, got ${JSON.stringify(rawPort.slice(0, 20))}`);
  const host = (values['host'] as string | undefined) ?? '127.0.0.1';
  if (!/^(?:localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i.test(host)) {
    return usageError(`--host must be a loopback address (127.0.0.1, ::1, localhost): the emulator accepts anyone's test tokens, got ${JSON.stringify(host.slice(0, 40))}`);
  }
  const seconds = positiveNumber('seconds', values['seconds'] as string | undefined, false);
  if (typeof seconds === 'string') return usageError(seconds);
  const activityMs = positiveNumber('activity', values['activity'] as string | undefined, true);
  if (typeof activityMs === 'string') return usageError(activityMs);
  return {
    kind: 'ok',
    options: {
      port,
      host: host.replace(/^\[(.*)\]$/, '$1'),
      ...(seconds !== undefined ? { seconds } : {}),
      ...(activityMs !== undefined ? { activityMs } : {}),
    },
  };
}

/** Where a token came from, or why there is none. Never contains the token in a message. */
export type TokenSource =
  | { readonly kind: 'ok'; readonly token: string; readonly from: 'env' | 'file' }
  | { readonly kind: 'error'; readonly message: string; readonly exitCode: number };

/**
 * The token: the contents of `--token-file` (trimmed) when given, otherwise
 * `ASTRO_TOKEN`. `readFile` is injected for tests.
 */
export function resolveToken(
  tokenFile: string | undefined,
  env: Record<string, string | undefined>,
  readFile: (path: string) => string,
): TokenSource {
  if (tokenFile !== undefined) {
    let text: string;
    try {
      text = readFile(tokenFile);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      return { kind: 'error', message: `cannot read --token-file ${JSON.stringify(tokenFile)}${typeof code === 'string' ? ` (${code})` : ''}`, exitCode: EXIT.failure };
    }
    const token = text.trim();
    if (token === '') return { kind: 'error', message: `--token-file ${JSON.stringify(tokenFile)} is empty`, exitCode: EXIT.usage };
    if (/\s/.test(token)) return { kind: 'error', message: `--token-file ${JSON.stringify(tokenFile)} must hold just the token (one line, no spaces)`, exitCode: EXIT.usage };
    return { kind: 'ok', token, from: 'file' };
  }
  const token = env['ASTRO_TOKEN']?.trim();
  if (token) return { kind: 'ok', token, from: 'env' };
  return { kind: 'error', message: 'no token: set ASTRO_TOKEN in the environment, or pass --token-file F (a file holding the token)', exitCode: EXIT.usage };
}
