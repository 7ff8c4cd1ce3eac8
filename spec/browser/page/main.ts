/**
 * The browser test's page: bundled by esbuild for the browser (so `astro-rx`
 * resolves through the package's `browser` condition to `dist/browser/`), it
 * uses the native WebSocket. The gateway URL, the token and the room come from
 * the query string: `?url=ws://127.0.0.1:port&token=…&room=…`.
 *
 * What it shows, for the test to read:
 * - `#status[data-status]`: the connection state;
 * - `#events li[data-id]`: one line per `channel.tips` event;
 * - `#gaps li`: one line per reported gap;
 * - `#metrics`: the client's counters as JSON;
 * - `#error`: a topic error, if any.
 */
import { createAstroClient } from 'astro-rx';

const params = new URLSearchParams(location.search);
const url = params.get('url') ?? '';
const token = params.get('token') ?? '';
const room = params.get('room') ?? '';

const el = (id: string): HTMLElement => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing`);
  return found;
};
const line = (text: string, data: Record<string, string> = {}): HTMLLIElement => {
  const li = document.createElement('li');
  li.textContent = text;
  Object.assign(li.dataset, data);
  return li;
};

const client = createAstroClient({
  url,
  token,
  // short delays keep the test fast; the defaults are 1 s → 30 s
  backoff: { initialDelayMs: 100, maxDelayMs: 1000 },
});

client.state$.subscribe((state) => {
  const status = el('status');
  status.dataset.status = state.status;
  status.textContent = state.status + (state.attempt ? ` (attempt ${state.attempt})` : '');
});

client.gaps$.subscribe((gap) => {
  el('gaps').append(line(`${gap.cause}: ${gap.to - gap.from} ms`, { cause: gap.cause }));
});

client.metrics$.subscribe((metrics) => {
  el('metrics').textContent = JSON.stringify(metrics);
});

client.topic('channel.tips', { room }).subscribe({
  next(event) {
    const { amount, currency, message } = event.data.donation;
    el('events').append(line(`${message ?? ''} ${amount} ${currency}`, { id: event.id ?? '', message: message ?? '' }));
  },
  error(err: unknown) {
    el('error').textContent = err instanceof Error ? err.message : String(err);
  },
});

addEventListener('pagehide', () => client.close());
