import { createTestScheduler } from '../helpers/testScheduler';
import { race, commands, heldNow, ROOM } from './helpers';

it('smoke', () => {
  const scheduler = createTestScheduler();
  scheduler.run(() => {
    const r = race(scheduler, { authLatencyMs: [5, 50] });
    const a = r.listen('channel.tips', { room: ROOM });
    r.at(100, () => r.gw.publish('channel.tips', ROOM, { x: 1 }));
    let h: string[] = [];
    r.at(150, () => (h = heldNow(r.gw)));
    r.at(200, () => a.subscription.unsubscribe());
    scheduler.flush();
    console.log(commands(r.gw), h, a.events.length, r.gw.wire.map(w => [w.at, w.text]), r.metrics());
  });
});
