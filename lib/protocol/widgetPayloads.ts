import * as t from 'io-ts';
import { openEnum } from './openEnum';

// The payloads overlays and widgets consume: overlay actions and documents, the
// key-value store, song requests, contests and giveaways. As in payloads.ts,
// codecs require only what the documentation guarantees and keep unknown fields.

/** @category Topics */
export const OverlayActionType = openEnum('OverlayActionType', [
  'pause', 'unpause', 'mute', 'unmute', 'skip', 'playNext', 'emptyHypeCup', 'reload',
] as const);

/** Payload of `channel.overlay.action`. @category Topics */
export const OverlayActionPayload = t.type({ action: OverlayActionType }, 'OverlayActionPayload');
/** @category Topics */
export type OverlayActionPayload = t.TypeOf<typeof OverlayActionPayload>;

/** Payload of `channel.overlay.broadcast`: `target` is `global` or an overlay id. @category Topics */
export const OverlayBroadcastPayload = t.intersection(
  [
    t.type({ target: t.string, event: t.string }),
    // Stryker disable next-line ObjectLiteral: equivalent, `t.unknown` admits every value, so at run time this partial checks nothing; it gives the type its optional `data`
    t.partial({ data: t.unknown }),
  ],
  'OverlayBroadcastPayload',
);
/** @category Topics */
export type OverlayBroadcastPayload = t.TypeOf<typeof OverlayBroadcastPayload>;

/** Payload of `channel.overlay.update`: the whole overlay document (can be large). @category Topics */
export const OverlayUpdatePayload = t.intersection(
  [
    t.UnknownRecord,
    t.partial({ _id: t.string, channel: t.string, type: t.string, name: t.string, widgets: t.UnknownArray }),
  ],
  'OverlayUpdatePayload',
);
/** @category Topics */
export type OverlayUpdatePayload = t.TypeOf<typeof OverlayUpdatePayload>;

/** Payload of `channel.kvstore.update`. @category Topics */
export const KvStorePayload = t.intersection(
  [
    t.type({ key: t.string }),
    // Stryker disable next-line ObjectLiteral: equivalent, `t.unknown` admits every value, so at run time this partial checks nothing; it gives the type its optional `value`
    t.partial({ value: t.unknown }),
  ],
  'KvStorePayload',
);
/** @category Topics */
export type KvStorePayload = t.TypeOf<typeof KvStorePayload>;

/** Payload of `channel.songrequest` and `channel.contests`: `{ event, payload }`. @category Topics */
export const EventEnvelopePayload = t.intersection(
  [
    t.type({ event: t.string }),
    // Stryker disable next-line ObjectLiteral: equivalent, `t.unknown` admits every value, so at run time this partial checks nothing; it gives the type its optional `payload`
    t.partial({ payload: t.unknown }),
  ],
  'EventEnvelopePayload',
);
/** @category Topics */
export type EventEnvelopePayload = t.TypeOf<typeof EventEnvelopePayload>;

/**
 * Payload of `channel.giveaways`. The event name is in `event` (an older shape
 * used `action`); inner `data` may be an object or `null`.
 *
 * @category Topics
 */
export const GiveawayPayload = t.intersection(
  [
    t.union([t.type({ event: t.string }), t.type({ action: t.string })]),
    t.partial({ channelId: t.string, giveawayId: t.string, state: t.string, data: t.unknown }),
  ],
  'GiveawayPayload',
);
/** @category Topics */
export type GiveawayPayload = t.TypeOf<typeof GiveawayPayload>;
