import { createTestScheduler } from '../helpers/testScheduler';
import { race, ROOM } from './helpers';

// A total decoder — issue #11, behaviours 11 and 12.

const TIPS = 'channel.tips';
const DEPTH = 5000;

/** A `message` frame for (tips, c1) with `data` as given (raw JSON text). */
const messageText = (id: string, data: string) => `{"id":"${id}","ts":"2026-03-20T00:00:00Z","type":"message","topic":"${TIPS}","room":"${ROOM}","data":${data}}`;

describe('races: a frame nested 5 000 levels deep', () => {
  // 10 KB: `{"a":` then 5 000 `[` and 5 000 `]`, inside a message frame for (tips, c1)
  const deep = messageText('01HDEEP0000000000000000000', `{"a":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`);

  const sendDeep = (scheduler: ReturnType<typeof createTestScheduler>) => {
    const r = race(scheduler);
    const tips = r.listen(TIPS, { room: ROOM });
    r.at(100, () => r.gw.sendRaw(0, deep));
    r.at(200, () => r.gw.publish(TIPS, ROOM, { n: 1 }));
    r.at(300, () => r.client.close());
    return { r, tips };
  };

  it('is reported on warnings$ as a decode failure with a message under 2 KB', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { r } = sendDeep(scheduler);
      scheduler.flush();
      expect(r.warnings.map((w) => w.code)).toEqual(['decode']);
      expect(r.warnings[0]?.message.length).toBeLessThan(2048);
    });
  });

  it('never reaches the topic, which keeps receiving afterwards', () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const { tips } = sendDeep(scheduler);
      scheduler.flush();
      expect(tips.error).toBeUndefined();
      expect(tips.events.map((e) => e.data)).toEqual([{ n: 1 }]);
    });
  });
});

describe('races: a message whose data is not an object', () => {
  const cases = [
    { name: 'null', data: null },
    { name: 'a string', data: 'just a string' },
    { name: 'an array', data: [1, 'two', { three: 3 }] },
  ];

  it.each(cases)('never reaches topic() when data is $name', ({ data }) => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler);
      const tips = r.listen(TIPS, { room: ROOM });
      r.at(100, () => r.gw.publish(TIPS, ROOM, data));
      r.at(200, () => r.gw.publish(TIPS, ROOM, { n: 1 }));
      r.at(300, () => r.client.close());
      scheduler.flush();
      expect(r.gw.published.map((p) => p.deliveredTo)).toEqual([[0], [0]]);
      expect(tips.events.map((e) => e.data)).toEqual([{ n: 1 }]);
    });
  });

  it.each(cases)('is reported on warnings$ as a decode failure when data is $name', ({ data }) => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const r = race(scheduler);
      r.listen(TIPS, { room: ROOM });
      r.at(100, () => r.gw.publish(TIPS, ROOM, data));
      r.at(300, () => r.client.close());
      scheduler.flush();
      expect(r.warnings.map((w) => w.code)).toEqual(['decode']);
      expect(r.metrics().decodeFailures).toBe(1);
    });
  });
});
