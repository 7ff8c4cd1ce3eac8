/**
 * A backend that follows several channels' activities and hands them to a
 * sink in batches: one summary per channel per window, written in order.
 *
 *   ASTRO_TOKEN=… ASTRO_ROOMS=<channel id>,<channel id> npx tsx examples/node/backend.ts
 *
 * Environment:
 * - `ASTRO_TOKEN` (required): a token with the `activities:read` scope for every room
 *   (per-room tokens go in `topic(…, { room, token })`);
 * - `ASTRO_ROOMS` (required): comma-separated channel ids;
 * - `ASTRO_URL`: the gateway (default: the public one; `ws://127.0.0.1:…` for the emulator);
 * - `BATCH_MS`: the batching window (default 1000); `MAX_BATCH`: the most events in one batch (default 500).
 *
 * Prints one JSON line per batch on stdout, and the connection's state and
 * gaps on stderr. SIGINT/SIGTERM close the client; the last partial batches are
 * flushed and the process exits.
 */
import { createAstroClient, type TopicMessage } from 'astro-rx';
import { bufferTime, concatMap, filter, groupBy, map, merge, mergeMap } from 'rxjs';

type Activity = TopicMessage<'channel.activities'>;

interface BatchSummary {
  readonly room: string;
  readonly events: number;
  /** Events per activity type: `{ follow: 3, tip: 1 }`. */
  readonly byType: Record<string, number>;
  /** The sum of `data.amount` over the batch's tips. */
  readonly tipTotal: number;
  readonly firstId?: string;
  readonly lastId?: string;
}

function summarize(room: string, batch: readonly Activity[]): BatchSummary {
  const byType: Record<string, number> = {};
  let tipTotal = 0;
  for (const { data } of batch) {
    byType[data.type] = (byType[data.type] ?? 0) + 1;
    if (data.type === 'tip') tipTotal += data.data?.amount ?? 0;
  }
  return { room, events: batch.length, byType, tipTotal, firstId: batch[0]?.id, lastId: batch[batch.length - 1]?.id };
}

/** Stands in for a database or a queue: an asynchronous write. */
async function writeToSink(summary: BatchSummary): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  console.log(JSON.stringify(summary));
}

function main(): void {
  const token = process.env['ASTRO_TOKEN'];
  const rooms = (process.env['ASTRO_ROOMS'] ?? '').split(',').map((r) => r.trim()).filter(Boolean);
  if (!token || rooms.length === 0) throw new Error('set ASTRO_TOKEN and ASTRO_ROOMS');
  const batchMs = Number(process.env['BATCH_MS'] ?? 1000);
  const maxBatch = Number(process.env['MAX_BATCH'] ?? 500);

  const client = createAstroClient({
    token,
    ...(process.env['ASTRO_URL'] ? { url: process.env['ASTRO_URL'] } : {}),
  });

  // Observability: the state and the windows in which events may have been missed
  // (after an abrupt disconnect; a backend would backfill them from the REST API).
  client.state$.subscribe((s) => console.error(`state: ${s.status}${s.attempt ? ` (attempt ${s.attempt})` : ''}`));
  client.gaps$.subscribe((g) => console.error(`gap: events between ${new Date(g.from).toISOString()} and ${new Date(g.to).toISOString()} may be missing (${g.cause})`));

  merge(...rooms.map((room) => client.topic('channel.activities', { room })))
    .pipe(
      // one sub-stream per channel …
      groupBy((event) => event.room),
      // … batched on its own clock: a window closes after batchMs or maxBatch events
      mergeMap((channel$) =>
        channel$.pipe(
          bufferTime(batchMs, null, maxBatch),
          filter((batch) => batch.length > 0),
          map((batch) => summarize(channel$.key, batch)),
        ),
      ),
      // one write at a time, in order; a slow sink delays batches, it loses none
      concatMap(writeToSink),
    )
    .subscribe({
      error: (err: unknown) => {
        console.error(`stopped: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      },
      complete: () => console.error('all batches written'),
    });

  const stop = () => {
    // completes every topic: bufferTime emits what it holds, concatMap writes it, then the process exits
    client.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main();
