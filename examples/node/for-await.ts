/**
 * Prints a channel's tips with a `for await` loop, and stops after a few.
 *
 *   ASTRO_TOKEN=… ASTRO_ROOM=<channel id> npx tsx examples/node/for-await.ts
 *
 * Environment:
 * - `ASTRO_TOKEN` (required): a token with the `tips:read` scope;
 * - `ASTRO_ROOM`: the channel id (default: the global room `''`);
 * - `ASTRO_URL`: the gateway (default: the public one; `ws://127.0.0.1:…` for the emulator);
 * - `COUNT`: how many tips to print before leaving the loop (default 3).
 *
 * Try it offline: `npx astro-rx emulator` prints a URL and a token for room `demo`.
 */
import { createAstroClient } from 'astro-rx';

async function main(): Promise<void> {
  const token = process.env['ASTRO_TOKEN'];
  if (!token) throw new Error('set ASTRO_TOKEN');
  const room = process.env['ASTRO_ROOM'] ?? '';
  const count = Number(process.env['COUNT'] ?? 3);

  const client = createAstroClient({
    token,
    ...(process.env['ASTRO_URL'] ? { url: process.env['ASTRO_URL'] } : {}),
  });

  let seen = 0;
  try {
    // The first iteration subscribes (and opens the socket); reconnections happen underneath.
    for await (const tip of client.events('channel.tips', { room })) {
      const { amount, currency, message, user } = tip.data.donation;
      console.log(`tip ${amount} ${currency} from ${user?.username ?? 'someone'}${message ? `: ${message}` : ''}`);
      // Leaving the loop (break, return or throw) unsubscribes from the topic.
      if (++seen >= count) break;
    }
  } finally {
    // Closes the socket: nothing keeps the process alive after this.
    client.close();
  }
  console.log(`done after ${seen} tips`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
