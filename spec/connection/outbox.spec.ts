import { nextWake } from '../../lib/connection/outbox/outbox';
import type { OutboxInput } from '../../lib/connection/outbox/state';
import { err as errWith, kinds, ok, outbox, outboxConfig as config, sends, unwant, want } from './outboxHarness';

const err = (nonce: string | undefined, error: string): OutboxInput => errWith(nonce, error, 'no');

describe('outbox', () => {
  it('sends nothing before a session, then subscribes and reports the canonical room', () => {
    const { at } = outbox();
    expect(sends(at(0, want(1)))).toEqual([]);
    expect(sends(at(5, { type: 'session', restored: false }))).toEqual(['subscribe channel.tips/r1#1 n1']);
    expect(at(6, ok('n1', 'r1'))).toContainEqual({ type: 'subscribed', refs: [1], topic: 'channel.tips', room: 'r1' });
  });

  it('cancels a subscribe and an unsubscribe that meet in the queue', () => {
    const { at } = outbox();
    at(0, want(1));
    at(0, unwant(1));
    expect(sends(at(5, { type: 'session', restored: false }))).toEqual([]);
  });

  it('unsubscribes the canonical room, never every room, when the last want leaves', () => {
    const { at } = outbox();
    at(0, { type: 'session', restored: false });
    at(0, want(1, ''));
    at(1, ok('n1', 'chan-9'));
    expect(sends(at(2, unwant(1, '')))).toEqual(['unsubscribe channel.tips/chan-9#- n2']);
  });

  it('unsubscribes every room only for the global room, then subscribes the other rooms again', () => {
    const { at } = outbox();
    at(0, { type: 'session', restored: false });
    at(0, want(1, ''));
    at(0, want(2, 'r2'));
    at(1, ok('n1', ''));
    at(1, ok('n2', 'r2'));
    expect(sends(at(200, unwant(1, '')))).toEqual(['unsubscribe channel.tips/*#- n3']);
    const after = at(201, ok('n3'));
    expect(after).toContainEqual({ type: 'lost', refs: [2] });
    expect(sends(after)).toEqual(['subscribe channel.tips/r2#1 n4']);
  });

  it('never sends faster than the bucket', () => {
    const { at } = outbox();
    for (let ref = 1; ref <= 5; ref++) at(0, want(ref, `r${ref}`));
    expect(sends(at(0, { type: 'session', restored: false }))).toHaveLength(3);
    expect(sends(at(99, { type: 'tick' }))).toHaveLength(0);
    expect(sends(at(100, { type: 'tick' }))).toHaveLength(1);
    expect(sends(at(200, { type: 'tick' }))).toHaveLength(1);
  });

  it('after a nonce-less rate limit, pauses and sends every unanswered command again; a late answer to the original counts', () => {
    const { at, s } = outbox();
    at(0, { type: 'session', restored: false });
    at(0, want(1, 'r1'));
    at(0, want(2, 'r2'));
    const limited = at(1, err(undefined, 'rate_limit_exceeded'));
    expect(kinds(limited)).toEqual(['rate_limited']);
    expect(sends(at(400, { type: 'tick' }))).toEqual([]);
    expect(sends(at(501, { type: 'tick' }))).toEqual(['subscribe channel.tips/r1#1 n3', 'subscribe channel.tips/r2#1 n4']);
    // the original of r1 was not the rejected one: its late success confirms r1
    expect(at(502, ok('n1', 'r1'))).toContainEqual({ type: 'subscribed', refs: [1], topic: 'channel.tips', room: 'r1' });
    expect(kinds(at(503, ok('n3', 'r1')))).toEqual(['subscribed']);
    expect(s.byNonce.size).toBe(1);
  });

  it('the last intent wins across a rate limit: subscribe, unsubscribe, subscribe ends subscribed', () => {
    const { at, s } = outbox();
    at(0, { type: 'session', restored: false });
    at(0, want(1));
    at(1, ok('n1', 'r1'));
    at(2, unwant(1));
    at(3, err(undefined, 'rate_limit_exceeded'));
    at(4, want(2));
    // the unsubscribe n2 may still be processed: its answer comes, then the subscribe follows
    at(5, ok('n2'));
    expect(sends(at(600, { type: 'tick' }))).toEqual(['subscribe channel.tips/r1#1 n3']);
    at(601, ok('n3', 'r1'));
    expect(s.slots.get('channel.tips', 'r1')?.held).toBe(true);
  });

  it('retries an unanswered command with backoff and fails it after maxAttempts', () => {
    const { at } = outbox();
    at(0, { type: 'session', restored: false });
    at(0, want(1));
    expect(sends(at(1000, { type: 'tick' }))).toEqual([]);
    expect(sends(at(1100, { type: 'tick' }))).toEqual(['subscribe channel.tips/r1#1 n2']);
    const failed = at(2100, { type: 'tick' });
    expect(failed).toContainEqual(expect.objectContaining({ type: 'failed', refs: [1], error: expect.objectContaining({ code: 'timeout' }) }));
  });

  it('asks for no tick while no session is up, even with a backoff due', () => {
    const { at, s } = outbox();
    at(0, { type: 'session', restored: false });
    at(0, want(1));
    at(1, err('n1', 'err_deadline_exceeded'));
    at(2, { type: 'down' });
    expect(nextWake(s, 500, config())).toBeUndefined();
    expect(sends(at(501, { type: 'session', restored: false }))).toEqual(['subscribe channel.tips/r1#1 n2']);
  });

  it('fails only the token the gateway refuses, in a slot another token holds', () => {
    const { at } = outbox();
    at(0, { type: 'session', restored: false });
    at(0, want(1, 'r1', 1));
    at(0, want(2, 'r1', 2));
    expect(sends(at(1, ok('n1', 'r1')))).toEqual(['subscribe channel.tips/r1#2 n2']);
    const out = at(2, err('n2', 'err_unauthorized'));
    expect(out).toContainEqual(expect.objectContaining({ type: 'failed', refs: [2], error: expect.objectContaining({ code: 'err_unauthorized' }) }));
    expect(sends(out)).toEqual([]);
  });

  it('learns an alias: a later want of the alias and the pending unsubscribe of the canonical room cancel', () => {
    const { at } = outbox();
    at(0, { type: 'session', restored: false });
    at(0, want(1, 'me'));
    expect(at(1, ok('n1', '123'))).toContainEqual({ type: 'subscribed', refs: [1], topic: 'channel.tips', room: '123' });
    at(2, unwant(1, 'me'));
    at(2, want(3, 'me'));
    expect(sends(at(1000, { type: 'tick' }))).toEqual([]);
  });

  it('issues again, after the restored welcome, a command that crossed the reconnect frame', () => {
    const { at } = outbox();
    at(0, { type: 'session', restored: false });
    at(0, want(1));
    at(1, { type: 'crossing' });
    at(2, want(2, 'r2'));
    expect(sends(at(3, ok('n1', 'r1')))).toEqual([]);
    expect(sends(at(10, { type: 'session', restored: true }))).toEqual(['subscribe channel.tips/r2#1 n2', 'subscribe channel.tips/r1#1 n3']);
  });

  it('sends every wanted subscription again on a fresh session, user commands first', () => {
    const { at } = outbox();
    at(0, { type: 'session', restored: false });
    at(0, want(1, 'r1'));
    at(1, ok('n1', 'r1'));
    at(2, { type: 'down' });
    at(3, want(2, 'r2'));
    expect(sends(at(10, { type: 'session', restored: false }))).toEqual(['subscribe channel.tips/r1#1 n2', 'subscribe channel.tips/r2#1 n3']);
  });
});
