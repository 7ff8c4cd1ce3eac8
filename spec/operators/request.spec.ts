import { EMPTY, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { AstroError } from '../../lib/errors/astroError';
import { request } from '../../lib/operators/request';
import type { ClientCommand } from '../../lib/protocol/commands';
import { subscribeCommand, withNonce } from '../../lib/protocol/commands';
import type { ServerFrame } from '../../lib/protocol/frames';
import { createTestScheduler } from '../helpers/testScheduler';
import { failure, ok, rateLimited, tip } from './frameFixtures';
import { TOKEN } from './queueFixtures';

const tips = subscribeCommand({ topic: 'channel.tips', room: 'r1', token: TOKEN });
const frames = { m: tip, x: ok('n9'), r: ok('n1'), e: failure('n1', 'err_bad_request', 'unknown topic'), l: rateLimited };

/** A nonce factory returning n1, n2, … */
const counter = () => {
  let n = 0;
  return () => `n${++n}`;
};

describe('request', () => {
  let testScheduler: TestScheduler;
  let sent: ClientCommand[];
  const send = (command: ClientCommand) => {
    sent.push(command);
  };
  beforeEach(() => {
    testScheduler = createTestScheduler();
    sent = [];
  });

  it('emits the matching response out of interleaved frames and completes', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const incoming = hot<ServerFrame>('--m-x-r--', frames);
      const expected = '                 ------(r|)';
      expectObservable(request(incoming, tips, { send, nonce: counter(), scheduler: testScheduler })).toBe(expected, frames);
      expectSubscriptions(incoming.subscriptions).toBe('^-----!');
    });
    expect(sent).toEqual([withNonce(tips, 'n1')]);
  });

  it('sends on subscribe, not before', () => {
    const response$ = request(EMPTY, tips, { send, nonce: counter() });
    expect(sent).toEqual([]);
    response$.subscribe({ error: () => undefined });
    expect(sent).toEqual([withNonce(tips, 'n1')]);
  });

  it('catches a response that send delivers synchronously', () => {
    const incoming = new Subject<ServerFrame>();
    const responses: unknown[] = [];
    request(incoming, tips, { send: (command) => incoming.next(ok(command.nonce ?? '?')), nonce: () => 'n7' }).subscribe({
      next: (r) => responses.push(r),
      complete: () => responses.push('done'),
    });
    expect(responses).toEqual([ok('n7'), 'done']);
  });

  it('errors with timeout at exactly requestTimeoutMs', () => {
    testScheduler.run(({ hot, time, expectObservable }) => {
      const incoming = hot<ServerFrame>('--m-x---', frames);
      const timeout = time('             -----|');
      const expected = '                 -----#';
      const error = new AstroError('timeout', 'subscribe channel.tips in room r1 got no response within 5 ms');
      const result = request(incoming, tips, { send, nonce: counter(), requestTimeoutMs: timeout, scheduler: testScheduler });
      expectObservable(result).toBe(expected, undefined, error);
    });
  });

  it("errors with the gateway's code for an error response", () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const incoming = hot<ServerFrame>('--x-e--', frames);
      const expected = '                 ----#';
      const error = new AstroError('err_bad_request', 'subscribe channel.tips in room r1 failed with err_bad_request: unknown topic');
      expectObservable(request(incoming, tips, { send, nonce: counter(), scheduler: testScheduler })).toBe(expected, undefined, error);
    });
  });

  it('takes a nonce-less rate_limit_exceeded as its answer while it waits', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const incoming = hot<ServerFrame>('--l--', frames);
      const expected = '                 --#';
      const error = new AstroError('rate_limit_exceeded', 'subscribe channel.tips in room r1 failed with rate_limit_exceeded: rate limit exceeded');
      expectObservable(request(incoming, tips, { send, nonce: counter(), scheduler: testScheduler })).toBe(expected, undefined, error);
    });
  });

  it('errors with closed when the frames end first', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const incoming = hot<ServerFrame>('--m-|', frames);
      const expected = '                 ----#';
      const error = new AstroError('closed', 'subscribe channel.tips in room r1 was not answered: the response stream ended');
      expectObservable(request(incoming, tips, { send, nonce: counter(), scheduler: testScheduler })).toBe(expected, undefined, error);
    });
  });

  it('passes on an error thrown by send', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const incoming = hot<ServerFrame>('--r--', frames);
      const broken = new Error('socket is not open');
      const result = request(incoming, tips, {
        send: () => {
          throw broken;
        },
        nonce: counter(),
        scheduler: testScheduler,
      });
      expectObservable(result).toBe('#', undefined, broken);
      expectSubscriptions(incoming.subscriptions).toBe('(^!)');
    });
  });

  it('stops listening when unsubscribed early', () => {
    testScheduler.run(({ hot, flush, expectObservable, expectSubscriptions }) => {
      const incoming = hot<ServerFrame>('--m---r--', frames);
      const unsub = '                   ---!';
      expectObservable(request(incoming, tips, { send, nonce: counter(), scheduler: testScheduler }), unsub).toBe('---');
      expectSubscriptions(incoming.subscriptions).toBe('^--!');
      flush();
      expect(testScheduler.now()).toBe(6);
    });
  });

  it('uses a fresh nonce for each subscription', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const incoming = hot<ServerFrame>('--a--b', { a: ok('n2'), b: ok('n1') });
      const result = request(incoming, tips, { send, nonce: counter(), scheduler: testScheduler });
      expectObservable(result).toBe('-----(b|)', { b: ok('n1') });
      expectObservable(result).toBe('--(a|)', { a: ok('n2') });
    });
    expect(sent).toEqual([withNonce(tips, 'n1'), withNonce(tips, 'n2')]);
  });

  it('throws a TypeError at call time without a send function', () => {
    expect(() => request(EMPTY, tips, {} as never)).toThrow(new TypeError('request: option send must be a function, got undefined'));
  });

  it('throws a TypeError at call time for a bad requestTimeoutMs', () => {
    expect(() => request(EMPTY, tips, { send, requestTimeoutMs: -1 })).toThrow(
      new TypeError('correlate: option requestTimeoutMs must be a finite number > 0 (or Infinity), got -1'),
    );
  });
});
