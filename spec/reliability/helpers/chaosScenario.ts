import { Subscription, VirtualTimeScheduler, config } from 'rxjs';
import { createAstroClient } from '../../../lib/client/createAstroClient';
import type { AstroClientOptions, ClientMetrics, ConnectionState, Gap, TopicMessage } from '../../../lib/client/types';
import { AstroError } from '../../../lib/errors/astroError';
import { advanceTo, liveActions, scriptedGateway, subKey, type ScriptedLink, type UpgradePolicy } from './scriptedGateway';

/** The (topic, room) pairs a scenario may subscribe to; `alias` is canonical `c` at the gateway. */
export const ALIASES: Readonly<Record<string, string>> = { alias: 'c' };
export const KEYS = (['channel.tips', 'channel.activities'] as const).flatMap((topic) =>
  (['a', 'b', 'alias'] as const).map((room) => ({ topic, room, canonical: ALIASES[room] ?? room })),
);

export const ERROR_CODES = [
  'err_internal_error',
  'err_deadline_exceeded',
  'err_unauthorized',
  'err_bad_request',
  'invalid_message_type',
  'invalid_message',
  'rate_limit_exceeded',
  'err_from_the_future',
] as const;

/**
 * One step of a gateway gone wrong. `target` picks an open socket (0 = the newest).
 */
export type Step =
  | { readonly t: 'advance'; readonly ms: number }
  | { readonly t: 'welcome'; readonly target: number }
  | { readonly t: 'answer'; readonly target: number; readonly which: number; readonly outcome: 'ok' | (typeof ERROR_CODES)[number]; readonly nonce: 'echo' | 'omit' }
  /** A response to a nonce the client never sent (the client's nonces are `n1`, `n2`, …). */
  | { readonly t: 'strayResponse'; readonly target: number; readonly nonce: string; readonly error?: (typeof ERROR_CODES)[number] }
  | { readonly t: 'message'; readonly target: number; readonly key: number; readonly room: 'exact' | 'missing' | 'other'; readonly id?: number }
  | { readonly t: 'reconnect'; readonly target: number; readonly token: 'valid' | 'invalid' | 'empty' | 'missing' }
  | { readonly t: 'binary'; readonly target: number }
  | { readonly t: 'garbage'; readonly target: number; readonly text: string }
  | { readonly t: 'ping'; readonly target: number }
  | { readonly t: 'drop'; readonly target: number; readonly code: number }
  | { readonly t: 'upgrades'; readonly policy: UpgradePolicy }
  | { readonly t: 'autoAnswer'; readonly on: boolean }
  | { readonly t: 'subscribe'; readonly key: number }
  | { readonly t: 'unsubscribe'; readonly which: number };

export interface Scenario {
  /** Keys subscribed at time 0. */
  readonly initial: readonly number[];
  readonly steps: readonly Step[];
  readonly options?: Partial<AstroClientOptions>;
}

interface User {
  readonly key: (typeof KEYS)[number];
  readonly sub: Subscription;
  readonly ids: string[];
  error?: unknown;
  unsubscribed: boolean;
}

/** What a scenario did, and every invariant it broke. */
export interface Outcome {
  readonly violations: string[];
  readonly gaps: Gap[];
  readonly states: ConnectionState[];
  readonly metrics?: ClientMetrics;
}

/** After the chaos the gateway behaves; this is long enough for every backoff, timeout and subscribe retry. */
export const HEALING_MS = 15 * 60_000;
const PING_EVERY_MS = 20_000;

/**
 * Runs a client against a scripted gateway on virtual time: first `steps` (any
 * sequence of frames, answers, refusals, drops and user (un)subscriptions), then
 * a healing phase in which the gateway behaves (welcomes, answers every new
 * command truthfully, pings) for {@link HEALING_MS}. Then it checks:
 *
 * 1. nothing threw out of the client into the caller or the scheduler, and RxJS
 *    reported no unhandled error;
 * 2. every topic subscriber still subscribed has either received an AstroError,
 *    or is live: `state$` says `open`, exactly one socket is open, the gateway
 *    holds the subscription on it, and a message published there now is delivered
 *    to the subscriber;
 * 3. `metrics$` agrees: `activeSubscriptions` counts the live (topic, room) pairs,
 *    `queue.depth` is 0, and `gaps` equals the number of windows emitted on `gaps$`
 *    (each with `from <= to`);
 * 4. once every subscriber has left, no socket is open and no timer is armed.
 */
