/** One hostile frame of {@link hostileFrames}: a name for test titles, and the text to send as it is. @category Testing */
export interface HostileFrame {
  readonly name: string;
  readonly text: string;
}

/** Where {@link hostileFrames} aims its `message` frames. @category Testing */
export interface HostileTarget {
  readonly topic: string;
  readonly room: string;
}

const DEPTH = 5000;
const HUGE = 2 * 1024 * 1024;

/**
 * Frames a careless gateway (or a hostile middlebox) could send, none of them
 * valid for a strict decoder: JSON nested 5 000 levels deep, `message` frames
 * whose `data` is `null`, a string or an array, `__proto__` keys, strings
 * over 1 MiB, binary-looking junk, unknown and oddly cased types, and non-JSON.
 * `random` picks ids and the junk bytes, so a seed gives the same frames.
 *
 * @example
 * ```ts
 * import { hostileFrames, seededRandom } from 'astro-rx/testing';
 * for (const { name, text } of hostileFrames(seededRandom(1))) gateway.sendRaw(conn, text);
 * ```
 * @category Testing
 */
export function hostileFrames(random: () => number, target: HostileTarget = { topic: 'channel.activities', room: '' }): HostileFrame[] {
  const id = (): string => `01HOSTILE${Math.floor(random() * 36 ** 8).toString(36).toUpperCase().padStart(8, '0')}`.padEnd(26, '0');
  const message = (data: string): string =>
    `{"id":${JSON.stringify(id())},"ts":"2026-03-20T00:00:00Z","type":"message","topic":${JSON.stringify(target.topic)},"room":${JSON.stringify(target.room)},"data":${data}}`;
  return [
    { name: 'JSON nested 5000 levels deep', text: message(`${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`) },
    { name: 'an array nested 5000 levels deep', text: `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}` },
    { name: 'message with data null', text: message('null') },
    { name: 'message with data a string', text: message('"just a string"') },
    { name: 'message with data an array', text: message('[1,"two",{"three":3}]') },
    { name: '__proto__ keys', text: message('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}').replace('{"id"', '{"__proto__":{"type":"welcome"},"id"') },
    { name: 'a string over 1 MiB in data', text: message(JSON.stringify('x'.repeat(HUGE))) },
    { name: 'a huge unknown field', text: `{"type":"welcome","data":{"client_id":"c"},"junk":${JSON.stringify('y'.repeat(HUGE))}}` },
    { name: 'binary-looking junk', text: junk(random, 512) },
    { name: 'unknown type', text: `{"id":${JSON.stringify(id())},"type":"surprise","data":{}}` },
    { name: 'upper-case RESPONSE without a nonce', text: '{"type":"RESPONSE","data":"ok"}' },
    { name: 'a response with a number nonce', text: '{"type":"response","nonce":42,"data":{"message":"?"}}' },
    { name: 'not JSON', text: '{"type":"message",' },
    { name: 'a JSON string, not an object', text: '"welcome"' },
  ];
}

function junk(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String.fromCharCode(Math.floor(random() * 0xffff));
  return out;
}
