import * as t from 'io-ts';
import { openEnum, OpenEnum } from './openEnum';

// Payload codecs require only what the gateway's documentation guarantees.
// `t.type`/`t.partial` keep unknown fields, so nothing a newer gateway adds is lost.

/** @category Topics */
export const ACTIVITY_TYPES = [
  'event', 'follow', 'tip', 'communityGiftPurchase', 'channelPointsRedemption', 'sponsor',
  'superchat', 'host', 'raid', 'subscriber', 'cheer', 'cheerPurchase', 'charityCampaignDonation',
  'redemption', 'merch', 'fan', 'supporter', 'follower', 'stars', 'share', 'videolike', 'elixir',
  'purchase', 'hypetrainStart', 'hypetrainProgress', 'hypetrainEnd', 'giveaway', 'sponsorship',
  'sponsorshipPassive',
] as const;
/** The documented activity types; unknown types still decode. @category Topics */
export const ActivityType = openEnum('ActivityType', ACTIVITY_TYPES);
/** @category Topics */
export type ActivityType = OpenEnum<(typeof ACTIVITY_TYPES)[number]>;

/** @category Topics */
export const ACTIVITY_PROVIDERS = [
  'twitch', 'youtube', 'represent', 'fourthwall', 'lunar', 'lilithgames', 'x', 'StreamElements',
  'grabtap', 'kick',
] as const;
/** The documented activity providers (case-sensitive); unknown providers still decode. @category Topics */
export const ActivityProvider = openEnum('ActivityProvider', ACTIVITY_PROVIDERS);
/** @category Topics */
export type ActivityProvider = OpenEnum<(typeof ACTIVITY_PROVIDERS)[number]>;

/** Payload of `channel.activities`. Only `follow`'s inner `data` is documented. @category Topics */
export const ActivityPayload = t.intersection(
  [
    t.type({ type: ActivityType, provider: ActivityProvider }),
    t.partial({
      channel: t.string,
      data: t.partial({
        username: t.string,
        displayName: t.string,
        providerId: t.string,
        avatar: t.string,
        amount: t.number,
        message: t.string,
      }),
      _id: t.string,
      createdAt: t.string,
      updatedAt: t.string,
      activityId: t.string,
      sessionEventsCount: t.number,
    }),
  ],
  'ActivityPayload',
);
/** @category Topics */
export interface ActivityPayload extends t.TypeOf<typeof ActivityPayload> {}

/** Tip moderation states. @category Topics */
export const TipApproval = openEnum('TipApproval', ['pending', 'allowed', 'rejected'] as const);

/** Payload of `channel.tips` and `channel.tips.moderation`. @category Topics */
export const TipPayload = t.intersection(
  [
    t.type({
      donation: t.intersection([
        t.type({ amount: t.number, currency: t.string }),
        t.partial({
          user: t.partial({ username: t.string, geo: t.string, email: t.string, channel: t.string }),
          message: t.string,
          paymentMethod: t.string,
        }),
      ]),
    }),
    t.partial({
      _id: t.string,
      channel: t.string,
      provider: t.string,
      approved: TipApproval,
      approvedBy: t.string,
      status: t.string,
      createdAt: t.string,
      updatedAt: t.string,
      transactionId: t.string,
    }),
  ],
  'TipPayload',
);
/** @category Topics */
export interface TipPayload extends t.TypeOf<typeof TipPayload> {}

/**
 * Payload of `channel.session.update`: one session entry changed. The current
 * shape is `{ key, data }`; an older one used `name` instead of `key` (read it
 * with {@link sessionUpdateKey}).
 *
 * @category Topics
 */
export const SessionUpdatePayload = t.intersection(
  [
    t.union([t.type({ key: t.string }), t.type({ name: t.string })]),
    t.partial({ data: t.unknown, provider: t.string }),
  ],
  'SessionUpdatePayload',
);
/** @category Topics */
export type SessionUpdatePayload = t.TypeOf<typeof SessionUpdatePayload>;

