/**
 * The throughput server: a minimal gateway on loopback that is never the
 * bottleneck. It uses `ws` for the upgrade and to read commands; it answers
 * `welcome`, then the first `subscribe` with a success response, and then
 * streams `frames` (from the URL query) `message` frames as fast as the client
 * drains them.
 *
 * The frames are framed once at start-up (unmasked text frames, as a server
 * sends them) and written in ~32 KiB chunks straight to the TCP socket, so the
 * server's cost per frame is a memcpy. Backpressure: a chunk is written only
 * while `socket.write()` returns true, then the server waits for `drain` (the
 * same signal `ws`'s send callbacks and `bufferedAmount` are built on). TCP flow
 * control thus paces the server to the client's reading speed.
 *
 * Prints `PORT <n>` when listening, then one JSON line per finished stream:
 * `{ frames, bytes, ms, cpuUs }` (the server's own CPU while streaming).
 */
import * as http from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { ROOM, messageFrames } from '../common';

const POOL = 4096;
const CHUNK_BYTES = 32 * 1024;

function wsTextFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const n = payload.length;
  let header: Buffer;
  if (n < 126) header = Buffer.from([0x81, n]);
  else if (n < 65536) header = Buffer.from([0x81, 126, n >> 8, n & 0xff]);
  else throw new Error('frame too large for the bench');
  return Buffer.concat([header, payload]);
}

// Chunks of whole frames, cycling through the pool; `counts[i]` frames in `chunks[i]`.
const texts = messageFrames(POOL, ROOM);
const framed = texts.map(wsTextFrame);
const chunks: Buffer[] = [];
const counts: number[] = [];
{
  let parts: Buffer[] = [];
  let size = 0;
  for (const f of framed) {
    parts.push(f);
    size += f.length;
    if (size >= CHUNK_BYTES) {
      chunks.push(Buffer.concat(parts));
      counts.push(parts.length);
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) {
    chunks.push(Buffer.concat(parts));
    counts.push(parts.length);
  }
}
const meanFrameBytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / texts.length;

function stream(socket: Socket, total: number): void {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let sent = 0;
  let bytes = 0;
  let i = 0;
  const finish = () => {
    const cpu = process.cpuUsage(c0);
    process.stdout.write(`${JSON.stringify({ frames: sent, bytes, ms: performance.now() - t0, cpuUs: cpu.user + cpu.system, userUs: cpu.user, sysUs: cpu.system })}\n`);
  };
  const pump = (): void => {
    while (sent < total) {
      if (socket.destroyed) return;
      let chunk = chunks[i] as Buffer;
      let n = counts[i] as number;
      i = (i + 1) % chunks.length;
      if (sent + n > total) {
        // the last, partial chunk: whole frames only
        let cut = 0;
        for (let k = 0; k < total - sent; k++) cut += frameLengthAt(chunk, cut);
        chunk = chunk.subarray(0, cut);
        n = total - sent;
      }
      sent += n;
      bytes += chunk.length;
      if (!socket.write(chunk)) {
        if (sent >= total) return finish();
        socket.once('drain', pump);
        return;
      }
    }
    finish();
  };
  pump();
}

/** The length (header included) of the server text frame that starts at `offset` in `chunk`. */
function frameLengthAt(chunk: Buffer, offset: number): number {
  const len7 = (chunk[offset + 1] as number) & 0x7f;
  if (len7 < 126) return 2 + len7;
  return 4 + (((chunk[offset + 2] as number) << 8) | (chunk[offset + 3] as number));
}

const server = http.createServer((_req, res) => {
  res.writeHead(426);
  res.end();
});
const wss = new WebSocketServer({ server, perMessageDeflate: false, clientTracking: false });
let connections = 0;
wss.on('connection', (ws: WebSocket, req: http.IncomingMessage) => {
  const url = new URL(req.url ?? '/', 'http://bench.invalid');
  const total = Number(url.searchParams.get('frames') ?? '200000');
  const socket = req.socket;
  ws.on('error', () => undefined);
  ws.send(JSON.stringify({ type: 'welcome', data: { client_id: `bench-${++connections}`, message: 'bench' } }));
  let streaming = false;
  ws.on('message', (data: RawData) => {
    let command: { type?: string; nonce?: string; data?: { topic?: string; room?: string } };
    try {
      command = JSON.parse(String(data)) as typeof command;
    } catch {
      return;
    }
    const response = { type: 'response', nonce: command.nonce, data: { message: 'successfully subscribed to topic', topic: command.data?.topic, room: command.data?.room } };
    ws.send(JSON.stringify(response), () => {
      if (command.type !== 'subscribe' || streaming) return;
      streaming = true;
      stream(socket, total);
    });
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`PORT ${typeof address === 'object' && address ? address.port : 0} ${meanFrameBytes.toFixed(1)}\n`);
});
process.on('SIGTERM', () => process.exit(0));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
