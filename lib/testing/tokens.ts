import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The kinds of token the emulator issues (the wire's `token_type` values). @category Testing */
export type EmulatorTokenType = 'jwt' | 'oauth2' | 'apikey';

/** Arguments of {@link TokenSigner.issue} (and of `Emulator.issueToken`). @category Testing */
export interface IssueTokenOptions {
  /** The channel (room) the token belongs to; `'*'` may subscribe to any room. */
  readonly channel: string;
  /**
   * The scopes granted; `'*'` (owner scope) grants every topic.
   * @defaultValue `['*']`
   */
  readonly scopes?: readonly string[];
  /**
   * The kind of token; a subscribe must name the same `token_type` (`oauth` is read as `oauth2`).
   * @defaultValue `'jwt'`
   */
  readonly type?: EmulatorTokenType;
  /**
   * Lifetime in milliseconds; zero or negative issues an already expired token.
   * @defaultValue 24 hours
   */
  readonly expiresInMs?: number;
}

/** What a subscribe token carries. `exp` is a JWT NumericDate: seconds since the epoch, possibly fractional. @category Testing */
export interface TokenClaims {
  readonly aud: 'astro';
  readonly channel: string;
  readonly scopes: readonly string[];
  readonly type: EmulatorTokenType;
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
}

/** One subscription as a reconnect token records it: `[topic, canonical room]`. @category Testing */
export type TokenSubscription = readonly [topic: string, room: string];

/** What a reconnect token carries. @category Testing */
export interface ReconnectClaims {
  readonly aud: 'astro:reconnect';
  /** The `client_id` of the connection that was drained. */
  readonly cid: string;
  /**
   * The subscriptions to restore, when few enough to travel in the URL; otherwise
   * absent, and the emulator that issued the token keeps them under `jti`.
   */
  readonly subs?: readonly TokenSubscription[];
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
}

/** Why a token did not verify. None of these texts contains the token. @category Testing */
export type TokenRejection = 'malformed' | 'signature' | 'expired';

/** The outcome of a verification. @category Testing */
export type Verified<C> = { readonly ok: true; readonly claims: C } | { readonly ok: false; readonly reason: TokenRejection };

/**
 * Issues and verifies the emulator's tokens, all signed with HMAC-SHA256 under
 * one secret (two signers with the same secret accept each other's tokens, like
 * two gateway nodes).
 *
 * @category Testing
 */
export interface TokenSigner {
  /** A subscribe token: JWT-shaped for `jwt`, an opaque `oauth2_…`/`apikey_…` string otherwise. */
  issue(options: IssueTokenOptions): string;
  /** Checks a subscribe token's signature, audience and expiry, and returns its claims. */
  verify(token: string): Verified<TokenClaims>;
  /** A JWT-shaped reconnect token (it starts with `eyJhbGciOiJIUzI1NiIs`, like the gateway's). */
  issueReconnect(clientId: string, subs: readonly TokenSubscription[] | undefined, ttlMs: number): string;
  /** Checks a reconnect token issued by {@link TokenSigner.issueReconnect} (signature and expiry). */
  verifyReconnect(token: string): Verified<ReconnectClaims>;
}

/** Options of {@link tokenSigner}. @category Testing */
export interface TokenSignerConfig {
  /** @defaultValue `Date.now` */
  readonly now?: () => number;
}

const DEFAULT_TTL_MS = 24 * 60 * 60 * 1000;
const JWT_HEADER = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
const OPAQUE_PREFIX: Readonly<Record<Exclude<EmulatorTokenType, 'jwt'>, string>> = { oauth2: 'oauth2_', apikey: 'apikey_' };
const TOKEN_TYPES: readonly string[] = ['jwt', 'oauth2', 'apikey'];

/**
 * Creates a {@link TokenSigner} for `secret`.
 *
 * @example
 * ```ts
 * import { tokenSigner } from 'astro-rx/testing';
 * const signer = tokenSigner('s3cret');
 * const token = signer.issue({ channel: 'abc', scopes: ['activities:read'] });
 * signer.verify(token); // { ok: true, claims: { channel: 'abc', scopes: ['activities:read'], type: 'jwt', … } }
 * ```
 * @category Testing
 */
export function tokenSigner(secret: string | Buffer, config: TokenSignerConfig = {}): TokenSigner {
  if (secret.length === 0) throw new TypeError('tokenSigner: the secret must not be empty');
  const now = config.now ?? Date.now;
  const sign = (input: string): string => createHmac('sha256', secret).update(input).digest('base64url');
  const seconds = (ms: number): number => ms / 1000;

  const signJwt = (claims: object): string => {
    const body = `${JWT_HEADER}.${b64url(JSON.stringify(claims))}`;
    return `${body}.${sign(body)}`;
  };

  // The payload of a correctly signed token, or why not.
  const open = (token: string): { ok: true; payload: Record<string, unknown>; format: EmulatorTokenType } | { ok: false; reason: TokenRejection } => {
    let signed: string;
    let payloadPart: string;
    let signature: string;
    let format: EmulatorTokenType;
    const opaque = (Object.keys(OPAQUE_PREFIX) as (keyof typeof OPAQUE_PREFIX)[]).find((k) => token.startsWith(OPAQUE_PREFIX[k]));
    if (opaque) {
      const dot = token.lastIndexOf('.');
      if (dot < 0) return { ok: false, reason: 'malformed' };
      signed = token.slice(0, dot);
      payloadPart = signed.slice(OPAQUE_PREFIX[opaque].length);
      signature = token.slice(dot + 1);
      format = opaque;
    } else {
      const parts = token.split('.');
      if (parts.length !== 3 || parts[0] !== JWT_HEADER) return { ok: false, reason: 'malformed' };
      signed = `${parts[0]}.${parts[1] ?? ''}`;
      payloadPart = parts[1] ?? '';
      signature = parts[2] ?? '';
      format = 'jwt';
    }
    if (!safeEqual(signature, sign(signed))) return { ok: false, reason: 'signature' };
    const payload = parseJson(Buffer.from(payloadPart, 'base64url').toString('utf8'));
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { ok: false, reason: 'malformed' };
    const record = payload as Record<string, unknown>;
    if (typeof record['exp'] !== 'number' || typeof record['jti'] !== 'string') return { ok: false, reason: 'malformed' };
    if (seconds(now()) >= record['exp']) return { ok: false, reason: 'expired' };
    return { ok: true, payload: record, format };
  };

  return {
    issue(options) {
      const type = options.type ?? 'jwt';
      if (typeof options.channel !== 'string') throw new TypeError('issueToken: channel must be a string');
      if (!TOKEN_TYPES.includes(type)) throw new TypeError(`issueToken: type must be jwt, oauth2 or apikey, got ${JSON.stringify(type)}`);
      const scopes = options.scopes ?? ['*'];
      if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string')) {
        throw new TypeError('issueToken: scopes must be an array of strings');
      }
      const ttl = options.expiresInMs ?? DEFAULT_TTL_MS;
      if (!Number.isFinite(ttl)) throw new TypeError(`issueToken: expiresInMs must be a finite number, got ${ttl}`);
      const at = now();
      const claims: TokenClaims = {
        aud: 'astro',
        channel: options.channel,
        scopes: [...scopes],
        type,
        iat: Math.floor(seconds(at)),
        exp: seconds(at + ttl),
        jti: randomBytes(12).toString('base64url'),
      };
      if (type === 'jwt') return signJwt(claims);
      const body = `${OPAQUE_PREFIX[type]}${b64url(JSON.stringify(claims))}`;
      return `${body}.${sign(body)}`;
    },

    verify(token) {
      const opened = open(token);
      if (!opened.ok) return opened;
      const p = opened.payload;
      const valid =
        p['aud'] === 'astro' &&
        typeof p['channel'] === 'string' &&
        p['type'] === opened.format &&
        Array.isArray(p['scopes']) &&
        (p['scopes'] as unknown[]).every((s) => typeof s === 'string');
      return valid ? { ok: true, claims: p as unknown as TokenClaims } : { ok: false, reason: 'malformed' };
    },

    issueReconnect(clientId, subs, ttlMs) {
      const at = now();
      const claims: ReconnectClaims = {
        aud: 'astro:reconnect',
        cid: clientId,
        ...(subs !== undefined ? { subs: subs.map(([topic, room]) => [topic, room] as const) } : {}),
        iat: Math.floor(seconds(at)),
        exp: seconds(at + ttlMs),
        jti: randomBytes(12).toString('base64url'),
      };
      return signJwt(claims);
    },

    verifyReconnect(token) {
      const opened = open(token);
      if (!opened.ok) return opened;
      const p = opened.payload;
      const valid =
        opened.format === 'jwt' &&
        p['aud'] === 'astro:reconnect' &&
        typeof p['cid'] === 'string' &&
        (p['subs'] === undefined ||
          (Array.isArray(p['subs']) &&
        (p['subs'] as unknown[]).every(
          (s) => Array.isArray(s) && s.length === 2 && typeof s[0] === 'string' && typeof s[1] === 'string',
        )));
      return valid ? { ok: true, claims: p as unknown as ReconnectClaims } : { ok: false, reason: 'malformed' };
    },
  };
}

function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
