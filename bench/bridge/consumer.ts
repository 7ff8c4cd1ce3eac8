/**
 * The consuming side of the bridge benchmarks, in its own process:
 * - `bridge`: `fromRedisStream` in a consumer group, each entry acked as it comes;
 * - `raw`: the baseline, XREADGROUP … COUNT 100 BLOCK then one XACK per batch.
 * Both parse each entry (the raw one with `JSON.parse` of its `data` field) and
 * count an event when its ack has been answered. After a `mark`, the parent
 * gets `{ type: 'done' }` once `expect` distinct events were acked, and a
 * report with the `seq` of every event acked since the mark.
 * Environment: REDIS_URL, PREFIX, TOPIC.
 */
import Redis from 'ioredis';
import { fromRedisStream } from '../../lib/redis';
import { redisKeys } from '../../lib/redis/keys';
import { cpuSince, exitWithParent, send, type ToChild } from './ipc';

const env = (name: string): string => process.env[name] ?? '';
const mode = process.argv[2];
const GROUP = 'bench';
const redis = new Redis(env('REDIS_URL'), { maxRetriesPerRequest: null });
redis.on('error', () => undefined);

let mark = process.cpuUsage();
let expect = Infinity;
let seen = new Set<number>();
let duplicates = 0;
let gaps = 0;
let lastAt = 0;

function acked(seq: number | undefined): void {
  if (seq === undefined) {
    gaps++;
    return;
  }
  if (seen.has(seq)) duplicates++;
  else {
    seen.add(seq);
    lastAt = Date.now();
    if (seen.size === expect) send({ type: 'done', at: lastAt, cpuUs: cpuSince(mark) });
  }
}

process.on('message', (m: ToChild) => {
  if (m.cmd === 'mark') {
    mark = process.cpuUsage();
    expect = m.expect ?? Infinity;
    seen = new Set();
    duplicates = 0;
    gaps = 0;
    send({ type: 'marked' });
  } else send({ type: 'report', cpuUs: cpuSince(mark), lastAt, seqs: [...seen], duplicates, gaps });
});

const seqOf = (data: unknown): number | undefined => (data as { seq?: number } | null)?.seq;

if (mode === 'bridge') {
  const sub = fromRedisStream({ redis, topic: env('TOPIC'), group: GROUP, consumer: 'c1', prefix: env('PREFIX'), blockMs: 1000 }).subscribe(({ event, ack }) => {
    void ack().then(() => acked(event.type === 'message' ? seqOf(event.data) : undefined));
  });
  send({ type: 'ready' });
  exitWithParent(() => sub.unsubscribe());
} else {
  const stream = redisKeys(env('PREFIX')).stream(env('TOPIC'));
  const reader = redis.duplicate();
  reader.on('error', () => undefined);
  let closed = false;
  const loop = async () => {
    await redis.xgroup('CREATE', stream, GROUP, '0', 'MKSTREAM').catch(() => undefined);
    send({ type: 'ready' });
    while (!closed) {
      const read = (await reader.xreadgroup('GROUP', GROUP, 'c1', 'COUNT', 100, 'BLOCK', 1000, 'STREAMS', stream, '>')) as Array<[string, Array<[string, string[]]>]> | null;
      const entries = read?.[0]?.[1] ?? [];
      if (entries.length === 0) continue;
      const seqs = entries.map(([, fields]) => {
        const i = fields.indexOf('data');
        return fields[1] === 'message' && i >= 0 ? seqOf(JSON.parse(fields[i + 1] as string)) : undefined;
      });
      void redis.xack(stream, GROUP, ...entries.map(([id]) => id)).then(() => seqs.forEach(acked));
    }
  };
  void loop();
  exitWithParent(() => {
    closed = true;
    reader.disconnect();
  });
}
