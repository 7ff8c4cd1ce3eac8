import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import { reportErrors } from '../../lib/protocol/boundedReport';
import { ClientCommand, SubscribeCommand, UnsubscribeCommand } from '../../lib/protocol/commands';
import { ErrorCode } from '../../lib/protocol/errorCode';
import { MessageFrame, ReconnectFrame, ResponseFrame, ServerFrame, WelcomeFrame } from '../../lib/protocol/frames';
import * as P from '../../lib/protocol/payloads';
import { TokenType } from '../../lib/protocol/tokenType';

/** Users read codec names in decode reports ("… supplied to : TipPayload/…"): they are part of the messages. */
describe('codec names in decode reports', () => {
  it.each<[string, t.Decoder<unknown, unknown>]>([
    ['WelcomeFrame', WelcomeFrame],
    ['ResponseFrame', ResponseFrame],
    ['MessageFrame', MessageFrame],
    ['ReconnectFrame', ReconnectFrame],
    ['ServerFrame', ServerFrame],
    ['SubscribeCommand', SubscribeCommand],
    ['UnsubscribeCommand', UnsubscribeCommand],
    ['ClientCommand', ClientCommand],
    ['TokenType', TokenType],
    ['ErrorCode', ErrorCode],
    ['ActivityType', P.ActivityType],
    ['ActivityProvider', P.ActivityProvider],
    ['ActivityPayload', P.ActivityPayload],
    ['TipApproval', P.TipApproval],
    ['TipPayload', P.TipPayload],
    ['SessionUpdatePayload', P.SessionUpdatePayload],
    ['ChatbotStatusPayload', P.ChatbotStatusPayload],
    ['PyramidPayload', P.PyramidPayload],
    ['EmoteComboPayload', P.EmoteComboPayload],
    ['ChatbotTimeoutPayload', P.ChatbotTimeoutPayload],
    ['CounterPayload', P.CounterPayload],
    ['StreamStatusPayload', P.StreamStatusPayload],
    ['OverlayActionType', P.OverlayActionType],
    ['OverlayActionPayload', P.OverlayActionPayload],
    ['OverlayBroadcastPayload', P.OverlayBroadcastPayload],
    ['OverlayUpdatePayload', P.OverlayUpdatePayload],
    ['KvStorePayload', P.KvStorePayload],
    ['EventEnvelopePayload', P.EventEnvelopePayload],
    ['GiveawayPayload', P.GiveawayPayload],
  ])('%s names itself at the root of a report', (name, codec) => {
    const result = codec.decode(42);
    if (E.isRight(result)) throw new Error(`${name} accepted 42`);
    expect(reportErrors(result.left)[0]).toMatch(new RegExp(`^Invalid value 42 supplied to : ${name}(/|$)`));
  });
});
