import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Emulator } from './emulator';
import type { EmulatorTokenType } from './tokens';

/** Options of {@link httpApiHandler}. @category Testing */
export interface HttpApiConfig {
  /** Larger request bodies get 413. */
  readonly maxBodyBytes: number;
}

type Api = Pick<Emulator, 'publish' | 'issueToken' | 'drain' | 'stats' | 'connections'>;
type Route = (body: unknown) => { status: number; json: unknown };

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The emulator's small JSON HTTP API, for driving it from another process
 * (answers loopback clients only; everything else gets 403):
 *
 * | request | body | answer |
 * | --- | --- | --- |
 * | `POST /publish` | `{ topic, room?, data? }` | 200 `{ id, delivered }` |
 * | `POST /token` | `{ channel, scopes?, type?, expiresInMs? }` | 200 `{ token }` |
 * | `POST /drain` | none | 202 `{ message }`; the drain runs in the background |
 * | `GET /stats` | | 200 the counters |
 * | `GET /connections` | | 200 the live connections |
 *
 * Bad JSON or fields get 400 `{ error: 'bad_request', message }`; unknown paths 404; a wrong
 * method 405 (with `Allow`).
 *
 * @internal
 */
export function httpApiHandler(api: Api, config: HttpApiConfig): (req: IncomingMessage, res: ServerResponse) => void {
  const routes: Record<string, Partial<Record<'GET' | 'POST', Route>>> = {
    '/publish': {
      POST: (body) => {
        const b = record(body);
        if (typeof b['topic'] !== 'string' || b['topic'] === '') throw new HttpError(400, 'topic must be a non-empty string');
        if (b['room'] !== undefined && typeof b['room'] !== 'string') throw new HttpError(400, 'room must be a string');
        return { status: 200, json: api.publish(b['topic'], (b['room'] as string | undefined) ?? '', b['data'] ?? null) };
      },
    },
    '/token': {
      POST: (body) => {
        const b = record(body);
        if (typeof b['channel'] !== 'string') throw new HttpError(400, 'channel must be a string');
        try {
          const token = api.issueToken({
            channel: b['channel'],
            ...(b['scopes'] !== undefined ? { scopes: b['scopes'] as string[] } : {}),
            ...(b['type'] !== undefined ? { type: b['type'] as EmulatorTokenType } : {}),
            ...(b['expiresInMs'] !== undefined ? { expiresInMs: b['expiresInMs'] as number } : {}),
          });
          return { status: 200, json: { token } };
        } catch (e) {
          throw new HttpError(400, e instanceof Error ? e.message : 'invalid token request');
        }
      },
    },
    '/drain': {
      POST: () => {
        void api.drain().catch(() => undefined);
        return { status: 202, json: { message: 'draining' } };
      },
    },
    '/stats': { GET: () => ({ status: 200, json: api.stats }) },
    '/connections': { GET: () => ({ status: 200, json: api.connections() }) },
  };

  return (req, res) => {
    if (!isLoopbackAddress(req.socket.remoteAddress)) return send(res, 403, { error: 'forbidden', message: 'loopback clients only' });
    const path = new URL(req.url ?? '/', 'http://emulator.invalid').pathname;
    const methods = routes[path];
    if (!methods) return send(res, 404, { error: 'not_found', message: `no route ${path}` });
    const route = req.method === 'GET' || req.method === 'POST' ? methods[req.method] : undefined;
    if (!route) {
      res.setHeader('Allow', Object.keys(methods).join(', '));
      return send(res, 405, { error: 'method_not_allowed', message: `use ${Object.keys(methods).join(' or ')}` });
    }
    readBody(req, config.maxBodyBytes).then(
      (text) => {
        let body: unknown = {};
        if (text.trim() !== '') {
          try {
            body = JSON.parse(text);
          } catch (e) {
            return send(res, 400, { error: 'bad_request', message: `the body is not valid JSON (${e instanceof Error ? e.message : 'parse error'})` });
          }
        }
        try {
          const { status, json } = route(body);
          send(res, status, json);
        } catch (e) {
          if (e instanceof HttpError) send(res, e.status, { error: 'bad_request', message: e.message });
          else send(res, 500, { error: 'internal_error', message: e instanceof Error ? e.message : 'internal error' });
        }
      },
      (e: unknown) => {
        if (e instanceof HttpError) send(res, e.status, { error: 'payload_too_large', message: e.message });
        else res.destroy();
      },
    );
  };
}

function record(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'the body must be a JSON object');
  return body as Record<string, unknown>;
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => (tooLarge ? reject(new HttpError(413, `the body exceeds ${limit} bytes`)) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, json: unknown): void {
  if (res.headersSent) return;
  const body = JSON.stringify(json);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\./.test(v4);
}