export function runScenario(scenario: Scenario): Outcome {
  const scheduler = new VirtualTimeScheduler();
  const gw = scriptedGateway(scheduler, { aliases: ALIASES });
  const violations: string[] = [];
  const unhandled: unknown[] = [];
  const previousHandler = config.onUnhandledError;
  config.onUnhandledError = (e) => unhandled.push(e);
  let nonceSeq = 0;
  const now = () => scheduler.now();
  const step = (what: string, fn: () => void) => {
    try {
      fn();
      advanceTo(scheduler, now());
    } catch (e) {
      violations.push(`${what} threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    }
  };
  const pick = (target: number): ScriptedLink | undefined => {
    const live = gw.live();
    return live[live.length - 1 - (target % Math.max(1, live.length))];
  };

  const states: ConnectionState[] = [];
  const gaps: Gap[] = [];
  let metrics: ClientMetrics | undefined;
  const users: User[] = [];
  try {
    const client = createAstroClient({
      url: 'ws://127.0.0.1:1',
      token: 'fuzz-token-0123456789',
      scheduler,
      random: () => 0.5,
      nonce: () => `n${++nonceSeq}`,
      openSocket: gw.openSocket,
      ...scenario.options,
    });
    client.state$.subscribe((s) => states.push(s));
    client.gaps$.subscribe((g) => gaps.push(g));
    client.metrics$.subscribe((m) => (metrics = m));
    client.warnings$.subscribe();

    const subscribe = (k: number) => {
      const key = KEYS[k % KEYS.length] ?? KEYS[0];
      if (!key) return;
      const ids: string[] = [];
      const user: User = { key, ids, unsubscribed: false, sub: new Subscription() };
      users.push(user);
      user.sub.add(
        client.topic(key.topic, { room: key.room }).subscribe({
          next: (m: TopicMessage) => ids.push(m.id ?? '?'),
          error: (e: unknown) => (user.error = e),
        }),
      );
    };

    for (const k of scenario.initial) step('subscribe', () => subscribe(k));
    for (const s of scenario.steps) {
      step(s.t, () => {
        switch (s.t) {
          case 'advance':
            return advanceTo(scheduler, now() + s.ms);
          case 'welcome':
            return pick(s.target)?.push({ type: 'welcome', data: { client_id: `again-${now()}` } });
          case 'answer': {
            const link = pick(s.target);
            const command = link?.unanswered[s.which % Math.max(1, link.unanswered.length)];
            if (!link || !command) return;
            // Only a rate-limit response goes without a nonce (the gateway then dropped the command).
            if (s.nonce === 'omit') return gw.answer(link, command, 'rate_limit_exceeded', 'omit');
            return gw.answer(link, command, s.outcome);
          }
          case 'strayResponse':
            if (/^n\d+$/.test(s.nonce)) throw new Error(`stray nonce ${s.nonce} could be one of the client's`);
            return pick(s.target)?.push({ type: 'response', nonce: s.nonce, ...(s.error ? { error: s.error } : {}), data: { message: 'stray' } });
          case 'message': {
            const key = KEYS[s.key % KEYS.length];
            const link = pick(s.target);
            if (!key || !link) return;
            const room = s.room === 'exact' ? key.canonical : s.room === 'other' ? 'elsewhere' : undefined;
            return gw.publish(link, key.topic, room, { fuzz: true }, s.id === undefined ? undefined : `m${s.id}`);
          }
          case 'reconnect': {
            const link = pick(s.target);
            if (!link) return;
            if (s.token === 'missing') return link.push({ type: 'reconnect', data: { message: 'The server is shutting down.' } });
            gw.reconnect(link, s.token);
            return;
          }
          case 'binary':
            return pick(s.target)?.push(new Uint8Array([0x7b, 0x7d]));
          case 'garbage':
            return pick(s.target)?.push(s.text);
          case 'ping':
            return pick(s.target)?.ping();
          case 'drop':
            return pick(s.target)?.drop(s.code);
          case 'upgrades':
            return void gw.nextUpgrades(s.policy);
          case 'autoAnswer':
            return void gw.setAutoAnswer(s.on);
          case 'subscribe':
            return subscribe(s.key);
          case 'unsubscribe': {
            const live = users.filter((u) => !u.unsubscribed);
            const user = live[s.which % Math.max(1, live.length)];
            if (!user) return;
            user.unsubscribed = true;
            user.sub.unsubscribe();
            return;
          }
        }
      });
    }

    // healing: a gateway that behaves
    gw.clearUpgrades();
    gw.setAutoAnswer(true);
    const pinger = scheduler.schedule(function (this: { schedule(state?: unknown, delay?: number): unknown }) {
      for (const link of gw.live()) link.ping();
      this.schedule(undefined, PING_EVERY_MS);
    }, PING_EVERY_MS);
    step('healing', () => advanceTo(scheduler, now() + HEALING_MS));

    const state = states[states.length - 1];
    const live = users.filter((u) => !u.unsubscribed && u.error === undefined);
    for (const u of users) {
      if (u.error !== undefined && !(u.error instanceof AstroError)) violations.push(`a topic errored with a non-AstroError: ${String(u.error)}`);
    }
    if (live.length > 0) {
      const links = gw.live();
      if (state?.status !== 'open') violations.push(`topics are live but state$ says ${state?.status}`);
      if (links.length !== 1) violations.push(`${links.length} sockets are open after healing (expected 1)`);
      const link = links[links.length - 1];
      const keys = [...new Set(live.map((u) => u.key))];
      for (const key of keys) {
        if (!link?.subs.has(subKey(key.topic, key.canonical))) {
          violations.push(`${key.topic}/${key.room} hangs: subscribed by the user, state ${state?.status}, but not held by the gateway`);
        }
      }
      keys.forEach((key, i) => link && step('publish', () => gw.publish(link, key.topic, key.canonical, { marker: i }, `marker-${i}`)));
      for (const u of live) {
        const marker = `marker-${keys.indexOf(u.key)}`;
        const n = u.ids.filter((id) => id === marker).length;
        if (n !== 1) violations.push(`${u.key.topic}/${u.key.room} got the message published after healing ${n} times`);
      }
    }
    const liveKeys = new Set(live.map((u) => u.key)).size;
    if (metrics && metrics.activeSubscriptions !== liveKeys) violations.push(`metrics.activeSubscriptions is ${metrics.activeSubscriptions}, ${liveKeys} live`);
    if (metrics && metrics.queue.depth !== 0) violations.push(`metrics.queue.depth is ${metrics.queue.depth} after healing`);
    if (metrics && metrics.gaps !== gaps.length) violations.push(`metrics.gaps counts ${metrics.gaps} gaps, gaps$ emitted ${gaps.length}`);
    for (const g of gaps) if (!(g.from <= g.to)) violations.push(`gap with from ${g.from} > to ${g.to}`);

    // teardown: the last subscriber leaving closes everything
    pinger.unsubscribe();
    step('unsubscribe all', () => users.forEach((u) => u.sub.unsubscribe()));
    step('idle', () => advanceTo(scheduler, now() + 60_000));
    if (gw.live().length > 0) violations.push(`${gw.live().length} sockets still open after every subscriber left`);
    const timers = liveActions(scheduler);
    if (timers > 0) violations.push(`${timers} timers still armed after every subscriber left`);
    step('close', () => client.close());
    violations.push(...gw.violations);
  } catch (e) {
    violations.push(`the scenario threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  } finally {
    config.onUnhandledError = previousHandler;
  }
  for (const e of unhandled) violations.push(`unhandled error reported to RxJS: ${e instanceof Error ? e.message : String(e)}`);
  return { violations, gaps, states, ...(metrics ? { metrics } : {}) };
}
