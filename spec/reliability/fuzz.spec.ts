/**
 * Property: whatever the gateway sends (valid, invalid, interleaved and out of
 * order frames, answers to unknown nonces, repeated welcomes, reconnect frames
 * with bad or no tokens, binary, refusals, drops, silence), while the user
 * subscribes and unsubscribes, the client
 *
 *   - never throws into the caller, the scheduler or RxJS's unhandled-error hook;
 *   - never leaves a topic hanging: once the gateway behaves again (it welcomes,
 *     answers truthfully and pings for 15 virtual minutes), every topic subscriber
 *     has either received an AstroError or is live — `state$` is `open`, one socket
 *     is open, the gateway holds the subscription and a new message reaches it;
 *   - keeps `metrics$` true (active subscriptions, queue depth, gap count vs gaps$);
 *   - leaves no socket and no timer behind once the last subscriber has left.
 *
 * The gateway never lies (see scriptedGateway): a failure of these properties is
 * a client bug. `runScenario` (helpers/chaosScenario.ts) spells the checks out.
 */
import fc from 'fast-check';
import { ERROR_CODES, KEYS, runScenario, type Scenario, type Step } from './helpers/chaosScenario';

const target = fc.nat({ max: 3 });
const code = fc.constantFrom(...ERROR_CODES);

/** Frames built to break a decoder: deep nesting, wide arrays, huge strings, `__proto__` keys, non-object message data. */
const HOSTILE = [
  ...['null', '"tip"', '5', 'true', '[{"amount":1}]'].map((data) => `{"type":"message","topic":"channel.tips","room":"a","data":${data}}`),
  `{"type":"message","topic":"channel.tips","room":"a","data":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`,
  `{"type":"message","topic":"channel.tips","room":"a","data":${'['.repeat(5000)}${']'.repeat(5000)}}`,
  `{"type":"message","topic":"channel.tips","room":${'['.repeat(5000)}${']'.repeat(5000)},"data":{}}`,
  `{"type":"response","nonce":${'['.repeat(5000)}${']'.repeat(5000)}}`,
  `{"type":"welcome","data":${'['.repeat(5000)}${']'.repeat(5000)}}`,
  `{"type":${'['.repeat(5000)}${']'.repeat(5000)}}`,
  `{"type":"message","topic":[${new Array(100_000).fill('"x"').join(',')}],"data":{}}`,
  `{"type":"${'x'.repeat(100_000)}"}`,
  '{"__proto__":{"type":"welcome","data":{"client_id":"proto"}}}',
  '{"type":"message","topic":"channel.tips","room":"a","data":{"__proto__":{"polluted":1}},"__proto__":{"polluted":1}}',
];

