import type { ConnectionEvent, Intent } from '../../lib/connection/connect';
import { runConnection } from '../helpers/connectOnFakeGateway';

const want = (ref: number, room: string): Intent => ({ type: 'want', ref, topic: 'channel.tips', room, tokenRef: 1 });
const message = (id: string, room = 'r1') => ({ id, type: 'message', topic: 'channel.tips', room, data: { amount: 1 } });

/** Message ids as delivered (`dup x` for a dropped duplicate). */
const delivered = (events: ConnectionEvent[]) =>
  events.flatMap((e) => (e.type === 'frame' && e.frame.type === 'message' ? [e.frame.id ?? '-'] : e.type === 'duplicate_dropped' ? [`dup ${e.id ?? '-'}`] : []));

describe('connect: de-duplication across handovers that overlap', () => {
  it('drops an event the old socket delivers late, after the fresh socket got a reconnect frame of its own', () => {
    const { events, gateway } = runConnection({ dedupeWindow: 100 }, { responseDelay: (c) => (c.data.room === 'r2' ? 50 : 1) }, (g, intents, sch) => {
      sch.schedule(() => intents.next(want(1, 'r1')), 2);
      sch.schedule(() => intents.next(want(2, 'r2')), 2);
      // the token is refused: a fresh socket (link 2) is welcomed at 202, and the old one is kept until it holds r2 too (252)
      sch.schedule(() => g.drain(g.link(0), false), 100);
      sch.schedule(() => g.publish('channel.tips', 'r1', { amount: 1 }, 'M7'), 210);
      // the gateway asks the fresh socket to move on, while the old socket still delivers
      sch.schedule(() => g.drain(g.link(2)), 220);
      // the old socket delivers M7 late: two sockets, no order between them
      sch.schedule(() => g.link(0).push(message('M7')), 225);
      sch.schedule(() => g.link(0).push(message('M8')), 226);
    });
    expect(gateway.link(0).closedByClient).toBe(true);
    expect(delivered(events)).toEqual(['M7', 'dup M7', 'dup M7', 'M8']);
  });
});

describe('connect: de-duplication while two sockets are left', () => {
  it('keeps checking while two sockets still deliver after a third has failed', () => {
    const open: boolean[][] = [];
    const { events } = runConnection({ dedupeWindow: 1 }, { responseDelay: (c) => (c.data.room === 'r2' ? 50 : 1) }, (g, intents, sch) => {
      sch.schedule(() => intents.next(want(1, 'r1')), 2);
      sch.schedule(() => intents.next(want(2, 'r2')), 2);
      // the token is refused: the fresh socket (link 2) is welcomed at 202, the old one (link 0) is kept until 252
      sch.schedule(() => g.drain(g.link(0), false), 100);
      // link 2's handover token is refused too: link 3 fails, and links 0 and 2 both still deliver r1
      sch.schedule(() => g.drain(g.link(2), false), 220);
      sch.schedule(() => open.push(g.links.map((l) => !l.closed)), 230);
      ['M9', 'M10'].forEach((id, i) => sch.schedule(() => g.publish('channel.tips', 'r1', { amount: 1 }, id), 230 + i));
    });
    expect(open).toEqual([[true, false, true, false]]);
    expect(delivered(events)).toEqual(['M9', 'dup M9', 'M10', 'dup M10']);
  });
});

describe('connect: de-duplication within one topic and room', () => {
  it('delivers the same id on another topic or room during a handover: an id is unique only within its stream (A15)', () => {
    const id = '01JMFBZF7KSRDDXXV0EH7G8X6G';
    const { events } = runConnection({}, {}, (g, intents, sch) => {
      sch.schedule(() => intents.next(want(1, 'r1')), 2);
      sch.schedule(() => intents.next(want(2, 'r2')), 2);
      sch.schedule(() => g.drain(g.link(0)), 10);
      sch.schedule(() => g.link(0).push(message(id, 'r1')), 11);
      sch.schedule(() => g.link(0).push(message(id, 'r2')), 11);
      sch.schedule(() => g.link(0).push({ ...message(id, 'r1'), topic: 'channel.tips.moderation' }), 11);
      sch.schedule(() => g.link(0).push(message(id, 'r1')), 11);
    });
    const streams = events.flatMap((e) => (e.type === 'frame' && e.frame.type === 'message' ? [`${e.frame.topic}/${e.frame.room ?? ''}`] : []));
    expect(streams).toEqual(['channel.tips/r1', 'channel.tips/r2', 'channel.tips.moderation/r1']);
    expect(delivered(events)).toEqual([id, id, id, `dup ${id}`]);
  });
});

describe('connect: de-duplication ends after a handover', () => {
  it('checks dedupeWindow more messages once the old socket has closed, then none (the steady state pays nothing)', () => {
    const { events, gateway } = runConnection({ dedupeWindow: 2 }, { responseDelay: (c) => (c.data.room === 'r2' ? 50 : 1) }, (g, intents, sch) => {
      sch.schedule(() => intents.next(want(1, 'r1')), 2);
      sch.schedule(() => intents.next(want(2, 'r2')), 2);
      // the token is refused: the fresh socket (link 2) is welcomed at 202 while the old one is still open, until 252
      sch.schedule(() => g.drain(g.link(0), false), 100);
      // long after the old socket has gone, the same ids twice in a row probe whether anything is still checked
      ['M4', 'M4', 'M5', 'M5'].forEach((id, i) => sch.schedule(() => g.link(2).push(message(id)), 300 + i));
    });
    expect(gateway.link(0).closedByClient).toBe(true);
    expect(delivered(events)).toEqual(['M4', 'dup M4', 'M5', 'M5']);
  });
});
