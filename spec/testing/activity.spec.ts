import * as E from 'fp-ts/Either';
import { ActivityPayload, SessionUpdatePayload } from '../../lib/protocol/payloads';
import {
  GENERATED_ACTIVITY_TYPES,
  randomActivity,
  randomSessionUpdate,
  startActivityFeed,
  startEmulator,
  type Emulator,
  type GeneratedActivity,
} from '../../lib/testing';
import { fixture } from '../helpers/fixtures';
import { seededRandom } from '../../lib/testing/seededRandom';
import { closeAllClients, connectWelcomed, sleep, subscribe } from './rawClient';

const seeded = seededRandom;

const NOW = Date.parse('2026-03-19T12:00:00.000Z');

describe('randomActivity', () => {
  const samples = Array.from({ length: 300 }, (_, i) => randomActivity(seeded(i), { now: NOW }));

  it('decodes with the channel.activities payload codec', () => {
    for (const a of samples) expect(E.isRight(ActivityPayload.decode(a))).toBe(true);
  });

  it('has the fields of the documented example', () => {
    const documented = fixture('topics/channel.activities.json').value as { data: Record<string, unknown> & { data: object } };
    for (const a of samples.slice(0, 20)) {
      expect(Object.keys(a).sort()).toEqual(Object.keys(documented.data).sort());
      for (const key of Object.keys(documented.data.data)) expect(a.data).toHaveProperty(key);
      expect(a._id).toMatch(/^[0-9a-f]{24}$/);
      expect(a.activityId).toBe(a._id);
      expect(a.createdAt).toBe('2026-03-19T12:00:00.000Z');
    }
  });

  it('covers the activity types and the twitch, youtube and kick providers', () => {
    expect(new Set(samples.map((a) => a.type))).toEqual(new Set(GENERATED_ACTIVITY_TYPES));
    expect(new Set(samples.map((a) => a.provider))).toEqual(new Set(['twitch', 'youtube', 'kick']));
    expect(GENERATED_ACTIVITY_TYPES).toEqual(expect.arrayContaining(['follow', 'tip', 'subscriber', 'cheer', 'raid', 'host']));
  });

  it('gives amounts and messages to the types that have them', () => {
    const byType = (type: string): GeneratedActivity[] => samples.filter((a) => a.type === type);
    for (const tip of byType('tip')) {
      expect(tip.data).toEqual(expect.objectContaining({ amount: expect.any(Number), currency: expect.any(String), message: expect.any(String) }));
    }
    for (const cheer of byType('cheer')) expect(cheer.provider).toBe('twitch');
    for (const raid of byType('raid')) expect(raid.data.amount).toBeGreaterThan(0);
    for (const follow of byType('follow')) expect(follow.data.amount).toBeUndefined();
  });

  it('is deterministic for a given random source', () => {
    expect(randomActivity(seeded(42), { now: NOW })).toEqual(randomActivity(seeded(42), { now: NOW }));
    expect(randomActivity(seeded(42), { now: NOW })).not.toEqual(randomActivity(seeded(43), { now: NOW }));
  });

  it('takes the channel, the count and the type from the options', () => {
    const a = randomActivity(seeded(1), { channel: 'room-1', sessionEventsCount: 7, type: 'raid' });
    expect(a).toEqual(expect.objectContaining({ channel: 'room-1', sessionEventsCount: 7, type: 'raid' }));
  });
});

describe('randomSessionUpdate', () => {
  it('decodes with the session update codec and has the { key, data } shape', () => {
    for (let i = 0; i < 100; i++) {
      const update = randomSessionUpdate(seeded(i));
      expect(E.isRight(SessionUpdatePayload.decode(update))).toBe(true);
      expect(Object.keys(update).sort()).toEqual(['data', 'key']);
      expect(update.key).toMatch(/^latest_[a-z_]+$/);
    }
  });

  it('follows from the activity it is given', () => {
    const follow = randomActivity(seeded(3), { type: 'follow' });
    expect(randomSessionUpdate(seeded(4), follow)).toEqual({ key: 'latest_follower', data: { name: follow.data.username } });
    const tip = randomActivity(seeded(3), { type: 'tip' });
    expect(randomSessionUpdate(seeded(4), tip)).toEqual({
      key: 'latest_tip',
      data: { name: tip.data.username, amount: tip.data.amount, message: tip.data.message },
    });
  });
});

describe('startActivityFeed', () => {
  it('validates its options', () => {
    const publish = jest.fn();
    expect(() => startActivityFeed(publish, { rooms: [] })).toThrow(TypeError);
    expect(() => startActivityFeed(publish, { rooms: ['r'], intervalMs: 0 })).toThrow(TypeError);
    expect(() => startActivityFeed(publish, { rooms: ['r'], topics: ['channel.tips'] })).toThrow(TypeError);
  });

  it('publishes one topic only when asked, and stops', async () => {
    const publish = jest.fn();
    const stop = startActivityFeed(publish, { rooms: ['r'], intervalMs: 10, topics: ['channel.session.update'] }, seeded(9));
    await sleep(80);
    stop();
    const calls = publish.mock.calls.length;
    expect(calls).toBeGreaterThan(2);
    expect(new Set(publish.mock.calls.map((c: unknown[]) => c[0]))).toEqual(new Set(['channel.session.update']));
    await sleep(40);
    expect(publish.mock.calls.length).toBe(calls);
  });
});

describe('Emulator.startActivity', () => {
  let emulator: Emulator;

  afterEach(async () => {
    closeAllClients();
    await emulator.close();
  });

  it('publishes activities and their session updates to the rooms until stopped', async () => {
    emulator = await startEmulator({ pingIntervalMs: 60_000, random: seeded(5) });
    const token = emulator.issueToken({ channel: '*' });
    const { client } = await connectWelcomed(emulator.url);
    await client.command(subscribe('a', 'channel.activities', 'room-a', token, 'jwt'));
    await client.command(subscribe('b', 'channel.session.update', 'room-a', token, 'jwt'));
    await client.command(subscribe('c', 'channel.activities', 'room-b', token, 'jwt'));
    const stop = emulator.startActivity({ rooms: ['room-a', 'room-b'], intervalMs: 15 });

    const activity = await client.next((f) => f.type === 'message' && f.topic === 'channel.activities' && f.room === 'room-a');
    expect(E.isRight(ActivityPayload.decode(activity.data))).toBe(true);
    expect(activity.data.channel).toBe('room-a');
    const update = await client.next((f) => f.type === 'message' && f.topic === 'channel.session.update');
    expect(update.room).toBe('room-a');
    expect(update.data).toEqual({ key: expect.stringMatching(/^latest_/), data: expect.any(Object) });
    await client.next((f) => f.type === 'message' && f.room === 'room-b');

    stop();
    const seen = client.received.length;
    await sleep(60);
    expect(client.received.length).toBe(seen);
    const counts = client.received.filter((r) => r.frame?.topic === 'channel.activities' && r.frame.room === 'room-a').map((r) => r.frame?.data.sessionEventsCount as number);
    expect(counts).toEqual(counts.map((_, i) => i + 1));
  });

  it('stops every feed on close', async () => {
    let draws = 0;
    const random = seeded(6);
    emulator = await startEmulator({ pingIntervalMs: 60_000, random: () => (draws++, random()) });
    emulator.startActivity({ rooms: ['r'], intervalMs: 5 });
    await sleep(30);
    expect(draws).toBeGreaterThan(0);
    await emulator.close();
    const before = draws;
    await sleep(30);
    expect(draws).toBe(before);
    expect(() => emulator.startActivity({ rooms: ['r'] })).toThrow();
  });
});
