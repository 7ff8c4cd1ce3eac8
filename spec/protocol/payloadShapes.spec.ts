import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import { ErrorCode } from '../../lib/protocol/errorCode';
import * as P from '../../lib/protocol/payloads';
import { TokenType } from '../../lib/protocol/tokenType';
import { FIXTURES_DIR } from '../helpers/fixtures';

interface Enums {
  readonly [section: string]: { readonly [field: string]: { readonly values?: readonly string[] } } & { readonly values?: readonly unknown[] };
}
const enums = JSON.parse(readFileSync(join(FIXTURES_DIR, 'enums.json'), 'utf8')) as Enums;
const documented = (section: string, field?: string): string[] =>
  [...((field === undefined ? enums[section]?.values : enums[section]?.[field]?.values) ?? [])].map(String).sort();

describe('open enums know exactly the documented values', () => {
  it.each<[string, ReadonlySet<string>, string[]]>([
    ['activity types', P.ActivityType.known, documented('channel.activities', 'type')],
    ['activity providers (case-sensitive)', P.ActivityProvider.known, documented('channel.activities', 'provider')],
    ['overlay actions', P.OverlayActionType.known, documented('channel.overlay.action', 'action')],
    ['tip approvals', P.TipApproval.known, documented('channel.tips / channel.tips.moderation', 'approved')],
    // today's codes, and `invalid_message`, which older gateways sent
    ['error codes', ErrorCode.known, [...documented('error_code'), 'invalid_message'].sort()],
  ])('%s', (_name, known, values) => {
    expect(values.length).toBeGreaterThan(1);
    expect([...known].sort()).toEqual(values);
  });

  it('token types are a closed set: the documented ones, and nothing else', () => {
    for (const type of documented('token_type')) expect(TokenType.is(type)).toBe(true);
    for (const type of ['oauth', 'bearer', '']) expect(TokenType.is(type)).toBe(false);
  });
});

type Case = readonly [string, unknown, boolean];

/** Each codec, a payload it accepts, and variants it must accept (true) or refuse (false). */
const shapes: ReadonlyArray<readonly [string, t.Decoder<unknown, unknown>, readonly Case[]]> = [
  ['ActivityPayload', P.ActivityPayload, [
    ['the minimum', { type: 'follow', provider: 'twitch' }, true],
    ['an unknown type and provider', { type: 'brandNew', provider: 'elsewhere' }, true],
    ['no provider', { type: 'follow' }, false],
    ['no type', { provider: 'twitch' }, false],
    ['a numeric channel', { type: 'tip', provider: 'twitch', channel: 1 }, false],
    ['a text amount', { type: 'tip', provider: 'twitch', data: { amount: '5' } }, false],
    ['a numeric username', { type: 'tip', provider: 'twitch', data: { username: 5 } }, false],
    ['a text sessionEventsCount', { type: 'tip', provider: 'twitch', sessionEventsCount: '3' }, false],
  ]],
  ['TipPayload', P.TipPayload, [
    ['the minimum', { donation: { amount: 5, currency: 'USD' } }, true],
    ['no currency', { donation: { amount: 5 } }, false],
    ['no amount', { donation: { currency: 'USD' } }, false],
    ['no donation', { _id: 'x' }, false],
    ['a numeric username', { donation: { amount: 5, currency: 'USD', user: { username: 1 } } }, false],
    ['a numeric message', { donation: { amount: 5, currency: 'USD', message: 1 } }, false],
    ['a numeric channel', { donation: { amount: 5, currency: 'USD' }, channel: 1 }, false],
    ['an unknown approval', { donation: { amount: 5, currency: 'USD' }, approved: 'later' }, true],
    ['a numeric approval', { donation: { amount: 5, currency: 'USD' }, approved: 1 }, false],
  ]],
  ['SessionUpdatePayload', P.SessionUpdatePayload, [
    ['a key', { key: 'follower-latest' }, true],
    ['a name (older gateways)', { name: 'follower-latest' }, true],
    ['neither', { data: {} }, false],
    ['a numeric provider', { key: 'k', provider: 1 }, false],
  ]],
  ['ChatbotStatusPayload', P.ChatbotStatusPayload, [
    ['flags', { banned: false, muted: true }, true],
    ['a text flag', { joined: 'yes' }, false],
    ['a numeric mod', { mod: 1 }, false],
  ]],
  ['PyramidPayload', P.PyramidPayload, [
    ['a pyramid', { word: 'Kappa', width: 3, user_name: 'u' }, true],
    ['no width', { word: 'Kappa' }, false],
    ['a numeric user name', { word: 'Kappa', width: 3, user_name: 1 }, false],
  ]],
  ['EmoteComboPayload', P.EmoteComboPayload, [
    ['a combo', { emote: 'Kappa', count: 3 }, true],
    ['no count', { emote: 'Kappa' }, false],
    ['a numeric msg_id', { emote: 'Kappa', count: 3, msg_id: 1 }, false],
  ]],
  ['ChatbotTimeoutPayload', P.ChatbotTimeoutPayload, [
    ['a timeout', { duration: 60 }, true],
    ['a text duration', { duration: '60' }, false],
    ['a numeric user id', { duration: 60, user_id: 1 }, false],
  ]],
  ['CounterPayload', P.CounterPayload, [
    ['a counter', { counter: 'deaths', value: 3 }, true],
    ['no value', { counter: 'deaths' }, false],
  ]],
  ['StreamStatusPayload', P.StreamStatusPayload, [
    ['live', { isLive: true }, true],
    ['a text flag', { isLive: 'yes' }, false],
  ]],
  ['OverlayActionPayload', P.OverlayActionPayload, [
    ['an action', { action: 'pause' }, true],
    ['no action', {}, false],
  ]],
  ['OverlayBroadcastPayload', P.OverlayBroadcastPayload, [
    ['a broadcast', { target: 'widgets', event: 'ping', data: [1] }, true],
    ['no event', { target: 'widgets' }, false],
  ]],
  ['OverlayUpdatePayload', P.OverlayUpdatePayload, [
    ['an update', { _id: 'o', widgets: [] }, true],
    ['widgets that are not a list', { widgets: {} }, false],
    ['a numeric name', { name: 1 }, false],
    ['a list instead of a record', [], false],
  ]],
  ['KvStorePayload', P.KvStorePayload, [
    ['a key and any value', { key: 'k', value: [1] }, true],
    ['no key', { value: 1 }, false],
  ]],
  ['EventEnvelopePayload', P.EventEnvelopePayload, [
    ['an event', { event: 'queue', payload: null }, true],
    ['no event', { payload: 1 }, false],
  ]],
  ['GiveawayPayload', P.GiveawayPayload, [
    ['an event', { event: 'start' }, true],
    ['an action (older gateways)', { action: 'start' }, true],
    ['neither', { state: 'running' }, false],
    ['a numeric giveawayId', { event: 'start', giveawayId: 1 }, false],
  ]],
];

describe('payload codecs require what the documentation guarantees, and check the types of what it shows', () => {
  it.each(shapes.flatMap(([name, codec, cases]) => cases.map(([what, value, ok]) => [name, what, ok, codec, value] as const)))(
    '%s: %s is %s',
    (_name, _what, ok, codec, value) => {
      expect(E.isRight(codec.decode(value))).toBe(ok);
    },
  );
});
