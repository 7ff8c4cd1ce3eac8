/**
 * Frames no gateway should send. None may break a connection or reach a topic,
 * except those over the client's hard frame limit, which close the socket.
 */
import { hostileFrames } from '../lib/testing';

/** The soak's own malformed frames (`maxFrameBytes`: the clients' limit). */
export function garbageFrames(maxFrameBytes: number): Array<string | Buffer> {
  return [
    '{not json',
    '',
    'null',
    '[]',
    '42',
    '"a string"',
    '{"type":"surprise","data":{}}',
    '{"type":"MESSAGE"}',
    '{"type":"message","data":{}}',
    '{"type":"message","topic":123,"data":{}}',
    '{"type":"message","room":"room-0","data":{}}',
    '{"type":"message","topic":"no.such.topic","room":"room-1","data":{}}',
    '{"type":"message","topic":"channel.tips","room":"not-subscribed","data":{}}',
    '{"type":"welcome"}',
    '{"type":"welcome","data":{}}',
    '{"type":"welcome","data":{"client_id":"a-second-welcome"}}',
    '{"type":"response","nonce":"no-such-nonce","data":{"message":"successfully subscribed to topic"}}',
    '{"type":"response","nonce":"no-such-nonce","error":"err_internal_error","data":{"message":"x"}}',
    '{"type":"response","nonce":42}',
    '{"type":"response","error":"rate_limit_exceeded","data":{"message":"rate limit exceeded, slow down"}}',
    '{"type":"reconnect"}',
    '{"type":"reconnect","data":{"message":"The server is shutting down."}}',
    '{"type":"reconnect","data":{"reconnect_token":42}}',
    Buffer.from([0xde, 0xad, 0xbe, 0xef]),
    Buffer.from('{"type":"message","topic":"channel.tips","room":"room-1","data":{}}'),
    // over maxFrameBytes but under the transport's hard limit (maxFrameBytes + 1 KiB): a decode failure, not a disconnect
    `{"type":"message","topic":"channel.tips","room":"room-1","data":"${'x'.repeat(maxFrameBytes + 256)}"}`,
  ];
}

/** The emulator's hostile frames, aimed at a room no client holds (a `message` there must reach nobody). */
export function hostile(random: () => number): ReadonlyArray<{ readonly name: string; readonly text: string }> {
  return hostileFrames(random, { topic: 'channel.tips', room: 'hostile-room' });
}

/** Whether a frame closes the client's socket (beyond `maxFrameBytes` + 1 KiB). */
export function oversize(frame: string | Buffer, maxFrameBytes: number): boolean {
  return Buffer.byteLength(frame) > maxFrameBytes + 1024;
}