const GARBAGE = [
  '{not json',
  '',
  'null',
  '[]',
  '{"type":"surprise","data":{}}',
  '{"type":"RESPONSE","nonce":"stray-upper"}',
  '{"type":"message"}',
  '{"type":"message","data":{}}',
  '{"type":"message","topic":42,"data":{}}',
  '{"type":"welcome"}',
  '{"type":"welcome","data":{}}',
  '{"type":"response","nonce":7}',
  '{"type":"reconnect","data":{"reconnect_token":null}}',
  '{"type":"reconnect"}',
  ...HOSTILE,
];

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.oneof(fc.nat({ max: 20 }), fc.nat({ max: 3000 }), fc.nat({ max: 120_000 })) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('welcome' as const), target }) },
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant('answer' as const),
      target,
      which: fc.nat({ max: 5 }),
      outcome: fc.oneof(fc.constant('ok' as const), code),
      nonce: fc.constantFrom('echo' as const, 'echo' as const, 'omit' as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('strayResponse' as const), target, nonce: fc.constantFrom('stray-1', 'stray-999', 'zz', ''), error: fc.option(code, { nil: undefined }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('message' as const),
      target,
      key: fc.nat({ max: KEYS.length - 1 }),
      room: fc.constantFrom('exact' as const, 'missing' as const, 'other' as const),
      id: fc.option(fc.nat({ max: 4 }), { nil: undefined }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('reconnect' as const), target, token: fc.constantFrom('valid' as const, 'valid' as const, 'invalid' as const, 'empty' as const, 'missing' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('binary' as const), target }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('garbage' as const), target, text: fc.oneof(fc.constantFrom(...GARBAGE), fc.string({ maxLength: 40 }), fc.json({ maxDepth: 2 })) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('ping' as const), target }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('drop' as const), target, code: fc.constantFrom(1000, 1001, 1006, 1011, 4001) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('upgrades' as const),
      policy: fc.oneof(
        fc.constantFrom('silent' as const, 'close' as const),
        fc.record({ refuse: fc.constantFrom(429 as const, 502 as const), retryAfterMs: fc.option(fc.constantFrom(0, 2000, 60_000), { nil: undefined }) }),
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('autoAnswer' as const), on: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('subscribe' as const), key: fc.nat({ max: KEYS.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('unsubscribe' as const), which: fc.nat({ max: 5 }) }) },
);

const scenario: fc.Arbitrary<Scenario> = fc.record({
  initial: fc.array(fc.nat({ max: KEYS.length - 1 }), { minLength: 1, maxLength: 4 }),
  steps: fc.array(step, { maxLength: 40 }),
});

/** Runs a property and fails with the shrunk scenario and every broken invariant. */
function check(arbitrary: fc.Arbitrary<Scenario>, numRuns: number): void {
  fc.assert(
    fc.property(arbitrary, (s) => {
      const { violations } = runScenario(s);
      if (violations.length > 0) throw new Error(violations.join('\n'));
    }),
    { numRuns },
  );
}

describe('fuzz: any sequence of gateway frames', () => {
  afterEach(() => {
    // no frame may have written to a shared prototype
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('never throws into user code and never leaves a topic hanging', () => {
    check(scenario, 250);
  });

  it('holds with the rate limiter and timeouts tight (bursts of 1, short request timeouts)', () => {
    check(
      scenario.map((s) => ({ ...s, options: { rateLimit: { burst: 1, intervalMs: 50 }, requestTimeoutMs: 500, subscribeRetries: 2, lazyCloseMs: 1000 } })),
      100,
    );
  });

  it('holds for handover-heavy sequences (reconnect frames, drops and refused upgrades only)', () => {
    const handover = fc.array(
      fc.oneof(
        { weight: 4, arbitrary: fc.record({ t: fc.constant('reconnect' as const), target, token: fc.constantFrom('valid' as const, 'invalid' as const, 'empty' as const) }) },
        { weight: 3, arbitrary: fc.record({ t: fc.constant('drop' as const), target, code: fc.constantFrom(1001, 1006) }) },
        { weight: 2, arbitrary: fc.record({ t: fc.constant('welcome' as const), target }) },
        { weight: 2, arbitrary: fc.record({ t: fc.constant('upgrades' as const), policy: fc.constantFrom('silent' as const, 'close' as const, { refuse: 502 as const }) }) },
        { weight: 4, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.oneof(fc.nat({ max: 5 }), fc.nat({ max: 15_000 })) }) },
        { weight: 2, arbitrary: fc.record({ t: fc.constant('subscribe' as const), key: fc.nat({ max: KEYS.length - 1 }) }) },
        { weight: 1, arbitrary: fc.record({ t: fc.constant('autoAnswer' as const), on: fc.boolean() }) },
      ),
      { maxLength: 30 },
    );
    check(fc.record({ initial: fc.array(fc.nat({ max: KEYS.length - 1 }), { minLength: 1, maxLength: 3 }), steps: handover }), 200);
  });

  it('holds when the gateway sends hostile frames (deep, wide, huge, __proto__ keys, non-object data)', () => {
    const hostile = fc.array(
      fc.oneof(
        { weight: 4, arbitrary: fc.record({ t: fc.constant('garbage' as const), target, text: fc.constantFrom(...HOSTILE) }) },
        { weight: 2, arbitrary: fc.record({ t: fc.constant('message' as const), target, key: fc.nat({ max: KEYS.length - 1 }), room: fc.constant('exact' as const), id: fc.constant(undefined) }) },
        { weight: 2, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.oneof(fc.nat({ max: 20 }), fc.nat({ max: 5000 })) }) },
        { weight: 1, arbitrary: fc.record({ t: fc.constant('subscribe' as const), key: fc.nat({ max: KEYS.length - 1 }) }) },
      ),
      { minLength: 1, maxLength: 12 },
    );
    // the first socket is open (and welcomed) before the hostile frames arrive
    const opened: Step[] = [{ t: 'advance', ms: 5000 }];
    check(fc.record({ initial: fc.array(fc.nat({ max: KEYS.length - 1 }), { minLength: 1, maxLength: 3 }), steps: hostile.map((s) => [...opened, ...s]) }), 60);
    // (errors RxJS reports on a later tick go to config.onUnhandledError, which each scenario checks)
  });
});