/**
 * The key of a session update, whichever documented shape it came in.
 *
 * @example
 * ```ts
 * import { sessionUpdateKey } from 'astro-rx/protocol';
 * sessionUpdateKey({ key: 'latest_follower', data: {} }); // 'latest_follower'
 * sessionUpdateKey({ name: 'follower-goal' }); // 'follower-goal'
 * ```
 * @category Topics
 */
export function sessionUpdateKey(payload: SessionUpdatePayload): string {
  return 'key' in payload ? payload.key : payload.name;
}

/**
 * Payload of `channel.session.reset`. The documentation shows the snapshot both
 * directly in `data` and under `data.session`; read it with {@link sessionSnapshot}.
 *
 * @category Topics
 */
export const SessionResetPayload = t.UnknownRecord;
/** @category Topics */
export type SessionResetPayload = t.TypeOf<typeof SessionResetPayload>;

/**
 * The session snapshot of a `channel.session.reset` payload: `data.session`
 * when it is an object, otherwise the payload itself.
 *
 * @example
 * ```ts
 * import { sessionSnapshot } from 'astro-rx/protocol';
 * sessionSnapshot({ session: { 'latest-follower': { name: 'Styler' } } }); // { 'latest-follower': … }
 * sessionSnapshot({ 'latest-follower': { name: 'Styler' } }); // the same
 * ```
 * @category Topics
 */
export function sessionSnapshot(payload: SessionResetPayload): Record<string, unknown> {
  const session = payload['session'];
  return typeof session === 'object' && session !== null && !Array.isArray(session)
    ? (session as Record<string, unknown>)
    : payload;
}

/** Payload of `channel.chat.message`: the platform's own chat object, passed through. @category Topics */
export const ChatMessagePayload = t.UnknownRecord;
/** @category Topics */
export type ChatMessagePayload = t.TypeOf<typeof ChatMessagePayload>;

/** Payload of `channel.chatbot.status`: only the flags that changed. @category Topics */
export const ChatbotStatusPayload = t.partial(
  { banned: t.boolean, muted: t.boolean, joined: t.boolean, mod: t.boolean },
  'ChatbotStatusPayload',
);
/** @category Topics */
export type ChatbotStatusPayload = t.TypeOf<typeof ChatbotStatusPayload>;

const ChatbotEvent = t.partial({ msg_id: t.string, user_id: t.string, user_name: t.string });

/** Payload of `channel.chatbot.modules.pyramid`. @category Topics */
export const PyramidPayload = t.intersection([t.type({ word: t.string, width: t.number }), ChatbotEvent], 'PyramidPayload');
/** @category Topics */
export type PyramidPayload = t.TypeOf<typeof PyramidPayload>;

/** Payload of `channel.chatbot.modules.emotecombo`. @category Topics */
export const EmoteComboPayload = t.intersection([t.type({ emote: t.string, count: t.number }), ChatbotEvent], 'EmoteComboPayload');
/** @category Topics */
export type EmoteComboPayload = t.TypeOf<typeof EmoteComboPayload>;

/** Payload of `channel.chatbot.timeout` (in development at the gateway). @category Topics */
export const ChatbotTimeoutPayload = t.intersection([t.type({ duration: t.number }), ChatbotEvent], 'ChatbotTimeoutPayload');
/** @category Topics */
export type ChatbotTimeoutPayload = t.TypeOf<typeof ChatbotTimeoutPayload>;

/** Payload of `channel.chatbot.counters`. @category Topics */
export const CounterPayload = t.type({ counter: t.string, value: t.number }, 'CounterPayload');
/** @category Topics */
export type CounterPayload = t.TypeOf<typeof CounterPayload>;

/** Payload of `channel.stream.status`. @category Topics */
export const StreamStatusPayload = t.type({ isLive: t.boolean }, 'StreamStatusPayload');
/** @category Topics */
export type StreamStatusPayload = t.TypeOf<typeof StreamStatusPayload>;

export * from './widgetPayloads';
